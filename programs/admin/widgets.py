"""Django's autocomplete widgets, made safe to show a refused form again.

To show a form again with its errors, an autocomplete widget looks up the records whose ids were
posted. Django looks up whatever was posted, and an id that is not even a number (a tampered or
broken post: " ", "x") or out of the column's range makes that lookup raise: the refused form
became a server error. Here only well-formed ids are looked up; the form has already told the
curator that the others are invalid.
"""

from django.contrib.admin import widgets
from django.core.exceptions import ValidationError


class WellFormedIdsOnly:
    def optgroups(self, name, value, attr=None):
        # The field the posted values refer to, found as Django's own optgroups() finds it.
        remote_opts = self.field.remote_field.model._meta
        to_field = remote_opts.get_field(
            getattr(self.field.remote_field, "field_name", remote_opts.pk.attname)
        )
        well_formed = []
        for item in value:
            try:
                # A number, and within the column's range (SQLite cannot even compare beyond it).
                to_field.run_validators(to_field.to_python(item))
            except ValidationError:
                continue
            well_formed.append(item)
        return super().optgroups(name, well_formed, attr)


class AutocompleteSelect(WellFormedIdsOnly, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(WellFormedIdsOnly, widgets.AutocompleteSelectMultiple):
    pass


class SafeAutocompleteFields:
    """For a ModelAdmin or an inline: its autocomplete_fields use the widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
