"""schema.org JSON-LD of a record's page: what the record is, in the vocabulary search engines
and harvesters read, with the sources the page quotes as the page's `citation`.

Built from what the page has already loaded (the record, the lists of its context, its
footnotes): no query of its own. Only what the Atlas states goes in: no URL a source does not
give, no date it does not state.
"""

import json

from .citing import ATLAS, DATA_LICENSE, iso_date

# The schema.org type of each kind of institution.
ORGANIZATION_TYPES = {
    "university": "CollegeOrUniversity",
    "college": "CollegeOrUniversity",
    "government_body": "GovernmentOrganization",
    "embassy": "GovernmentOrganization",
    "space_agency": "GovernmentOrganization",
    "ngo": "NGO",
    "think_tank": "ResearchOrganization",
    "company": "Corporation",
}
SOURCE_TYPES = {
    "news_analysis": "AnalysisNewsArticle",
    "article": "Article",
    "report": "Report",
    "website": "WebPage",
}


class Page:
    """Absolute addresses of the Atlas's pages, for the request being answered."""

    def __init__(self, request):
        self.request = request

    def url(self, record):
        return self.request.build_absolute_uri(record.get_absolute_url())

    def ref(self, record, kind, **more):
        """A linked record by its page's address, type and name."""
        return {"@type": kind, "@id": self.url(record), "name": str(record), **more}


def compact(data):
    """The mapping without its empty values: unknown facts stay unsaid."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def organization(page, institution):
    return page.ref(institution, ORGANIZATION_TYPES.get(institution.kind, "Organization"))


def public(record):
    return record if record is not None and record.is_published else None


def describe(page, record, context):
    """The schema.org description of `record` (a node, without @context)."""
    describe_kind = KINDS[record._meta.model_name]
    node = describe_kind(page, record, context)
    return compact({"@id": page.url(record), "url": page.url(record), **node})


def initiative(page, record, context):
    return {
        "@type": "Project",
        "name": record.name,
        "alternateName": record.other_names.splitlines(),
        "description": record.summary,
        "foundingDate": iso_date(record.start),
        "dissolutionDate": iso_date(record.end),
        "location": record.places,
        "keywords": [link.topic.name for link in context.get("topic_links", [])],
        "member": [organization(page, role.institution) for role in context.get("institution_roles", [])]
        + [page.ref(role.person, "Person") for role in context.get("person_roles", [])],
        "event": [
            page.ref(event, "Event", startDate=iso_date(event.date)) for event in context.get("events", [])
        ],
    }


def institution(page, record, context):
    return {
        "@type": ORGANIZATION_TYPES.get(record.kind, "Organization"),
        "name": record.name,
        "alternateName": [record.acronym, *record.other_names.splitlines()],
        "description": record.description,
        "address": compact(
            {
                "@type": "PostalAddress",
                "addressLocality": record.city,
                "addressCountry": public(record.country) and record.country.name,
            }
        )
        if record.city or public(record.country)
        else None,
        "parentOrganization": public(record.parent) and organization(page, record.parent),
        "subOrganization": [organization(page, child) for child in context.get("children", [])],
    }


def person(page, record, context):
    return {
        "@type": "Person",
        "name": record.name,
        "alternateName": record.other_names.splitlines(),
        "description": record.description,
        "affiliation": [organization(page, a.institution) for a in context.get("affiliations", [])],
    }


def event(page, record, context):
    return {
        "@type": "Event",
        "name": record.name,
        "startDate": iso_date(record.date),
        "location": record.places,
        "description": record.description,
        "about": public(record.initiative) and page.ref(record.initiative, "Project"),
        "organizer": [organization(page, each) for each in context.get("institutions", [])],
        "attendee": [page.ref(each, "Person") for each in context.get("people", [])],
    }


def source(page, record, context):
    publisher = public(record.publisher)
    return {
        "@type": SOURCE_TYPES.get(record.kind, "CreativeWork"),
        "name": record.title,
        "author": [page.ref(each, "Person") for each in context.get("authors", [])],
        "publisher": publisher and organization(page, publisher),
        "datePublished": iso_date(record.date),
        "sameAs": record.url,  # only an address the source itself gives
        "description": record.description,
    }


def statistic(page, record, context):
    return {
        "@type": "Dataset",
        "name": record.measure,
        "description": f"{record.stated_value} {record.get_unit_display()} ({record.period_display})",
        "temporalCoverage": "/".join(
            filter(None, [iso_date(record.period_start), iso_date(record.period_end)])
        ),
        "variableMeasured": {
            "@type": "PropertyValue",
            "name": record.measure,
            "value": float(record.value),
            "unitText": record.get_unit_display(),
            "description": record.stated_value,
        },
        "creator": public(record.reported_by) and organization(page, record.reported_by),
        "isBasedOn": public(record.reported_in) and page.ref(record.reported_in, "CreativeWork"),
        "about": public(record.initiative) and page.ref(record.initiative, "Project"),
    }


def track(page, record, context):
    return {
        "@type": "DefinedTerm",
        "name": record.name,
        "description": record.definition,
        "inDefinedTermSet": f"{ATLAS}: tracks of diplomacy",
    }


def topic(page, record, context):
    return {
        "@type": "DefinedTerm",
        "name": record.name,
        "description": record.description,
        "inDefinedTermSet": f"{ATLAS}: topics",
    }


def country(page, record, context):
    return {"@type": "Country", "name": record.name, "alternateName": record.other_names.splitlines()}


KINDS = {
    "initiative": initiative,
    "institution": institution,
    "person": person,
    "event": event,
    "source": source,
    "statistic": statistic,
    "track": track,
    "topic": topic,
    "country": country,
}


def cited_sources(page, footnotes):
    """The sources the page quotes, once each, as CreativeWorks."""
    seen = {}
    for passage in footnotes.passages if footnotes else []:
        found = passage.source
        if found.pk not in seen and found.is_published:
            seen[found.pk] = compact(
                {
                    "@type": SOURCE_TYPES.get(found.kind, "CreativeWork"),
                    "@id": page.url(found),
                    "name": found.title,
                    "datePublished": iso_date(found.date),
                    "sameAs": found.url,
                }
            )
    return list(seen.values())


def json_ld(request, record, context, version=None):
    """The page's JSON-LD: an ItemPage about `record`, citing the sources it quotes."""
    page = Page(request)
    home = request.build_absolute_uri("/")
    data = compact(
        {
            "@context": "https://schema.org",
            "@type": "ItemPage",
            # No @id: the page's address names the record (mainEntity), as in every `ref`.
            "url": page.url(record),
            "name": str(record),
            "dateModified": version.date.isoformat() if version else None,
            "isPartOf": {"@type": "Dataset", "name": ATLAS, "url": home, "license": DATA_LICENSE["path"]},
            "license": DATA_LICENSE["path"],
            "mainEntity": describe(page, record, context),
            "citation": cited_sources(page, context.get("footnotes")),
        }
    )
    return script_safe(json.dumps(data, ensure_ascii=False, indent=1))


def script_safe(text):
    """JSON that cannot close its <script> element (as Django's json_script escapes it)."""
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
