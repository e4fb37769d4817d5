"""A knowledge base larger than the article's, for the public-site tests: 36 published initiatives
and their relations, with drafts of every kind mixed in so that tests can check that no page shows
them. Invented test data, not facts: the article's own records are in fixtures/article.json.
"""

from programs.models import (
    Affiliation,
    Citation,
    Country,
    Event,
    Initiative,
    InitiativeInstitution,
    InitiativePerson,
    Institution,
    Person,
    Source,
    Statistic,
    Topic,
    Track,
)

# A word that only drafts contain: no public page may ever show it.
SECRET = "zeppelin"

KINDS = ["dialogue", "exchange", "partnership", "forum", "program", "conference_series"]
STATUSES = ["ongoing", "ended", "unknown"]
STARTS = ["1960", "1975", "1989", "1991-12", "2001", "2005", "2011", "2013-09", "2016", ""]


def make(model, **fields):
    fields.setdefault("is_published", True)
    return model.objects.create(**fields)


def build_atlas():
    """Create the records and return the main ones by slug, in a dict."""
    r = {}
    for slug, name, other in [
        ("united-states", "United States", "USA"),
        ("russia", "Russia", "Soviet Union\nUSSR"),
        ("germany", "Germany", ""),
        ("united-kingdom", "United Kingdom", ""),
    ]:
        r[slug] = make(Country, slug=slug, name=name, other_names=other)
    r["atlantis"] = make(Country, slug="atlantis", name="Atlantis", is_published=False)

    for rank, (slug, name, definition) in enumerate(
        [
            ("track-i", "Track I", "Official diplomacy between governments."),
            ("track-1-5", "Track 1.5", "State and non-state actors together."),
            ("track-ii", "Track II", "Unofficial dialogue and problem-solving activities."),
        ],
        start=1,
    ):
        r[slug] = make(Track, slug=slug, name=name, rank=rank, definition=definition, origin_date="1981")

    for slug, name in [
        ("nuclear-disarmament", "Nuclear disarmament"),
        ("climate-change", "Climate change"),
        ("education", "Education"),
        ("health", "Health"),
        ("innovation", "Innovation"),
        ("space", "Space"),
    ]:
        r[slug] = make(Topic, slug=slug, name=name)
    r["secret-topic"] = make(Topic, slug="secret-topic", name=f"Secret {SECRET} topic", is_published=False)

    for slug, name, acronym, other, kind, country in [
        ("kettering-foundation", "Kettering Foundation", "", "", "foundation", "united-states"),
        ("stanford", "Stanford University", "", "", "university", "united-states"),
        ("mit", "MIT", "MIT", "Massachusetts Institute of Technology", "university", "united-states"),
        ("skoltech", "Skoltech", "", "Skolkovo Institute of Science and Technology", "university", "russia"),
        ("hse", "Higher School of Economics", "HSE", "", "university", "russia"),
        ("american-councils", "American Councils", "", "", "ngo", "united-states"),
        ("nasa", "NASA", "NASA", "National Aeronautics and Space Administration", "space_agency", None),
        ("roscosmos", "Roscosmos", "", "", "space_agency", "russia"),
        ("csis", "Center for Strategic and International Studies", "CSIS", "", "think_tank", None),
        ("freie-universitat", "Freie Universität Berlin", "", "", "university", "germany"),
    ]:
        r[slug] = make(
            Institution,
            slug=slug,
            name=name,
            acronym=acronym,
            other_names=other,
            kind=kind,
            country=r[country] if country else None,
            description=f"{name} takes part in exchanges.",
        )
    r["hidden-institute"] = make(
        Institution,
        slug="hidden-institute",
        name=f"Hidden {SECRET} Institute",
        kind="other",
        is_published=False,
    )

    for slug, name in [
        ("karen-nyberg", "Karen Nyberg"),
        ("michael-mcfaul", "Michael McFaul"),
        ("condoleezza-rice", "Condoleezza Rice"),
        ("william-davidson", "William D. Davidson"),
        ("joseph-montville", "Joseph V. Montville"),
        ("brittany-holom", "Brittany Holom"),
    ]:
        r[slug] = make(Person, slug=slug, name=name, description=f"{name}, as the sources describe them.")
    r["hidden-person"] = make(
        Person, slug="hidden-person", name=f"Hidden {SECRET} Person", is_published=False
    )

    r["report"] = make(
        Source, slug="iie-report", title="Open Doors 2015", kind="report", date="2015", publisher=r["csis"]
    )
    r["analysis"] = make(
        Source,
        slug="analysis",
        title="The diplomacy that is working",
        kind="news_analysis",
        date="2016-11-05",
        description="An analysis of unofficial diplomacy.",
    )
    r["analysis"].authors.add(r["brittany-holom"], r["hidden-person"])
    r["hidden-source"] = make(
        Source, slug="hidden-source", title=f"Hidden {SECRET} memo", kind="other", is_published=False
    )

    r["track-ii"].coined_by.add(r["william-davidson"], r["joseph-montville"])
    r["track-ii"].coined_in = r["report"]
    r["track-ii"].save()

    # The named initiatives the tests talk about.
    r["dartmouth"] = initiative(
        r,
        "dartmouth-conference",
        "Dartmouth Conference",
        kind="conference_series",
        tracks=["track-ii"],
        start="1960",
        status="ongoing",
        summary="One of the oldest unofficial initiatives between the two countries.",
        description=(
            "Began bringing together citizen leaders in 1960 and has hosted more than 130 meetings "
            "on nuclear disarmament, climate change, trade relations and peace frameworks."
        ),
        topics=["nuclear-disarmament", "climate-change"],
        countries=["united-states", "russia"],
        institutions=[("kettering-foundation", "organizer")],
    )
    r["forum"] = initiative(
        r,
        "stanford-us-russia-forum",
        "Stanford U.S.-Russia Forum",
        kind="forum",
        tracks=["track-ii"],
        start="2008",
        status="ongoing",
        frequency="annual",
        summary="A student-initiated program of two annual conferences.",
        description=(
            "Brings together Russian and American graduates and undergraduates; students work in "
            "teams on a collaborative research project."
        ),
        topics=["education"],
        countries=["united-states", "russia"],
        institutions=[("stanford", "organizer"), ("hse", "partner")],
        people=[("michael-mcfaul", "participant")],
    )
    r["mit-skoltech"] = initiative(
        r,
        "mit-skoltech-initiative",
        "MIT-Skoltech Initiative",
        kind="partnership",
        tracks=["track-1-5"],
        start="2011",
        status="ongoing",
        summary="Helped build an innovation and graduate training center near Moscow.",
        description="Research grants cover functional genomics, energy systems and power distribution.",
        topics=["innovation", "education"],
        countries=["united-states", "russia"],
        institutions=[("mit", "partner"), ("skoltech", "partner"), ("hidden-institute", "funder")],
    )
    r["consortium"] = initiative(
        r,
        "university-consortium",
        "University Consortium",
        kind="consortium",
        tracks=["track-ii"],
        start="2015",
        summary="A research and training partnership of universities.",
        description="Connects universities in the United States, Russia, the United Kingdom and Germany.",
        topics=["education"],
        countries=["united-states", "russia", "germany", "united-kingdom"],
        institutions=[("stanford", "member"), ("hse", "member"), ("freie-universitat", "member")],
    )
    r["station"] = initiative(
        r,
        "space-station-cooperation",
        "Space station cooperation",
        kind="government_program",
        tracks=["track-i"],
        start="1998",
        status="ongoing",
        summary="Astronauts and cosmonauts train and fly together.",
        description="Crews prepare for the preflight exam outside Moscow before flying to the station.",
        topics=["space"],
        countries=["united-states", "russia"],
        institutions=[("nasa", "partner"), ("roscosmos", "partner")],
        people=[("karen-nyberg", "participant")],
    )
    # Numbered initiatives, for facet counts, pagination and query counts.
    for number in range(1, 32):
        kind = KINDS[number % len(KINDS)]
        initiative(
            r,
            f"exchange-{number:02d}",
            f"Exchange program {number:02d}",
            kind=kind,
            tracks=[["track-i", "track-1-5", "track-ii"][number % 3]],
            start=STARTS[number % len(STARTS)],
            status=STATUSES[number % len(STATUSES)],
            summary=f"A numbered {kind.replace('_', ' ')} for the tests.",
            description="Scholars meet for seminars on regional affairs." if number % 2 else "",
            topics=[["education", "health", "innovation"][number % 3]],
            countries=["united-states", "russia"] if number % 4 else ["germany"],
            institutions=[(["stanford", "american-councils", "csis", "hse"][number % 4], "partner")],
            people=[("condoleezza-rice", "participant")] if number % 5 == 0 else [],
        )
    r["draft"] = initiative(
        r,
        "secret-draft-initiative",
        f"Secret {SECRET} initiative",
        kind="dialogue",
        tracks=["track-ii"],
        start="1960",
        summary=f"A draft about {SECRET}s.",
        description=f"Nobody outside may read about the {SECRET}.",
        topics=["secret-topic", "education"],
        institutions=[("stanford", "partner")],
        published=False,
    )
    # A published initiative whose only topic and partner are drafts.
    r["quiet"] = initiative(
        r,
        "quiet-dialogue",
        "Quiet dialogue",
        kind="dialogue",
        tracks=["track-ii"],
        start="2016",
        summary="Talks whose partners are not yet public.",
        topics=["secret-topic"],
        institutions=[("hidden-institute", "organizer")],
        people=[("hidden-person", "participant")],
    )

    Affiliation.objects.create(person=r["michael-mcfaul"], institution=r["stanford"], title="Professor")
    Affiliation.objects.create(person=r["brittany-holom"], institution=r["hidden-institute"], title="Fellow")

    r["students-in-russia"] = make(
        Statistic,
        slug="us-students-in-russia",
        measure="U.S. students in Russia",
        value=1527,
        stated_value="1,527",
        unit="students",
        precision="exact",
        period="academic_year",
        period_start="2013",
        period_end="2014",
        reported_in=r["report"],
        from_country=r["united-states"],
        to_country=r["russia"],
    )
    make(
        Statistic,
        slug="russian-students-in-us",
        measure="Russian students in the United States",
        value=5562,
        stated_value="5,562",
        unit="students",
        precision="exact",
        period="academic_year",
        period_start="2014",
        period_end="2015",
        reported_in=r["report"],
        from_country=r["russia"],
        to_country=r["united-states"],
    )
    r["meetings"] = make(
        Statistic,
        slug="dartmouth-meetings",
        measure="Meetings of the Dartmouth Conference",
        value=130,
        stated_value="more than 130",
        unit="meetings",
        precision="more_than",
        period="as_of",
        period_start="2016-11-05",
        initiative=r["dartmouth"],
        reported_by=r["kettering-foundation"],
    )
    make(
        Statistic,
        slug="us-investment",
        measure="U.S. investment in Russia",
        value=10_000_000_000,
        stated_value="nearly $10 billion",
        unit="usd",
        precision="nearly",
        period="as_of",
        period_start="2016",
        from_country=r["united-states"],
        to_country=r["russia"],
    )
    make(
        Statistic,
        slug="russian-investment",
        measure="Russian direct investment in the United States",
        value=8_000_000_000,
        stated_value="around $8 billion",
        unit="usd",
        precision="about",
        period="as_of",
        period_start="2016",
        from_country=r["russia"],
        to_country=r["united-states"],
    )
    make(
        Statistic,
        slug="hidden-statistic",
        measure=f"Hidden {SECRET} count",
        value=1,
        stated_value="1",
        unit="people",
        precision="exact",
        period="year",
        period_start="2016",
        is_published=False,
    )

    cite = Citation.objects.create
    cite(source=r["analysis"], passage="The Dartmouth Conference began in 1960.", initiative=r["dartmouth"])
    cite(
        source=r["analysis"],
        passage="The Kettering Foundation's Dartmouth Conference",
        initiative_institution=r["dartmouth"].institution_roles.get(),
    )
    cite(source=r["hidden-source"], passage=f"A {SECRET} passage.", initiative=r["dartmouth"])
    cite(source=r["analysis"], passage="Stanford University hosted the session.", institution=r["stanford"])
    cite(source=r["analysis"], passage="Michael McFaul, a former ambassador.", person=r["michael-mcfaul"])
    cite(source=r["analysis"], passage="Track II diplomacy since the 1960s.", track=r["track-ii"])
    cite(
        source=r["analysis"], passage="1,527 U.S. students were in Russia.", statistic=r["students-in-russia"]
    )
    cite(source=r["analysis"], passage="The IIE's 2015 report shows", cited_source=r["report"])
    cite(source=r["analysis"], passage="nuclear disarmament, climate change", topic=r["nuclear-disarmament"])
    cite(source=r["analysis"], passage="Russian and U.S. intellectuals", country=r["russia"])

    r["session"] = make(
        Event, slug="2016-session", name="The 2016 session", initiative=r["dartmouth"], date="2016-06"
    )
    r["session"].institutions.add(r["stanford"])
    make(
        Event,
        slug="secret-session",
        name=f"A {SECRET} session",
        initiative=r["dartmouth"],
        is_published=False,
    )
    cite(source=r["analysis"], passage="met at Stanford University for the 2016 session", event=r["session"])
    return r


def initiative(
    r, slug, name, *, tracks=(), topics=(), countries=(), institutions=(), people=(), published=True, **fields
):
    record = Initiative.objects.create(slug=slug, name=name, is_published=published, **fields)
    record.tracks.set([r[slug] for slug in tracks])
    record.topics.set([r[slug] for slug in topics])
    record.countries.set([r[slug] for slug in countries])
    for other, role in institutions:
        InitiativeInstitution.objects.create(initiative=record, institution=r[other], role=role)
    for other, role in people:
        InitiativePerson.objects.create(initiative=record, person=r[other], role=role)
    return record
