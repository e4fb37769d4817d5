"""The nouns of the knowledge base: tracks, initiatives, institutions, people, statistics,
sources, the citations that tie them to sources, and the topics and countries used as facets.

Every record has a slug (its natural key, used by the fixtures and the URLs), a published flag
that all public reads go through (`.published()`), and a history of every change.
"""

import uuid
from collections import defaultdict
from functools import reduce
from operator import add, or_

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Lower, Substr
from django.db.models.lookups import Exact
from django.urls import reverse
from simple_history.models import HistoricalRecords

from . import partial_dates
from .partial_dates import PartialDateField

# What a curator reads when a form's dates are in the wrong order.
END_BEFORE_START = "The end is before the start: give an end no earlier than the start, or leave it empty."


def choice_constraint(field, choices, name, allow_blank=False):
    """A CheckConstraint that keeps `field` within `choices`, whatever door the data comes in by."""
    values = list(choices.values) + ([""] if allow_blank else [])
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


# ---------------------------------------------------------------------------------------------
# Shared behaviour

# Fields derived from the others (the search document): neither in the history nor in fixtures.
DERIVED = ["search_vector"]


class RecordQuerySet(models.QuerySet):
    def published(self):
        """The records a reader may see. Every public read starts here."""
        return self.filter(is_published=True)

    def visible_to(self, user):
        """What a detail page may show: drafts too for those who may change them (their preview);
        else published()."""
        opts = self.model._meta
        if user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            return self
        return self.published()

    def search(self, query):
        """The records matching a reader's or curator's query, best first (see programs.search).

        Words, "quoted phrases", -excluded words and `or`; an empty query matches everything.
        `query` is a string or a programs.search.Query read once for the request.
        """
        from .search import search

        return search(self, query)

    def renamed_from(self, slug):
        """The record that last had `slug` before it was renamed (from its history), or None.
        Its old addresses answer with a permanent redirect to its new one."""
        once = self.model.history.filter(slug=slug).order_by("-history_date").values("id")[:1]
        return self.exclude(slug=slug).filter(pk__in=once).first()

    def with_initiative_count(self):
        """Each record with `initiative_count`: the published initiatives linked to it."""
        return self.annotate(
            initiative_count=models.Count(
                "initiatives", filter=Q(initiatives__is_published=True), distinct=True
            )
        )


class SlugManager(models.Manager.from_queryset(RecordQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Record(models.Model):
    """Fields every curated record has."""

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The record's address in URLs and fixtures: lowercase words joined by hyphens.",
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Drafts are hidden from every public page, search, export and count.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by programs.search_index whenever the record (or a record it names) changes.
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        serialize=False,
        help_text="Weighted full-text document (PostgreSQL; SQLite keeps it in an FTS5 table).",
    )

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)


class LinkQuerySet(models.QuerySet):
    def published(self):
        """The links a reader may see: both records they join are published."""
        return self.filter(**{f"{end}__is_published": True for end in self.model.ENDS})

    def published_from(self, end):
        """The links a reader may see from records of `end` already known to be published (a
        search's published matches): published() without reading `end` again."""
        return self.filter(**{f"{other}__is_published": True for other in self.model.ENDS if other != end})


class LinkManager(models.Manager.from_queryset(LinkQuerySet)):
    def get_by_natural_key(self, *key):
        return self.get(
            **{
                f"{field}__slug" if field in self.model.ENDS else field: value
                for field, value in zip(self.model.KEY, key, strict=True)
            }
        )


class Link(models.Model):
    """A relationship between two records that a page shows, and that citations support.

    ENDS names the two records it joins; KEY its natural key: the slugs of its ends, then its
    own distinguishing fields (a role, a title).
    """

    ENDS = ()
    KEY = ()

    # Checked by the admin's forms, so that two curators editing one link cannot overwrite
    # each other (programs.forms.CuratedForm).
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(
            getattr(self, field).slug if field in self.ENDS else getattr(self, field) for field in self.KEY
        )

    # Every kind of record a link can join.
    natural_key.dependencies = [
        "programs.initiative",
        "programs.institution",
        "programs.person",
        "programs.track",
        "programs.topic",
        "programs.country",
    ]


# ---------------------------------------------------------------------------------------------
# Controlled vocabularies


class Country(Record):
    name = models.CharField(max_length=120, unique=True, help_text="The country's usual English name.")
    other_names = models.TextField(
        blank=True, help_text="Other names or historical names, one per line (e.g. Soviet Union)."
    )
    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:country", args=[self.slug])


class Topic(Record):
    name = models.CharField(max_length=120, unique=True, help_text="A subject, as the source names it.")
    description = models.TextField(blank=True, help_text="What the topic covers, if the name is not enough.")
    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:topic", args=[self.slug])


# ---------------------------------------------------------------------------------------------
# People and institutions


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", "University"
    COLLEGE = "college", "College or school"
    FOUNDATION = "foundation", "Foundation"
    THINK_TANK = "think_tank", "Think tank or research institute"
    GOVERNMENT_BODY = "government_body", "Government body"
    EMBASSY = "embassy", "Embassy"
    NGO = "ngo", "Non-governmental organization"
    SPACE_AGENCY = "space_agency", "Space agency"
    PUBLISHER = "publisher", "Publisher or news organization"
    COMPANY = "company", "Company"
    OTHER = "other", "Other"


class Institution(Record):
    name = models.CharField(max_length=200, unique=True, help_text="The name as the source spells it.")
    acronym = models.CharField(max_length=30, blank=True, help_text="e.g. MIT, CSIS, HSE.")
    other_names = models.TextField(
        blank=True,
        help_text="Corrected, full or translated names, one per line. Searched like the name.",
    )
    kind = models.CharField(
        max_length=20,
        choices=InstitutionKind.choices,
        blank=True,
        help_text="What sort of body it is, only if the source says; empty when it does not, and "
        "pages then show no kind.",
    )
    country = models.ForeignKey(
        Country,
        # A country is a shared vocabulary entry: refuse to delete one that is still in use.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        help_text="Where it is based, if the source says.",
    )
    city = models.CharField(max_length=120, blank=True, help_text="Where it is based, if the source says.")
    parent = models.ForeignKey(
        "self",
        # Deleting a university keeps its colleges as records of their own.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text="The body it belongs to (a college inside a university).",
    )
    description = models.TextField(blank=True, help_text="What the sources say it is and does.")
    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        ordering = ["name"]
        constraints = [choice_constraint("kind", InstitutionKind, "institution_kind_valid", allow_blank=True)]
        indexes = [
            # The lists sort names without regard to case (programs.sorting): this index serves them.
            models.Index(Lower("name"), F("name"), F("id"), name="institution_name_ci"),
            # The few unpublished, which the facets leave out by id (programs.browse): read from
            # this index, not from a scan of every institution (63 → 2 ms at 250,000).
            models.Index(fields=["id"], condition=Q(is_published=False), name="institution_unpublished"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:institution", args=[self.slug])


class Person(Record):
    name = models.CharField(max_length=200, help_text="The name as the source spells it.")
    other_names = models.TextField(blank=True, help_text="Other spellings or transliterations, one per line.")
    description = models.TextField(
        blank=True, help_text="Who they are, in a sentence, as the sources describe them."
    )
    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        # The lists sort names without regard to case (programs.sorting): this index serves them.
        indexes = [models.Index(Lower("name"), F("name"), F("id"), name="person_name_ci")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:person", args=[self.slug])


class Affiliation(Link):
    """A person's place at an institution: a post, a degree, a membership."""

    ENDS = ("person", "institution")
    KEY = ("person", "institution", "title")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="affiliations", help_text="Who."
    )
    institution = models.ForeignKey(
        Institution,
        # An institution with people attached must be detached by hand before it can go.
        on_delete=models.PROTECT,
        related_name="affiliations",
        help_text="Where.",
    )
    title = models.CharField(
        max_length=200,
        help_text="The title or role as the source gives it (e.g. PhD candidate, expert, ambassador).",
    )
    start = PartialDateField(help_text="When it began, as precise as the source: 1960, 2016-03.")
    end = PartialDateField(help_text="When it ended, if it did and the source says.")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "institution", "title"],
                name="affiliation_unique",
                violation_error_message="This person already has this title at this institution.",
            ),
            models.CheckConstraint(
                condition=partial_dates.well_formed("start") & partial_dates.well_formed("end"),
                name="affiliation_dates_well_formed",
            ),
            models.CheckConstraint(
                condition=partial_dates.in_order("start", "end"),
                name="affiliation_end_after_start",
                violation_error_code="affiliation_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.title}, {self.institution}"

    @property
    def span(self):
        return partial_dates.display_span(self.start, self.end)


# ---------------------------------------------------------------------------------------------
# Sources


class SourceKind(models.TextChoices):
    NEWS_ANALYSIS = "news_analysis", "News analysis"
    ARTICLE = "article", "Magazine or journal article"
    REPORT = "report", "Report"
    CENSUS = "census", "Census or survey"
    WEBSITE = "website", "Web page"
    OTHER = "other", "Other"


class Source(Record):
    title = models.CharField(
        max_length=300,
        help_text="The title as published; if the source names none, a plain description in brackets.",
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices, help_text="What sort of document.")
    publisher = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,  # a publisher with sources on record cannot vanish silently
        null=True,
        blank=True,
        related_name="published_sources",
        help_text="Who published or issued it.",
    )
    authors = models.ManyToManyField(
        Person, blank=True, related_name="authored_sources", help_text="Its authors, if named."
    )
    date = PartialDateField(help_text="Publication date, as precise as known: 2004, 2016-11-05.")
    url = models.URLField(
        "URL",
        max_length=500,
        blank=True,
        help_text="Only an address the source itself gives. Never guess one.",
    )
    description = models.TextField(blank=True, help_text="What the document is and covers.")
    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            choice_constraint("kind", SourceKind, "source_kind_valid"),
            models.CheckConstraint(
                condition=partial_dates.well_formed("date"), name="source_date_well_formed"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:source", args=[self.slug])

    @property
    def date_display(self):
        return partial_dates.display(self.date)


# ---------------------------------------------------------------------------------------------
# Tracks and initiatives


class Track(Record):
    name = models.CharField(max_length=60, unique=True, help_text="Track I, Track 1.5 or Track II.")
    rank = models.PositiveSmallIntegerField(
        default=0, help_text="Position in lists: official first, unofficial last."
    )
    definition = models.TextField(help_text="What the sources say the track is.")
    origin = models.TextField(
        blank=True, help_text="Where the term or practice comes from, as the sources tell it."
    )
    origin_date = PartialDateField(
        help_text="When the term or practice appeared: 1960s, 1981, 2000s-1 (the early 2000s)."
    )
    coined_by = models.ManyToManyField(
        Person, blank=True, related_name="coined_tracks", help_text="Who introduced the term."
    )
    coined_in = models.ForeignKey(
        Source,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coined_tracks",
        help_text="The document in which the term was introduced.",
    )
    history = HistoricalRecords(excluded_fields=DERIVED)

    class Meta:
        ordering = ["rank", "name"]
        constraints = [
            models.CheckConstraint(
                condition=partial_dates.well_formed("origin_date"), name="track_origin_date_well_formed"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:track", args=[self.slug])

    @property
    def origin_date_display(self):
        return partial_dates.display(self.origin_date)


class InitiativeKind(models.TextChoices):
    DIALOGUE = "dialogue", "Dialogue"
    CONFERENCE_SERIES = "conference_series", "Conference series"
    EXCHANGE = "exchange", "Exchange"
    PARTNERSHIP = "partnership", "Partnership"
    FORUM = "forum", "Forum"
    ACCELERATOR = "accelerator", "Accelerator"
    CONSORTIUM = "consortium", "Consortium"
    GOVERNMENT_PROGRAM = "government_program", "Government program"
    PROGRAM = "program", "Program"


class InitiativeStatus(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    ENDED = "ended", "Ended"
    UNKNOWN = "unknown", "Unknown"


class Frequency(models.TextChoices):
    ANNUAL = "annual", "Annual"
    TWICE_YEARLY = "twice_yearly", "Twice a year"
    IRREGULAR = "irregular", "Irregular"


class Initiative(Record):
    name = models.CharField(max_length=200, unique=True, help_text="The name as the source spells it.")
    name_is_descriptive = models.BooleanField(
        "the name is a description",
        default=False,
        help_text="Tick when the source describes the initiative without naming it: the name is then a "
        "description the Atlas gives it (in the source's words where it can), and its page says so.",
    )
    other_names = models.TextField(blank=True, help_text="Other names or spellings, one per line.")
    kind = models.CharField(
        max_length=30,
        choices=InitiativeKind.choices,
        blank=True,
        help_text="What sort of initiative, only if the source says; empty when it does not, and "
        "pages then show no kind.",
    )
    tracks = models.ManyToManyField(
        Track,
        through="InitiativeTrack",
        blank=True,
        related_name="initiatives",
        help_text="The track or tracks it belongs to.",
    )
    summary = models.CharField(max_length=300, help_text="One sentence shown in lists and search results.")
    description = models.TextField(blank=True, help_text="What the sources say it does, who takes part, how.")
    start = PartialDateField(
        help_text="When it began, as precise as the source: 1960, 2016-03. Empty if unknown."
    )
    end = PartialDateField(help_text="When it ended, if the source says it did.")
    status = models.CharField(
        max_length=10,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.UNKNOWN,
        help_text="Ongoing or ended only when a source says so.",
    )
    frequency = models.CharField(
        max_length=20,
        choices=Frequency.choices,
        blank=True,
        help_text="How often it meets, if the source says.",
    )
    places = models.CharField(
        max_length=300, blank=True, help_text="Where it meets or works, as the source names the places."
    )
    countries = models.ManyToManyField(
        Country,
        through="InitiativeCountry",
        blank=True,
        related_name="initiatives",
        help_text="Countries it brings together or works in.",
    )
    topics = models.ManyToManyField(
        Topic,
        through="InitiativeTopic",
        blank=True,
        related_name="initiatives",
        help_text="What it works on.",
    )
    institutions = models.ManyToManyField(
        Institution, through="InitiativeInstitution", related_name="initiatives", blank=True
    )
    people = models.ManyToManyField(
        Person, through="InitiativePerson", related_name="initiatives", blank=True
    )
    # Kept by programs.search_index whenever the initiative or a record it links to changes.
    related_names = models.TextField(
        blank=True,
        editable=False,
        serialize=False,
        help_text="Names of the published institutions, people and topics it links to, for search.",
    )
    history = HistoricalRecords(excluded_fields=[*DERIVED, "related_names"])

    class Meta:
        ordering = ["name"]
        # The lists sort names without regard to case (programs.sorting): this index serves them.
        indexes = [
            models.Index(Lower("name"), F("name"), F("id"), name="initiative_name_ci"),
            # The home page's timeline names the first initiatives of each year (views.home).
            models.Index(
                Substr("start", 1, 4),
                F("start"),
                F("name"),
                include=["slug"],
                name="initiative_year_first",
                condition=Q(is_published=True) & ~Q(start=""),
            ),
        ]
        constraints = [
            choice_constraint("kind", InitiativeKind, "initiative_kind_valid", allow_blank=True),
            choice_constraint("status", InitiativeStatus, "initiative_status_valid"),
            choice_constraint("frequency", Frequency, "initiative_frequency_valid", allow_blank=True),
            models.CheckConstraint(
                condition=partial_dates.well_formed("start") & partial_dates.well_formed("end"),
                name="initiative_dates_well_formed",
            ),
            models.CheckConstraint(
                condition=partial_dates.in_order("start", "end"),
                name="initiative_end_after_start",
                violation_error_code="initiative_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:initiative", args=[self.slug])

    @property
    def span(self):
        return partial_dates.display_span(self.start, self.end)


class Role(models.TextChoices):
    """How an institution or a person takes part in an initiative."""

    ORGANIZER = "organizer", "Organizer"
    HOST = "host", "Host"
    PARTNER = "partner", "Partner"
    FUNDER = "funder", "Funder"
    MEMBER = "member", "Member"
    PARTICIPANT = "participant", "Participant"
    FOUNDER = "founder", "Founder"
    SUBJECT = "subject", "Studied or reported on it"


def _initiative(related_name):
    return models.ForeignKey(
        Initiative,
        # The initiative's links go with it; what they link it to stays.
        on_delete=models.CASCADE,
        related_name=related_name,
        help_text="The initiative.",
    )


class InitiativeLink(Link):
    """A link from an initiative to a track, topic or country it is classed under."""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.initiative} — {self.ENDS[1]}: {getattr(self, self.ENDS[1])}"


def _unique_link(name):
    return models.UniqueConstraint(
        fields=["initiative", name],
        name=f"initiative{name}_unique",
        violation_error_message=f"This initiative already has this {name}.",
    )


class InitiativeTrack(InitiativeLink):
    ENDS = KEY = ("initiative", "track")
    initiative = _initiative("track_links")
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, related_name="initiative_links", help_text="The track it belongs to."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "track of an initiative"
        verbose_name_plural = "tracks of initiatives"
        constraints = [_unique_link("track")]


class InitiativeTopic(InitiativeLink):
    ENDS = KEY = ("initiative", "topic")
    initiative = _initiative("topic_links")
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="initiative_links", help_text="What it works on."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "topic of an initiative"
        verbose_name_plural = "topics of initiatives"
        constraints = [_unique_link("topic")]


class InitiativeCountry(InitiativeLink):
    ENDS = KEY = ("initiative", "country")
    initiative = _initiative("country_links")
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="initiative_links",
        help_text="A country it brings together or works in.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "country of an initiative"
        verbose_name_plural = "countries of initiatives"
        constraints = [_unique_link("country")]


# Roles in the order Role lists them (organizer first), not alphabetically.
ROLE_ORDER = models.Case(
    *(models.When(role=value, then=models.Value(index)) for index, value in enumerate(Role.values)),
    default=models.Value(len(Role.values)),
    output_field=models.IntegerField(),
)


class ParticipationQuerySet(LinkQuerySet):
    def in_role_order(self, *then, first=()):
        """Ordered by `first`, then by role as Role lists them, then by `then`."""
        return self.order_by(*first, ROLE_ORDER, *then)


class Participation(Link):
    """An institution's or a person's part in an initiative, with its role."""

    role = models.CharField(max_length=20, choices=Role.choices, help_text="Its part in the initiative.")
    note = models.CharField(max_length=300, blank=True, help_text="Detail the source gives about this role.")

    objects = LinkManager.from_queryset(ParticipationQuerySet)()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.ENDS[1])} — {self.get_role_display().lower()} of {self.initiative}"


class InitiativeInstitution(Participation):
    ENDS = ("initiative", "institution")
    KEY = ("initiative", "institution", "role")

    initiative = _initiative("institution_roles")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,  # an institution with roles on record is detached by hand first
        related_name="initiative_roles",
        help_text="The institution that takes part.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "institution of an initiative"
        verbose_name_plural = "institutions of initiatives"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "institution", "role"],
                name="initiativeinstitution_unique",
                violation_error_message="This institution already has this role in this initiative.",
            ),
            choice_constraint("role", Role, "initiativeinstitution_role_valid"),
        ]


class InitiativePerson(Participation):
    ENDS = ("initiative", "person")
    KEY = ("initiative", "person", "role")

    initiative = _initiative("person_roles")

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,  # a person with roles on record is detached by hand first
        related_name="initiative_roles",
        help_text="The person who takes part.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "person of an initiative"
        verbose_name_plural = "people of initiatives"
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "person", "role"],
                name="initiativeperson_unique",
                violation_error_message="This person already has this role in this initiative.",
            ),
            choice_constraint("role", Role, "initiativeperson_role_valid"),
        ]


# ---------------------------------------------------------------------------------------------
# Events


class EventQuerySet(RecordQuerySet):
    def published(self):
        """An event is public when it and its initiative are."""
        return self.filter(is_published=True, initiative__is_published=True)


class Event(Record):
    """Something that happened on a date within an initiative: a session, a launch, a photograph."""

    initiative = models.ForeignKey(
        Initiative,
        # An event is part of its initiative's story and goes with it.
        on_delete=models.CASCADE,
        related_name="events",
        help_text="The initiative it happened within.",
    )
    name = models.CharField(max_length=200, help_text="What happened, in a few words (e.g. 2016 session).")
    date = PartialDateField(help_text="When, as precise as the source: 2016, 2016-03, 2013-04-30.")
    places = models.CharField(max_length=300, blank=True, help_text="Where, as the source names the place.")
    description = models.TextField(blank=True, help_text="What the sources say happened.")
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="events", help_text="The institutions in it."
    )
    people = models.ManyToManyField(Person, blank=True, related_name="events", help_text="The people in it.")
    history = HistoricalRecords(excluded_fields=DERIVED)

    objects = SlugManager.from_queryset(EventQuerySet)()

    class Meta:
        ordering = ["date", "name"]
        constraints = [
            models.CheckConstraint(condition=partial_dates.well_formed("date"), name="event_date_well_formed")
        ]

    def __str__(self):
        return f"{self.initiative}: {self.name}"

    def get_absolute_url(self):
        return reverse("programs:event", args=[self.slug])

    @property
    def date_display(self):
        return partial_dates.display(self.date)


# ---------------------------------------------------------------------------------------------
# Statistics


class Unit(models.TextChoices):
    STUDENTS = "students", "students"
    PEOPLE = "people", "people"
    USD = "usd", "US dollars"
    MEETINGS = "meetings", "meetings"
    PARTNERSHIPS = "partnerships", "partnerships"
    YEARS = "years", "years"


class Precision(models.TextChoices):
    EXACT = "exact", "exact"
    ABOUT = "about", "about"
    MORE_THAN = "more_than", "more than"
    NEARLY = "nearly", "nearly"
    ESTIMATED = "estimated", "estimated"


class Period(models.TextChoices):
    YEAR = "year", "a year"
    ACADEMIC_YEAR = "academic_year", "an academic year"
    SPAN = "span", "a span of years"
    AS_OF = "as_of", "as of a date"


class StatisticQuerySet(RecordQuerySet):
    def with_attributions(self):
        """With what a statistic is reported by and is about, as its rows show them."""
        return self.select_related("reported_by", "reported_in", "initiative", "from_country", "to_country")


class Statistic(Record):
    measure = models.CharField(
        max_length=300, help_text="What is counted, in plain words (e.g. U.S. students in Russia)."
    )
    value = models.DecimalField(
        max_digits=20,
        decimal_places=2,
        help_text="The number, for sorting and charts (3500 for 'more than 3,500').",
    )
    stated_value = models.CharField(
        max_length=100, help_text="The figure exactly as the source words it, e.g. 'more than 3,500'."
    )
    unit = models.CharField(max_length=20, choices=Unit.choices, help_text="What the number counts.")
    precision = models.CharField(
        max_length=10, choices=Precision.choices, help_text="How exact the source says it is."
    )
    period = models.CharField(
        max_length=15, choices=Period.choices, help_text="What kind of period it covers."
    )
    period_start = PartialDateField(help_text="First (or only) year of the period: 2013, 2016-11-05.")
    period_end = PartialDateField(help_text="Last year of the period, for an academic year or a span.")
    reported_by = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_statistics",
        help_text="The body that reported the figure.",
    )
    reported_in = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_statistics",
        help_text="The document that reported the figure (the census, the IIE report…).",
    )
    initiative = models.ForeignKey(
        Initiative,
        # A figure about an initiative is part of its record: deleting the initiative deletes it.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statistics",
        help_text="The initiative it is about, if any.",
    )
    from_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statistics_from",
        help_text="For a flow between two countries: where the people or money come from.",
    )
    to_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statistics_to",
        help_text="For a flow between two countries: where they go.",
    )
    history = HistoricalRecords(excluded_fields=DERIVED)

    objects = SlugManager.from_queryset(StatisticQuerySet)()

    class Meta:
        ordering = ["measure"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="statistic_value_not_negative",
                violation_error_code="statistic_value_not_negative",
                violation_error_message="A statistic cannot be negative: enter 0 or more.",
            ),
            models.CheckConstraint(condition=~Q(stated_value=""), name="statistic_stated_value_present"),
            choice_constraint("unit", Unit, "statistic_unit_valid"),
            choice_constraint("precision", Precision, "statistic_precision_valid"),
            choice_constraint("period", Period, "statistic_period_valid"),
            models.CheckConstraint(
                condition=~Q(period_start="")
                & partial_dates.well_formed("period_start")
                & partial_dates.well_formed("period_end"),
                name="statistic_period_well_formed",
                violation_error_code="statistic_period_well_formed",
                violation_error_message="Give the first (or only) year of the period: 2013, 2016-11-05.",
            ),
            models.CheckConstraint(
                condition=partial_dates.in_order("period_start", "period_end"),
                name="statistic_period_in_order",
                violation_error_code="statistic_period_in_order",
                violation_error_message="The period ends before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.stated_value}"

    def get_absolute_url(self):
        return reverse("programs:statistic", args=[self.slug])

    @property
    def period_display(self):
        if self.period == Period.AS_OF:
            return f"as of {partial_dates.display(self.period_start)}"
        if self.period_end and self.period_end != self.period_start:
            return f"{partial_dates.display(self.period_start)}–{partial_dates.display(self.period_end)}"
        return partial_dates.display(self.period_start)


# ---------------------------------------------------------------------------------------------
# Citations


# What a citation can support, declared once: for each kind of record or relationship, the field
# of Citation that points to it (in this order), its model, and the facts of it a page shows.
# Citation's foreign keys and its one-subject constraint, the admin's citation fields, the data
# check and the pages' footnotes all follow from this table. A relationship has no facts of its
# own to list: its citation supports the link itself, with its role, title or dates.
CITABLE = {
    "track": (Track, ["name", "definition", "origin", "origin_date", "coined_by", "coined_in"]),
    "initiative": (
        Initiative,
        [
            "name",
            "other_names",
            "kind",
            "summary",
            "description",
            "start",
            "end",
            "status",
            "frequency",
            "places",
        ],
    ),
    "institution": (
        Institution,
        ["name", "acronym", "other_names", "kind", "country", "city", "parent", "description"],
    ),
    "person": (Person, ["name", "other_names", "description"]),
    "statistic": (
        Statistic,
        [
            "measure",
            "stated_value",
            "unit",
            "period",
            "reported_by",
            "reported_in",
            "initiative",
            "from_country",
            "to_country",
        ],
    ),
    "topic": (Topic, ["name", "description"]),
    "country": (Country, ["name", "other_names"]),
    "cited_source": (Source, ["title", "kind", "publisher", "authors", "date", "url", "description"]),
    "event": (Event, ["name", "date", "places", "description", "institutions", "people"]),
    "initiative_track": (InitiativeTrack, []),
    "initiative_topic": (InitiativeTopic, []),
    "initiative_country": (InitiativeCountry, []),
    "initiative_institution": (InitiativeInstitution, []),
    "initiative_person": (InitiativePerson, []),
    "affiliation": (Affiliation, []),
}
CITATION_SUBJECTS = list(CITABLE)
SUBJECT_OF_MODEL = {model: subject for subject, (model, _) in CITABLE.items()}


class CitationQuerySet(models.QuerySet):
    def published(self):
        """The passages a reader may see: those quoted from a published source."""
        return self.filter(source__is_published=True)

    def supporting(self, *records):
        """The published citations of `records` (records and links of any citable kind), with
        their sources, in the order of their sources: one query, one indexed column per kind."""
        ids = defaultdict(list)
        for record in records:
            ids[SUBJECT_OF_MODEL[type(record)]].append(record.pk)
        if not ids:
            return self.none()
        condition = reduce(or_, (Q(**{f"{subject}__in": pks}) for subject, pks in ids.items()))
        return (
            self.published()
            .filter(condition)
            .select_related("source")
            .order_by("source__title", models.F("position").asc(nulls_last=True), "id")
        )

    def of_published_subjects(self):
        """Those whose subject a reader may see, by the subject's own read rule (`published()`:
        a link with both its ends, an event with its initiative)."""
        subjects = (
            Q(**{f"{subject}__in": model.objects.published().values("pk")})
            for subject, (model, _) in CITABLE.items()
        )
        return self.filter(reduce(or_, subjects))

    def in_source_order(self):
        """In the order the passages occur in their source (those not located last)."""
        return self.order_by(models.F("position").asc(nulls_last=True), "id")

    def with_subjects(self):
        """With the record or link each supports, and a link's two ends."""
        ends = {
            f"{subject}__{end}"
            for subject, (model, _) in CITABLE.items()
            for end in getattr(model, "ENDS", ())
        }
        # An event is named with its initiative.
        return self.select_related(*CITABLE, *sorted(ends), "event__initiative")


class CitationManager(models.Manager.from_queryset(CitationQuerySet)):
    def get_by_natural_key(self, key):
        return self.get(key=key)


def _subject_fields():
    """One foreign key per citable kind, all alike: deleting a record deletes its passages."""
    fields = {
        name: models.ForeignKey(model, models.CASCADE, null=True, blank=True, related_name="citations")
        for name, (model, _) in CITABLE.items()
    }
    # Sources are quoted by citations (Citation.source); those that tell of a source are its mentions.
    fields["cited_source"] = models.ForeignKey(
        Source,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="mentions",
        help_text="A source this passage tells of (a report the article cites).",
    )
    return fields


# An abstract base built from the table, so the fields exist when the model (and its history) is made.
CitationSubjects = type(
    "CitationSubjects",
    (models.Model,),
    {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True}), **_subject_fields()},
)


class Citation(CitationSubjects):
    """The verbatim passage of a source that supports facts of one record, or one relationship.

    Exactly one subject field (CITABLE) is set. Explicit foreign keys, rather than a generic
    relation, keep citations loadable by natural key and selectable with the record.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,  # a source that is quoted cannot be deleted out from under its quotes
        related_name="citations",
        help_text="The document the passage is quoted from.",
    )
    passage = models.TextField(help_text="The supporting passage, copied verbatim from the source.")
    position = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Where the passage begins in the source's text (its character offset), so that a "
        "source's page lists its passages in the source's order. `check_data --source-text` checks it.",
    )
    facts = models.JSONField(
        default=list,
        blank=True,
        help_text="Which facts of its record the passage supports (e.g. name, start, kind). "
        "Empty for a relationship: the passage supports the link itself.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="Why this passage supports the record, if not obvious."
    )
    # Checked by the admin's forms against lost updates (programs.forms.CuratedForm).
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = CitationManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                # Exactly one subject field is set: the count of those that are is 1.
                condition=Exact(
                    reduce(
                        add,
                        (Case(When(**{f"{field}__isnull": False}, then=1), default=0) for field in CITABLE),
                    ),
                    1,
                ),
                name="citation_has_one_subject",
                violation_error_message="A citation supports exactly one record or relationship: choose one.",
            ),
            models.CheckConstraint(
                condition=~Q(passage=""),
                name="citation_passage_present",
                violation_error_code="citation_passage_present",
                violation_error_message="Quote the passage of the source that supports the record.",
            ),
        ]

    def __str__(self):
        passage = self.passage if len(self.passage) <= 60 else self.passage[:59] + "…"
        return f"“{passage}” — {self.source}"

    def natural_key(self):
        return (str(self.key),)

    natural_key.dependencies = [
        "programs.source",
        *(f"programs.{model._meta.model_name}" for model, _ in CITABLE.values()),
    ]

    @property
    def subject_field(self):
        """The name of the field that points to what this passage supports."""
        return next((field for field in CITABLE if getattr(self, f"{field}_id") is not None), None)

    @property
    def subject(self):
        """The record or relationship this passage supports."""
        field = self.subject_field
        return getattr(self, field) if field else None

    def subject_records(self):
        """The records this passage is about: its record, or both ends of its link."""
        subject = self.subject
        if subject is None:
            return []
        return [getattr(subject, end) for end in subject.ENDS] if isinstance(subject, Link) else [subject]

    def clean(self):
        field = self.subject_field
        if field is None:
            return
        known = CITABLE[field][1]
        unknown = [fact for fact in self.facts or [] if fact not in known]
        if not isinstance(self.facts, list) or unknown:
            kind = field.replace("_", " ")
            choices = ", ".join(known) or "none: it supports the link itself"
            message = f"Not a fact of a {kind}: {', '.join(map(str, unknown))}. Choose among: {choices}."
            raise ValidationError({"facts": message})


# ---------------------------------------------------------------------------------------------
# Derived data


class FacetCountQuerySet(models.QuerySet):
    def get_by_natural_key(self, facet, key):
        return self.get(facet=facet, key=key)

    def groups(self, most=None):
        """{facet: [(value, label, position, n)]} of the whole list, as Browse.groups() counts
        them, at most `most[facet]` of a facet (the most frequent); None when the counts are not
        kept (a database filled without programs.summary)."""
        rows = self.all()
        if most:  # the most frequent, in the list's order: the start of facetcount_most_frequent
            tops = (
                Q(pk__in=self.filter(facet=f).order_by("-n", Lower("label"), "label").values("pk")[:n])
                for f, n in most.items()
            )
            rows = rows.filter(reduce(or_, tops, ~Q(facet__in=most)))
        groups = defaultdict(list)
        for facet, value, label, position, n in rows.values_list("facet", "value", "label", "position", "n"):
            groups[facet].append((value, label, position, n))
        return groups if FacetCount.TOTAL in groups else None


class FacetCount(models.Model):
    """How many published initiatives each facet value has, over them all: what the unfiltered
    list of initiatives shows. Derived data, kept by programs.summary in the transaction of
    each change; in no backup or history."""

    TOTAL = "initiatives"  # the row of how many initiatives are published; absent: not counted

    facet = models.CharField(max_length=20, help_text="The facet's query parameter, such as topic.")
    key = models.CharField(
        max_length=120, help_text="The linked record's primary key, or the value itself (a kind, a start)."
    )
    value = models.CharField(max_length=120, help_text="The value in the query string: a slug or a choice.")
    label = models.CharField(max_length=300, blank=True, help_text="The linked record's name.")
    position = models.IntegerField(default=0, help_text="A track's rank; 0 for the others.")
    n = models.IntegerField(help_text="How many published initiatives have it.")

    objects = FacetCountQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "key"], name="facetcount_unique")]
        # A facet's most frequent values, in the list's order, read from the index's start.
        indexes = [
            models.Index(
                F("facet"),
                F("n").desc(),
                Lower("label"),
                F("label"),
                name="facetcount_most_frequent",
            )
        ]

    def __str__(self):
        return f"{self.facet}={self.value}: {self.n}"

    def natural_key(self):
        return (self.facet, self.key)
