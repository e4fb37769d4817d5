"""Data releases: the published knowledge base as a Frictionless Data Package.

`releases/<version>/` holds one CSV per table, `datapackage.json` (a Table Schema for every
table: each field described, its choices listed — the codebook — with keys and references, and
each file's size and SHA-256) and `SHA256SUMS` (every file's checksum, the package's included).
Records are named by their slugs, links by the slugs of their ends; only what readers may see
goes in. Rows are sorted by their keys and nothing depends on the hour or the database, so the
same data give the same bytes.
"""

import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
from datetime import UTC
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import models

from . import citing, partial_dates
from .models import (
    CITABLE,
    Affiliation,
    Citation,
    Country,
    Event,
    Initiative,
    InitiativeCountry,
    InitiativeInstitution,
    InitiativePerson,
    InitiativeTopic,
    InitiativeTrack,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)
from .partial_dates import PartialDateField
from .progress import silent

PACKAGE = "datapackage.json"
SUMS = "SHA256SUMS"
# Not data: keys of the database, flags that are always true here, timestamps of writes (the
# fixtures' are the article's date), the search's own columns.
LEFT_OUT = {"id", "is_published", "created_at", "updated_at", "related_names", "search_vector"}
RECORDS = [Country, Topic, Institution, Person, Source, Track, Initiative, Event, Statistic]
LINKS = [
    Affiliation,
    InitiativeTrack,
    InitiativeTopic,
    InitiativeCountry,
    InitiativeInstitution,
    InitiativePerson,
]
# Plain many-to-many fields: (model, field).
PAIRS = [(Source, "authors"), (Track, "coined_by"), (Event, "institutions"), (Event, "people")]
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
KEY_SEPARATOR = " | "


# What each table holds, for its description.
ABOUT = {
    Country: "Countries, a controlled vocabulary used as a facet.",
    Topic: "Topics, a controlled vocabulary used as a facet.",
    Institution: "Universities, foundations, think tanks, government bodies and other institutions.",
    Person: "People the sources name.",
    Source: "The documents that state the facts: the article and the reports it cites.",
    Track: "Track I (official), Track 1.5 (mixed) and Track II (unofficial) diplomacy.",
    Initiative: "Dialogues, exchanges, partnerships, forums and programs.",
    Event: "Things that happened on a date within an initiative.",
    Statistic: "Figures the sources report, as they state them and as numbers.",
    Affiliation: "A person's post, degree or membership at an institution.",
    InitiativeTrack: "The track or tracks of each initiative.",
    InitiativeTopic: "The topics of each initiative.",
    InitiativeCountry: "The countries each initiative brings together or works in.",
    InitiativeInstitution: "The institutions of each initiative, with their role.",
    InitiativePerson: "The people of each initiative, with their role.",
}


def releases_dir():
    return Path(settings.ATLAS_RELEASES_DIR)


def table_name(model):
    return re.sub(r"[^a-z0-9]+", "-", str(model._meta.verbose_name_plural).lower()).strip("-")


def described(text):
    text = str(text or "").strip()
    return text if not text or text.endswith((".", "?", ")")) else f"{text}."


# ---------------------------------------------------------------------------------------------
# Tables


class Table:
    """One CSV of the package: its name, schema and rows (lists of text), sorted by key."""

    def __init__(self, name, title, description, fields, key, references, rows):
        self.name, self.title, self.description = name, title, description
        self.fields, self.key, self.references = fields, key, references
        positions = [index for index, field in enumerate(fields) if field["name"] in key]
        self.rows = sorted(rows, key=lambda row: [row[index] for index in positions])

    def csv(self):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(field["name"] for field in self.fields)
        writer.writerows(self.rows)
        return out.getvalue().encode()

    def schema(self):
        schema = {"fields": self.fields, "primaryKey": self.key}
        if self.references:
            schema["foreignKeys"] = self.references
        return schema


def field_schema(field):
    """The Table Schema of a model field: type, description, constraints, choices."""
    schema = {"name": field.name, "title": str(field.verbose_name), "type": "string"}
    description = described(field.help_text)
    constraints = {}
    if isinstance(field, models.ForeignKey):
        target = table_name(field.related_model)
        description = f"{description} The slug of a record of `{target}`.".strip()
    elif isinstance(field, models.DecimalField):
        schema["type"] = "number"
    elif isinstance(field, models.IntegerField):
        schema["type"] = "integer"
    elif isinstance(field, models.URLField):
        schema["format"] = "uri"
    elif isinstance(field, PartialDateField):
        constraints["pattern"] = partial_dates.PATTERN.strip("^$")
        description = (
            f"{description} A date as precise as the source: 1960s, 1960, 2016-03 or 2016-11-05.".strip()
        )
    if field.choices:
        constraints["enum"] = [value for value, _ in field.flatchoices]
        labels = "; ".join(f"{value} ({label})" for value, label in field.flatchoices)
        description = f"{description} One of: {labels}.".strip()
        # The codebook as Data Package v2 writes it.
        schema["categories"] = [{"value": value, "label": str(label)} for value, label in field.flatchoices]
    if not field.null and not field.blank:
        constraints["required"] = True
    schema["description"] = description
    if constraints:
        schema["constraints"] = constraints
    return schema


def text(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def data_fields(model):
    return [field for field in model._meta.concrete_fields if field.name not in LEFT_OUT]


def model_table(model, queryset, key):
    """The table of a model's published rows: foreign keys as the slugs of published records."""
    fields = data_fields(model)
    columns = []
    for field in fields:
        if isinstance(field, models.ForeignKey):
            columns += [f"{field.name}__slug", f"{field.name}__is_published"]
        else:
            columns.append(field.attname)
    rows = []
    for values in queryset.values(*columns):
        row = []
        for field in fields:
            if isinstance(field, models.ForeignKey):
                published = values[f"{field.name}__is_published"]
                row.append(values[f"{field.name}__slug"] if published else "")
            else:
                row.append(text(values[field.attname]))
        rows.append(row)
    references = [
        {"fields": field.name, "reference": {"resource": table_name(field.related_model), "fields": "slug"}}
        for field in fields
        if isinstance(field, models.ForeignKey)
    ]
    meta = model._meta
    return Table(
        table_name(model),
        str(meta.verbose_name_plural).capitalize(),
        ABOUT[model],
        [field_schema(field) for field in fields],
        list(key),
        references,
        rows,
    )


def pair_table(model, name):
    """A plain many-to-many field as a table of pairs of slugs, both ends published."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    own, other = model._meta.model_name, field.related_model._meta.model_name
    owners = model.objects.published().values("pk")
    others = field.related_model.objects.published().values("pk")
    pairs = through.objects.filter(**{f"{own}__in": owners, f"{other}__in": others})
    rows = [list(pair) for pair in pairs.values_list(f"{own}__slug", f"{other}__slug")]
    own_table, other_table = table_name(model), table_name(field.related_model)
    return Table(
        f"{own_table}-{name.replace('_', '-')}",
        f"{str(model._meta.verbose_name_plural).capitalize()}: {field.verbose_name}",
        described(field.help_text),
        [
            {
                "name": own,
                "type": "string",
                "description": f"The slug of a record of `{own_table}`.",
                "constraints": {"required": True},
            },
            {
                "name": other,
                "type": "string",
                "description": f"The slug of a record of `{other_table}`.",
                "constraints": {"required": True},
            },
        ],
        [own, other],
        [
            {"fields": own, "reference": {"resource": own_table, "fields": "slug"}},
            {"fields": other, "reference": {"resource": other_table, "fields": "slug"}},
        ],
        rows,
    )


def citation_table():
    citations = Citation.objects.published().of_published_subjects().with_subjects().select_related("source")
    rows = []
    for citation in citations:
        key = citation.subject.natural_key()
        rows.append(
            [
                str(citation.key),
                citation.source.slug,
                citation.subject_field,
                KEY_SEPARATOR.join(map(str, key)),
                citation.passage,
                text(citation.position),
                json.dumps(citation.facts or []),
                citation.note,
            ]
        )
    meta = Citation._meta
    kinds = "; ".join(f"{subject} (`{table_name(model)}`)" for subject, (model, _) in CITABLE.items())
    field = meta.get_field
    return Table(
        "citations",
        "Citations",
        described(Citation.__doc__.strip().splitlines()[0]),
        [
            {
                "name": "key",
                "type": "string",
                "format": "uuid",
                "description": "The citation's own lasting identifier.",
                "constraints": {"required": True},
            },
            {
                **field_schema(field("source")),
                "name": "source",
            },
            {
                "name": "subject_kind",
                "title": "subject kind",
                "type": "string",
                "description": "What kind of record or relationship the passage supports, and its "
                f"table. One of: {kinds}.",
                "constraints": {"required": True, "enum": list(CITABLE)},
            },
            {
                "name": "subject",
                "type": "string",
                "description": "What the passage supports, by its key in its table: a record's slug; "
                "for a relationship, the slugs of its two ends then its role or title, joined by "
                f"'{KEY_SEPARATOR}'.",
                "constraints": {"required": True},
            },
            field_schema(field("passage")),
            field_schema(field("position")),
            {
                "name": "facts",
                "type": "array",
                "description": described(field("facts").help_text)
                + " A JSON array of field names of the subject's table.",
            },
            field_schema(field("note")),
        ],
        ["key"],
        [{"fields": "source", "reference": {"resource": "sources", "fields": "slug"}}],
        rows,
    )


def tables():
    """What makes each table of a release (called one by one, so that progress can be shown):
    records first, then links, pairs and citations."""
    return [
        *(partial(model_table, model, model.objects.published(), ["slug"]) for model in RECORDS),
        *(partial(model_table, model, model.objects.published(), model.KEY) for model in LINKS),
        *(partial(pair_table, model, name) for model, name in PAIRS),
        citation_table,
    ]


# ---------------------------------------------------------------------------------------------
# The package


def sha256(content):
    return hashlib.sha256(content).hexdigest()


def build(version, created, previous=None, progress=silent):
    """The files of a release, {name: bytes}: the CSVs, datapackage.json and SHA256SUMS."""
    files, resources, contents = {}, [], {}
    makers = tables()
    for done, make in enumerate(makers):
        progress("tables", done, len(makers))
        table = make()
        content = table.csv()
        path = f"{table.name}.csv"
        files[path] = content
        contents[table.name] = table
        resources.append(
            {
                "name": table.name,
                "path": path,
                "title": table.title,
                "description": table.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": f"sha256:{sha256(content)}",
                "schema": table.schema(),
            }
        )
    progress("tables", len(makers), len(makers))
    package = {
        "profile": "tabular-data-package",
        "name": "track-ii-atlas",
        "title": f"{citing.ATLAS}: Track II and Track 1.5 diplomacy between the United States and Russia",
        "description": (
            "The published records of the Track II Atlas — initiatives, institutions, people, tracks, "
            "events, statistics, sources, topics, countries — the relationships between them, and the "
            "verbatim passages of the sources that support each fact."
        ),
        "version": version,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if created else None,
        "licenses": [citing.DATA_LICENSE],
        "resources": resources,
    }
    if package["created"] is None:
        del package["created"]
    if previous is not None:
        package["changes"] = changes(previous, contents)
    files[PACKAGE] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode()
    files[SUMS] = "".join(f"{sha256(content)}  {name}\n" for name, content in sorted(files.items())).encode()
    return files


def changes(previous, tables):
    """What changed since the release `previous` (a Release): records added, changed, removed."""
    counts = {"since": previous.version, "added": {}, "changed": {}, "removed": {}}
    for name, table in tables.items():
        before = previous.rows(name, table.key)
        positions = [index for index, field in enumerate(table.fields) if field["name"] in table.key]
        after = {tuple(row[index] for index in positions): row for row in table.rows}
        found = {
            "added": sum(1 for key in after if key not in before),
            "changed": sum(1 for key, row in after.items() if key in before and before[key] != row),
            "removed": sum(1 for key in before if key not in after),
        }
        for what, number in found.items():
            if number:
                counts[what][name] = number
    return counts


class Release:
    """A release on disk."""

    def __init__(self, path):
        self.path = Path(path)
        self.version = self.path.name
        self.package = json.loads((self.path / PACKAGE).read_text(encoding="utf-8"))

    @property
    def created(self):
        return self.package.get("created", "")

    @property
    def changes(self):
        return self.package.get("changes")

    def files(self):
        """[(name, bytes, sha256)] of every file the release lists in SHA256SUMS."""
        listed = []
        for line in (self.path / SUMS).read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            listed.append((name, (self.path / name).stat().st_size, digest))
        return listed

    def rows(self, table, key):
        """{key: row} of one of its tables ({} if it has none of that name)."""
        path = self.path / f"{table}.csv"
        if not path.exists():
            return {}
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            positions = [header.index(name) for name in key if name in header]
            if len(positions) != len(key):
                return {}
            return {tuple(row[index] for index in positions): row for row in reader}


def releases():
    """The releases on disk, newest first (by the date of their data, then by version)."""
    root = releases_dir()
    if not root.is_dir():
        return []
    found = [
        Release(path) for path in root.iterdir() if (path / PACKAGE).is_file() and VERSION.match(path.name)
    ]
    return sorted(found, key=lambda release: (release.created, release.version), reverse=True)


def write(version=None, progress=silent):
    """Write a release of the data as they are; returns (Release, written). A name already
    released with the same tables is left as it is (written is False)."""
    created = citing.last_change_of_data()
    base = version or (created.astimezone(UTC).strftime("%Y-%m-%d") if created else "initial")
    if not VERSION.match(base):
        raise ValueError(f"Not a version name: {base!r} (letters, digits, '.', '_' and '-').")
    root = releases_dir()
    candidate, number = base, 1
    while True:
        previous = next((r for r in releases() if r.version != candidate), None)
        files = build(candidate, created, previous, progress)
        target = root / candidate
        if not target.exists():
            break
        if same_tables(target, files):
            return Release(target), False
        if version:
            raise FileExistsError(f"Release {version} exists with other data: choose another version.")
        number += 1
        candidate = f"{base}.{number}"
    root.mkdir(parents=True, exist_ok=True)
    # Written beside its place and moved in whole, so a release is never seen half written.
    staging = Path(tempfile.mkdtemp(prefix=f".{candidate}-", dir=root))
    staging.chmod(0o755)  # readable by the server, as a release is published
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release(target), True


def same_tables(folder, files):
    """Whether the release in `folder` holds exactly these tables, byte for byte."""
    tables = {name for name in files if name.endswith(".csv")}
    held = {path.name for path in folder.glob("*.csv")}
    return held == tables and all((folder / name).read_bytes() == files[name] for name in tables)


def validate(release):
    """The frictionless validator's report on a release: errors, or [] when it is valid."""
    from frictionless import validate as frictionless_validate

    # It checks each table against its schema, the foreign keys, and each file's bytes and hash.
    report = frictionless_validate(str(release.path / PACKAGE))
    return [] if report.valid else [error for task in report.tasks for error in task.errors] + report.errors
