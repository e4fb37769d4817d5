"""What every page of the curators' admin shares.

- CuratedAdmin (every model): history with who, when, a field-by-field diff, revert and a reason
  for each change; a refusal when the record changed meanwhile (programs.forms.CuratedForm);
  facet counts on the filters; CSV export of the selected rows.
- RecordAdmin (every model with a public page): draft and published, publish and unpublish
  actions, search through the one search entry point (`RecordQuerySet.search`), and a link to
  the public page, which staff can open while it is still a draft.
- CitationInline: the passages that support a record, edited on the record's page.
"""

import csv

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext
from django.db import router, transaction
from django.db.models import OuterRef, Subquery
from django.http import StreamingHttpResponse
from django.utils import formats
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..export import Echo, spreadsheet_safe
from ..forms import CitationForm, CuratedForm, VersionedForm
from ..management.commands.load_article import REASON as LOADED
from ..models import SUBJECT_OF_MODEL, Citation
from .widgets import SafeAutocompleteFields

YOUR_CHANGE = ("Your change", {"fields": ["change_reason", "loaded_version"]})
# "last change" (from the history) rather than `updated_at`, which for a record loaded from the
# fixtures holds the article's date.
PUBLICATION = ("Publication", {"fields": ["is_published", "created_at", "last_change"]})


class ChoicesOncePerRequest:
    """A related-records filter that lists its choices once per page, not once per filter.

    To count the facets, the changelist builds all its filters again for each filter; without
    this, a list with k related filters out of n runs k × (n + 1) identical queries.
    """

    def field_choices(self, field, request, model_admin):
        cache = request.__dict__.setdefault("_admin_filter_choices", {})
        key = (model_admin.model, field.name, type(self))
        if key not in cache:
            cache[key] = super().field_choices(field, request, model_admin)
        return cache[key]


class RelatedFilter(ChoicesOncePerRequest, admin.RelatedFieldListFilter):
    pass


class RelatedOnlyFilter(ChoicesOncePerRequest, admin.RelatedOnlyFieldListFilter):
    """Lists only the related records in use (the countries that have institutions…)."""


class CuratedAdmin(SafeAutocompleteFields, SimpleHistoryAdmin):
    """Fieldsets must be declared: the "Your change" fieldset is added after them."""

    form = CuratedForm
    actions = ["export_csv"]
    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50
    object_history_list_template = "admin/programs/object_history_list.html"

    class Media:
        css = {"all": ["programs/admin.css"]}

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), YOUR_CHANGE]

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason") or None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Save the inline rows with the same reason as the record they belong to."""
        reason = form.cleaned_data.get("change_reason") or None
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        for obj in instances:
            obj._change_reason = reason
            obj.save()
        formset.save_m2m()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert page saves like the change page: in one transaction, with the row locked.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.action(description="Export the selected %(verbose_name_plural)s as CSV")
    def export_csv(self, request, queryset):
        opts = self.model._meta
        # Derived data (the stored search document) is not exported, as it is not dumped.
        fields = [field for field in opts.concrete_fields if field.serialize or field.primary_key]
        many = opts.many_to_many
        rows = queryset.select_related(*[f.name for f in fields if f.is_relation])
        rows = rows.prefetch_related(*[f.name for f in many])

        def lines():
            writer = csv.writer(Echo())
            yield writer.writerow([f.name for f in (*fields, *many)])
            # In chunks, so that a large export streams instead of being built in memory.
            for row in rows.iterator(chunk_size=2000):
                cells = [getattr(row, f.name) for f in fields]
                cells += ["; ".join(str(related) for related in getattr(row, f.name).all()) for f in many]
                yield writer.writerow([spreadsheet_safe("" if cell is None else cell) for cell in cells])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{opts.model_name}.csv"'
        return response


class RecordAdmin(CuratedAdmin):
    """A record with a slug, a public page and a published flag."""

    actions = ["publish", "unpublish", "export_csv"]
    readonly_fields = ["created_at", "last_change"]
    # The search box and autocomplete need search_fields; the search itself is the site's.
    search_fields = ["name"]
    search_help_text = "The same search as the public site's."

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # a new record has no dates of creation and change yet
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f not in self.readonly_fields]})
                for name, options in fieldsets
            ]
        return fieldsets

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    def get_queryset(self, request):
        # The record's latest version, for the "last change" column: `updated_at` of a record
        # loaded from the fixtures is the article's date, which no curator changed it on.
        records = super().get_queryset(request)
        latest = self.model.history.model.objects.filter(id=OuterRef("pk")).order_by(
            "-history_date", "-history_id"
        )
        return records.annotate(
            last_change_at=Subquery(latest.values("history_date")[:1]),
            last_change_reason=Subquery(latest.values("history_change_reason")[:1]),
            last_change_by=Subquery(latest.values(f"history_user__{get_username_field()}")[:1]),
        )

    @admin.display(description="last change", ordering="last_change_at")
    def last_change(self, obj):
        """When the record last changed and who changed it, from its history: "loaded" for the
        version the fixtures gave it, "no history" for records written in bulk (synthesize)."""
        when = getattr(obj, "last_change_at", None)
        if when is None:
            return format_html('<span title="{}">no history</span>', "Written in bulk, without a history")
        day = formats.date_format(when, "j M Y")
        if getattr(obj, "last_change_reason", None) == LOADED:
            return format_html('<span title="{}">loaded {}</span>', LOADED, day)
        by = getattr(obj, "last_change_by", None)
        return format_html("{} by {}", day, by) if by else day

    @admin.display(description="public page")
    def public_page(self, obj):
        # Staff see a draft's public page (detail views read through `visible_to(user)`).
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), "view" if obj.is_published else "preview draft"
        )

    @admin.action(description="Publish the selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request, queryset):
        self.set_published(request, queryset, True)

    @admin.action(
        description="Unpublish the selected %(verbose_name_plural)s (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self.set_published(request, queryset, False)

    def set_published(self, request, queryset, published):
        """Publish or unpublish one record at a time, so each change goes into its history."""
        done = "Published" if published else "Unpublished"
        records = list(queryset.filter(is_published=not published))
        for record in records:
            record.is_published = published
            record._change_reason = done
            record.save(update_fields=["is_published", "updated_at"])
            self.log_change(request, record, done)
        self.message_user(
            request, f"{done} {len(records)} {model_ngettext(self.opts, len(records))}.", messages.SUCCESS
        )


def get_username_field():
    from django.contrib.auth import get_user_model

    return get_user_model().USERNAME_FIELD


class Inline(SafeAutocompleteFields, admin.TabularInline):
    """An inline whose rows are loaded with the records their titles name, and whose rows are
    refused, like the record, when someone else saved them since the page was opened."""

    extra = 0
    select_related = []
    form = VersionedForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "loaded_version"]


class CitationInline(Inline):
    model = Citation
    select_related = ["source"]
    form = CitationForm
    fields = ["source", "passage", "facts", "note"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "citations: the passages of sources that support it"

    def get_extra(self, request, obj=None, **kwargs):
        # A new record gets one blank citation to fill in: every record needs a source.
        return 1 if obj is None else 0

    def get_formset(self, request, obj=None, **kwargs):
        # The facts to tick are those of the record this inline belongs to.
        subject = self.fk_name or SUBJECT_OF_MODEL[self.parent_model]
        kwargs["form"] = type(self.form.__name__, (self.form,), {"subject": subject})
        return super().get_formset(request, obj, **kwargs)
