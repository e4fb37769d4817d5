"""A reader cites a record: copies its BibTeX citation with the Copy button and opens the
permanent link it names, which shows the record as it was when cited, even after it changed."""

import re

import pytest
from playwright.sync_api import expect
from pybtex.database import parse_string

from programs.models import Initiative

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_copies_a_bibtex_citation_and_opens_the_permanent_link(article, page, screenshot):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    initiative = Initiative.objects.get(slug="dartmouth-conference")
    page.goto(initiative.get_absolute_url())
    cite = page.locator("section#cite")
    cite.scroll_into_view_if_needed()
    screenshot("cite-this")
    assert "Last changed" in cite.locator("p.changed").inner_text()

    cite.get_by_role("button", name="Copy BibTeX").click()
    expect(cite.get_by_role("button", name="Copied")).to_be_visible()  # waits for the click's answer
    copied = page.evaluate("navigator.clipboard.readText()")
    (entry,) = parse_string(copied, "bibtex").entries.values()
    assert entry.fields["title"] == "Dartmouth Conference"
    permalink = entry.fields["url"]
    assert re.search(r"/initiatives/dartmouth-conference/versions/\d+/$", permalink)
    assert page.locator('link[rel="cite-as"]').get_attribute("href") == permalink

    # The record changes after the reader cited it; the permanent link still shows what they read.
    initiative.name = "The Dartmouth Conference (renamed)"
    initiative.save()
    page.goto(permalink)
    screenshot("permanent-link")
    assert page.locator("h1").inner_text() == "Dartmouth Conference"
    notice = page.locator(".version-notice")
    assert "An earlier version" in notice.inner_text()
    notice.get_by_role("link", name=re.compile("current version")).click()
    page.wait_for_url("**/initiatives/dartmouth-conference/")
    assert page.locator("h1").inner_text().startswith("The Dartmouth Conference (renamed)")
