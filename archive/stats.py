"""How many articles each portal published per month: the archive's coverage at a glance.

A month is ``YYYY-MM`` of the UTC publication instant (``articles.date_published_utc``, the
column ``--since``/``--until`` filter on), computed by the database: ``strftime`` on SQLite,
``to_char`` of the instant converted to UTC on PostgreSQL (whose session time zone would
otherwise shift articles across month ends). Articles without a usable date count as "undated".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.sql import ColumnElement

from .filters import Filters
from .models import Article, Portal

UNDATED = "undated"
NO_PORTAL = "(no portal)"
PLOT_EXTRA = "pip install 'portal-archive[plot]'"


class StatsError(Exception):
    """Stats that cannot be produced (a missing extra): one line for the user."""


@dataclass(frozen=True)
class MonthlyCounts:
    """Articles per (portal, month); months sort chronologically with "undated" last."""

    counts: dict[tuple[str, str], int]

    @property
    def portals(self) -> list[str]:
        return sorted({portal for portal, _ in self.counts})

    @property
    def months(self) -> list[str]:
        return sorted({month for _, month in self.counts}, key=_month_order)

    def by_portal(self) -> dict[str, int]:
        return _totals(self.counts, 0)

    def by_month(self) -> dict[str, int]:
        return dict(sorted(_totals(self.counts, 1).items(), key=lambda item: _month_order(item[0])))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[dict[str, Any]]:
        """One row per portal and month that has articles: the tidy form for CSV and JSON."""
        return [{"portal": portal, "month": month, "articles": self.counts[portal, month]}
                for portal in self.portals for month in self.months if (portal, month) in self.counts]

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "portals": dict(sorted(self.by_portal().items())),
                "months": self.by_month(), "counts": self.rows()}


def _month_order(month: str) -> tuple[bool, str]:
    return month == UNDATED, month


def _totals(counts: dict[tuple[str, str], int], part: int) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for key, n in counts.items():
        totals[key[part]] += n
    return dict(totals)


def month_expression(dialect: str) -> ColumnElement[str]:
    """``YYYY-MM`` of the UTC publication instant, in the database's own dialect."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", Article.date_published_utc), "YYYY-MM")
    return func.strftime("%Y-%m", Article.date_published_utc)  # SQLite stores the UTC wall time


def monthly_counts(engine: Engine, filters: Filters | None = None) -> MonthlyCounts:
    """Count the articles ``filters`` keep, per portal and month, in one grouped query."""
    month = month_expression(engine.dialect.name).label("month")
    stmt = (select(Portal.slug, month, func.count().label("articles"))
            .select_from(Article).outerjoin(Portal, Portal.id == Article.portal_id)
            .group_by(Portal.slug, month))
    stmt = (filters or Filters()).apply(stmt)
    with engine.connect() as conn:
        return MonthlyCounts({(slug or NO_PORTAL, month or UNDATED): n for slug, month, n in conn.execute(stmt)})


# --------------------------------------------------------------------------- output

def print_table(stats: MonthlyCounts) -> None:
    """Months down, portals across (a long history scrolls; portals are few), totals on both edges."""
    from rich.table import Table

    from .report import _console

    table = Table(title=f"{stats.total:,} articles per month (UTC)", show_footer=bool(stats.counts))
    by_portal, by_month = stats.by_portal(), stats.by_month()
    table.add_column("month", footer="total", no_wrap=True)
    for portal in stats.portals:
        table.add_column(portal, footer=str(by_portal[portal]), justify="right")
    table.add_column("total", footer=str(stats.total), justify="right", style="bold")
    for month in stats.months:
        cells = [str(stats.counts.get((portal, month), "")) for portal in stats.portals]
        table.add_row(month, *cells, str(by_month[month]))
    _console().print(table)


def plotter():
    """The function that draws ``plot``, or StatsError naming the extra when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise StatsError(f"--plot needs matplotlib: {PLOT_EXTRA}") from None
    return plot


def plot(stats: MonthlyCounts, path: Path) -> None:
    """``figure(stats)`` saved as a PNG."""
    figure(stats).savefig(path, format="png")


def figure(stats: MonthlyCounts):
    """Articles per month as bars stacked by portal: the height is the month's total, so a gap in
    the archive's coverage shows at once, and each portal's share is its band. Months without
    articles stay in the axis as empty bars instead of being bridged."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # no display, no pyplot global state
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    months = _month_range([m for m in stats.months if m != UNDATED])
    drawing = Figure(figsize=(11, 5.5), dpi=100, layout="constrained")
    FigureCanvasAgg(drawing)
    axes = drawing.add_subplot()
    x = [date(int(m[:4]), int(m[5:]), 1) for m in months]
    widths = [(_next_month(day) - day).days for day in x]  # in days: bars of adjacent months touch
    colours = _colours(len(stats.portals))
    stacked = [0] * len(months)
    for portal, colour in zip(stats.portals, colours):
        heights = [stats.counts.get((portal, m), 0) for m in months]
        axes.bar(x, heights, width=widths, bottom=stacked, align="edge", color=colour, label=portal, linewidth=0)
        stacked = [a + b for a, b in zip(stacked, heights)]
    undated = stats.by_month().get(UNDATED, 0)
    axes.set_title(f"Articles per month and portal ({stats.total:,} articles)")
    axes.set_ylabel("articles")
    axes.set_xlabel("month of publication (UTC)" + (f"; {undated} undated articles not shown" if undated else ""))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(True, axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    if months:
        handles, labels = axes.get_legend_handles_labels()  # reversed: the legend reads top to bottom as the stack
        axes.legend(handles[::-1], labels[::-1], title="portal", loc="upper left", bbox_to_anchor=(1.01, 1),
                    frameon=False)
    else:
        axes.text(0.5, 0.5, "no dated articles", transform=axes.transAxes, ha="center", color="dimgray")
    return drawing


def _colours(count: int) -> list:
    """Distinct colours: tab10 for a few portals, tab20 for more (it repeats only beyond 20)."""
    from matplotlib import colormaps

    palette = colormaps["tab10" if count <= 10 else "tab20"]
    return [palette(i % palette.N) for i in range(count)]


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _month_range(months: list[str]) -> list[str]:
    """Every month from the first to the last, so gaps show as zero instead of being bridged."""
    if not months:
        return []
    (year, month), (last_year, last_month) = (map(int, months[0].split("-")), map(int, months[-1].split("-")))
    every = []
    while (year, month) <= (last_year, last_month):
        every.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return every


__all__ = ["MonthlyCounts", "NO_PORTAL", "StatsError", "UNDATED", "figure", "month_expression", "monthly_counts",
           "plot", "plotter", "print_table"]
