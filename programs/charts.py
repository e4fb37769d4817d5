"""Charts drawn on the server as SVG: the geometry is computed here, the markup is in templates
(templates/includes/chart_*.html) and the look in the CSS file, so pages need no JavaScript and
no inline style."""

from collections import defaultdict
from dataclasses import dataclass, field

from .models import Unit


@dataclass
class Bar:
    label: str
    display: str
    url: str
    percent: float  # of the longest bar


@dataclass
class BarChart:
    """Horizontal bars, one per row: the label and the value are HTML text (so they keep the
    page's type size at every width), the bar an SVG rectangle of the width the value gives."""

    title: str
    bars: list = field(default_factory=list)

    @classmethod
    def of(cls, title, rows):
        """rows: (label, value, display, url)."""
        chart = cls(title)
        top = max((float(value) for _, value, _, _ in rows), default=0) or 1
        for label, value, display, url in rows:
            percent = max(0.5, float(value) / top * 100)
            chart.bars.append(Bar(label, display, url, round(percent, 1)))
        return chart


def subject(statistic):
    """What a statistic is about, as the data say: its initiative, else the countries of its flow
    (either way), else nothing known (None: it is compared with no other)."""
    initiative = statistic.initiative if statistic.initiative_id else None
    if initiative is not None and initiative.is_published:
        return ("initiative", initiative.pk), initiative.name
    countries = [
        country
        for country in (statistic.from_country, statistic.to_country)
        if country is not None and country.is_published
    ]
    if len(countries) == 2:
        names = sorted(country.name for country in countries)
        return ("between", *sorted(country.pk for country in countries)), f"between {names[0]} and {names[1]}"
    return None, ""


def statistics_by_unit(statistics):
    """Charts of the figures that can stand side by side: the same unit (numbers in different
    units share no scale) and the same subject (130 Dartmouth meetings beside a forum's two
    conferences compares nothing). A figure with no such companion is in the table only."""
    groups = defaultdict(list)
    titles = {}
    for statistic in statistics:
        key, about = subject(statistic)
        if key is None:
            continue
        groups[(statistic.unit, key)].append(
            (
                f"{statistic.measure}, {statistic.period_display}",
                statistic.value,
                statistic.stated_value,
                statistic.get_absolute_url(),
            )
        )
        titles[(statistic.unit, key)] = about
    labels = dict(Unit.choices)
    order = list(labels)
    return [
        BarChart.of(f"{labels[unit][:1].upper()}{labels[unit][1:]}: {titles[(unit, key)]}", rows)
        for (unit, key), rows in sorted(
            groups.items(), key=lambda item: (order.index(item[0][0]), titles[item[0]])
        )
        if len(rows) > 1
    ]


@dataclass
class Column:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float


def scale_top(most):
    """The top of a count scale at or above `most`, with a whole number halfway: 1, 2, 4, 6, 8,
    10, 20, 40…"""
    if most <= 1:
        return 1
    magnitude = 10 ** (len(str(int(most))) - 1)
    for step in (1, 2, 4, 6, 8, 10):
        top = step * magnitude
        if top >= most and top % 2 == 0:
            return top
    return 10 * magnitude  # pragma: no cover (10 × magnitude is always even and enough)


@dataclass
class Timeline:
    """Columns of initiatives by start year, on a count scale, with the decades below.

    The SVG holds the columns and the grid only, stretched to the width it is given and kept
    at the height the CSS sets; the numbers of the scale and the decades are HTML text, so they
    keep the page's type size at every width. Each year has a slot of SLOT units."""

    columns: list
    decades: list  # [(label or "", …)], one per decade, evenly spread under the columns
    scale: list  # [(css class, number)], top to bottom
    width: int
    dated: int = 0  # initiatives with a start date, shown
    undated: int = 0  # initiatives without one, which no column can show
    HEIGHT = 100  # units of the viewBox; the CSS sets the pixels
    SLOT = 10
    MAX_LABELS = 8  # decade labels that fit a phone's width; past it every other one is shown

    @classmethod
    def of(cls, counts, total=None):
        """counts: {year: number of initiatives}; total: how many initiatives there are, dated
        or not (the undated are said, not drawn)."""
        if not counts:
            return None
        first, last = min(counts), max(counts)
        first, last = first - first % 10, last - last % 10 + 9
        top = scale_top(max(counts.values()))
        columns = []
        for year, count in sorted(counts.items()):
            height = count / top * cls.HEIGHT
            columns.append(
                Column(
                    year,
                    count,
                    (year - first) * cls.SLOT + 1,
                    round(cls.HEIGHT - height, 2),
                    cls.SLOT - 2,
                    round(height, 2),
                )
            )
        decades = list(range(first, last + 1, 10))
        every = 1 if len(decades) <= cls.MAX_LABELS else 2
        labels = [f"{decade}s" if index % every == 0 else "" for index, decade in enumerate(decades)]
        scale = [("scale-top", top), *([("scale-mid", top // 2)] if top > 1 else []), ("scale-zero", 0)]
        dated = sum(counts.values())
        undated = max(0, (total or 0) - dated)
        return cls(columns, labels, scale, (last - first + 1) * cls.SLOT, dated, undated)

    @property
    def total(self):
        return self.dated + self.undated

    @property
    def mid_y(self):
        return self.HEIGHT / 2
