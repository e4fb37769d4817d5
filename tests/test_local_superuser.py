"""`make run` calls create_local_superuser each time: the first run makes "owner" and shows its
password once; each later run says the account exists and how to set a new password."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    call_command("create_local_superuser", stdout=out)
    return out.getvalue()


def test_a_second_run_names_the_superuser_and_how_to_set_a_new_password(monkeypatch):
    monkeypatch.delenv("ATLAS_SUPERUSER", raising=False)
    first = run()
    password = re.search(r"the password\s+(\S+)", first).group(1)
    second = run()
    assert second == (
        "The superuser “owner” exists: no new one is made, and the password is not shown again.\n"
        "To set a new password: .venv/bin/python manage.py changepassword owner\n"
    )
    assert password not in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert get_user_model().objects.get(username="owner").check_password(password)
