"""Field coverage of a run's articles, and whether it fell: how a portal's redesign shows up.

A redesign rarely breaks a crawl outright: pages still answer 200 and articles are still stored,
only without dates or authors, because the rules no longer find them. Nothing fails, so only the
numbers tell: per portal, the share of the run's articles with each field, and how many articles
there were, compared with the same portal's previous runs. Pure functions; archive/health.py feeds
them from the archive.
"""

from __future__ import annotations

from statistics import median
from typing import Any

FIELDS = ("headline", "datePublished", "articleBody", "authors")
BASELINE_RUNS = 5  # compared with the median of this many previous runs: one odd run does not move it
MIN_ARTICLES = 5  # below this, one article more or less swings a fill rate too far to judge it


def fill_rates(tally: dict[str, int]) -> dict[str, Any]:
    """``{"articles": n, field: filled / n}`` from ``{"articles": n, field: filled}`` (rates rounded to 0.001)."""
    articles = tally.get("articles", 0)
    rates = {field: round(tally.get(field, 0) / articles, 3) if articles else None for field in FIELDS}
    return {"articles": articles, **rates}


def baseline(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The median coverage of the newest BASELINE_RUNS coverages in ``history`` (newest first); None if empty."""
    recent = history[:BASELINE_RUNS]
    if not recent:
        return None
    values = {key: [c[key] for c in recent if c.get(key) is not None] for key in ("articles", *FIELDS)}
    return {key: median(found) if found else None for key, found in values.items()} | {"runs": len(recent)}


def drops(portal: str, before: dict[str, Any] | None, now: dict[str, Any], max_drop: float,
          count_drop: float, count_before: float | None = None) -> list[dict[str, Any]]:
    """What fell to ``now``: a fill rate by more than ``max_drop`` (absolute) from ``before``, or the
    article count by more than ``count_drop`` of ``count_before`` (a baseline of its own: only runs
    that could find as many articles compare). One ``{portal, field, before, now}`` each."""
    found = []
    if count_before and now["articles"] < count_before * (1 - count_drop):
        found.append(_drop(portal, "articles", count_before, now["articles"]))
    if before is None:
        return found
    if now["articles"] >= MIN_ARTICLES and (before["articles"] or 0) >= MIN_ARTICLES:
        found += [_drop(portal, field, before[field], now[field]) for field in FIELDS
                  if before[field] is not None and now[field] is not None and before[field] - now[field] > max_drop]
    return found


def _drop(portal: str, field: str, before: float, now: float) -> dict[str, Any]:
    return {"portal": portal, "field": field, "before": round(before, 3), "now": now}


def describe(drop: dict[str, Any]) -> str:
    """One line for a person: ``hoaphong: datePublished in 0% of articles (was 100%)``."""
    if drop["field"] == "articles":
        return f"{drop['portal']}: {drop['now']} articles (was {drop['before']:g})"
    return f"{drop['portal']}: {drop['field']} in {drop['now']:.0%} of articles (was {drop['before']:.0%})"


__all__ = ["BASELINE_RUNS", "FIELDS", "MIN_ARTICLES", "baseline", "describe", "drops", "fill_rates"]
