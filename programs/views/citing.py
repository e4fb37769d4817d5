"""Citing records: what every detail page adds to cite its record (its last change, the "Cite
this" block, its JSON-LD), the record as of an earlier version, and the citation files."""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import ForeignKey
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from .. import partial_dates
from ..citing import FILES, FORMATS, Cited, Version, latest_version
from ..linked_data import json_ld
from ..models import CITABLE, SUBJECT_OF_MODEL, Citation, Source
from ..partial_dates import PartialDateField


def citation_context(request, record, version, context, title=None, versioned=False, described=None):
    """What a record's page adds to cite it as of `version` (None: a record without history):
    the permanent link, the five formats, the citation files and the page's JSON-LD."""
    model = type(record)
    permalink = request.build_absolute_uri(version.path if version else record.get_absolute_url())
    cited = Cited.record(record, version, permalink, title=title)
    if versioned:
        files = [
            reverse("programs:record_version_cite", args=[model, version.row.slug, version.number, ext])
            for ext in FILES
        ]
    else:
        files = [reverse("programs:record_cite", args=[model, record.slug, ext]) for ext in FILES]
    return {
        "version": version,
        "permalink": permalink,
        "citation_formats": cited.formats(),
        "cite_files": [(*FORMATS[key], url) for key, url in zip(FILES.values(), files, strict=True)],
        "linked_data": json_ld(request, described or record, context, version),
    }


class RecordVersionView(TemplateView):
    """A record as it was at one version of its history, saying so, with its citation."""

    template_name = "programs/record_version.html"

    def get(self, request, *args, **kwargs):
        row, record = find_version(request, kwargs["model"], kwargs["slug"], kwargs["version"])
        self.row, self.record = row, record
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        row, record = self.row, self.record
        version = Version(row)
        later = record.history.filter(history_date__gt=row.history_date).order_by("history_date").first()
        # The passages of this version: those that stood until the next version (the rows an
        # admin save writes after the record's own belong to it), or until now.
        until = later.history_date - timedelta(microseconds=1) if later else timezone.now()
        context = super().get_context_data(
            record=record,
            object=record,
            row=row,
            facts=list(facts_of(row)),
            later=later,
            passages=passages_as_of(record, until),
            kind=record._meta.verbose_name,
            **kwargs,
        )
        then = row.instance if later else record
        context |= citation_context(
            self.request, record, version, context, title=str(then), versioned=True, described=then
        )
        return context


# The largest history id any database here stores (a 32-bit AutoField): a larger number in an
# address is no version, not an error of the database.
MAX_ID = 2**31 - 1


def find_version(request, model, slug, number):
    """The history row `number` of a record of `model` and the record now, or 404: a record a
    reader may not see, or a version that was a draft, is not shown to readers."""
    if not 0 < number <= MAX_ID:
        raise Http404("No such version.")
    history = model.history.select_related(
        *(field.name for field in model._meta.concrete_fields if isinstance(field, ForeignKey))
    )
    # A version's address names the slug the record had then, which never changes.
    row = history.filter(history_id=number, slug=slug).exclude(history_type="-").first()
    if row is None:
        raise Http404("No such version.")
    record = get_object_or_404(model.objects.visible_to(request.user), pk=row.id)
    if not row.is_published and not request.user.has_perm(f"programs.change_{model._meta.model_name}"):
        raise Http404("No such version.")
    return row, record


# What a version page does not list: keys, flags and timestamps, the search's own columns.
NOT_FACTS = {"id", "slug", "is_published", "created_at", "updated_at", "related_names", "search_vector"}


def facts_of(row):
    """(label, text, linked record) for each fact a version states, in the model's order."""
    for field in row.instance_type._meta.concrete_fields:
        if field.name in NOT_FACTS:
            continue
        value = getattr(row, field.attname)
        if value in ("", None):
            continue
        linked = None
        if isinstance(field, ForeignKey):
            try:
                linked = getattr(row, field.name)
            except ObjectDoesNotExist:
                continue  # deleted since
            if not linked.is_published:
                continue
            value = str(linked)
        elif field.choices:
            value = dict(field.flatchoices).get(value, value)
        elif isinstance(field, PartialDateField):
            value = partial_dates.display(value)
        yield field.verbose_name, str(value), linked


def passages_as_of(record, moment):
    """The published passages that supported `record` at `moment`, in their sources' order."""
    subject = SUBJECT_OF_MODEL[type(record)]
    citations = list(Citation.history.as_of(moment).filter(**{f"{subject}_id": record.pk}))
    sources = Source.objects.published().in_bulk({citation.source_id for citation in citations})
    facts = CITABLE[subject][0]._meta
    rows = []
    for citation in citations:
        source = sources.get(citation.source_id)
        if source is None:
            continue
        supports = ", ".join(str(facts.get_field(fact).verbose_name) for fact in citation.facts or [])
        rows.append((source, citation, supports))
    rows.sort(key=lambda row: (row[0].title, row[1].position is None, row[1].position or 0, row[1].pk))
    return rows


def cite_file(request, model, slug, extension, version=None):
    """A record's citation as a BibTeX, RIS or CSL-JSON file: of its latest version, or of one."""
    if version is None:
        record = model.objects.visible_to(request.user).filter(slug=slug).first()
        if record is None:
            moved = model.objects.visible_to(request.user).renamed_from(slug)
            if moved is None:
                raise Http404("No such record.")
            return HttpResponsePermanentRedirect(
                reverse("programs:record_cite", args=[model, moved.slug, extension])
            )
        found = latest_version(record)
        title = None
    else:
        row, record = find_version(request, model, slug, version)
        found = Version(row)
        title = str(row.instance)
    permalink = request.build_absolute_uri(found.path if found else record.get_absolute_url())
    key = FILES[extension]
    text = Cited.record(record, found, permalink, title=title).text(key)
    name = f"{(found.row.slug if found else record.slug)}.{'csl.json' if key == 'csl' else extension}"
    response = HttpResponse(text, content_type=f"{FORMATS[key][1]}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
