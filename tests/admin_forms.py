"""Helpers for the admin's tests: post a change form the way a browser would."""

import re

from django.urls import reverse

from tests.dom import dom
from tests.hostile import FormReader


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:programs_{model._meta.model_name}_{view}", args=args)


def form_data(response):
    """The POST data of the admin's form in `response`, as a browser would send it untouched:
    one value a field ("on" for a ticked box), a list for a multiple choice."""
    html = response.content.decode()
    form_id = re.search(r'<form\b[^>]*\bid="(\w+_form)"', html).group(1)
    reader = FormReader(form_id)
    reader.feed(html)
    return {name: values[0] if len(values) == 1 else values for name, values in reader.data.items() if values}


def change(client, record, **changes):
    """Open `record`'s change page, change some fields and save. Returns the save's response."""
    url = admin_url(type(record), "change", record.pk)
    data = {**form_data(client.get(url)), **changes}
    return client.post(url, data)


def errors(response):
    """The errors the form shows, by field ("__all__" for the form's own), as plain strings; a
    row's by its inline and field ("citations-passage"), an inline's own by its prefix."""
    page = dom(response)
    found, in_inlines = {}, set()

    def add(key, listed):
        found.setdefault(key, []).extend(item.text for item in listed.find_all("li"))

    for group in page.find_all("div", class_="inline-group"):
        prefix = group.attr("id").removesuffix("-group")
        for listed in group.find_all("ul", class_="errorlist"):
            in_inlines.add(id(listed.element))
            if "nonform" in listed.classes:
                add(prefix, listed)
            elif "nonfield" in listed.classes:
                add(f"{prefix}-__all__", listed)
    for listed in page.find_all("ul", class_="errorlist"):
        if listed.attr("id"):  # "id_end_error", "id_citations-0-passage_error"
            name = listed.attr("id").removeprefix("id_").removesuffix("_error")
            row = re.fullmatch(r"(.+)-\d+-(.+)", name)
            add(f"{row[1]}-{row[2]}" if row else name, listed)
        elif "nonfield" in listed.classes and id(listed.element) not in in_inlines:
            add("__all__", listed)
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
