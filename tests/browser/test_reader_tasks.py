"""A reader's tasks on a phone (390 px wide), in Chromium, on the article's records: open the
filters from above the results, find a record by another spelling, narrow by years, sort the
statistics, see every value of a facet.

Each step saves a screenshot under test-artifacts/screenshots/<test name>/.
"""

import re

import pytest
from playwright.sync_api import expect

from programs.models import Initiative, InitiativeInstitution, Statistic

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
TOUCH = 44  # px: the smallest a control to tap may be


def result_count(page):
    return int(re.match(r"\s*([\d,]+)", page.locator(".result-count").inner_text()).group(1).replace(",", ""))


def box(locator):
    found = locator.bounding_box()
    assert found, locator
    return found


def test_on_a_phone_open_the_filters_above_the_results_and_narrow_by_a_facet(article, page, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/initiatives/")
    screenshot("list-on-a-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    toggle = page.locator("summary.filters-toggle")
    expect(toggle).to_be_visible()
    assert toggle.inner_text() == "Filters"
    results = page.locator("#results-heading")
    assert box(toggle)["y"] < box(results)["y"]  # above the results, not below every one
    assert box(toggle)["height"] >= TOUCH
    track_ii = page.locator('a[data-facet="track"][data-value="track-ii"]')
    expect(track_ii).to_be_hidden()  # folded until asked for
    before = result_count(page)

    toggle.click()
    expect(track_ii).to_be_visible()
    screenshot("filters-open")
    for link in page.locator(".facet a").all()[:10]:
        assert box(link)["height"] >= TOUCH, link.inner_text()
    expected = Initiative.objects.published().filter(tracks__slug="track-ii").distinct().count()
    assert 0 < expected < before
    track_ii.click()
    page.wait_for_url(re.compile(r"track=track-ii"))
    screenshot("narrowed")
    assert result_count(page) == expected
    expect(page.locator(".active-filters")).to_contain_text("Track: Track II")
    expect(page.locator("summary.filters-toggle")).to_have_text("Filters (1 chosen)")
    assert box(page.locator("summary.filters-toggle"))["y"] < box(page.locator("#results-heading"))["y"]


def test_on_a_phone_find_the_accelerator_by_startups(article, page, screenshot):
    """The article writes "start-ups"; a reader types "startups" in the header's search box."""
    page.set_viewport_size(PHONE)
    page.goto("/")
    box_ = page.get_by_role("searchbox").first
    box_.fill("startups")
    box_.press("Enter")
    page.wait_for_url(re.compile(r"q=startups"))
    screenshot("startups-found")
    accelerator = page.get_by_role("link", name="American Councils’ innovation accelerator")
    expect(accelerator).to_be_visible()
    expect(page.locator("mark", has_text="start-ups").first).to_be_visible()
    accelerator.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("American Councils’ innovation accelerator")
    screenshot("accelerator")


def test_initiatives_begun_before_2000_and_how_many_have_no_start_date(article, page, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/initiatives/")
    total = result_count(page)
    undated = Initiative.objects.published().filter(start="").count()
    expect(page.locator(".undated-note")).to_have_text(
        f"{undated} of {total} initiatives have no start date."
    )
    screenshot("undated-said")
    page.locator("summary.filters-toggle").click()
    page.get_by_label("to", exact=True).fill("1999")
    screenshot("years-typed")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"to=1999"))
    screenshot("begun-before-2000")
    begun = [i for i in Initiative.objects.published() if i.start and int(i.start[:4]) < 2000]
    assert begun  # the article's Dartmouth Conference, 1960
    assert result_count(page) == len(begun)
    for initiative in begun:
        expect(page.locator(".result-list").get_by_role("link", name=initiative.name)).to_be_visible()
    expect(page.locator(".undated-note")).to_have_text(
        f"{undated} of {total} initiatives have no start date, so the years leave them out."
    )
    expect(page.locator(".active-filters")).to_contain_text("Began: until 1999")

    page.goto("/initiatives/?from=2005&to=1990")
    screenshot("reversed-range")
    expect(page.get_by_role("alert").first).to_contain_text("The range ends before it begins")
    assert result_count(page) == total


def test_sort_the_statistics_table_by_its_columns(article, page, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/statistics/")
    screenshot("statistics")
    # The table scrolls in its own box; the page itself is no wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    table = page.locator("table.statistics")
    measure = table.locator("thead th").first
    expect(measure).to_have_attribute("aria-sort", "ascending")
    value_of = {s.stated_value: s.value for s in Statistic.objects.published()}

    heading = table.locator("thead th", has_text="Value, as stated")
    assert box(heading.get_by_role("link"))["height"] >= TOUCH
    heading.get_by_role("link").click()
    page.wait_for_url(re.compile(r"sort=value"))
    screenshot("by-value")
    expect(table.locator("thead th", has_text="Value, as stated")).to_have_attribute("aria-sort", "ascending")
    values = [value_of[text.strip()] for text in table.locator("tbody td.number").all_inner_texts()]
    assert len(values) == len(value_of) and values == sorted(values) and values[0] < values[-1]

    table.locator("thead th", has_text="Value, as stated").get_by_role("link").click()
    page.wait_for_url(re.compile(r"sort=-value"))
    screenshot("by-value-descending")
    expect(table.locator("thead th", has_text="Value, as stated")).to_have_attribute(
        "aria-sort", "descending"
    )
    values = [value_of[text.strip()] for text in table.locator("tbody td.number").all_inner_texts()]
    assert values == sorted(values, reverse=True)
    expect(table.locator("thead th").first).not_to_have_attribute("aria-sort", "ascending")


def test_see_every_value_of_a_facet_through_show_all(article, page, screenshot):
    page.set_viewport_size(PHONE)
    page.goto("/initiatives/")
    page.locator("summary.filters-toggle").click()
    shown = page.locator('.facets a[data-facet="institution"]').count()
    every = (
        InitiativeInstitution.objects.published()
        .filter(initiative__is_published=True)
        .values("institution")
        .distinct()
        .count()
    )
    assert shown < every  # the list shows only the most frequent
    screenshot("facets-open")
    page.get_by_role("link", name="Show all institutions").click()
    page.wait_for_url(re.compile(r"/initiatives/every/\?facet=institution"))
    screenshot("every-institution")
    expect(page.locator("h1")).to_have_text("Every institution of the initiatives")
    links = page.locator('a[data-facet="institution"]')
    assert links.count() == every
    first = links.first
    name = first.inner_text().rsplit(" ", 1)[0].lstrip("☐ ").strip()
    count = int(first.locator(".facet-count").inner_text())
    first.click()
    page.wait_for_url(re.compile(r"/initiatives/\?institution="))
    screenshot("narrowed-by-it")
    assert result_count(page) == count
    expect(page.locator(".active-filters")).to_contain_text(f"Institution: {name}")


SMALLEST_TEXT = """() => {
  const sizes = [...document.querySelectorAll(
    '.chart figcaption, .chart li, .chart span, .chart p, .chart svg text'
  )].filter(e => e.getClientRects().length && e.textContent.trim())
    .map(e => parseFloat(getComputedStyle(e).fontSize) * (e.closest('svg') ?
      e.closest('svg').getBoundingClientRect().width / e.closest('svg').viewBox.baseVal.width : 1));
  return sizes.length ? Math.min(...sizes) : null;
}"""


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_chart_labels_are_at_least_12_px_at_every_width(article, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    page.locator(".timeline-chart").scroll_into_view_if_needed()
    screenshot(f"home-timeline-{width}")
    expect(page.locator(".timeline-note")).to_contain_text("have none and no column can show them")
    assert page.evaluate(SMALLEST_TEXT) >= 12
    assert page.locator(".timeline-scale li").count() >= 2  # a scale on the axis
    page.goto("/statistics/")
    page.locator(".bars-chart").first.scroll_into_view_if_needed()
    screenshot(f"statistics-chart-{width}")
    assert page.evaluate(SMALLEST_TEXT) >= 12
    for figure in page.locator(".bars-chart").all():
        assert figure.locator(".bar-row").count() >= 2
