import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from programs import summary
from programs.models import Country, FacetCount, Initiative, Institution, Source, Track


def pytest_runtest_setup(item):
    """Each test starts with an empty cache (diplomacy/settings_test.py), as its database starts
    from the state of before it: a rolled-back transaction, or a table emptied by
    wipe_knowledge_base, sends no signal that would start a new generation of the data."""
    cache.clear()


MODULE_DATA = ("article", "atlas", "knowledge_base")


def pytest_collection_modifyitems(items):
    """Within each module, the tests that read the same data (MODULE_DATA) run one after another
    and the transactional ones, which empty the database, last: each module builds each kind of
    data once. Otherwise the order is kept."""
    first = {}

    def order(entry):
        position, item = entry
        names = getattr(item, "fixturenames", ())
        data = next((name for name in MODULE_DATA if name in names), None)
        marker = item.get_closest_marker("django_db")
        transactional = bool({"transactional_db", "live_server"} & set(names)) or bool(
            marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
        )
        module = first.setdefault(item.nodeid.split("::")[0], position)
        return module, transactional, first.setdefault((module, transactional, data), position), position

    items[:] = [item for _, item in sorted(enumerate(items), key=order)]


# What `load_article` leaves in this process's test database, kept the first time it runs on an
# empty knowledge base: {model: its rows}, and on SQLite {search table: its rows}.
ARTICLE_ROWS = {}


def load_article():
    """The knowledge base as `make run` loads it. The command runs the first time in this process;
    after that, on an empty knowledge base, the rows it left are written again (its records, their
    first history, their search documents: tests/test_fixtures.py checks the copy is the same), in
    a fraction of the time. A knowledge base that is not empty gets the command itself."""
    empty = not any(
        model._base_manager.exists() for model in knowledge_base_models() if model is not FacetCount
    )
    if ARTICLE_ROWS and empty:
        write_rows(ARTICLE_ROWS)
        return
    call_command("load_article", verbosity=0)
    # Kept only when the search documents are written already: not inside a transaction, whose
    # commit would write them after this.
    if empty and not connection.in_atomic_block:
        ARTICLE_ROWS.update(read_rows())


def knowledge_base_models():
    from django.apps import apps

    return list(apps.get_app_config("programs").get_models(include_auto_created=True))


def search_tables():
    """SQLite's FTS5 tables of the search documents (programs.search.backends), which no model has."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


def read_rows():
    """Every row of the knowledge base: {model: [records]}, and {search table: (columns, rows)}."""
    rows = {model: list(model._base_manager.order_by("pk")) for model in knowledge_base_models()}
    with connection.cursor() as cursor:
        for table in search_tables():
            cursor.execute(f"SELECT rowid, * FROM {connection.ops.quote_name(table)} ORDER BY rowid")
            rows[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return rows


def write_rows(rows):
    """`rows` (read_rows) written into an empty knowledge base as they were, as loaddata writes
    (raw: no field sets its own value, no signal), in one transaction (the foreign keys are
    checked at its end). A search table's rows of these ids are replaced, as reindexing does."""
    from django.db import transaction

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        FacetCount.objects.all().delete()  # the empty knowledge base's counts, replaced by the copy's
        for model, records in rows.items():
            if isinstance(model, str):
                columns, values = records
                ids = [row[0] for row in values]
                for start in range(0, len(ids), 500):
                    batch = ids[start : start + 500]
                    marks = ", ".join("%s" for _ in batch)
                    cursor.execute(f"DELETE FROM {quote(model)} WHERE rowid IN ({marks})", batch)
                if values:
                    names = ", ".join(quote(column) for column in columns)
                    marks = ", ".join("%s" for _ in columns)
                    cursor.executemany(f"INSERT INTO {quote(model)} ({names}) VALUES ({marks})", values)
                continue
            fields = model._meta.local_concrete_fields
            for start in range(0, len(records), 500):
                model._base_manager._insert(records[start : start + 500], fields=fields, raw=True)
        # Rows written with their ids leave PostgreSQL's sequences behind: the next record a test
        # makes would take an id in use (loaddata resets them the same way).
        models = [model for model in rows if not isinstance(model, str)]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def build_atlas():
    from tests.atlas_data import build_atlas

    return build_atlas()


def wipe_knowledge_base(reset_sequences=False):
    """Empty every table of the app (history included), leaving users, groups and permissions;
    with `reset_sequences`, the ids start again from 1, as after a restore."""
    from django.apps import apps
    from django.db import connection

    tables = [
        model._meta.db_table
        for model in apps.get_app_config("programs").get_models(include_auto_created=True)
    ]
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=reset_sequences)
    )
    summary.rebuild()  # as a database fresh from migrate: the empty knowledge base counted


def is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


def uses_database(request):
    return request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker):
    """What a module's tests read, built once: {"loaded": name, "value": records}.

    Built outside the tests' transactions, so that each test's changes roll back onto it, and
    removed when the module's tests are done."""
    state = {"loaded": None, "value": None}
    yield state
    if state["loaded"]:
        with django_db_blocker.unblock():
            wipe_knowledge_base()


def build_for_module(state, blocker, name, build):
    if state["loaded"] != name:
        with blocker.unblock():
            if state["loaded"]:  # another kind of data was built for this module: one at a time
                wipe_knowledge_base()
            state.update(loaded=None, value=None)
            state.update(loaded=name, value=build())


def current(request, state, name, build):
    """The data for one test: the module's (made the module's if another kind was), or built for
    this test alone when its transaction has begun."""
    if is_transactional(request):
        # Its database is emptied after it: what the module built goes too.
        value = state["value"] if state["loaded"] == name else build()
        state.update(loaded=None, value=None)
        return value
    if state["loaded"] != name and not connection.in_atomic_block:
        # The module's data is of another kind (or gone with a transactional test): built again
        # for the module, outside the test's transaction, for this test and the ones after it.
        build_for_module(state, request.getfixturevalue("django_db_blocker"), name, build)
    request.getfixturevalue("db")
    if state["loaded"] == name:
        return state["value"]
    # The test's transaction had begun (another fixture opened it): within it, rolled back after
    # it, the module's other data out of the way.
    if state["loaded"]:
        wipe_knowledge_base()
    with request.getfixturevalue("django_capture_on_commit_callbacks")(execute=True):
        return build()


@pytest.fixture(autouse=True)
def empty_unless_asked(request, module_data):
    """A test that asks for none of the article, the atlas and the admin's knowledge base starts
    from an empty one, as if the module had built none: emptied inside its transaction, so rolled back."""
    if not module_data["loaded"] or {"article", "atlas", "knowledge_base", "synthetic_initiatives"} & set(
        request.fixturenames
    ):
        return
    if not uses_database(request):
        return
    if is_transactional(request):
        request.getfixturevalue("transactional_db")
        module_data.update(loaded=None, value=None)
    else:
        request.getfixturevalue("db")
    wipe_knowledge_base()


@pytest.fixture(scope="module")
def article_module(module_data, django_db_blocker):
    build_for_module(module_data, django_db_blocker, "article", load_article)


@pytest.fixture(scope="module")
def atlas_module(module_data, django_db_blocker):
    build_for_module(module_data, django_db_blocker, "atlas", build_atlas)


def synthesize_initiatives():
    call_command("synthesize", initiatives=2000, stdout=io.StringIO())
    with connection.cursor() as cursor:  # the planner's count of the rows, as autovacuum keeps it
        cursor.execute(f"ANALYZE {Initiative._meta.db_table}")


@pytest.fixture(scope="module")
def synthetic_module(module_data, django_db_blocker):
    build_for_module(module_data, django_db_blocker, "synthetic", synthesize_initiatives)


@pytest.fixture
def synthetic_initiatives(request, synthetic_module, module_data):
    """2,000 synthetic initiatives and all that goes with them (programs.synthetic)."""
    return current(request, module_data, "synthetic", synthesize_initiatives)


@pytest.fixture
def article(request, article_module, module_data):
    """The knowledge base as `make run` loads it: the article's records and their first history."""
    return current(request, module_data, "article", load_article)


@pytest.fixture
def atlas(request, atlas_module, module_data):
    """A knowledge base larger than the article's, drafts included (tests/atlas_data.py)."""
    return current(request, module_data, "atlas", build_atlas)


def make_country():
    return Country.objects.create(slug="russia", name="Russia", is_published=True)


def make_source():
    return Source.objects.create(
        slug="a-report", title="A report", kind="report", date="2015", is_published=True
    )


def make_institution(country):
    return Institution.objects.create(
        slug="itmo", name="ITMO", kind="university", country=country, is_published=True
    )


def make_track():
    return Track.objects.create(
        slug="track-ii", name="Track II", rank=3, definition="Unofficial dialogue.", is_published=True
    )


def make_initiative(track):
    initiative = Initiative.objects.create(
        slug="a-dialogue",
        name="A Dialogue",
        kind="dialogue",
        summary="Citizens meet.",
        start="1960",
        is_published=True,
    )
    initiative.tracks.add(track)
    return initiative


@pytest.fixture
def country(db):
    return make_country()


@pytest.fixture
def source(db):
    return make_source()


@pytest.fixture
def institution(country):
    return make_institution(country)


@pytest.fixture
def track(db):
    return make_track()


@pytest.fixture
def initiative(track):
    return make_initiative(track)


# ---------------------------------------------------------------------------------------------
# Curators and a small knowledge base with a record of every model (the admin's tests)

CURATOR_PASSWORD = "a curator's password"  # noqa: S105 (a test user's)


def curator_group():
    """The Curator group of migration 0002, made again as it makes it when a transactional
    test's flush has emptied the tables (the permissions come back with the flush)."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name="Curator")
    if created:
        records = Permission.objects.filter(content_type__app_label="programs")
        history = records.filter(content_type__model__startswith="historical")
        group.permissions.set(records.exclude(pk__in=history.exclude(codename__startswith="view_")))
    return group


@pytest.fixture
def curator(db):
    """A staff user in the Curator group that migration 0002 creates."""
    from django.contrib.auth.models import User

    user = User.objects.create_user("curator", password=CURATOR_PASSWORD, is_staff=True)
    user.groups.add(curator_group())
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def build_knowledge_base():
    """Two or more records of every model, linked the way the article links them, all cited:
    {model name: records}."""
    country, track = make_country(), make_track()
    initiative, institution, source = make_initiative(track), make_institution(country), make_source()
    from programs.models import (
        Affiliation,
        Citation,
        Event,
        InitiativeCountry,
        InitiativeInstitution,
        InitiativePerson,
        InitiativeTopic,
        InitiativeTrack,
        Person,
        Statistic,
        Topic,
    )

    usa = Country.objects.create(slug="united-states", name="United States", is_published=True)
    mit = Institution.objects.create(slug="mit", name="MIT", kind="university", country=usa)
    college = Institution.objects.create(
        slug="sloan", name="Sloan School", kind="college", country=usa, parent=mit, is_published=True
    )
    article = Source.objects.create(
        slug="the-article", title="The article", kind="news_analysis", date="2016-11-05", publisher=college
    )
    author = Person.objects.create(slug="an-author", name="An Author", is_published=True)
    expert = Person.objects.create(slug="an-expert", name="An Expert")
    article.authors.add(author)
    track_15 = Track.objects.create(slug="track-1-5", name="Track 1.5", rank=2, definition="Mixed.")
    space = Topic.objects.create(slug="space", name="Space", is_published=True)
    education = Topic.objects.create(slug="education", name="Education")
    forum = Initiative.objects.create(
        slug="a-forum", name="A Forum", kind="forum", summary="Experts meet.", start="2011", end="2016"
    )
    # Links one by one, as the admin saves them (with their history), not in bulk.
    InitiativeTrack.objects.filter(initiative=initiative).delete()
    for each in (initiative, forum):
        for link, field, others in [
            (InitiativeTrack, "track", (track, track_15)),
            (InitiativeTopic, "topic", (space, education)),
            (InitiativeCountry, "country", (country, usa)),
        ]:
            for other in others:
                link.objects.create(initiative=each, **{field: other})
    affiliations = [
        Affiliation.objects.create(person=author, institution=mit, title="professor", start="2001"),
        Affiliation.objects.create(person=expert, institution=institution, title="expert"),
    ]
    participations = [
        InitiativeInstitution.objects.create(initiative=initiative, institution=institution, role="host"),
        InitiativeInstitution.objects.create(initiative=initiative, institution=mit, role="partner"),
        InitiativePerson.objects.create(initiative=initiative, person=author, role="founder"),
        InitiativePerson.objects.create(initiative=forum, person=expert, role="participant"),
    ]
    statistics = [
        Statistic.objects.create(
            slug=f"students-{year}",
            measure=f"U.S. students in Russia, {year}",
            value=1000 + year,
            stated_value=f"about {1000 + year}",
            unit="students",
            precision="about",
            period="year",
            period_start=str(year),
            reported_by=institution,
            reported_in=source,
            initiative=forum,
            from_country=usa,
            to_country=country,
            is_published=True,
        )
        for year in (2013, 2014)
    ]
    events = [
        Event.objects.create(
            slug=f"session-{year}", name=f"The {year} session", initiative=initiative, date=year
        )
        for year in ("2015", "2016")
    ]
    for event in events:
        event.institutions.add(institution)
    subjects = {
        "track": [track, track_15],
        "event": events,
        "initiative_track": list(InitiativeTrack.objects.all()),
        "initiative_topic": list(InitiativeTopic.objects.all()),
        "initiative_country": list(InitiativeCountry.objects.all()),
        "initiative": [initiative, forum],
        "institution": [institution, mit, college],
        "person": [author, expert],
        "statistic": statistics,
        "topic": [space, education],
        "country": [country, usa],
        "cited_source": [source, article],
        "initiative_institution": participations[:2],
        "initiative_person": participations[2:],
        "affiliation": affiliations,
    }
    for field, records in subjects.items():
        for record in records:
            for passage in ("A first passage.", "A second passage."):
                Citation.objects.create(source=article, passage=passage, **{field: record})
    return subjects


@pytest.fixture(scope="module")
def knowledge_base_module(module_data, django_db_blocker):
    build_for_module(module_data, django_db_blocker, "knowledge_base", build_knowledge_base)


@pytest.fixture
def knowledge_base(request, knowledge_base_module, module_data):
    """The admin's small knowledge base (build_knowledge_base), built once per module."""
    return current(request, module_data, "knowledge_base", build_knowledge_base)
