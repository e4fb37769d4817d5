"""A curator's round trip in a real browser: add a draft, publish it, find it, read its history."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import CURATOR_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "Baikal Water Dialogue"


def choose(page, container, text):
    """Pick `text` in the autocomplete (select2) widget inside `container`."""
    container.locator(".select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill(text)
    # Until the search for `text` answers, the options shown are the first ones, being replaced:
    # a click on one of them may land on nothing (seen under load: the field stayed empty).
    expect(page.locator(".select2-results__option.loading-results")).to_have_count(0)
    page.locator(".select2-results__option", has_text=text).click()
    expect(container.locator(".select2-selection__rendered")).to_contain_text(text)


def search_the_public_site(page, query):
    page.goto(f"{reverse('programs:search')}?q={query}")
    return page.get_by_role("link", name=NAME)


def test_a_curator_adds_publishes_and_finds_an_initiative(page, screenshot, curator, institution, source):
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    screenshot("login")
    page.get_by_label("Username").fill(curator.username)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="The knowledge base")).to_be_visible()
    screenshot("admin-home")

    page.goto(reverse("admin:programs_initiative_add"))
    page.get_by_label("Name:").press_sequentially(NAME)
    expect(page.get_by_label("Slug:")).to_have_value("baikal-water-dialogue")
    page.get_by_label("Kind:").select_option("Dialogue")
    page.get_by_label("Summary:").fill("Scientists of both countries meet at Lake Baikal.")
    page.get_by_role("button", name="Add another Institution").click()
    host = page.locator("#institution_roles-group tr.form-row").first
    choose(page, host, institution.name)
    host.locator("select[name$='-role']").select_option("host")
    citation = page.locator("#citations-group tr.form-row").first
    choose(page, citation, source.title)
    citation.locator("textarea[name$='-passage']").fill("Scientists of both countries meet at Lake Baikal.")
    page.get_by_label("Reason for this change:").fill("From the report")
    screenshot("draft-filled-in")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    screenshot("draft-saved")

    # The public search leaves drafts out, even for a curator.
    expect(search_the_public_site(page, "Baikal")).to_have_count(0)
    screenshot("public-search-without-the-draft")

    page.goto(reverse("admin:programs_initiative_changelist"))
    page.get_by_role("row", name=NAME).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Publish the selected initiatives")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Published 1 initiative.")
    screenshot("published")

    expect(search_the_public_site(page, "Baikal")).to_have_count(1)
    screenshot("public-search-finds-it")

    page.goto(reverse("admin:programs_initiative_changelist"))
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("link", name="History").click()
    history = page.locator("#change-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("curator")
    expect(history.first).to_contain_text("Published")
    expect(history.first).to_contain_text("Published: False → True")
    expect(history.last).to_contain_text("From the report")
    screenshot("history")
