import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_sees_what_the_knowledge_base_holds(article, page, screenshot):
    page.goto("/")
    screenshot("home")
    assert page.locator("h1").inner_text() == "Track II Atlas"
    assert page.get_by_text("initiatives").first.is_visible()
