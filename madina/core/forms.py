"""What every form of the platform shares: Bootstrap classes, direction and accessible errors.

Templates render fields with ``includes/field.html`` and form-wide errors with
``includes/form_errors.html``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The first choice of a filter, named after what it filters: a bare "all" cannot agree with the
# noun in French ("toutes les communes", "tous les secteurs") or read naturally in Arabic.
EVERY = {
    "organisation": _("all organisations"),
    "sector": _("all sectors"),
    "province": _("all provinces and prefectures"),
    "commune": _("all communes"),
    "target_group": _("all target groups"),
    "status": _("all statuses"),
    "type": _("all types"),
}


def _add_class(widget: forms.Widget, css: str) -> None:
    classes = widget.attrs.get("class", "").split()
    if css not in classes:
        classes.append(css)
    widget.attrs["class"] = " ".join(classes)


class BootstrapMixin:
    """Bootstrap classes on every widget; invalid fields point at their error message.

    E-mail addresses, web addresses and phone numbers are typed left to right even on Arabic
    pages. Call ``style_widgets()`` again after replacing a widget in ``__init__``.
    """

    ltr_fields: tuple[str, ...] = ("phone",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
            ):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            _add_class(widget, css)
            if isinstance(widget, forms.EmailInput | forms.URLInput) or name in self.ltr_fields:
                widget.attrs.setdefault("dir", "ltr")
            if field.help_text and not isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            auto_id = self[name].auto_id
            described = [f"{auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{auto_id}_helptext")
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = " ".join(described)
            _add_class(widget, "is-invalid")


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the fields it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
