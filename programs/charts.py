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
    y: int
    width: float
    value_x: float


@dataclass
class BarChart:
    """Horizontal bars, one per row, each with its label above it and its value after it."""

    title: str
    width: int = 480
    height: int = 0
    bars: list = field(default_factory=list)

    ROW = 46  # label, bar, gap
    LABEL = 16
    BAR = 16
    ROOM = 150  # space kept right of the longest bar for its value

    @classmethod
    def of(cls, title, rows):
        """rows: (label, value, display, url)."""
        chart = cls(title)
        top = max((float(value) for _, value, _, _ in rows), default=0) or 1
        for index, (label, value, display, url) in enumerate(rows):
            width = max(2.0, float(value) / top * (chart.width - cls.ROOM))
            chart.bars.append(Bar(label, display, url, index * cls.ROW, round(width, 1), round(width + 6, 1)))
        chart.height = len(rows) * cls.ROW
        return chart


def statistics_by_unit(statistics):
    """One chart per unit (students, US dollars…): numbers in different units do not share a scale."""
    groups = defaultdict(list)
    for statistic in statistics:
        groups[statistic.unit].append(
            (
                f"{statistic.measure}, {statistic.period_display}",
                statistic.value,
                statistic.stated_value,
                statistic.get_absolute_url(),
            )
        )
    return [BarChart.of(f"In {label}", groups[unit]) for unit, label in Unit.choices if unit in groups]


@dataclass
class Column:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Timeline:
    """Columns of initiatives by start year, with a tick at each decade."""

    columns: list
    ticks: list
    width: int = 800
    height: int = 150
    AXIS = 22

    @classmethod
    def of(cls, counts):
        """counts: {year: number of initiatives}."""
        if not counts:
            return None
        first, last = min(counts), max(counts)
        first, last = first - first % 10, last - last % 10 + 9
        slot = cls.width / (last - first + 1)
        top = max(counts.values())
        plot = cls.height - cls.AXIS - 14
        columns = []
        for year, count in sorted(counts.items()):
            height = max(2.0, count / top * plot)
            columns.append(
                Column(
                    year,
                    count,
                    round((year - first) * slot + slot * 0.1, 1),
                    round(cls.height - cls.AXIS - height, 1),
                    round(max(1.0, slot * 0.8), 1),
                    round(height, 1),
                )
            )
        ticks = [(round((decade - first) * slot, 1), f"{decade}s") for decade in range(first, last + 1, 10)]
        return cls(columns, ticks)

    @property
    def axis_y(self):
        return self.height - self.AXIS

    @property
    def label_y(self):
        return self.height - 6
