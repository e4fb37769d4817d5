import pytest
from django.urls import reverse

from programs.models import Initiative, Track
from tests.dom import dom

pytestmark = pytest.mark.django_db


def test_home_counts_what_the_knowledge_base_holds_and_links_each_count_to_its_list(client, article):
    Initiative.objects.create(slug="draft", name="A draft", kind="forum", summary="Not yet public.")
    published = Initiative.objects.published().count()
    page = dom(client.get(reverse("programs:home")))
    counts = {link.text: link.attr("href") for link in page.find("ul", class_="counts").find_all("a")}
    assert counts[f"{published} initiatives"] == reverse("programs:initiative_list")
    assert len(counts) == 9 and all(url.endswith("/") for url in counts.values())


def test_a_track_without_initiatives_says_so_in_words(client, article):
    Track.objects.create(
        slug="track-iii", name="Track III", rank=4, definition="Not real.", is_published=True
    )
    card = next(
        card
        for card in dom(client.get(reverse("programs:home"))).find_all("li", class_="card")
        if "Track III" in card.text
    )
    assert "No initiative of this track is recorded yet." in card.text
    assert not card.find("a", href=f"{reverse('programs:initiative_list')}?track=track-iii")


def test_the_home_page_names_the_source_the_atlas_starts_from(client, article):
    origin = dom(client.get(reverse("programs:home"))).find("p", class_="origin")
    assert "It starts from one source" in origin.text
    assert "U.S.-Russia relations are at a real low" in origin.find("cite").text
    assert origin.find("a").attr("href").startswith("/sources/")


def test_the_timeline_names_the_first_three_initiatives_of_a_year_and_counts_the_rest(client, article):
    for slug, start, published in [
        ("epsilon", "1899-12", True),
        ("zeta", "1899", True),
        ("gamma", "1899", False),  # a draft: neither named nor counted
        ("delta", "1899-05", True),
        ("beta", "1899-01-02", True),
        ("alpha", "1899", True),
    ]:
        Initiative.objects.create(
            slug=slug,
            name=slug.title(),
            kind="forum",
            summary="A forum.",
            start=start,
            is_published=published,
        )
    years = dom(client.get(reverse("programs:home"))).find("ol", class_="timeline-list").find_all("li")
    [year] = [li for li in years if (label := li.find("span", class_="year")) and label.text == "1899"]
    # By start date, then name; a bare year comes before the dates within it.
    assert [a.text for a in year.find_all("a")] == ["Alpha", "Zeta", "Beta", "and 2 more from the 1890s"]
