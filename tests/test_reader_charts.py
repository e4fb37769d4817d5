"""The charts: the statistics side by side only where they share a unit and a subject, and the
home timeline with a scale and a word on the initiatives it cannot show."""

import pytest
from django.urls import reverse

from programs.charts import scale_top
from programs.models import Initiative, Statistic
from tests.dom import dom

pytestmark = pytest.mark.django_db


def charts(client):
    html = dom(client.get(reverse("programs:statistic_list")))
    found = {}
    for figure in html.find_all("figure", class_="bars-chart"):
        links = [row.find("a").attr("href") for row in figure.find_all("li", class_="bar-row")]
        found[figure.find("figcaption").text] = [
            Statistic.objects.get(slug=href.rstrip("/").rsplit("/", 1)[-1]) for href in links
        ]
    return html, found


def test_the_statistics_chart_sets_side_by_side_only_figures_of_one_unit_and_subject(client, article):
    html, found = charts(client)
    assert list(found) == [
        "Students: U.S.-Russian educational exchanges",
        "US dollars: between Russia and United States",
    ]
    for caption, statistics in found.items():
        assert len(statistics) >= 2, caption  # never a chart of one bar
        assert len({statistic.unit for statistic in statistics}) == 1, caption
    # The figures no other shares a unit and a subject with are in the table, not in a chart.
    charted = {statistic.pk for statistics in found.values() for statistic in statistics}
    table = html.find("table", class_="statistics").text
    for statistic in Statistic.objects.published().exclude(pk__in=charted):
        assert statistic.stated_value in table
    assert "Meetings" not in " ".join(found)  # 130 Dartmouth meetings beside a forum's two: no


def test_the_bars_keep_their_order_of_size(client, article):
    _, found = charts(client)
    html = dom(client.get(reverse("programs:statistic_list")))
    figure = html.find("figure", class_="bars-chart")
    widths = [float(rect.attr("width")) for rect in figure.find_all("rect", class_="bar")]
    values = [statistic.value for statistic in found["Students: U.S.-Russian educational exchanges"]]
    assert max(widths) == 100.0
    assert sorted(range(2), key=lambda i: widths[i]) == sorted(range(2), key=lambda i: values[i])


def test_no_two_figures_alike_say_so_instead_of_a_chart(client, article):
    html = dom(client.get(reverse("programs:statistic_list") + "?q=dartmouth"))
    assert html.find("figure", class_="bars-chart") is None
    assert "No two figures of this page share a unit and a subject" in html.find("p", class_="empty").text


def test_the_home_timeline_says_how_many_have_no_start_date_and_has_a_scale(client, article):
    html = dom(client.get(reverse("programs:home")))
    figure = html.find("figure", class_="timeline-chart")
    total = Initiative.objects.published().count()
    undated = Initiative.objects.published().filter(start="").count()
    assert figure.find("p", class_="timeline-note").text == (
        f"{total - undated} of {total} initiatives have a start date and are shown here; "
        f"{undated} have none and no column can show them."
    )
    assert [item.text for item in figure.find("ol", class_="timeline-scale").find_all("li")] == ["1", "0"]
    assert [item.text for item in figure.find("ol", class_="timeline-decades").find_all("li")] == [
        "1960s",
        "1970s",
        "1980s",
        "1990s",
        "2000s",
        "2010s",
    ]
    assert figure.find("svg").find("text") is None  # every label is HTML text, at the page's size


@pytest.mark.parametrize(
    ("most", "top"), [(1, 1), (2, 2), (3, 4), (5, 6), (7, 8), (9, 10), (10, 10), (11, 20), (130, 200)]
)
def test_the_scale_tops_at_a_round_number_with_a_whole_half(most, top):
    assert scale_top(most) == top
