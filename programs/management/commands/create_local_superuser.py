import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "For a new local install: if no superuser exists, create one with a generated password "
        "and print it once. Does nothing when a superuser exists."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        username = os.environ.get("ATLAS_SUPERUSER", "owner")
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                f"\nCreated the superuser “{username}” with the password  {password}\n"
                "It is shown only this once. Change it at /admin/password_change/.\n"
            )
        )
