"""Forms of the import pages (upload, column mapping)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from madina.actors.models import Organisation
from madina.core.forms import BootstrapMixin
from madina.interop.fields import FIELDS, REQUIRED
from madina.interop.services import MAX_UPLOAD_BYTES, importable_organisation_ids


class ImportUploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("3W sheet"),
        help_text=_(
            "An .xlsx workbook (first sheet) or a .csv file saved as UTF-8, with one row of "
            "headers, optionally followed by a row of HXL hashtags. At most %(limit)s MB."
        )
        % {"limit": MAX_UPLOAD_BYTES // 1_048_576},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("lead organisation by default"),
        help_text=_("Used for the rows whose lead organisation is not given in the file."),
        required=False,
        queryset=Organisation.objects.none(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = importable_organisation_ids(user)
        queryset = Organisation.objects.filter(is_active=True).order_by("name_fr", "name_ar")
        if allowed is not None:
            queryset = queryset.filter(pk__in=allowed)
            if len(allowed) == 1:
                self.fields["organisation"].initial = next(iter(allowed))
        self.fields["organisation"].queryset = queryset
        self.style_widgets()


class ImportMappingForm(BootstrapMixin, forms.Form):
    """One choice per field of the registry: which column of the file fills it."""

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        columns = [
            (
                str(index),
                f"{get_column_letter(index + 1)} — {header}"
                if header
                else get_column_letter(index + 1),
            )
            for index, header in enumerate(job.headers)
        ]
        if any(job.hxl_tags):
            columns = [
                (value, f"{label} {job.hxl_tags[int(value)]}".strip()) for value, label in columns
            ]
        for field in FIELDS:
            self.fields[field.name] = forms.TypedChoiceField(
                label=field.label,
                help_text=field.help,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("— not in the file —")), *columns],
                initial=job.mapping.get(field.name),
            )
        for name in REQUIRED:
            self.fields[name].help_text = _("Required.")
        self.style_widgets()

    def mapping(self) -> dict[str, int]:
        return {name: value for name, value in self.cleaned_data.items() if value is not None}
