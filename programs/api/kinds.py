"""Each kind of record in JSON: the rows of its list and its record, read from the page's own
view (its queryset, its paginator, its context), so that the JSON holds what the page shows.

A record gives its own fields (programs.api.fields), its relationships as its page lists them —
each link with the passages that support it — and, under `citations`, the passages of each of
its facts (CITABLE). The passages are those the page quotes: one query, Citation.objects.supporting.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from ninja import Schema
from pydantic import Field, create_model

from ..models import (
    CITABLE,
    SUBJECT_OF_MODEL,
    Affiliation,
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
from ..provenance import subject_key
from ..twins import api_twin
from ..views import (
    CountryDetailView,
    CountryListView,
    EventDetailView,
    EventListView,
    InitiativeDetailView,
    InitiativeListView,
    InstitutionDetailView,
    InstitutionListView,
    PersonDetailView,
    PersonListView,
    SourceDetailView,
    SourceListView,
    StatisticDetailView,
    StatisticListView,
    TopicDetailView,
    TopicListView,
    TrackDetailView,
    TrackListView,
)
from .fields import Ref, key, ref, schema, values
from .schemas import Citation

RECORD_CITATIONS = "record"  # the passages that support a record without naming a fact of it


class RecordBase(Schema):
    id: int = Field(description="The record's id: stable, and the first column of its CSV.")
    slug: str = Field(description="Its address in URLs.")
    url: str = Field(description="Its page.")
    api_url: str = Field(description="This JSON.")


class Cites:
    """The passages a page quotes, by the record or link each supports."""

    def __init__(self, request, footnotes):
        self.request = request
        self.by_subject = defaultdict(list)
        for citation in footnotes.citations:
            subject = citation.subject_field
            self.by_subject[subject, getattr(citation, f"{subject}_id")].append(citation)

    def _shown(self, citation):
        return {
            "source": ref(self.request, citation.source),
            "passage": citation.passage,
            "note": citation.note or None,
        }

    def of(self, link):
        """The passages that support a link (a relationship)."""
        return [self._shown(citation) for citation in self.by_subject[subject_key(link)]]

    def facts(self, record):
        """{fact: [passage]} for every fact of the record's kind, and those of the record itself."""
        model = type(record)
        found = {key(model, fact): [] for fact in CITABLE[SUBJECT_OF_MODEL[model]][1]}
        found[RECORD_CITATIONS] = []
        for citation in self.by_subject[subject_key(record)]:
            for fact in citation.facts or [RECORD_CITATIONS]:
                if key(model, fact) in found:
                    found[key(model, fact)].append(self._shown(citation))
        return found


# ---------------------------------------------------------------------------------------------
# Relationships, as a detail page's context holds them


@dataclass
class Refs:
    """Published records the page lists (context[source])."""

    source: str
    description: str

    def schema(self, name):
        return list[Ref]

    def value(self, request, context, cites):
        return [found for found in (ref(request, record) for record in context[self.source]) if found]


@dataclass
class Links:
    """Links the page lists (context[source]), each with the record at its other `end`, its own
    `fields` (a role, a title, dates) and the passages that support it."""

    source: str
    model: type
    end: str
    fields: tuple = ()
    description: str = ""

    def schema(self, name):
        end = (Ref, Field(description=f"The {self.end}."))
        citations = (list[Citation], Field(description="The passages that support this relationship."))
        return list[schema(name, self.model, self.fields, first={self.end: end}, citations=citations)]

    def value(self, request, context, cites):
        return [
            {
                self.end: ref(request, getattr(link, self.end)),
                **values(request, link, self.fields),
                "citations": cites.of(link),
            }
            for link in context[self.source]
        ]


@dataclass
class More:
    """The JSON of the full list, when the page lists only the first ones (context[source] is
    the page's link to it, or "")."""

    source: str
    description: str = "The JSON of the full list, when only the first ones are given here; else null."

    def schema(self, name):
        return str | None

    def value(self, request, context, cites):
        url = context[self.source]
        return request.build_absolute_uri(api_twin(url)) if url else None


@dataclass
class Flag:
    source: str
    description: str

    def schema(self, name):
        return bool

    def value(self, request, context, cites):
        return bool(context[self.source])


class Supported(Schema):
    passage: str = Field(description="The passage, verbatim.")
    supports: list[Ref] = Field(
        description="The published records it supports (both ends of a relationship)."
    )


@dataclass
class Passages:
    description: str = "The passages quoted from the source, once each, in the source's order."

    def schema(self, name):
        return list[Supported]

    def value(self, request, context, cites):
        return [
            {"passage": text, "supports": [ref(request, record) for record in records]}
            for text, records in context["passages"]
        ]


# ---------------------------------------------------------------------------------------------
# The kinds


def camel(name):
    return "".join(part.title() for part in name.split("_"))


@dataclass
class Kind:
    model: type
    list_view: type
    detail_view: type
    row: tuple  # the fields of the record a list row gives, as the list's page shows them
    relationships: dict = field(default_factory=dict)
    counted: bool = False  # the list counts each record's published initiatives

    @property
    def name(self):
        return self.model._meta.model_name

    @property
    def plural(self):
        """Its lists' path: /institutions/, /api/institutions/, /institutions.csv."""
        return str(self.model._meta.verbose_name_plural)

    @cached_property
    def row_schema(self):
        more = {}
        if self.counted:
            more["initiative_count"] = (int, Field(description="Its published initiatives."))
        if self.model is Initiative:
            more["tracks"] = (list[Ref], Field(description="The tracks it belongs to."))
        return schema(f"{self.model.__name__}Row", self.model, self.row, base=Ref, **more)

    def row_value(self, request, record):
        value = {**ref(request, record), **values(request, record, self.row)}
        if self.counted:
            value["initiative_count"] = record.initiative_count
        if self.model is Initiative:
            # Prefetched by the page's view, published only.
            value["tracks"] = [ref(request, track, published=True) for track in record.tracks.all()]
        return value

    @cached_property
    def record_schema(self):
        name = self.model.__name__
        meta = self.model._meta
        facts = {
            key(self.model, fact): (
                list[Citation],
                Field(description=f"The passages that support its {meta.get_field(fact).verbose_name}."),
            )
            for fact in CITABLE[SUBJECT_OF_MODEL[self.model]][1]
        }
        facts[RECORD_CITATIONS] = (
            list[Citation],
            Field(description="The passages that support the record without naming one of its facts."),
        )
        citations = create_model(f"{name}Citations", __base__=Schema, **facts)
        related = {
            relationship_name: (
                relationship.schema(f"{name}{camel(relationship_name)}Item"),
                Field(description=relationship.description),
            )
            for relationship_name, relationship in self.relationships.items()
        }
        return schema(
            name,
            self.model,
            base=RecordBase,
            **related,
            citations=(citations, Field(description="The passages that support each of its facts.")),
        )

    def record_value(self, request, record, context):
        cites = Cites(request, context["footnotes"])
        found = ref(request, record)
        del found["name"]
        return {
            **found,
            # Its many-to-many fields as the page loaded them (the context names them alike).
            **values(request, record, loaded=context),
            **{
                relationship_name: relationship.value(request, context, cites)
                for relationship_name, relationship in self.relationships.items()
            },
            "citations": cites.facts(record),
        }


def initiatives(source, link, fields=(), more="more_initiatives"):
    found = {"initiatives": Links(source, link, "initiative", fields, "Its initiatives, by name.")}
    if more:
        found["more_initiatives"] = More(more)
    return found


ROLES = ("role", "note")
DATES = ("title", "start", "end")

KINDS = [
    Kind(
        Initiative,
        InitiativeListView,
        InitiativeDetailView,
        row=("kind", "start", "end", "status", "summary"),
        relationships={
            "tracks": Links("track_links", InitiativeTrack, "track", description="Its tracks."),
            "topics": Links("topic_links", InitiativeTopic, "topic", description="What it works on."),
            "countries": Links("country_links", InitiativeCountry, "country", description="Its countries."),
            "institutions": Links(
                "institution_roles", InitiativeInstitution, "institution", ROLES, "Institutions, by role."
            ),
            "people": Links("person_roles", InitiativePerson, "person", ROLES, "People, by role."),
            "statistics": Refs("statistics", "Statistics about it."),
            "events": Refs("events", "What happened within it, by date."),
        },
    ),
    Kind(
        Institution,
        InstitutionListView,
        InstitutionDetailView,
        row=("acronym", "kind", "country"),
        counted=True,
        relationships={
            **initiatives("roles", InitiativeInstitution, ROLES),
            "children": Refs("children", "The bodies that belong to it (colleges of a university)."),
            "affiliations": Links(
                "affiliations", Affiliation, "person", DATES, "People and their posts there."
            ),
            "published_sources": Refs("published_sources", "Sources it published."),
            "statistics": Refs("statistics", "Statistics it reported (the first 50)."),
            "more_statistics": More("more_statistics"),
        },
    ),
    Kind(
        Person,
        PersonListView,
        PersonDetailView,
        row=("description",),
        relationships={
            **initiatives("roles", InitiativePerson, ROLES, more=None),
            "more_roles": Flag(
                "more_roles", "True when they have more roles in initiatives than listed here."
            ),
            "affiliations": Links("affiliations", Affiliation, "institution", DATES, "Their posts, by date."),
            "authored_sources": Refs("authored_sources", "Sources they wrote."),
            "coined_tracks": Refs("coined_tracks", "Tracks whose name they coined."),
        },
    ),
    Kind(
        Track,
        TrackListView,
        TrackDetailView,
        row=("definition",),
        counted=True,
        relationships=initiatives("initiative_links", InitiativeTrack),
    ),
    Kind(
        Statistic,
        StatisticListView,
        StatisticDetailView,
        row=(
            "stated_value",
            "value",
            "unit",
            "precision",
            "period",
            "period_start",
            "period_end",
            "reported_by",
            "reported_in",
            "initiative",
            "from_country",
            "to_country",
        ),
    ),
    Kind(
        Source,
        SourceListView,
        SourceDetailView,
        row=("kind", "date", "publisher"),
        relationships={
            "statistics": Refs("statistics", "Statistics it reports."),
            "coined_tracks": Refs("coined_tracks", "Tracks whose name it introduced."),
            "passages": Passages(),
            "more_passages": Flag("more_passages", "True when more passages are quoted than listed here."),
        },
    ),
    Kind(
        Topic,
        TopicListView,
        TopicDetailView,
        row=(),
        counted=True,
        relationships=initiatives("initiative_links", InitiativeTopic),
    ),
    Kind(
        Country,
        CountryListView,
        CountryDetailView,
        row=(),
        counted=True,
        relationships={
            **initiatives("initiative_links", InitiativeCountry),
            "institutions": Refs("institutions", "Institutions based there, by name (the first ones)."),
            "more_institutions": Flag("more_institutions", "True when more institutions are based there."),
            "statistics": Refs("statistics", "Statistics of flows from or to it."),
        },
    ),
    Kind(Event, EventListView, EventDetailView, row=("date", "initiative")),
]

# The kind whose list has facets and a sort (programs.browse).
INITIATIVES = next(kind for kind in KINDS if kind.model is Initiative)
