"""Dates that keep the precision the source gives them.

A partial date is stored as text: "1960s" (a decade), "2000s-1", "2000s-2" or "2000s-3" (the
early, middle or late part of a decade, when the source says no more: "in the early 2000s"),
"1960" (a year), "2016-03" (a month) or "2016-11-05" (a day). Text in this form sorts in time
order (a decade, then its early, middle and late parts, then its second year), so it can be
compared and ordered in the database without pretending that "1960" means 1 January 1960 or
that "the early 2000s" means any particular years.
"""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Left, Length
from django.utils.dates import MONTHS

PATTERN = r"^(\d{3}0s(-[1-3])?|\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)$"

# The parts of a decade, as "YYY0s-N" stores them and as they read.
DECADE_PARTS = {"1": "early {}", "2": "mid-{}", "3": "late {}"}

validate_partial_date = RegexValidator(
    PATTERN,
    'Enter a date as precise as the source: "1960s", "1960", "2016-03" or "2016-11-05"; '
    'for part of a decade, "2000s-1" (early 2000s), "2000s-2" (mid-2000s) or "2000s-3" (late 2000s).',
)


class PartialDateField(models.CharField):
    """A `YYYY[-MM[-DD]]`, `YYY0s` or `YYY0s-N` date, empty when the source gives none."""

    default_validators = [validate_partial_date]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 10:
            del kwargs["max_length"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs


def well_formed(field):
    """A condition for a CheckConstraint: the field is empty or a partial date."""
    return Q(**{field: ""}) | Q(**{f"{field}__regex": PATTERN})


def in_order(start, end):
    """A condition for a CheckConstraint: `end` is not before `start`.

    Dates of different precision are compared at the coarser one, so a span that starts in
    "2016-03" and ends in "2016" is accepted; a decade, or a part of one, counts from the
    decade's first year ("2000s-3" may end in "2003").
    """
    return Q(**{start: ""}) | Q(**{end: ""}) | Q(**{f"{end}__gte": Left(start, Length(end))})


def year_of(value):
    """The first year a partial date covers, or None."""
    return int(value[:4]) if value else None


def display(value):
    """A partial date in words: "1960s", "early 2000s", "1960", "March 2016", "5 November 2016"."""
    if not value or not re.match(PATTERN, value):
        return value
    if value.endswith("s") or len(value) == 4:
        return value
    decade, _, part = value.partition("s-")
    if part:
        return DECADE_PARTS[part].format(f"{decade}s")
    year, month, *day = value.split("-")
    words = f"{MONTHS[int(month)].title()} {year}"
    return f"{int(day[0])} {words}" if day else words


def display_span(start, end):
    """A span in words: "1960 – 2016", "from 2011", "until 2016", or ""."""
    if start and end:
        return display(start) if start == end else f"{display(start)} – {display(end)}"
    if start:
        return f"from {display(start)}"
    if end:
        return f"until {display(end)}"
    return ""
