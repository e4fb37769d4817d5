"""A reader's journeys through the public site, in Chromium, on the article's records.

Each step saves a screenshot under test-artifacts/screenshots/<test name>/.
"""

import csv
import io
import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def result_count(page):
    """The number the list says it holds ("4 initiatives" → 4)."""
    return int(re.match(r"\s*([\d,]+)", page.locator(".result-count").inner_text()).group(1).replace(",", ""))


def facet_count(page, param, value):
    link = page.locator(f'a[data-facet="{param}"][data-value="{value}"]')
    return int(link.locator(".facet-count").inner_text().replace(",", ""))


def test_search_from_home_open_a_result_visit_a_partner_and_come_back(article, page, screenshot):
    page.goto("/")
    screenshot("home")
    # "genomics" is only in the MIT-Skoltech Initiative's description.
    page.get_by_label("Search initiatives, institutions, people, sources…").fill("genomics")
    screenshot("typed")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/\?q=genomics"))
    screenshot("results")
    assert page.locator("h1").inner_text() == "Search results for “genomics”"
    assert page.locator("mark", has_text=re.compile("genomics", re.I)).first.is_visible()

    page.get_by_role("link", name="MIT-Skoltech Initiative").click()
    page.wait_for_url("**/initiatives/mit-skoltech-initiative/")
    screenshot("initiative")
    assert page.locator("h1").inner_text().startswith("MIT-Skoltech Initiative")

    page.locator("section", has=page.get_by_role("heading", name="Institutions")).get_by_role(
        "link", name="Skoltech"
    ).click()
    page.wait_for_url("**/institutions/skoltech/")
    screenshot("partner")
    assert page.locator("h1").inner_text().startswith("Skoltech")
    assert page.get_by_role("link", name="MIT-Skoltech Initiative").is_visible()  # and the link back

    page.go_back()
    page.wait_for_url("**/initiatives/mit-skoltech-initiative/")
    screenshot("back")
    assert page.locator("h1").inner_text().startswith("MIT-Skoltech Initiative")


def test_narrow_the_initiatives_with_two_facets(article, page, screenshot):
    page.goto("/initiatives/")
    screenshot("all")
    everything = result_count(page)
    # Collaborative research: the Stanford U.S.-Russia Forum (Track II) and UCLA’s partnerships (no track).
    research_before = facet_count(page, "topic", "collaborative-research")

    page.locator('a[data-facet="track"][data-value="track-ii"]').click()
    page.wait_for_url(re.compile(r"track=track-ii"))
    screenshot("track-ii")
    on_track = result_count(page)
    assert 0 < on_track < everything
    research_on_track = facet_count(page, "topic", "collaborative-research")
    assert research_on_track < research_before  # the other facet's counts follow the results

    page.locator('a[data-facet="topic"][data-value="collaborative-research"]').click()
    page.wait_for_url(
        re.compile(
            r"track=track-ii.*topic=collaborative-research|topic=collaborative-research.*track=track-ii"
        )
    )
    screenshot("track-ii-and-collaborative-research")
    assert result_count(page) == research_on_track < on_track
    assert page.locator(".active-filters").get_by_text("Track: Track II").is_visible()
    assert page.locator(".active-filters").get_by_text("Topic: Collaborative research").is_visible()
    assert page.locator(".result-list > li").count() == result_count(page)


def test_download_the_csv_and_find_the_rows_of_the_page(article, page, screenshot):
    page.goto("/initiatives/?q=Russian&sort=name")
    screenshot("list")
    on_page = page.locator(".result-list > li h3").all_inner_texts()
    assert on_page

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"Download these .* as CSV")).click()
    screenshot("downloaded")
    name = download.value.suggested_filename  # what and when: initiatives-russian-2026-12-01.csv
    assert re.fullmatch(r"initiatives-[\w-]*\d{4}-\d\d-\d\d\.csv", name), name
    with open(download.value.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert [row["name"] for row in rows] == on_page
    assert all(row["url"].startswith("http") for row in rows)


def test_open_a_missing_record_and_see_the_404_page(article, page, screenshot):
    page.set_viewport_size(PHONE)
    response = page.goto("/initiatives/no-such-initiative/")
    screenshot("not-found-phone")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert page.title().startswith("Not found")
    page.get_by_role("link", name="Go to the home page").click()
    page.wait_for_url("**/")
    screenshot("home-phone")
    assert page.locator("h1").inner_text() == "Track II Atlas"
