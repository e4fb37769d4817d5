"""Template helpers of the public pages: highlighted matches and links to published records."""

from django import template
from django.utils.html import format_html, format_html_join

from .. import search

register = template.Library()


@register.filter
def highlight(text, query):
    """The text, escaped, with the words of the query (a Query, or text read here) in <mark>."""
    return search.highlight(text, query)


@register.simple_tag
def snippet(record, query, words=30):
    """The passage of a search result around its matches, highlighted and escaped."""
    return search.snippet(record, query, words=words)


@register.simple_tag
def record_link(record, text=""):
    """A link to a record if it is published; nothing for a draft or no record."""
    if record is None or not getattr(record, "is_published", False):
        return ""
    return format_html('<a href="{}">{}</a>', record.get_absolute_url(), text or record)


@register.filter
def public(record):
    """The record if a reader may see it, else None."""
    return record if record is not None and getattr(record, "is_published", False) else None


@register.simple_tag
def citation_subjects(citation):
    """The published records a quoted passage is about (both sides of a relationship)."""
    subject = citation.subject
    if subject is None:
        return []
    if subject._meta.model_name in ("initiativeinstitution", "initiativeperson", "affiliation"):
        parts = [
            getattr(subject, name)
            for name in ("initiative", "institution", "person")
            if hasattr(subject, name)
        ]
    else:
        parts = [subject]
    if not all(getattr(part, "is_published", False) for part in parts):
        return []
    return parts


@register.simple_tag
def elided_pages(page_obj):
    """Page numbers around the current one, with … for the gaps."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.simple_tag(takes_context=True)
def cite(context, record, *facts):
    """Footnote markers after a fact: links to the passages of the page's Sources that support
    these facts of `record` (for a link, the link itself)."""
    notes = context.get("footnotes")
    if not notes or record is None:
        return ""
    passages = notes.of(record, *facts)
    if not passages:
        return ""
    links = format_html_join(
        "",
        '<a href="#{}" aria-label="source passage {}">[{}]</a>',
        ((p.anchor, p.number, p.number) for p in passages),
    )
    return format_html('<sup class="footnote">{}</sup>', links)


@register.simple_tag
def named(record):
    """A published record as a link to its page; anything else (a link, a draft) as its name."""
    if getattr(record, "is_published", False) and hasattr(record, "get_absolute_url"):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record)
    return str(record)
