"""The curators' admin at 1280 px, on the article's records: nothing wider than the window (the
citations inline, the initiatives' changelist and its last column), the summary in a box that
shows it whole, and the app names that say what they hold."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from programs.models import Initiative
from tests.conftest import CURATOR_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}


def log_in(page, user):
    page.set_viewport_size(DESKTOP)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="The knowledge base")).to_be_visible()


def overflow(page):
    """How far the page is wider than the window, in px (0: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_initiative_page_fits_1280_px_and_its_summary_is_a_box(article, page, screenshot, curator):
    log_in(page, curator)
    dartmouth = Initiative.objects.get(slug="dartmouth-conference")
    page.goto(reverse("admin:programs_initiative_change", args=[dartmouth.pk]))
    screenshot("initiative-change")
    summary = page.get_by_label("Summary:")
    assert summary.evaluate("e => e.tagName") == "TEXTAREA"
    assert summary.evaluate("e => e.scrollHeight <= e.clientHeight + 2")  # the whole sentence shows
    assert summary.get_attribute("maxlength") == "300"
    citations = page.locator("#citations-group")
    citations.scroll_into_view_if_needed()
    screenshot("citations-inline")
    assert overflow(page) <= 0
    right = page.evaluate("document.querySelector('#citations-group').getBoundingClientRect().right")
    assert right <= DESKTOP["width"]


def test_the_initiatives_changelist_shows_its_last_column_whole(article, page, screenshot, curator):
    log_in(page, curator)
    page.goto(reverse("admin:programs_initiative_changelist"))
    screenshot("changelist")
    assert overflow(page) <= 0
    # The table is not cut by its scrolling box: every column shows without scrolling sideways.
    assert (
        page.evaluate("(e => e.scrollWidth - e.clientWidth)(document.querySelector('#changelist .results'))")
        <= 0
    )
    last = page.locator("#result_list thead th").last
    box = last.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]
    expect(page.locator("#result_list tbody tr").first.locator("td").last).to_be_visible()
    expect(last).to_have_text(re.compile("public page", re.I))
    # Loaded records say so, rather than the article's date as if someone had changed them then.
    expect(page.locator("#result_list tbody td.field-last_change").first).to_have_text(
        re.compile(r"^loaded \d")
    )


def test_the_admin_index_names_login_attempts_for_what_they_are(article, page, screenshot, admin_user):
    page.set_viewport_size(DESKTOP)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(admin_user.username)
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    screenshot("admin-index")
    expect(page.get_by_role("link", name=re.compile("^Login attempts and lockouts$"))).to_be_visible()
    expect(page.get_by_role("link", name="Axes", exact=True)).to_have_count(0)
