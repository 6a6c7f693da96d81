from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """A password mixes at least three of: lower-case, upper-case, digits, other characters.

    Letters of scripts without case (Arabic) count as both lower and upper case.
    """

    def validate(self, password: str, user=None) -> None:
        classes = 0
        classes += any(ch.islower() or (ch.isalpha() and not ch.isupper()) for ch in password)
        classes += any(ch.isupper() or (ch.isalpha() and not ch.islower()) for ch in password)
        classes += any(ch.isdigit() for ch in password)
        classes += any(not ch.isalnum() for ch in password)
        if classes < 3:
            raise ValidationError(
                _(
                    "Your password must mix at least three of: lower-case letters, "
                    "upper-case letters, digits and other characters."
                ),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least three of: lower-case letters, upper-case letters, "
            "digits and other characters."
        )
