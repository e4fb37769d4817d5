"""Long commands say how far they are: a bar on a terminal, a line per tenth in a log."""

import io
import re

import pytest
from django.core.management import call_command

from programs.models import Initiative

pytestmark = pytest.mark.django_db(transaction=True)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_restore_says_how_many_records_it_has_written(article, tmp_path):
    backup = tmp_path / "atlas.jsonl"
    call_command("backup", output=str(backup), verbosity=0)
    log = io.StringIO()
    call_command("restore", str(backup), interactive=False, stdout=log)
    lines = log.getvalue().splitlines()
    written = [line for line in lines if line.startswith("records: ")]
    total = int(re.search(r"([\d,]+) records in", lines[-1]).group(1).replace(",", ""))
    assert written[-1].startswith(f"records: {total:,}/{total:,} in")
    assert any(line.startswith("search documents: done") for line in lines)
    assert Initiative.objects.count() == 13


def test_on_a_terminal_a_step_is_a_bar_redrawn_in_place():
    shown = Terminal()
    call_command("synthesize", initiatives=3, stdout=shown)
    bars = shown.getvalue().split("\r")
    finished = [bar for bar in bars if bar.startswith("initiatives ") and "3/3" in bar]
    assert finished and "[" + "#" * 30 + "]" in finished[-1]
    call_command("synthesize", remove=True, stdout=io.StringIO())
