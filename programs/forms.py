"""Forms of the curators' admin.

Every admin form of the knowledge base:
- shows a refused database constraint next to the field to correct, not above the form;
- takes an optional reason for the change, kept in the record's history;
- refuses to save a record that someone else changed since the curator opened it.
"""

from datetime import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from simple_history.models import is_historic, to_historic

from .models import CITABLE

# The field a refused constraint is shown next to, by the constraint's violation_error_code.
CONSTRAINT_FIELDS = {
    "affiliation_end_after_start": "end",
    "initiative_end_after_start": "end",
    "statistic_value_not_negative": "value",
    "statistic_period_well_formed": "period_start",
    "statistic_period_in_order": "period_end",
    "citation_passage_present": "passage",
}

CHANGED_MEANWHILE = (
    "This record was changed by someone else since you opened it{by}. Nothing was saved: "
    "open the record again to see their changes, then make yours."
)
VERSION_MISSING = "Nothing was saved: the form does not say which version you opened. Open the record again."


class ConstraintErrorsByField(forms.ModelForm):
    """A model form that shows a refused CheckConstraint next to the field it concerns."""

    def _post_clean(self):
        super()._post_clean()
        refused = self._errors.pop(NON_FIELD_ERRORS, None)
        for error in refused.as_data() if refused else []:
            field = CONSTRAINT_FIELDS.get(error.code)
            self.add_error(field if field in self.fields else None, error)


class VersionedForm(ConstraintErrorsByField):
    """A form that refuses to save a row someone else saved since the curator opened it.

    `loaded_version` carries the row's `updated_at` as the curator loaded it; if the row has
    been saved since, the form is refused and nothing is saved. Records, join records and
    citations all carry `updated_at`, so the guard holds for the rows of inlines too.
    """

    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_versioned:
            self.fields["loaded_version"].initial = self.current_version(lock=False).isoformat()

    @property
    def is_versioned(self):
        return self.instance.pk is not None and hasattr(self.instance, "updated_at")

    def current_version(self, lock):
        """The row's `updated_at` as stored now (the form's instance may be an old version)."""
        if not is_historic(self.instance) and not lock:
            return self.instance.updated_at
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock:
            # Held until the admin's transaction ends, so two saves cannot both pass this check.
            rows = rows.select_for_update()
        return rows.values_list("updated_at", flat=True).get()

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_versioned:
            return cleaned_data
        opened = self.opened_version()
        if opened is None:
            raise ValidationError(VERSION_MISSING, code="version_missing")
        if opened != self.current_version(lock=True):
            raise ValidationError(CHANGED_MEANWHILE.format(by=self.last_change()), code="changed_meanwhile")
        return cleaned_data

    def opened_version(self):
        try:
            return datetime.fromisoformat(self.cleaned_data.get("loaded_version", ""))
        except ValueError:
            return None

    def last_change(self):
        last = self.instance.history.select_related("history_user").first()
        if last is None:
            return ""
        when = date_format(localtime(last.history_date), "j F Y, H:i")
        return f" ({last.history_user}, {when})" if last.history_user else f" ({when})"


class CuratedForm(VersionedForm):
    """The form of a record's change page: a reason for the change, and no lost updates."""

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=100,  # the length of django-simple-history's history_change_reason
        help_text="Optional. Why you made it, e.g. the source that corrects it. Kept in the history.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if is_historic(self.instance):
            # The admin's revert page: the form holds an earlier version of the record.
            when = date_format(localtime(to_historic(self.instance).history_date), "j F Y, H:i")
            self.fields["change_reason"].initial = f"Reverted to the version of {when}"


class FactsField(forms.TypedMultipleChoiceField):
    """Which facts of its subject a citation supports, as checkboxes of the facts of that kind."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value or []


def fact_choices(subjects):
    """(name, label) of the facts of these citable kinds (CITABLE), once each."""
    choices = {}
    for subject in subjects:
        model, facts = CITABLE[subject]
        for fact in facts:
            choices.setdefault(fact, str(model._meta.get_field(fact).verbose_name))
    return list(choices.items())


class CitationForm(VersionedForm):
    """A citation in the inline of the record it supports; `subject` is the kind of that record."""

    subject = None
    facts = FactsField(
        label="Facts it supports",
        help_text="Tick each fact of the record that the passage states. None for a relationship.",
    )

    class Meta:
        error_messages = {
            "passage": {"required": "Quote the passage of the source that supports the record."},
        }
        widgets = {"passage": forms.Textarea(attrs={"rows": 3, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "facts" in self.fields:
            self.fields["facts"].choices = fact_choices([self.subject] if self.subject else CITABLE)


class CitationAdminForm(CuratedForm, CitationForm):
    """A citation on a page of its own."""

    class Meta(CitationForm.Meta):
        pass
