"""Synthetic records, made without the database.

Seeded functions that return unsaved model instances, ids included, and the rows of join
tables as tuples. Each takes what it needs as arguments — a `random.Random`, the first free id
of a table, the ids of the records it links to, the names already in use — and reads nothing
else, so each can be called and tested on its own; `programs.bulk_load` writes what they return.

Ids are given here, from the first free id of each table, rather than by the database: join
records and citations can then point at records not written yet, and nothing is read back.
"""

import random
from dataclasses import dataclass

from ..models import (
    CITABLE,
    CITATION_SUBJECTS,
    SUBJECT_OF_MODEL,
    Affiliation,
    Citation,
    Country,
    Frequency,
    Initiative,
    InitiativeCountry,
    InitiativeInstitution,
    InitiativePerson,
    InitiativeStatus,
    InitiativeTopic,
    InitiativeTrack,
    Institution,
    InstitutionKind,
    Period,
    Person,
    Precision,
    Role,
    Source,
    SourceKind,
    Statistic,
    Topic,
    Track,
)
from .vocabulary import (
    AUDIENCES,
    COUNTRIES,
    FIELDS,
    FIRST_NAMES,
    KIND_NOUN,
    PRECISION_WORDS,
    RARE_SENTENCE,
    RARE_WORDS,
    RU_CITIES,
    SENTENCES,
    STATISTIC_MEASURES,
    SURNAMES,
    TITLES,
    TOPICS,
    TRACKS,
    US_CITIES,
)

PREFIX = "syn-"
# A name already taken by a record that is not synthetic gets this mark instead of colliding.
TAKEN_MARK = " (synthetic)"
# Initiatives made from one random.Random. Part of what a seed means, like the vocabulary:
# changing it changes the records a seed gives.
BATCH = 2000
# Join records get ids in blocks of this many per initiative (gaps are harmless), so that a
# batch of initiatives needs no count from the batches before it.
MAX_INSTITUTION_ROLES = 4
MAX_PERSON_ROLES = 3

# Columns of the rows returned as tuples; the tables not named here get model instances.
COLUMNS = {
    Affiliation: ["id", "person", "institution", "title", "start", "end"],
    Source.authors.through: ["source", "person"],
    InitiativeTrack: ["id", "initiative", "track"],
    InitiativeTopic: ["id", "initiative", "topic"],
    InitiativeCountry: ["id", "initiative", "country"],
    InitiativeInstitution: ["id", "initiative", "institution", "role", "note"],
    InitiativePerson: ["id", "initiative", "person", "role", "note"],
    Citation: ["key", "source", "passage", "facts", "note", *CITATION_SUBJECTS],
}
# The tables whose ids are given here (their first free id is needed); the others number
# their rows themselves.
NUMBERED = [
    Country, Topic, Track, Institution, Person, Affiliation, Source, Initiative, InitiativeInstitution,
    InitiativePerson, InitiativeTrack, InitiativeTopic, InitiativeCountry, Statistic,
]  # fmt: skip
# An initiative's links to tracks, topics and countries, numbered in blocks like its roles, and
# the words of their citations.
MAX_LINKS = {InitiativeTrack: 2, InitiativeTopic: 3, InitiativeCountry: 3}
LINK_WORDS = {
    InitiativeTrack: "It is diplomacy of this track.",
    InitiativeTopic: "It works on this topic.",
    InitiativeCountry: "It brings this country in.",
}

ROLES = list(Role)
PERSON_ROLES = [Role.FOUNDER, Role.PARTICIPANT, Role.ORGANIZER, Role.MEMBER]
ROLE_WORDS = {role.value: role.label.lower() for role in Role}
INSTITUTION_KINDS = [
    (InstitutionKind.UNIVERSITY, 30, ["{city} State University", "University of {city}"]),
    (InstitutionKind.COLLEGE, 10, ["{city} School of {field}", "College of {field}, {city}"]),
    (InstitutionKind.THINK_TANK, 20, ["{city} Center for {field}", "Institute for {field}, {city}"]),
    (InstitutionKind.FOUNDATION, 12, ["{surname} Foundation", "{surname} Fund for {field}"]),
    (InstitutionKind.NGO, 12, ["{city} Council on {field}", "Friends of {city}"]),
    (InstitutionKind.GOVERNMENT_BODY, 6, ["{city} Office of {field}"]),
    (InstitutionKind.PUBLISHER, 5, ["{city} Review of {field}", "{city} Herald"]),
    (InstitutionKind.COMPANY, 4, ["{surname} & Partners", "{city} {field} Ventures"]),
    (InstitutionKind.SPACE_AGENCY, 1, ["{city} Space Research Center"]),
]
# Synthetic citation keys: these fixed groups, then 0 and the citation's number among those
# of the shared records, or 1 and its number among those of initiatives (a block per
# initiative) — the same on every load, unique, recognisably synthetic, and rising in the
# order the rows are written, so that the unique index on keys only ever grows at its end.
KEY_PREFIX = "5f0c2a4e-7d1b-4c51-9a0e-"
CITATIONS_PER_INITIATIVE = 1 + MAX_INSTITUTION_ROLES + MAX_PERSON_ROLES + 1 + sum(MAX_LINKS.values())
SUBJECT_NUMBER = {subject: number for number, subject in enumerate(CITATION_SUBJECTS)}


def seeded(seed, *part):
    """The random source of one part of the data, so that parts do not shift each other's draws."""
    return random.Random(":".join(map(str, (seed, *part))))  # noqa: S311 -- test data, not secrets


@dataclass(frozen=True)
class Shared:
    """The ids of the shared records that initiatives link to."""

    countries: list  # the United States and Russia first
    topics: list
    tracks: list
    institutions: range
    people: range
    sources: range


def sizes(initiatives):
    """How many institutions, people and sources go with this many initiatives."""
    return {
        Institution: max(8, initiatives // 4),
        Person: max(8, initiatives // 2),
        Source: max(4, initiatives // 20),
    }


# ---------------------------------------------------------------------------------------------
# Small pieces


def skewed(rng, items):
    """One item, the first ones far more often: a few institutions are hubs, most are not."""
    return items[int(len(items) * rng.random() ** 2)]


def published(rng):
    return rng.random() > 0.03  # about 3% of records are drafts


def year(rng, low=1960, high=2016):
    return rng.randint(low, high)


def partial_date(rng, low=1960, high=2016):
    value, roll = year(rng, low, high), rng.random()
    if roll < 0.08:
        return f"{value // 10 * 10}s"
    if roll < 0.7:
        return str(value)
    if roll < 0.9:
        return f"{value}-{rng.randint(1, 12):02d}"
    return f"{value}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def text(rng, sentences, **slots):
    """A few sentences of the article's kind; now and then one with a rare word."""
    values = dict(
        topic=rng.choice(TOPICS),
        topic2=rng.choice(TOPICS),
        audience=rng.choice(AUDIENCES),
        us_city=rng.choice(US_CITIES),
        ru_city=rng.choice(RU_CITIES),
        year=year(rng, 1985, 2016),
        count=rng.choice([20, 40, 75, 130, 200]),
    )
    values.update(slots)
    chosen = rng.sample(SENTENCES, sentences)
    if rng.random() < 0.002:
        chosen.append(RARE_SENTENCE.format(rare=rng.choice(RARE_WORDS)))
    return " ".join(sentence.format(**values) for sentence in chosen)


class Names:
    """The names in use, and a free one for a base name: `base`, else `base 2`, `base 3`…"""

    def __init__(self, taken=()):
        self.used = set(taken)
        # The last number tried for each base: everything below it is in use, so counting
        # resumes there, and the ten-thousandth "Moscow State University" costs one look-up.
        self.last = {}

    def unique(self, base):
        n = self.last.get(base, 1)
        name = base if n == 1 else f"{base} {n}"
        while name in self.used:
            n += 1
            name = f"{base} {n}"
        self.last[base] = n
        self.used.add(name)
        return name


def free(name, taken):
    return name + TAKEN_MARK if name in taken else name


def capitalized(words):
    return words[0].upper() + words[1:]


def citation(key, subject, pk, passage, source_id):
    """A citation row (see COLUMNS) supporting the record `pk` of kind `subject`: every fact of
    it (synthetic text stands for a passage that would state them)."""
    subjects = [None] * len(CITATION_SUBJECTS)
    subjects[SUBJECT_NUMBER[subject]] = pk
    return (key, source_id, passage, list(CITABLE[subject][1]), "", *subjects)


def citation_key(of_initiatives, number):
    return f"{KEY_PREFIX}{int(of_initiatives)}{number:011x}"


# ---------------------------------------------------------------------------------------------
# The shared records: vocabularies, institutions, people, sources


def countries(first_id, taken):
    return [
        Country(id=first_id + i, slug=f"{PREFIX}country-{i}", name=free(name, taken), is_published=True)
        for i, name in enumerate(COUNTRIES)
    ]


def topics(first_id, taken):
    return [
        Topic(id=first_id + i, slug=f"{PREFIX}topic-{i}", name=free(name, taken), is_published=True)
        for i, name in enumerate(TOPICS)
    ]


def tracks(first_id, taken):
    return [
        Track(
            id=first_id + i,
            slug=f"{PREFIX}{slug}",
            name=free(name, taken),
            rank=rank,
            definition=definition,
            is_published=True,
        )
        for i, (slug, name, rank, definition) in enumerate(TRACKS)
    ]


def institutions(rng, count, first_id, united_states, russia, names):
    """`count` institutions in the two countries; some colleges belong to a university made
    before them. `names` (Names) gets theirs."""
    weights = [weight for _, weight, _ in INSTITUTION_KINDS]
    made, universities = [], []
    for i in range(count):
        kind, _, patterns = rng.choices(INSTITUTION_KINDS, weights)[0]
        russian = rng.random() < 0.5
        city = rng.choice(RU_CITIES if russian else US_CITIES)
        field = rng.choice(FIELDS)
        name = rng.choice(patterns).format(city=city, field=field, surname=rng.choice(SURNAMES))
        parent = rng.choice(universities) if kind == InstitutionKind.COLLEGE and universities else None
        made.append(
            Institution(
                id=first_id + i,
                slug=f"{PREFIX}institution-{i}",
                name=names.unique(name),
                acronym="".join(word[0] for word in name.split() if word[0].isupper())[:8],
                kind=kind,
                country_id=russia if russian else united_states,
                city=city,
                parent_id=parent,
                description=f"A {kind.label.lower()} in {city} working on {field.lower()}. " + text(rng, 1),
                is_published=published(rng),
            )
        )
        if kind == InstitutionKind.UNIVERSITY:
            universities.append(first_id + i)
    return made


def people(rng, count, first_id):
    return [
        Person(
            id=first_id + i,
            slug=f"{PREFIX}person-{i}",
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            description=f"A {rng.choice(TITLES)} who works on {rng.choice(TOPICS)}.",
            is_published=published(rng),
        )
        for i in range(count)
    ]


def affiliations(rng, person_ids, institution_ids, first_id):
    """One place (sometimes two) for each person: rows of COLUMNS[Affiliation]."""
    rows = []
    for person_id in person_ids:
        for institution_id in rng.sample(institution_ids, 2 if rng.random() < 0.2 else 1):
            start = year(rng, 1970, 2014)
            end = str(year(rng, start, 2016)) if rng.random() < 0.3 else ""
            title = rng.choice(TITLES)
            rows.append((first_id + len(rows), person_id, institution_id, title, str(start), end))
    return rows


def sources(rng, count, first_id, institution_ids):
    made = []
    for i in range(count):
        topic = rng.choice(TOPICS)
        published_in = year(rng, 1990, 2016)
        kind = rng.choice([SourceKind.REPORT, SourceKind.REPORT, SourceKind.ARTICLE, SourceKind.CENSUS])
        made.append(
            Source(
                id=first_id + i,
                slug=f"{PREFIX}source-{i}",
                title=f"{capitalized(topic)} between the United States and Russia, {published_in}",
                kind=kind,
                publisher_id=skewed(rng, institution_ids),
                date=str(published_in) if rng.random() < 0.8 else f"{published_in}-{rng.randint(1, 12):02d}",
                description=f"A {kind.label.lower()} on {topic}. " + text(rng, 1, topic=topic),
                is_published=published(rng),
            )
        )
    return made


def source_authors(rng, source_ids, person_ids):
    return [
        (source_id, person_id)
        for source_id in source_ids
        for person_id in rng.sample(person_ids, rng.randint(0, 3))
    ]


def shared_citations(rng, tables, source_ids):
    """One citation for each shared record and affiliation: every record carries at least one."""
    passages = [
        ("country", tables[Country], lambda c: f"{c.name} took part."),
        ("topic", tables[Topic], lambda t: f"Discussions covered {t.name}."),
        ("track", tables[Track], lambda t: t.definition),
        ("institution", tables[Institution], lambda o: o.description),
        ("cited_source", tables[Source], lambda s: f"According to “{s.title}”, {s.description}"),
        ("person", tables[Person], lambda p: p.description),
    ]
    cited = [
        (subject, record.pk, passage(record)) for subject, records, passage in passages for record in records
    ]
    cited += [
        ("affiliation", pk, f"A {title} since {start}.") for pk, _, _, title, start, _ in tables[Affiliation]
    ]
    return [
        citation(citation_key(False, number), subject, pk, passage, rng.choice(source_ids))
        for number, (subject, pk, passage) in enumerate(cited)
    ]


def shared_records(seed, initiatives, first_ids, names_in_use):
    """Every record that initiatives share, as {model: instances or rows}, and their ids.

    `names_in_use` holds, for Country, Topic, Track and Institution, the names records that are
    not synthetic already have.
    """
    size = sizes(initiatives)
    tables = {
        Country: countries(first_ids[Country], names_in_use[Country]),
        Topic: topics(first_ids[Topic], names_in_use[Topic]),
        Track: tracks(first_ids[Track], names_in_use[Track]),
    }
    united_states, russia = (country.pk for country in tables[Country][:2])
    institution_ids = range(first_ids[Institution], first_ids[Institution] + size[Institution])
    person_ids = range(first_ids[Person], first_ids[Person] + size[Person])
    source_ids = range(first_ids[Source], first_ids[Source] + size[Source])
    institution_names = Names(names_in_use[Institution])
    tables[Institution] = institutions(
        seeded(seed, "institutions"),
        size[Institution],
        institution_ids.start,
        united_states,
        russia,
        institution_names,
    )
    tables[Person] = people(seeded(seed, "people"), size[Person], person_ids.start)
    tables[Affiliation] = affiliations(
        seeded(seed, "affiliations"), person_ids, institution_ids, first_ids[Affiliation]
    )
    tables[Source] = sources(seeded(seed, "sources"), size[Source], source_ids.start, institution_ids)
    tables[Source.authors.through] = source_authors(seeded(seed, "authors"), source_ids, person_ids)
    tables[Citation] = shared_citations(seeded(seed, "citations"), tables, source_ids)
    shared = Shared(
        countries=[c.pk for c in tables[Country]],
        topics=[t.pk for t in tables[Topic]],
        tracks=[t.pk for t in tables[Track]],
        institutions=institution_ids,
        people=person_ids,
        sources=source_ids,
    )
    return shared, tables


# ---------------------------------------------------------------------------------------------
# Initiatives, with their links, statistics and citations


def initiatives(seed, indexes, shared, first_ids, names):
    """The initiatives numbered `indexes` (one BATCH at most), with their tracks, topics,
    countries, institutions, people, statistics and citations, as {model: instances or rows}.

    `names` (Names: the initiative names in use) gets theirs. Their search documents are left
    empty: `programs.search_index` builds them once the rows are written.
    """
    assert len(indexes) <= BATCH and indexes.start % BATCH == 0, "one batch, from its start"
    rng = seeded(seed, "initiatives", indexes.start)
    tables = {Initiative: []}
    for i in indexes:
        initiative, links = initiative_and_links(rng, i, shared, first_ids, names)
        tables[Initiative].append(initiative)
        for model, rows in links.items():
            tables.setdefault(model, []).extend(rows)
    return tables


def initiative_and_links(rng, i, shared, first_ids, names):
    """The `i`-th synthetic initiative and {model: rows} of what belongs to it."""
    pk = first_ids[Initiative] + i
    kind = rng.choice(list(KIND_NOUN))
    topic = rng.choice(TOPICS)
    us_city, ru_city = rng.choice(US_CITIES), rng.choice(RU_CITIES)
    begin = partial_date(rng) if rng.random() < 0.9 else ""
    status = rng.choices(list(InitiativeStatus), [5, 3, 2])[0]
    end = str(year(rng, int(begin[:4]) + 1, 2017)) if status == InitiativeStatus.ENDED and begin else ""
    audience = rng.choice(AUDIENCES)
    initiative = Initiative(
        id=pk,
        slug=f"{PREFIX}initiative-{i}",
        name=names.unique(f"{us_city}–{ru_city} {KIND_NOUN[kind]} on {capitalized(topic)}"),
        kind=kind,
        summary=f"A {KIND_NOUN[kind].lower()} of {audience} from {us_city} and {ru_city} on {topic}.",
        description=text(rng, rng.randint(3, 6), topic=topic, us_city=us_city, ru_city=ru_city),
        start=begin,
        end=end,
        status=status,
        frequency=rng.choice(["", "", Frequency.ANNUAL, Frequency.TWICE_YEARLY, Frequency.IRREGULAR]),
        places=f"{us_city}; {ru_city}",
        is_published=published(rng),
    )
    its_tracks = rng.sample(shared.tracks, 1 if rng.random() < 0.8 else 2)
    its_topics = rng.sample(shared.topics, rng.randint(1, 3))
    its_countries = shared.countries[:2] + rng.sample(shared.countries[2:], rng.randint(0, 1))
    picks = range(rng.randint(1, MAX_INSTITUTION_ROLES))
    roles = {(skewed(rng, shared.institutions), rng.choice(ROLES)) for _ in picks}
    people = rng.sample(shared.people, rng.choices([0, 1, 2, 3], [2, 4, 3, 1])[0])
    person_roles = {(person_id, rng.choice(PERSON_ROLES)) for person_id in people}
    # Join records numbered in a block of their own per initiative.
    first_role = first_ids[InitiativeInstitution] + MAX_INSTITUTION_ROLES * i
    institution_roles = [
        (first_role + k, pk, institution, role, "") for k, (institution, role) in enumerate(sorted(roles))
    ]
    first_person_role = first_ids[InitiativePerson] + MAX_PERSON_ROLES * i
    person_roles = [
        (first_person_role + k, pk, person, role, "") for k, (person, role) in enumerate(sorted(person_roles))
    ]
    statistics = [statistic(rng, i, initiative, first_ids[Statistic], shared)] if rng.random() < 0.6 else []
    links = {}
    for link, others in (
        (InitiativeTrack, its_tracks),
        (InitiativeTopic, its_topics),
        (InitiativeCountry, its_countries),
    ):
        first = first_ids[link] + MAX_LINKS[link] * i
        links[link] = [(first + k, pk, other_id) for k, other_id in enumerate(others)]
    cited = [("initiative", pk, initiative.description)]
    cited += [
        (SUBJECT_OF_MODEL[link], row[0], LINK_WORDS[link]) for link, rows in links.items() for row in rows
    ]
    cited += [("initiative_institution", row[0], f"Its {ROLE_WORDS[row[3]]}.") for row in institution_roles]
    cited += [("initiative_person", row[0], f"A {ROLE_WORDS[row[3]]}.") for row in person_roles]
    cited += [("statistic", s.pk, f"{s.stated_value} {s.measure}.") for s in statistics]
    first_key = CITATIONS_PER_INITIATIVE * i
    citations = [
        citation(citation_key(True, first_key + k), subject, record_pk, passage, rng.choice(shared.sources))
        for k, (subject, record_pk, passage) in enumerate(cited)
    ]
    return initiative, {
        **links,
        InitiativeInstitution: institution_roles,
        InitiativePerson: person_roles,
        Statistic: statistics,
        Citation: citations,
    }


def statistic(rng, i, initiative, first_id, shared):
    """A figure about the `i`-th initiative, worded the way a source would state it."""
    measure, unit = rng.choice(STATISTIC_MEASURES)
    value = rng.choice([12, 40, 130, 250, 1527, 3500, 5562, 20000, 1500000])
    precision = rng.choice(list(Precision))
    start = year(rng, 1990, 2016)
    period = rng.choice([Period.YEAR, Period.ACADEMIC_YEAR, Period.SPAN])
    return Statistic(
        id=first_id + i,
        slug=f"{PREFIX}statistic-{i}",
        measure=measure.format(name=initiative.name)[:300],
        value=value,
        stated_value=PRECISION_WORDS[precision].format(n=f"{value:,}"),
        unit=unit,
        precision=precision,
        period=period,
        period_start=str(start),
        period_end="" if period == Period.YEAR else str(min(start + rng.randint(1, 5), 2016)),
        reported_by_id=skewed(rng, shared.institutions),
        reported_in_id=rng.choice(shared.sources),
        initiative_id=initiative.pk,
        is_published=initiative.is_published,
    )
