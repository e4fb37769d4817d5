import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "For a new local install: if no superuser exists, create one with a generated password "
        "and print it once. When one exists, say who and how to set a new password."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        existing = list(
            User.objects.filter(is_superuser=True)
            .order_by("pk")
            .values_list(User.USERNAME_FIELD, flat=True)[:3]
        )
        if existing:
            names = " and ".join(f"“{name}”" for name in existing[:2])
            verb = "exists" if len(existing) == 1 else "exist" + (" (and more)" if len(existing) > 2 else "")
            self.stdout.write(
                f"The superuser {names} {verb}: no new one is made, and the password is not shown "
                f"again.\nTo set a new password: .venv/bin/python manage.py changepassword {existing[0]}\n"
            )
            return
        username = os.environ.get("ATLAS_SUPERUSER", "owner")
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                f"\nCreated the superuser “{username}” with the password  {password}\n"
                "It is shown only this once. Change it at /admin/password_change/, or with "
                f".venv/bin/python manage.py changepassword {username}\n"
            )
        )
