"""The Curator group: may add, change, delete and view knowledge-base records, and nothing else
(not users, not groups)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curator"


def create_curator_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; make sure they exist now.
    # The migration state's app config has no models module, which create_permissions requires.
    config = apps.get_app_config("programs")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    records = Permission.objects.filter(content_type__app_label="programs")
    # History is an audit trail: curators read it (and revert through the record), never edit it.
    history = records.filter(content_type__model__startswith="historical")
    group.permissions.set(records.exclude(pk__in=history.exclude(codename__startswith="view_")))


def remove_curator_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_curator_group, remove_curator_group)]
