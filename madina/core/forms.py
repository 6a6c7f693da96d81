"""What every form of the platform shares: Bootstrap classes, direction and accessible errors.

Templates render fields with ``includes/field.html`` and form-wide errors with
``includes/form_errors.html``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
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


def _attributes(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them, in the same order: ``True`` alone,
    ``False`` and ``None`` left out."""
    parts = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, str(value)))
    return mark_safe("".join(parts))  # noqa: S308 — every part is escaped by format_html


class _OptionsInPython:
    """A select whose options are written in Python, with the markup of Django's templates.

    The registry's filters and the initiative form offer ~250 communes and ~150 organisations;
    Django renders every option through two template includes, which took a third of those
    pages' time under load (issue 8, docs/performance.md). Same context, same HTML.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        str(option["value"]),
                        _attributes(option["attrs"]),
                        conditional_escape(option["label"]),
                    )
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every part is escaped by format_html


class FastSelect(_OptionsInPython, forms.Select):
    pass


class FastSelectMultiple(_OptionsInPython, forms.SelectMultiple):
    pass


_FAST = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}


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
            # Plain selects only: a subclass may have a template of its own.
            if type(widget) in _FAST:
                widget.__class__ = _FAST[type(widget)]
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
