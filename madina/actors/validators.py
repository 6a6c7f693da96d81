"""Checks on the registry's values, shared by the forms, the API and the services."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# An IATI organisation identifier is the code of a registration agency (which begins with a
# country or "XM"/"XI" code of two capital letters) followed by the identifier the agency gave:
# "MA-RC-12345", "XM-DAC-41304", "GB-CHC-202918".
_IATI_REF = re.compile(r"^[A-Z]{2}-[A-Za-z0-9][A-Za-z0-9._/-]*$")


def validate_iati_ref(value: str) -> None:
    if value and not _IATI_REF.match(value):
        raise ValidationError(
            _(
                "An IATI identifier starts with a two-letter agency prefix and a dash, "
                "for example MA-RC-12345 or XM-DAC-41304."
            ),
            code="iati_ref",
        )
