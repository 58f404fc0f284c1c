"""Posting admin change forms back as a browser would."""

from __future__ import annotations


def _values(form) -> dict[str, object]:
    data: dict[str, object] = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[form.add_prefix(name)] = "on"
        elif isinstance(value, list):
            data[form.add_prefix(name)] = [str(v) for v in value]
        elif value is not None and value is not False:
            data[form.add_prefix(name)] = str(value)
    return data


def change_form_data(response) -> dict[str, object]:
    """What the browser would post back from an admin change page, unchanged."""
    data = _values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _values(formset.management_form)
        for form in formset.forms:
            data |= _values(form)
    return data
