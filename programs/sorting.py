"""Orders that read as a reader expects: names without regard to case ("CSIS" among the C's,
not before "Cambridge"), on SQLite and PostgreSQL alike, whatever the database's collation.

`readable(*fields)` turns a model's ordering ("name", "-date") into expressions that sort text
fields by Lower(); ties are broken by the field itself, then by id, so that pages never shuffle.
"""

from django.db.models import CharField, F, TextField
from django.db.models.functions import Lower


def readable(model, *ordering):
    """ORDER BY terms for `ordering` (field names, "-" for descending) of `model`."""
    terms = []
    for name in ordering:
        descending = name.startswith("-")
        field_name = name.lstrip("-")
        field = _field(model, field_name)
        if isinstance(field, CharField | TextField) and not field.choices:
            lowered = Lower(field_name)
            terms.append(lowered.desc(nulls_last=True) if descending else lowered.asc(nulls_last=True))
        plain = F(field_name)
        terms.append(plain.desc(nulls_last=True) if descending else plain.asc(nulls_last=True))
    terms.append(F("pk").asc())
    return terms


def _field(model, path):
    *relations, last = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(last)


def column_sort(asked, columns, default):
    """(column key, descending) from a `sort` parameter ("value", "-value"), or the default when
    it names no column of `columns`."""
    key = (asked or "").removeprefix("-")
    if key not in columns:
        return default, False
    return key, asked.startswith("-")
