"""A deterministic synthetic knowledge base, for measuring the site at sizes the article never reaches.

`synthesize(initiatives=N, seed=S)` adds N initiatives and the institutions, people, sources,
statistics, topics, countries, tracks, join records and citations that go with them, in about
the proportions of the article: every record is cited, institutions and people are shared by
many initiatives (a few of them by very many), text is drawn from the article's vocabulary.
The same seed on the same database gives the same records.

Every synthetic record's slug starts with `syn-`; join records, affiliations and citations
belong to synthetic records. `remove()` deletes exactly these and nothing else, so the
article's records (and anything curators add) are never changed.

Rows are written with `bulk_create` in batches: no model `save()`, no signals, hence no
per-row history: django-simple-history records none for synthetic rows.
"""

import io
import random
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q

from . import caching, search_index
from .models import (
    CITATION_SUBJECTS,
    Affiliation,
    Citation,
    Country,
    Frequency,
    Initiative,
    InitiativeInstitution,
    InitiativeKind,
    InitiativePerson,
    InitiativeStatus,
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
    Unit,
)

PREFIX = "syn-"
BATCH = 2000
# Synthetic records get uuid5 citation keys in this namespace, so a seed gives the same keys.
NAMESPACE = uuid.UUID("5f0c2a4e-7d1b-4c51-9a0e-3b8f2d6c1e90")
# A name already taken by a record that is not synthetic gets this mark instead of colliding.
TAKEN_MARK = " (synthetic)"

# ---------------------------------------------------------------------------------------------
# Vocabulary, in the article's register

US_CITIES = [
    "Boston", "Stanford", "Berkeley", "Princeton", "Chicago", "Seattle", "Austin", "Atlanta",
    "Denver", "Pittsburgh", "Madison", "Ann Arbor", "New Haven", "Philadelphia", "Houston",
    "Anchorage", "Fairbanks", "Minneapolis", "Portland", "San Diego", "Durham", "Bloomington",
    "Columbus", "Tucson", "Baltimore", "Cambridge", "Ithaca", "Providence", "Hanover", "Monterey",
]  # fmt: skip
RU_CITIES = [
    "Moscow", "St. Petersburg", "Kazan", "Novosibirsk", "Tomsk", "Yekaterinburg", "Nizhny Novgorod",
    "Vladivostok", "Irkutsk", "Samara", "Perm", "Rostov-on-Don", "Krasnoyarsk", "Arkhangelsk",
    "Murmansk", "Kaliningrad", "Ulan-Ude", "Yakutsk", "Omsk", "Voronezh", "Tver", "Yaroslavl",
    "Petrozavodsk", "Khabarovsk", "Ufa",
]  # fmt: skip
COUNTRIES = [
    "United States", "Russia", "Finland", "Norway", "Germany", "France", "United Kingdom", "Canada",
    "Japan", "China", "Kazakhstan", "Ukraine", "Poland", "Sweden", "Estonia", "Georgia", "Armenia",
    "Italy", "Switzerland", "Austria", "Mongolia", "South Korea", "India", "Israel", "Turkey",
]  # fmt: skip
TOPICS = [
    "nuclear disarmament", "arms control", "climate change", "Arctic research", "space cooperation",
    "public health", "student exchange", "trade relations", "cybersecurity", "energy policy",
    "environmental protection", "nuclear security", "higher education", "journalism",
    "cultural heritage", "museum exchange", "entrepreneurship", "technology transfer",
    "regional security", "peace frameworks", "sanctions", "human rights", "civil society",
    "scientific collaboration", "oceanography", "astronomy", "medicine", "agriculture",
    "water resources", "wildlife conservation", "language teaching", "sports diplomacy",
    "veterans' dialogue", "fisheries", "biosecurity", "seismology", "economics", "law",
    "urban planning", "religious dialogue",
]  # fmt: skip
FIELDS = [
    "International Studies", "Physics", "Arctic Studies", "Energy", "Security Studies",
    "Public Policy", "Eurasian Studies", "Economics", "Oceanography", "Space Research",
    "Public Health", "Environmental Science", "Law", "Journalism", "Engineering", "Mathematics",
    "History", "Russian Studies", "American Studies", "Computer Science",
]  # fmt: skip
FIRST_NAMES = [
    "Michael", "Condoleezza", "Karen", "William", "Joseph", "Susan", "David", "Anna", "Robert",
    "Elena", "James", "Olga", "Mary", "Sergei", "Thomas", "Natalia", "Richard", "Irina", "John",
    "Tatiana", "Daniel", "Yuri", "Sarah", "Dmitry", "Paul", "Ekaterina", "Mark", "Alexei",
    "Laura", "Mikhail", "Peter", "Svetlana", "Andrew", "Vladimir", "Rachel", "Nikolai",
]  # fmt: skip
SURNAMES = [
    "McFaul", "Rice", "Davidson", "Montville", "Nyberg", "Ivanov", "Smith", "Petrova", "Johnson",
    "Sokolov", "Williams", "Kuznetsova", "Brown", "Popov", "Miller", "Volkova", "Davis", "Lebedev",
    "Wilson", "Morozova", "Anderson", "Novikov", "Taylor", "Fedorova", "Moore", "Orlov", "Clark",
    "Pavlova", "Lewis", "Semenov", "Walker", "Golubeva", "Hall", "Vinogradov", "Young", "Belova",
]  # fmt: skip
TITLES = [
    "professor", "research fellow", "director", "program officer", "PhD candidate", "ambassador",
    "senior adviser", "visiting scholar", "dean", "cosmonaut", "astronaut", "journalist",
    "board member", "expert", "lecturer", "president",
]  # fmt: skip
KIND_NOUN = {
    InitiativeKind.DIALOGUE: "Dialogue",
    InitiativeKind.CONFERENCE_SERIES: "Conference",
    InitiativeKind.EXCHANGE: "Exchange",
    InitiativeKind.PARTNERSHIP: "Partnership",
    InitiativeKind.FORUM: "Forum",
    InitiativeKind.ACCELERATOR: "Accelerator",
    InitiativeKind.CONSORTIUM: "Consortium",
    InitiativeKind.GOVERNMENT_PROGRAM: "Program",
    InitiativeKind.PROGRAM: "Fellowship",
}
AUDIENCES = [
    "intellectuals, politicians and business leaders", "students and faculty", "citizen leaders",
    "scientists and engineers", "journalists and editors", "retired diplomats and military officers",
    "young entrepreneurs", "museum curators", "physicians and public-health officials",
    "lawyers and judges", "regional governors and mayors", "astronauts and cosmonauts",
]  # fmt: skip
# A few words that only a handful of records contain, for measuring a rare word's search.
RARE_WORDS = ["tokamak", "samizdat", "permafrost", "heliophysics", "beluga", "icebreaker"]
SENTENCES = [
    "Participants met over the decades, including during tense periods of the bilateral relationship.",
    "Panels discussed ideas for {topic} and innovative collaborative projects.",
    "It brings together {audience} from the United States and Russia.",
    "Sessions alternate between {us_city} and {ru_city}.",
    "The {year} session focused on {topic} and {topic2}.",
    "When official relations are tense, such dialogues are an important alternative channel.",
    "Its alumni include a former ambassador to Moscow and several university presidents.",
    "The program has hosted more than {count} meetings on a broad range of topics.",
    "Students spend a semester in {ru_city} studying {topic}.",
    "Scientific cooperation on {topic} continued despite sanctions.",
    "The partnership was renewed in {year} for another five years.",
    "It is funded by private foundations and by the universities themselves.",
    "Reports from its working groups were shared with officials in both governments.",
    "A joint laboratory in {ru_city} studies {topic}.",
    "Exchanges of this kind promote global engagement and long-term political and economic benefits.",
    "Working groups on {topic} publish their recommendations each year.",
    "Delegations visited {us_city} and {ru_city} to compare approaches to {topic}.",
    "The dialogue continued through the Cold War and after the dissolution of the Soviet Union.",
    "Its founders hoped that peer-to-peer contact would build trust between citizens.",
    "Graduates went on to careers in diplomacy, science and business.",
]  # fmt: skip
RARE_SENTENCE = "A small working group also studies {rare} questions."
STATISTIC_MEASURES = [
    ("participants in {name}", Unit.PEOPLE),
    ("students exchanged through {name}", Unit.STUDENTS),
    ("meetings held by {name}", Unit.MEETINGS),
    ("funding of {name}", Unit.USD),
    ("partnerships formed under {name}", Unit.PARTNERSHIPS),
    ("years {name} has run", Unit.YEARS),
]
PRECISION_WORDS = {
    Precision.EXACT: "{n}",
    Precision.ABOUT: "about {n}",
    Precision.MORE_THAN: "more than {n}",
    Precision.NEARLY: "nearly {n}",
    Precision.ESTIMATED: "an estimated {n}",
}
TRACKS = [
    ("track-i", "Track I", 1, "Official meetings between governments."),
    ("track-1-5", "Track 1.5", 2, "Dialogue that includes both state and non-state actors."),
    ("track-ii", "Track II", 3, "Unofficial dialogue and problem-solving among civil society leaders."),
]

# The synthetic records' models, in the order `remove()` deletes them (children first).
SLUGGED = [Statistic, Initiative, Track, Source, Person, Institution, Topic, Country]


ROLES = list(Role)
PERSON_ROLES = [Role.FOUNDER, Role.PARTICIPANT, Role.ORGANIZER, Role.MEMBER]
ROLE_WORDS = {role.value: role.label.lower() for role in Role}
CITATION_COLUMNS = ["key", "source", "passage", "note", *CITATION_SUBJECTS]

# Citation subjects without a slug of their own, and the parents that make them synthetic.
JOINS = {
    "initiative_institution": ["initiative", "institution"],
    "initiative_person": ["initiative", "person"],
    "affiliation": ["person", "institution"],
}


def is_synthetic(prefix=""):
    return Q(**{f"{prefix}slug__startswith": PREFIX})


class Generator:
    """Builds the records. All randomness comes from one `random.Random(seed)`, used in a fixed order."""

    def __init__(self, initiatives, seed):
        self.n = initiatives
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
        self.counts = {}  # model label -> rows written
        self.citation_number = 0
        self.statistic_number = 0
        self.n_institutions = max(8, initiatives // 4)
        self.n_people = max(8, initiatives // 2)
        self.n_sources = max(4, initiatives // 20)

    # -- helpers ---------------------------------------------------------------------------------

    def bulk(self, model, objects):
        if objects:
            model.objects.bulk_create(objects, batch_size=BATCH)
            label = model._meta.label
            self.counts[label] = self.counts.get(label, 0) + len(objects)
        return objects

    def skewed(self, items):
        """One item, the first ones far more often: a few institutions are hubs, most are not."""
        return items[int(len(items) * self.rng.random() ** 2)]

    def published(self):
        return self.rng.random() > 0.03  # about 3% of records are drafts

    def year(self, low=1960, high=2016):
        return self.rng.randint(low, high)

    def partial_date(self, low=1960, high=2016):
        year, roll = self.year(low, high), self.rng.random()
        if roll < 0.08:
            return f"{year // 10 * 10}s"
        if roll < 0.7:
            return str(year)
        if roll < 0.9:
            return f"{year}-{self.rng.randint(1, 12):02d}"
        return f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def text(self, sentences, **slots):
        rng = self.rng
        values = dict(
            topic=rng.choice(TOPICS),
            topic2=rng.choice(TOPICS),
            audience=rng.choice(AUDIENCES),
            us_city=rng.choice(US_CITIES),
            ru_city=rng.choice(RU_CITIES),
            year=self.year(1985, 2016),
            count=rng.choice([20, 40, 75, 130, 200]),
        )
        values.update(slots)
        chosen = rng.sample(SENTENCES, sentences)
        if rng.random() < 0.002:
            chosen.append(RARE_SENTENCE.format(rare=rng.choice(RARE_WORDS)))
        return " ".join(sentence.format(**values) for sentence in chosen)

    def unique_name(self, base, used):
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base} {n}"
        used.add(name)
        return name

    def rows(self, model, columns, rows):
        if rows:
            write_rows(model, columns, rows)
            label = model._meta.label
            self.counts[label] = self.counts.get(label, 0) + len(rows)

    def related_names(self, roles, people, topics):
        """The initiative's `related_names`, as programs.search_index makes them: the published
        institutions' names and acronyms, then people's names, then topics, each by name."""
        institutions = sorted({institution_id for institution_id, _ in roles}, key=self.institution_names.get)
        lines = [
            line
            for institution_id in institutions
            if self.institution_published[institution_id]
            for line in (self.institution_names[institution_id], self.institution_acronyms[institution_id])
        ]
        lines += sorted(self.person_names[p] for p in people if self.person_published[p])
        lines += sorted(topic.name for topic in topics if topic.is_published)
        return "\n".join(dict.fromkeys(line for line in lines if line))

    def join_rows(self, model, columns, rows, **parents):
        """Write join records as rows; return their ids by their rows (whose first columns are
        unique together). `parents` filters the rows just written, to read their ids back."""
        self.rows(model, columns, rows)
        return {
            tuple(values): pk
            for pk, *values in model.objects.filter(**parents).order_by().values_list("pk", *columns)
        }

    def citation(self, subject, pk, passage):
        """A citation row (see CITATION_COLUMNS) supporting the record `pk` of kind `subject`."""
        self.citation_number += 1
        key = uuid.uuid5(NAMESPACE, str(self.citation_number))
        subjects = [pk if name == subject else None for name in CITATION_SUBJECTS]
        return (str(key), self.rng.choice(self.source_ids), passage, "", *subjects)

    def cite(self, citations):
        self.rows(Citation, CITATION_COLUMNS, citations)

    # -- the records -----------------------------------------------------------------------------

    def run(self):
        self.vocabulary()
        self.institutions()
        self.people()
        self.sources()
        self.cite_shared_records()
        analyze([Institution, Person, Source, Affiliation, Citation])
        for start in range(0, self.n, BATCH):
            self.initiatives(start, min(start + BATCH, self.n))
        return self.counts

    def vocabulary(self):
        def names_taken(model):
            return set(model.objects.exclude(is_synthetic()).values_list("name", flat=True))

        def free(name, taken):
            return name + TAKEN_MARK if name in taken else name

        taken = names_taken(Country)
        self.countries = self.bulk(
            Country,
            [
                Country(slug=f"{PREFIX}country-{i}", name=free(name, taken), is_published=True)
                for i, name in enumerate(COUNTRIES)
            ],
        )
        taken = names_taken(Topic)
        self.topics = self.bulk(
            Topic,
            [
                Topic(slug=f"{PREFIX}topic-{i}", name=free(name, taken), is_published=True)
                for i, name in enumerate(TOPICS)
            ],
        )
        taken = names_taken(Track)
        self.tracks = self.bulk(
            Track,
            [
                Track(
                    slug=f"{PREFIX}{slug}",
                    name=free(name, taken),
                    rank=rank,
                    definition=definition,
                    is_published=True,
                )
                for slug, name, rank, definition in TRACKS
            ],
        )

    def institutions(self):
        rng, used = self.rng, set(Institution.objects.values_list("name", flat=True))
        kinds = [
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
        weights = [weight for _, weight, _ in kinds]
        objects = []
        for i in range(self.n_institutions):
            kind, _, patterns = rng.choices(kinds, weights)[0]
            russian = rng.random() < 0.5
            city = rng.choice(RU_CITIES if russian else US_CITIES)
            field_ = rng.choice(FIELDS)
            name = rng.choice(patterns).format(city=city, field=field_, surname=rng.choice(SURNAMES))
            objects.append(
                Institution(
                    slug=f"{PREFIX}institution-{i}",
                    name=self.unique_name(name, used),
                    acronym="".join(word[0] for word in name.split() if word[0].isupper())[:8],
                    kind=kind,
                    country=self.countries[1 if russian else 0],
                    city=city,
                    description=f"A {kind.label.lower()} in {city} working on {field_.lower()}. "
                    + self.text(1),
                    is_published=self.published(),
                )
            )
        self.institution_list = self.bulk(Institution, objects)
        # Some colleges and schools belong to a university.
        universities = [o for o in objects if o.kind == InstitutionKind.UNIVERSITY]
        children = [o for o in objects if o.kind == InstitutionKind.COLLEGE and universities]
        for child in children:
            child.parent = rng.choice(universities)
        Institution.objects.bulk_update(children, ["parent"], batch_size=BATCH)
        self.institution_ids = [o.pk for o in objects]
        self.institution_names = {o.pk: o.name for o in objects}
        self.institution_acronyms = {o.pk: o.acronym for o in objects}
        self.institution_published = {o.pk: o.is_published for o in objects}

    def people(self):
        rng = self.rng
        people = [
            Person(
                slug=f"{PREFIX}person-{i}",
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
                description=f"A {rng.choice(TITLES)} who works on {rng.choice(TOPICS)}.",
                is_published=self.published(),
            )
            for i in range(self.n_people)
        ]
        self.people_list = self.bulk(Person, people)
        self.person_ids = [p.pk for p in people]
        self.person_names = {p.pk: p.name for p in people}
        self.person_published = {p.pk: p.is_published for p in people}
        affiliations = []
        for person in people:
            places = rng.sample(self.institution_ids, 2 if rng.random() < 0.2 else 1)
            for institution_id in places:
                start = str(self.year(1970, 2014))
                end = str(self.year(int(start), 2016)) if rng.random() < 0.3 else ""
                affiliations.append((person.pk, institution_id, rng.choice(TITLES), start, end))
        columns = ["person", "institution", "title", "start", "end"]
        ids = self.join_rows(Affiliation, columns, affiliations, person__in=self.person_ids)
        self.affiliations = [(ids[row], *row) for row in affiliations]

    def sources(self):
        rng = self.rng
        sources = []
        for i in range(self.n_sources):
            topic = rng.choice(TOPICS)
            year = self.year(1990, 2016)
            kind = rng.choice([SourceKind.REPORT, SourceKind.REPORT, SourceKind.ARTICLE, SourceKind.CENSUS])
            sources.append(
                Source(
                    slug=f"{PREFIX}source-{i}",
                    title=f"{topic[0].upper()}{topic[1:]} between the United States and Russia, {year}",
                    kind=kind,
                    publisher_id=self.skewed(self.institution_ids),
                    date=str(year) if rng.random() < 0.8 else f"{year}-{rng.randint(1, 12):02d}",
                    description=f"A {kind.label.lower()} on {topic}. " + self.text(1, topic=topic),
                    is_published=self.published(),
                )
            )
        self.bulk(Source, sources)
        self.source_ids = [s.pk for s in sources]
        self.rows(
            Source.authors.through,
            ["source", "person"],
            [
                (source.pk, person_id)
                for source in sources
                for person_id in rng.sample(self.person_ids, rng.randint(0, 3))
            ],
        )
        self.source_list = sources

    def cite_shared_records(self):
        """One citation for each record created so far: every record carries at least one."""
        cite = self.citation
        citations = [cite("country", c.pk, f"{c.name} took part.") for c in self.countries]
        citations += [cite("topic", t.pk, f"Discussions covered {t.name}.") for t in self.topics]
        citations += [cite("track", t.pk, t.definition) for t in self.tracks]
        citations += [cite("institution", o.pk, o.description) for o in self.institution_list]
        citations += [
            cite("cited_source", s.pk, f"According to “{s.title}”, {s.description}") for s in self.source_list
        ]
        citations += [
            cite("affiliation", pk, f"A {title} since {start}.")
            for pk, _, _, title, start, _ in self.affiliations
        ]
        citations += [cite("person", p.pk, p.description) for p in self.people_list]
        self.cite(citations)

    def initiatives(self, start, stop):
        rng = self.rng
        if start == 0:
            self.initiative_names = set(Initiative.objects.values_list("name", flat=True))
        kinds = list(KIND_NOUN)
        initiatives, links = [], []
        for i in range(start, stop):
            kind = rng.choice(kinds)
            topic = rng.choice(TOPICS)
            us_city, ru_city = rng.choice(US_CITIES), rng.choice(RU_CITIES)
            base = f"{us_city}–{ru_city} {KIND_NOUN[kind]} on {topic[0].upper()}{topic[1:]}"
            begin = self.partial_date() if rng.random() < 0.9 else ""
            status = rng.choices(list(InitiativeStatus), [5, 3, 2])[0]
            end = ""
            if status == InitiativeStatus.ENDED and begin:
                end = str(self.year(int(begin[:4]) + 1, 2017))
            audience = rng.choice(AUDIENCES)
            tracks = rng.sample(self.tracks, 1 if rng.random() < 0.8 else 2)
            topics = rng.sample(self.topics, rng.randint(1, 3))
            countries = self.countries[:2] + rng.sample(self.countries[2:], rng.randint(0, 1))
            roles = {(self.skewed(self.institution_ids), rng.choice(ROLES)) for _ in range(rng.randint(1, 4))}
            people = rng.sample(self.person_ids, rng.choices([0, 1, 2, 3], [2, 4, 3, 1])[0])
            person_roles = {(person_id, rng.choice(PERSON_ROLES)) for person_id in people}
            links.append((tracks, topics, countries, sorted(roles), sorted(person_roles), rng.random() < 0.6))
            initiatives.append(
                Initiative(
                    slug=f"{PREFIX}initiative-{i}",
                    name=self.unique_name(base, self.initiative_names),
                    kind=kind,
                    summary=f"A {KIND_NOUN[kind].lower()} of {audience} from {us_city} and {ru_city} "
                    f"on {topic}.",
                    description=self.text(rng.randint(3, 6), topic=topic, us_city=us_city, ru_city=ru_city),
                    start=begin,
                    end=end,
                    status=status,
                    frequency=rng.choice(
                        ["", "", Frequency.ANNUAL, Frequency.TWICE_YEARLY, Frequency.IRREGULAR]
                    ),
                    places=f"{us_city}; {ru_city}",
                    related_names=self.related_names(roles, people, topics),
                    is_published=self.published(),
                )
            )
        self.bulk(Initiative, initiatives)

        tracks, topics, countries = [], [], []
        roles, person_roles, statistics, citations = [], [], [], []
        for initiative, (its_tracks, its_topics, its_countries, its_roles, its_people, counted) in zip(
            initiatives, links, strict=True
        ):
            pk = initiative.pk
            tracks += [(pk, t.pk) for t in its_tracks]
            topics += [(pk, t.pk) for t in its_topics]
            countries += [(pk, c.pk) for c in its_countries]
            roles += [(pk, institution_id, role, "") for institution_id, role in its_roles]
            person_roles += [(pk, person_id, role, "") for person_id, role in its_people]
            citations.append(self.citation("initiative", pk, initiative.description))
            if counted:
                statistics.append(self.statistic(initiative))

        self.rows(Initiative.tracks.through, ["initiative", "track"], tracks)
        self.rows(Initiative.topics.through, ["initiative", "topic"], topics)
        self.rows(Initiative.countries.through, ["initiative", "country"], countries)
        batch = [initiative.pk for initiative in initiatives]
        role_ids = self.join_rows(
            InitiativeInstitution, ["initiative", "institution", "role", "note"], roles, initiative__in=batch
        )
        person_role_ids = self.join_rows(
            InitiativePerson, ["initiative", "person", "role", "note"], person_roles, initiative__in=batch
        )
        self.bulk(Statistic, statistics)
        cite = self.citation
        citations += [cite("initiative_institution", role_ids[r], f"Its {ROLE_WORDS[r[2]]}.") for r in roles]
        citations += [
            cite("initiative_person", person_role_ids[r], f"A {ROLE_WORDS[r[2]]}.") for r in person_roles
        ]
        citations += [cite("statistic", s.pk, f"{s.stated_value} {s.measure}.") for s in statistics]
        self.cite(citations)

    def statistic(self, initiative):
        rng = self.rng
        self.statistic_number += 1
        measure, unit = rng.choice(STATISTIC_MEASURES)
        value = rng.choice([12, 40, 130, 250, 1527, 3500, 5562, 20000, 1500000])
        precision = rng.choice(list(Precision))
        year = self.year(1990, 2016)
        period = rng.choice([Period.YEAR, Period.ACADEMIC_YEAR, Period.SPAN])
        return Statistic(
            slug=f"{PREFIX}statistic-{self.statistic_number}",
            measure=measure.format(name=initiative.name)[:300],
            value=value,
            stated_value=PRECISION_WORDS[precision].format(n=f"{value:,}"),
            unit=unit,
            precision=precision,
            period=period,
            period_start=str(year),
            period_end="" if period == Period.YEAR else str(min(year + rng.randint(1, 5), 2016)),
            reported_by_id=self.skewed(self.institution_ids),
            reported_in_id=rng.choice(self.source_ids),
            initiative_id=initiative.pk,
            is_published=initiative.is_published,
        )


# ---------------------------------------------------------------------------------------------
# Writing


def write_rows(model, columns, rows):
    """Insert plain tuples into `model`'s table, for the largest tables where building model
    instances would cost most of the time: COPY on PostgreSQL, executemany elsewhere.
    `columns` are field names; ids come from the table's own sequence.
    """
    fields = [model._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = "".join("\t".join(map(copy_text, row)) + "\n" for row in rows)
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", io.StringIO(text))
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def copy_text(value):
    """A value in COPY's text format: \\N for NULL, with backslash, tab and newlines escaped."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


# ---------------------------------------------------------------------------------------------
# Entry points


def synthesize(initiatives, seed=1):
    """Replace any synthetic records with a fresh set of `initiatives` initiatives; return row counts."""
    with transaction.atomic():
        remove()
        with bulk_load(loaded_models()):
            counts = Generator(initiatives, seed).run()
            # Bulk writes send no signal: the search documents are built here, before the
            # indexes come back.
            search_index.reindex()
    caching.new_generation()  # bulk writes send no signal
    tidy()
    return counts


def remove():
    """Delete every synthetic record, its join records and citations; return the row count.

    Deletes set-wise in dependency order (`_raw_delete`: no per-row signals, so no per-row
    history), which takes seconds where `QuerySet.delete()` would collect and signal every row.
    A record that is not synthetic but points at a synthetic one makes the database refuse,
    and nothing is deleted.
    """
    # A citation goes with a synthetic source or subject; one simple DELETE per way it can.
    citations = [
        "source__",
        *(f"{subject}__" for subject in CITATION_SUBJECTS if subject not in JOINS),
        *(f"{join}__{parent}__" for join, parents in JOINS.items() for parent in parents),
    ]
    steps = [
        *(Citation.objects.filter(is_synthetic(path)) for path in citations),
        Initiative.tracks.through.objects.filter(is_synthetic("initiative__") | is_synthetic("track__")),
        Initiative.topics.through.objects.filter(is_synthetic("initiative__") | is_synthetic("topic__")),
        Initiative.countries.through.objects.filter(is_synthetic("initiative__") | is_synthetic("country__")),
        Source.authors.through.objects.filter(is_synthetic("source__") | is_synthetic("person__")),
        Track.coined_by.through.objects.filter(is_synthetic("track__") | is_synthetic("person__")),
        InitiativeInstitution.objects.filter(is_synthetic("initiative__") | is_synthetic("institution__")),
        InitiativePerson.objects.filter(is_synthetic("initiative__") | is_synthetic("person__")),
        Affiliation.objects.filter(is_synthetic("person__") | is_synthetic("institution__")),
        *(model.objects.filter(is_synthetic()) for model in SLUGGED),
        # History only exists for synthetic records a curator has since edited.
        *(model.history.filter(is_synthetic()) for model in SLUGGED),
    ]
    deleted = 0
    with transaction.atomic():
        for queryset in steps:
            deleted += queryset._raw_delete(queryset.db)
    return deleted


def loaded_models():
    return [
        model
        for model in apps.get_app_config("programs").get_models(include_auto_created=True)
        if not model._meta.model_name.startswith("historical")
    ]


@contextmanager
def bulk_load(models):
    """PostgreSQL: for a bulk load into the models' tables, drop their secondary indexes and
    foreign keys and build them again after it, in the same transaction.

    Building an index over all rows at once is several times faster than updating it row by row
    (the GIN indexes of search above all), and adding a foreign key checks every row in one join
    where the constraint would otherwise check each inserted row on its own. Primary keys and
    unique constraints stay. The tables are locked until the transaction ends; if anything
    fails, the transaction puts every index and constraint back as it was.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [[model._meta.db_table for model in models]]
    with connection.cursor() as cursor:
        # A table with foreign-key checks pending (deferred to commit) cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            tables,
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
            ORDER BY 1, 2
            """,
            tables,
        )
        foreign_keys = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def analyze(models):
    """PostgreSQL: statistics of tables just filled, so that the load's own queries plan well."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def remove_and_tidy():
    deleted = remove()
    caching.new_generation()
    tidy()
    return deleted


def tidy():
    """After a bulk load or removal on PostgreSQL: reclaim the dead rows and refresh the planner's
    statistics (VACUUM ANALYZE), so the first queries plan well and scan no dead rows. Inside a
    transaction (tests) VACUUM is not allowed, and only ANALYZE runs."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    tables = sorted(
        m._meta.db_table for m in apps.get_app_config("programs").get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {connection.ops.quote_name(table)}")
