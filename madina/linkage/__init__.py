"""Person matching (issue 9): names across scripts, scoring in clear, keyed Bloom encodings.

A plain library, no models: normalise.py, similarity.py, encoding.py, compare.py (decision 28).
"""
