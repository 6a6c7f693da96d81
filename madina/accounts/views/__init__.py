"""Views of the accounts app, split by sub-domain: sign-in, second factor, profile, members."""
