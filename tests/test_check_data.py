import pytest
from django.core.management import CommandError, call_command

from programs.models import Citation, Topic

pytestmark = pytest.mark.django_db


def run_check(*args):
    with pytest.raises(CommandError) as raised:
        call_command("check_data", *args)
    return str(raised.value)


def test_the_article_passes_every_check(article, capsys):
    call_command("check_data")
    assert "passes every check" in capsys.readouterr().out


def test_a_record_without_citation_is_named(article, capsys):
    Topic.objects.create(slug="uncited", name="Uncited topic", is_published=True)
    assert "1 problem" in run_check()
    assert "Uncited topic" in capsys.readouterr().err


def test_a_passage_not_in_the_source_text_is_named(article, tmp_path, capsys):
    citation = Citation.objects.first()
    Citation.objects.update(position=None)  # in this text, the passages stand elsewhere
    text = tmp_path / "article.txt"
    text.write_text("\n".join(c.passage for c in Citation.objects.exclude(pk=citation.pk)))
    call_command("check_data", "--source-text", str(text))  # every other passage is there

    citation.passage = "A sentence the article never wrote."
    citation.save()
    assert "1 problem" in run_check("--source-text", str(text))
    assert str(citation.key) in capsys.readouterr().err


def test_source_text_can_be_given_for_one_source(article, tmp_path):
    citation = Citation.objects.first()
    text = tmp_path / "other.txt"
    text.write_text("unrelated")
    call_command("check_data", "--source-text", f"some-other-source={text}")  # other sources unaffected
    assert "problem" in run_check("--source-text", f"{citation.source.slug}={text}")


def test_an_unreadable_source_text_is_a_clear_error(db):
    assert "Cannot read source text" in run_check("--source-text", "/nonexistent/article.txt")
