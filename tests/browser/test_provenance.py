"""A reader checks a fact: from its footnote to the passage that states it, and on to the source,
read through the Atlas in the source's own order."""

import re

import pytest

from programs.models import Citation, Initiative

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_follows_a_facts_footnote_to_its_passage_and_its_source(article, page, screenshot):
    initiative = Initiative.objects.get(slug="dartmouth-conference")
    page.goto(initiative.get_absolute_url())
    screenshot("initiative")
    when = page.locator("dl.facts dd", has=page.locator("sup.footnote")).first
    marker = when.locator("sup.footnote a").first
    anchor = marker.get_attribute("href")
    assert anchor.startswith("#passage-")

    marker.click()
    page.wait_for_url(re.compile(re.escape(anchor) + "$"))
    screenshot("passage")
    passage = page.locator(anchor)
    assert passage.locator("blockquote").is_visible()
    assert passage.evaluate("element => element.matches(':target')")
    quoted = passage.locator("blockquote").inner_text().strip()

    passage.locator(".quoted-from a").click()
    page.wait_for_url("**/sources/**")
    screenshot("source")
    listed = [text.strip() for text in page.locator("ol.quoted blockquote").all_inner_texts()]
    assert quoted in listed
    # In the source's own order: by where each passage stands in it.
    source = Citation.objects.filter(passage=quoted).first().source
    positions = {c.passage: c.position for c in source.citations.exclude(position=None)}
    assert [positions[text] for text in listed if text in positions] == sorted(
        positions[text] for text in listed if text in positions
    )
