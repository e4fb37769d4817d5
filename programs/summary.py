"""The facet counts of the whole list of initiatives, kept in a table (models.FacetCount) that the
transaction of each change updates: the unfiltered list and its JSON read them in one query
rather than counting every published initiative's links (programs.browse counts a filtered list).

A change moves by one the counts of the values it touches: an initiative's kind, status and start
date (before and after the save), the linked record of a link made, moved or removed, every value
of an initiative published or withdrawn; a linked record renamed or (un)published changes its own
row. Writes that send no signals (bulk loads, restore) call `rebuild()`, as `manage.py reindex`
does; a record loaded raw (loaddata) leaves the counts not kept, the list counting from the data,
until then (load_article rebuilds them). `check_data` says whether the counts kept differ from
the data.
"""

from django.db import connections
from django.db.models import Count, F, Value
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import bulk_load
from .browse import FACETS, RelationFacet
from .models import FacetCount, Initiative

RELATIONS = [facet for facet in FACETS if isinstance(facet, RelationFacet)]
OWN_FIELDS = [facet for facet in FACETS if not isinstance(facet, RelationFacet)]  # kind, decade…
TOTAL = FacetCount.TOTAL


def counted(facet, keys=None, using="default"):
    """The FacetCount rows of `facet`'s values `keys` (linked records' primary keys, or the
    values of an initiative's own field), counted from the data; of every value when None."""
    if isinstance(facet, RelationFacet):
        other = facet.other
        links = facet.through.objects.using(using).published()
        records = facet.model.objects.using(using).published()
        if keys is not None:
            links, records = links.filter(**{f"{other}__in": keys}), records.filter(pk__in=keys)
        n = dict(links.order_by().values_list(other).annotate(n=Count("initiative", distinct=True)))
        position = F("rank") if facet.order_by_rank else Value(0)  # the tracks' rank orders them
        return [
            FacetCount(facet=facet.param, key=str(pk), value=slug, label=name, position=place, n=n[pk])
            for pk, slug, name, place in records.values_list("pk", "slug", "name", position)
            if pk in n
        ]
    initiatives = Initiative.objects.using(using).published()
    if keys is not None:
        initiatives = initiatives.filter(**{f"{facet.field}__in": keys})
    return [
        FacetCount(facet=facet.param, key=value, value=value, n=n)
        for value, n in initiatives.order_by().values_list(facet.field).annotate(n=Count("pk"))
    ]


def recount(facet, keys=None, using="default"):
    """Replace the kept counts of `facet`'s values `keys` (all when None) by those of the data."""
    kept = FacetCount.objects.using(using).filter(facet=facet.param)
    if keys is not None:
        keys = {str(key) for key in keys}
        if not keys:
            return
        kept = kept.filter(key__in=keys)
    kept.delete()
    FacetCount.objects.using(using).bulk_create(counted(facet, keys, using))


def recount_total(using="default"):
    """The row of how many initiatives are published: its presence says the counts are kept."""
    FacetCount.objects.using(using).update_or_create(
        facet=TOTAL, key="", defaults={"n": Initiative.objects.using(using).published().count()}
    )


def rebuild(using="default"):
    """Count everything again: after writes that send no signals."""
    FacetCount.objects.using(using).all().delete()
    for facet in FACETS:
        recount(facet, using=using)
    recount_total(using)
    bulk_load.analyze([FacetCount])  # planned on its new size, its index reads the most frequent


def kept_from_the_start(sender, using="default", **kwargs):
    """After migrate or flush: counts that are not kept yet are counted (at once for an empty
    knowledge base, whose counts are then kept from its first record on)."""
    if FacetCount._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before the counts were kept
    if not FacetCount.objects.using(using).filter(facet=TOTAL).exists():
        rebuild(using)


def drift(using="default"):
    """[(facet, key, kept, counted)] where the counts kept differ from the data's; each count
    is (value, label, position, n), or None where there is none."""

    def shown(rows):
        return {(row.facet, row.key): (row.value, row.label, row.position, row.n) for row in rows}

    kept = shown(FacetCount.objects.using(using).all())
    if (TOTAL, "") not in kept:
        return []  # not kept: the list counts from the data
    fresh = shown(row for facet in FACETS for row in counted(facet, using=using))
    fresh[TOTAL, ""] = ("", "", 0, Initiative.objects.using(using).published().count())
    return [
        (facet, key, kept.get((facet, key)), fresh.get((facet, key)))
        for facet, key in sorted({*kept, *fresh})
        if kept.get((facet, key)) != fresh.get((facet, key))
    ]


# ---------------------------------------------------------------------------------------------
# Keeping the counts: signal receivers, connected by ProgramsConfig.ready(). A change moves the
# counts of what it touches by one, read and written by primary key, so that a save costs a few
# indexed queries however many initiatives share a value.


def forget(using):
    """A record loaded raw (loaddata), which tells nothing of what it was: the counts are no
    longer kept, and the list counts from the data, until rebuild()."""
    FacetCount.objects.using(using).filter(facet=TOTAL).delete()


def add(facet, key, delta, using):
    """Move the kept count of `facet`'s value `key` by `delta`; a value that has no row yet is
    counted from the data, and one counted down to nothing goes."""
    kept = FacetCount.objects.using(using).filter(facet=facet.param, key=str(key))
    if not kept.update(n=F("n") + delta):
        if delta > 0:
            recount(facet, {key}, using)
        return
    kept.filter(n__lte=0).delete()


def initiative_saving(sender, instance, using, raw=False, **kwargs):
    """Before an initiative is saved or deleted: what it counts for as stored."""
    fields = ["is_published", *(facet.field for facet in OWN_FIELDS)]
    stored = None if raw or instance._state.adding else sender.objects.using(using).filter(pk=instance.pk)
    instance._counted_before = stored.values(*fields).first() if stored is not None else None


def initiative_saved(sender, instance, raw, using, **kwargs):
    if raw:
        return forget(using)
    before = getattr(instance, "_counted_before", None)
    was = before if before and before["is_published"] else None  # what it counted for
    now = (
        {facet.field: getattr(instance, facet.field) for facet in OWN_FIELDS}
        if instance.is_published
        else None
    )
    for facet in OWN_FIELDS:
        if was and now and was[facet.field] == now[facet.field]:
            continue
        if was:
            add(facet, was[facet.field], -1, using)
        if now:
            add(facet, now[facet.field], 1, using)
    if bool(was) != bool(now):
        counted_by_its_links(instance.pk, 1 if now else -1, using)


def initiative_deleted(sender, instance, using, **kwargs):
    # Its links went first, each uncounted (link_changed).
    before = getattr(instance, "_counted_before", None)
    if before and before["is_published"]:
        for facet in OWN_FIELDS:
            add(facet, before[facet.field], -1, using)
        add_total(-1, using)


def counted_by_its_links(initiative, delta, using):
    """An initiative published (1) or withdrawn (-1): the total, and each published record it
    links to, count it once more or less."""
    add_total(delta, using)
    for facet in RELATIONS:
        links = facet.through.objects.using(using).filter(
            initiative=initiative, **{f"{facet.other}__is_published": True}
        )
        for record in set(links.values_list(facet.other, flat=True)):
            add(facet, record, delta, using)


def add_total(delta, using):
    FacetCount.objects.using(using).filter(facet=TOTAL).update(n=F("n") + delta)


def counted_by_link(facet, initiative, record, delta, using):
    """A link between them just made (1) or gone (-1): the record counts the initiative once
    more or less if it was the first link between them or the last, and both are published."""
    links = facet.through.objects.using(using).filter(initiative=initiative, **{facet.other: record})
    if (
        links.count() == (1 if delta > 0 else 0)
        and Initiative.objects.using(using).published().filter(pk=initiative).exists()
        and facet.model.objects.using(using).published().filter(pk=record).exists()
    ):
        add(facet, record, delta, using)


def link_saving(sender, instance, raw, using, **kwargs):
    facet = RELATION_OF[sender]
    stored = None if raw or instance._state.adding else sender.objects.using(using).filter(pk=instance.pk)
    ends = ("initiative", facet.other)
    instance._counted_before = stored.values_list(*ends).first() if stored is not None else None


def link_saved(sender, instance, raw, using, **kwargs):
    if raw:
        return forget(using)
    facet = RELATION_OF[sender]
    before = getattr(instance, "_counted_before", None)
    now = (instance.initiative_id, getattr(instance, f"{facet.other}_id"))
    if before == now:
        return  # another role of the same two: counted already
    if before:
        counted_by_link(facet, *before, -1, using)
    counted_by_link(facet, *now, 1, using)


def link_deleted(sender, instance, using, **kwargs):
    # Also each link that initiative.topics.remove(…) and clear() delete: they send this.
    facet = RELATION_OF[sender]
    counted_by_link(facet, instance.initiative_id, getattr(instance, f"{facet.other}_id"), -1, using)


def linked_record_changed(sender, instance, using, raw=False, **kwargs):
    """A track, topic, country or institution saved or deleted: its row follows its name, rank
    and published flag (counted from the data when it is published)."""
    if raw:
        return forget(using)
    facet = RELATION_OF[sender]
    kept = FacetCount.objects.using(using).filter(facet=facet.param, key=str(instance.pk))
    if instance.is_published and sender.objects.using(using).filter(pk=instance.pk).exists():
        position = instance.rank if facet.order_by_rank else 0
        if not kept.update(value=instance.slug, label=instance.name, position=position):
            recount(facet, {instance.pk}, using)  # published just now, or newly linked
    else:
        kept.delete()


def relations_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    """initiative.topics.add(…) and the like, which save no link one by one (removing one
    deletes it one by one: link_deleted)."""
    if action != "post_add":
        return
    facet = RELATION_OF[sender]
    for other in pk_set:
        initiative, record = (other, instance.pk) if reverse else (instance.pk, other)
        counted_by_link(facet, initiative, record, 1, using)


RELATION_OF = {}  # {link model or linked model: its facet}


def connect():
    uid = "programs.summary"
    pre_save.connect(initiative_saving, sender=Initiative, dispatch_uid=f"{uid}.initiative.pre")
    post_save.connect(initiative_saved, sender=Initiative, dispatch_uid=f"{uid}.initiative.save")
    pre_delete.connect(initiative_saving, sender=Initiative, dispatch_uid=f"{uid}.initiative.pre_delete")
    post_delete.connect(initiative_deleted, sender=Initiative, dispatch_uid=f"{uid}.initiative.delete")
    for facet in RELATIONS:
        link, linked = facet.through, facet.model
        RELATION_OF[link] = RELATION_OF[linked] = facet
        name = link._meta.model_name
        pre_save.connect(link_saving, sender=link, dispatch_uid=f"{uid}.{name}.pre")
        post_save.connect(link_saved, sender=link, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(link_deleted, sender=link, dispatch_uid=f"{uid}.{name}.delete")
        m2m_changed.connect(relations_changed, sender=link, dispatch_uid=f"{uid}.{name}.m2m")
        name = linked._meta.model_name
        post_save.connect(linked_record_changed, sender=linked, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(linked_record_changed, sender=linked, dispatch_uid=f"{uid}.{name}.delete")
