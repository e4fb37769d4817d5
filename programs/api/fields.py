"""What a record's JSON gives of its own fields, derived from the model, so that the document
and the answers follow the models: each public field once, typed from its model field, described
by its help text; a foreign key as a reference to the record when it is published, else null;
other names as a list; a field the sources leave empty as null.

`Ref` is how every record is named from another one: its id, slug, name, page and JSON.
"""

from decimal import Decimal
from typing import Literal

from django.db import models
from django.urls import reverse
from ninja import Schema
from pydantic import Field, create_model

from ..partial_dates import PartialDateField

# Fields that are the machinery of a record, not what the sources say of it.
HIDDEN = {"id", "slug", "is_published", "created_at", "updated_at", "related_names", "search_vector"}
# "url" is the address of a record's page in every answer; a source's own address is renamed.
RENAMED = {("source", "url"): "document_url"}
# The field that names a record of each kind, when it is not `name`.
NAMED_BY = {"source": "title", "statistic": "measure"}


class Ref(Schema):
    """A published record, as others name it."""

    id: int = Field(description="The record's id: stable, and the first column of its CSV.")
    slug: str = Field(description="Its address in URLs.")
    name: str = Field(description="Its name (a source's title, a statistic's measure).")
    url: str = Field(description="Its page.")
    api_url: str = Field(description="Its JSON.")


def name_of(record):
    return getattr(record, NAMED_BY.get(record._meta.model_name, "name"))


def ref(request, record, published=False):
    """A reference to `record`, or None for no record or a draft (a reader never sees one).
    `published`: the record was read from a published() queryset, which may not load the flag."""
    if record is None or not (published or record.is_published):
        return None
    model_name = record._meta.model_name
    return {
        "id": record.pk,
        "slug": record.slug,
        "name": name_of(record),
        "url": request.build_absolute_uri(record.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse(f"api:{model_name}", args=[record.slug])),
    }


def public_fields(model, names=None):
    """The fields of `model` its JSON gives (or those of `names`, in that order): concrete
    fields and plain many-to-many fields. Relationships with a record of their own (an
    initiative's tracks, roles…) are given with their citations by each kind (programs.api.records)."""
    fields = [field for field in model._meta.concrete_fields if field.name not in HIDDEN]
    fields += [field for field in model._meta.many_to_many if field.remote_field.through._meta.auto_created]
    if names is None:
        return fields
    by_name = {field.name: field for field in fields}
    return [by_name[name] for name in names]


def key(model, name):
    """The name of a field (or fact) in the answers."""
    return RENAMED.get((model._meta.model_name, name), name)


def _type(field):
    if field.many_to_many:
        return list[Ref]
    if field.is_relation:
        return Ref | None
    if field.name == "other_names":
        return list[str]
    if field.choices:
        kind = Literal[tuple(value for value, _ in field.flatchoices)]
        return kind | None if field.blank else kind
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DecimalField):
        return float
    if isinstance(field, models.IntegerField):
        return int
    if field.blank or isinstance(field, PartialDateField):
        return str | None
    return str


def _description(field):
    text = str(field.help_text)
    if field.choices:
        text += " One of: " + "; ".join(f"{value} ({label})" for value, label in field.flatchoices) + "."
    if isinstance(field, PartialDateField):
        text += " A partial date: YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source."
    return text


def schema(name, model, names=None, base=Schema, first=None, **more):
    """A pydantic model of the fields `public_fields(model, names)`, after `first` and before
    `more` (pydantic field specifications)."""
    fields = {
        key(model, field.name): (_type(field), Field(description=_description(field)))
        for field in public_fields(model, names)
    }
    return create_model(name, __base__=base, **(first or {}), **fields, **more)


def values(request, record, names=None, loaded=None):
    """{field: value} of `record`, as `schema()` types them. Many-to-many fields are read from
    `loaded` ({field name: the published records}, as the page loaded them), else queried."""
    loaded = loaded or {}
    found = {}
    for field in public_fields(type(record), names):
        if field.many_to_many:
            rows = loaded.get(field.name)
            if rows is None:
                rows = getattr(record, field.name).published()
            value = [ref(request, row) for row in rows]
        elif field.is_relation:
            value = ref(request, getattr(record, field.name))
        else:
            value = getattr(record, field.attname)
            if field.name == "other_names":
                value = [line.strip() for line in value.splitlines() if line.strip()]
            elif isinstance(value, Decimal):
                value = float(value)
            elif value == "" and _type(field) is not str:
                value = None  # the sources say nothing of it
        found[key(type(record), field.name)] = value
    return found
