"""The admin page of every model of the knowledge base.

Records (the nouns with a public page) search through the site's search; the join records and
citations, which have no public page of their own, search their parents' names with
`search_fields`. Join records and citations are also inlines of their parents.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q

from ..forms import CitationAdminForm
from ..models import (
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
from .base import (
    PUBLICATION,
    CitationInline,
    CuratedAdmin,
    Inline,
    RecordAdmin,
    RelatedFilter,
    RelatedOnlyFilter,
)

# ---------------------------------------------------------------------------------------------
# Inlines of the join records


def link_inline(link, other, plural):
    """The inline of an initiative's links to one kind of record (tracks, topics, countries)."""
    return type(
        f"{link.__name__}Inline",
        (Inline,),
        {
            "model": link,
            "select_related": [other],
            "fields": [other],
            "autocomplete_fields": [other],
            "show_change_link": True,  # its own page holds the citations of the link
            "verbose_name": other,
            "verbose_name_plural": plural,
        },
    )


InitiativeTrackInline = link_inline(InitiativeTrack, "track", "tracks")
InitiativeTopicInline = link_inline(InitiativeTopic, "topic", "topics")
InitiativeCountryInline = link_inline(InitiativeCountry, "country", "countries")


class InitiativeInstitutionInline(Inline):
    model = InitiativeInstitution
    select_related = ["initiative", "institution"]
    fields = ["institution", "role", "note"]
    autocomplete_fields = ["institution"]
    show_change_link = True  # its own page holds the citations of the relationship
    verbose_name = "institution"
    verbose_name_plural = "institutions and their roles"


class InitiativePersonInline(Inline):
    model = InitiativePerson
    select_related = ["initiative", "person"]
    fields = ["person", "role", "note"]
    autocomplete_fields = ["person"]
    show_change_link = True
    verbose_name = "person"
    verbose_name_plural = "people and their roles"


class AffiliationInline(Inline):
    model = Affiliation
    select_related = ["person", "institution"]
    ordering = ["start", "institution__name"]
    fields = ["institution", "title", "start", "end"]
    autocomplete_fields = ["institution"]
    show_change_link = True
    verbose_name_plural = "affiliations"


class SourceCitationInline(CitationInline):
    fk_name = "cited_source"  # not `source`: those are the passages quoted from this source
    verbose_name_plural = "citations: passages of other sources that tell of this source"


# ---------------------------------------------------------------------------------------------
# Vocabularies


@admin.register(Country)
class CountryAdmin(RecordAdmin):
    list_display = ["name", "slug", "is_published", "last_change", "public_page"]
    list_filter = ["is_published"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ["name", "slug", "other_names"]}), PUBLICATION]
    inlines = [CitationInline]


@admin.register(Topic)
class TopicAdmin(RecordAdmin):
    list_display = ["name", "slug", "is_published", "last_change", "public_page"]
    list_filter = ["is_published"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ["name", "slug", "description"]}), PUBLICATION]
    inlines = [CitationInline]


# ---------------------------------------------------------------------------------------------
# Institutions and people


@admin.register(Institution)
class InstitutionAdmin(RecordAdmin):
    list_display = ["name", "acronym", "kind", "country", "parent", "is_published", "public_page"]
    list_select_related = ["country", "parent"]
    list_filter = ["is_published", "kind", ("country", RelatedOnlyFilter)]
    autocomplete_fields = ["country", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "acronym", "other_names", "kind"]}),
        ("Where", {"fields": ["country", "city", "parent"]}),
        ("About", {"fields": ["description"]}),
        PUBLICATION,
    ]
    inlines = [CitationInline]


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ["name", "description", "is_published", "last_change", "public_page"]
    list_filter = ["is_published"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [(None, {"fields": ["name", "slug", "other_names", "description"]}), PUBLICATION]
    inlines = [AffiliationInline, CitationInline]


@admin.register(Affiliation)
class AffiliationAdmin(CuratedAdmin):
    list_display = ["person", "title", "institution", "span"]
    list_select_related = ["person", "institution"]
    list_filter = [("institution", RelatedOnlyFilter)]
    search_fields = ["person__name", "institution__name", "institution__acronym", "title"]
    autocomplete_fields = ["person", "institution"]
    fieldsets = [(None, {"fields": ["person", "institution", "title", "start", "end"]})]
    inlines = [CitationInline]


# ---------------------------------------------------------------------------------------------
# Sources, tracks, initiatives


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    list_display = ["title", "kind", "publisher", "date", "is_published", "public_page"]
    list_select_related = ["publisher"]
    list_filter = ["is_published", "kind"]
    search_fields = ["title"]
    autocomplete_fields = ["publisher", "authors"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind"]}),
        ("Publication details", {"fields": ["publisher", "authors", "date", "url"]}),
        ("About", {"fields": ["description"]}),
        PUBLICATION,
    ]
    inlines = [SourceCitationInline]


@admin.register(Track)
class TrackAdmin(RecordAdmin):
    list_display = ["name", "rank", "origin_date", "is_published", "public_page"]
    list_filter = ["is_published"]
    autocomplete_fields = ["coined_by", "coined_in"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "rank", "definition"]}),
        ("Origin", {"fields": ["origin", "origin_date", "coined_by", "coined_in"]}),
        PUBLICATION,
    ]
    inlines = [CitationInline]


@admin.register(Initiative)
class InitiativeAdmin(RecordAdmin):
    list_display = ["name", "kind", "span", "status", "is_published", "last_change", "public_page"]
    list_filter = [
        "is_published",
        "kind",
        "status",
        ("tracks", RelatedFilter),
        ("topics", RelatedFilter),
        ("countries", RelatedFilter),
    ]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "name_is_descriptive",
                    "slug",
                    "other_names",
                    "kind",
                    "summary",
                    "description",
                ]
            },
        ),
        ("When", {"fields": ["start", "end", "status", "frequency"]}),
        ("Where", {"fields": ["places"]}),
        PUBLICATION,
    ]
    inlines = [
        InitiativeTrackInline,
        InitiativeTopicInline,
        InitiativeCountryInline,
        InitiativeInstitutionInline,
        InitiativePersonInline,
        CitationInline,
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":  # a sentence of up to 300 characters: shown whole, wrapped
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField summary"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        # The stored search document is derived data that no admin page shows.
        return super().get_queryset(request).defer("related_names", "search_vector")


class LinkAdmin(CuratedAdmin):
    """A link of an initiative on a page of its own, where its citations are edited."""

    inlines = [CitationInline]


for _link, _other in ((InitiativeTrack, "track"), (InitiativeTopic, "topic"), (InitiativeCountry, "country")):
    admin.site.register(
        _link,
        type(
            f"{_link.__name__}Admin",
            (LinkAdmin,),
            {
                "list_display": ["initiative", _other],
                "list_select_related": ["initiative", _other],
                "list_filter": [(_other, RelatedOnlyFilter)],
                "search_fields": ["initiative__name", f"{_other}__name"],
                "autocomplete_fields": ["initiative", _other],
                "fieldsets": [(None, {"fields": ["initiative", _other]})],
            },
        ),
    )


@admin.register(InitiativeInstitution)
class InitiativeInstitutionAdmin(LinkAdmin):
    list_display = ["initiative", "role", "institution", "note"]
    list_select_related = ["initiative", "institution"]
    list_filter = ["role"]
    search_fields = ["initiative__name", "institution__name", "institution__acronym", "note"]
    autocomplete_fields = ["initiative", "institution"]
    fieldsets = [(None, {"fields": ["initiative", "institution", "role", "note"]})]


@admin.register(InitiativePerson)
class InitiativePersonAdmin(LinkAdmin):
    list_display = ["initiative", "role", "person", "note"]
    list_select_related = ["initiative", "person"]
    list_filter = ["role"]
    search_fields = ["initiative__name", "person__name", "note"]
    autocomplete_fields = ["initiative", "person"]
    fieldsets = [(None, {"fields": ["initiative", "person", "role", "note"]})]


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["name", "initiative", "date", "is_published", "public_page"]
    list_select_related = ["initiative"]
    list_filter = ["is_published"]
    autocomplete_fields = ["initiative", "institutions", "people"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["initiative", "name", "slug", "date", "places"]}),
        ("Who took part", {"fields": ["institutions", "people"]}),
        ("About", {"fields": ["description"]}),
        PUBLICATION,
    ]
    inlines = [CitationInline]


# ---------------------------------------------------------------------------------------------
# Statistics and citations


@admin.register(Statistic)
class StatisticAdmin(RecordAdmin):
    list_display = ["measure", "stated_value", "unit", "period_display", "initiative", "is_published"]
    list_select_related = ["initiative"]
    list_filter = ["is_published", "unit", "precision", "period"]
    search_fields = ["measure"]
    autocomplete_fields = ["reported_by", "reported_in", "initiative", "from_country", "to_country"]
    prepopulated_fields = {"slug": ["measure"]}
    fieldsets = [
        (None, {"fields": ["measure", "slug"]}),
        ("The figure", {"fields": ["stated_value", "value", "unit", "precision"]}),
        ("Period", {"fields": ["period", "period_start", "period_end"]}),
        ("Reported by", {"fields": ["reported_by", "reported_in"]}),
        ("About", {"fields": ["initiative", "from_country", "to_country"]}),
        PUBLICATION,
    ]
    inlines = [CitationInline]

    @admin.display(description="period")
    def period_display(self, obj):
        return obj.period_display


class SupportsFilter(admin.SimpleListFilter):
    title = "what it supports"
    parameter_name = "supports"

    def lookups(self, request, model_admin):
        return [(field, Citation._meta.get_field(field).verbose_name) for field in CITABLE]

    def queryset(self, request, queryset):
        if self.value() in CITABLE:
            return queryset.filter(Q(**{f"{self.value()}__isnull": False}))
        return queryset


@admin.register(Citation)
class CitationAdmin(CuratedAdmin):
    form = CitationAdminForm
    list_display = ["__str__", "supports"]

    def get_queryset(self, request):
        # The source, and the record or link with what its title names.
        return super().get_queryset(request).select_related("source").with_subjects()

    list_filter = [SupportsFilter, ("source", RelatedOnlyFilter)]
    search_fields = ["passage", "note", "source__title"]
    autocomplete_fields = ["source", *CITABLE]
    fieldsets = [
        (None, {"fields": ["source", "passage", "position", "note"]}),
        (
            "What it supports: one record or relationship, and which of its facts",
            {"fields": [*CITABLE, "facts"]},
        ),
    ]

    @admin.display(description="supports")
    def supports(self, obj):
        return obj.subject
