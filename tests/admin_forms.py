"""Helpers for the admin's tests: post a change form the way a browser would."""

from django.urls import reverse

from tests.dom import dom


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:programs_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data of the admin form in `response`, as a browser would send it untouched."""
    context = response.context
    forms = [context["adminform"].form]
    data = {}
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = str(value)
    return data


def change(client, record, **changes):
    """Open `record`'s change page, change some fields and save. Returns the save's response."""
    url = admin_url(type(record), "change", record.pk)
    data = {**form_data(client.get(url)), **changes}
    return client.post(url, data)


def errors(response):
    """The form's errors by field ("__all__" for the form's own), as plain strings."""
    form = response.context["adminform"].form
    found = {field: list(messages) for field, messages in form.errors.items()}
    for inline in response.context.get("inline_admin_formsets", []):
        for inline_form in inline.formset.forms:
            for field, messages in inline_form.errors.items():
                found.setdefault(f"{inline.formset.prefix}-{field}", []).extend(messages)
        found_non_form = list(inline.formset.non_form_errors())
        if found_non_form:
            found.setdefault(inline.formset.prefix, []).extend(found_non_form)
    return found


def add_row(data, prefix, **fields):
    """Add a row to the inline formset `prefix` of the form data, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in fields.items()})
    return data


def listed(response, column):
    """The text of one column of the admin's list, row by row, as the curator sees it."""
    table = dom(response).by_id("result_list")
    if table is None:  # no record: the admin shows no table
        return []
    return [row.find(class_=f"field-{column}").text for row in table.find("tbody").find_all("tr")]
