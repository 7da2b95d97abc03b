"""A run's verdict when it ends: too many failed pages, or degraded field coverage; stored, shown, alerted.

The verdict goes into the run's counts (no schema change), so ``portal-archive runs`` and the crawl's
exit code read it later without the settings of that night:

* ``failure_rate`` (failed / fetched pages), ``max_failure_rate`` (the limit it was held to) and
  ``failures``: the top reasons with example URLs, kept because a page's row in ``pages`` moves on
  to whichever run fetches it next;
* ``coverage``: per portal, the article count and fill rate of each field (archive/coverage.py);
* ``degraded``: ``[{portal, field, before, now}]``, what fell against the median of the portal's
  previous comparable runs (same ``--max-pages`` and ``--max-depth``: a capped run finds fewer).

Scrapy-free: pipelines/store.py calls ``finish`` with the limits from the Scrapy settings.
"""

from __future__ import annotations

import logging
import socket
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .alerts import send_alert
from .coverage import baseline, describe, drops, fill_rates

logger = logging.getLogger(__name__)
TOP_REASONS = 10
EXAMPLES = 3
HISTORY = 200  # previous runs read to find the comparable ones of each portal
SCOPE = ("maxPages", "maxDepth")  # run settings that change how much a run can find
COUNT_DROP = 0.5  # an article count that falls by more than half is degraded


@dataclass(frozen=True)
class Limits:
    max_failure_rate: float = 0.1
    coverage_drop: float = 0.2  # absolute fall of a fill rate, 0.2 = 20 points


@dataclass(frozen=True)
class AlertTargets:
    webhook: str | None = None
    file: str | None = None


def finish(archive, run_id: int, status: str, limits: Limits, alerts: AlertTargets = AlertTargets()) -> list[str]:
    """Close the run with its verdict in its counts; alert when it has problems; the problems, one line each."""
    try:
        verdict = assess(archive, run_id, limits, judge_coverage=status == "finished")
    except Exception:  # noqa: BLE001 — a verdict that cannot be reached must not leave the run open
        logger.exception("run %s: no verdict", run_id)
        verdict = {}
    archive.finish_run(run_id, status, counts=verdict)
    lines = problems(verdict)
    if lines:
        send_alert(alert(archive.run(run_id), lines), alerts.webhook, alerts.file)
    return lines


def assess(archive, run_id: int, limits: Limits, judge_coverage: bool = True) -> dict[str, Any]:
    run = archive.run(run_id)
    verdict = {"failure_rate": failure_rate(run["counts"]), "max_failure_rate": limits.max_failure_rate,
               "failures": failure_summary(archive.run_failures(run_id))}
    if judge_coverage:
        verdict |= coverage_verdict(archive, run, limits)
    return verdict


def failure_rate(counts: dict[str, Any]) -> float | None:
    pages = counts.get("pages") or 0
    return round((counts.get("errors") or 0) / pages, 4) if pages else None


def failure_summary(failures: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The commonest reasons first: ``[{reason, pages, examples}]``."""
    by_reason: dict[str, list[str]] = {}
    for url, error in failures:
        by_reason.setdefault(reason(error), []).append(url)
    ranked = Counter({key: len(urls) for key, urls in by_reason.items()}).most_common(TOP_REASONS)
    return [{"reason": key, "pages": n, "examples": by_reason[key][:EXAMPLES]} for key, n in ranked]


def reason(error: str) -> str:
    """What failures have in common: "HTTP 503" as is, an exception by its type ("TimeoutError: …" → "TimeoutError")."""
    return error if error.startswith("HTTP ") else error.split(":", 1)[0].strip() or error


def coverage_verdict(archive, run: dict[str, Any], limits: Limits) -> dict[str, Any]:
    portals = (run.get("settings") or {}).get("portals") or []
    tallies = archive.run_coverage(run["id"])
    # A portal the run found no article on is the clearest drop of all: it must be measured too.
    coverage = {slug: fill_rates(tallies.get(slug, {})) for slug in sorted(set(portals) | set(tallies))}
    earlier = comparable(archive.runs(HISTORY, before=run["id"]), run)
    degraded = [drop for slug, now in coverage.items() for drop in _drops(slug, now, run, earlier, limits)]
    return {"coverage": coverage, "degraded": degraded}


def _drops(slug: str, now: dict[str, Any], run: dict[str, Any], earlier: list[dict[str, Any]],
           limits: Limits) -> list[dict[str, Any]]:
    """Fill rates compare with every earlier comparable run; the article count only with runs of the
    same kind, since an incremental run stops paging where the articles are known and so sees fewer,
    and not at all for a run that resumed a killed one (it sees only what that one left, so it is no
    baseline either)."""
    same_kind = [r for r in earlier if incremental(r, slug) == incremental(run, slug) and not resumed(r, slug)]
    count = None if resumed(run, slug) else baseline(_history(same_kind, slug))
    return drops(slug, baseline(_history(earlier, slug)), now, limits.coverage_drop, COUNT_DROP,
                 count_before=count["articles"] if count else None)


def incremental(run: dict[str, Any], slug: str) -> bool:
    """Whether the run crawled ``slug`` incrementally (pipelines/store.py records it at the start)."""
    return slug in ((run.get("settings") or {}).get("incremental") or [])


def resumed(run: dict[str, Any], slug: str) -> bool:
    """Whether the run resumed a killed crawl of ``slug`` (pipelines/store.py records it at the start)."""
    return slug in ((run.get("settings") or {}).get("resumed") or [])


def comparable(runs: list[dict[str, Any]], run: dict[str, Any]) -> list[dict[str, Any]]:
    """The finished runs, newest first, that measured coverage within the same limits as ``run``."""
    return [r for r in runs if r["status"] == "finished" and "coverage" in (r["counts"] or {})
            and scope(r) == scope(run)]


def scope(run: dict[str, Any]) -> dict[str, Any]:
    settings = run.get("settings") or {}
    return {key: settings[key] for key in SCOPE if settings.get(key)}


def _history(runs: list[dict[str, Any]], slug: str) -> list[dict[str, Any]]:
    return [r["counts"]["coverage"][slug] for r in runs if slug in r["counts"]["coverage"]]


def problems(counts: dict[str, Any]) -> list[str]:
    """One line per reason the run is not healthy (the crawl then exits 3); empty when it is."""
    lines = []
    rate, limit = counts.get("failure_rate"), counts.get("max_failure_rate")
    if rate is not None and limit is not None and rate > limit:
        top = ", ".join(f"{f['reason']} ×{f['pages']}" for f in (counts.get("failures") or [])[:3])
        lines.append(f"{rate:.0%} of pages failed, over the limit of {limit:.0%} ({top})")
    lines += [f"degraded: {describe(drop)}" for drop in counts.get("degraded") or []]
    return lines


def health(run: dict[str, Any]) -> str:
    """A word for the runs table: ok, failing, degraded (or both); empty for a run without a verdict."""
    counts = run.get("counts") or {}
    if "max_failure_rate" not in counts:
        return ""
    rate = counts.get("failure_rate")
    words = ["degraded"] if counts.get("degraded") else []
    if rate is not None and rate > counts["max_failure_rate"]:
        words.append("failing")
    return ", ".join(words) or "ok"


def alert(run: dict[str, Any], lines: list[str]) -> dict[str, Any]:
    """The JSON an alert carries: enough to act on without opening the archive."""
    counts = run["counts"]
    return {"event": "portal-archive.run-unhealthy", "run": run["id"], "status": run["status"],
            "portals": (run.get("settings") or {}).get("portals") or [], "host": socket.gethostname(),
            "startedAt": run["startedAt"], "finishedAt": run["finishedAt"], "problems": lines,
            "degraded": counts.get("degraded") or [], "failureRate": counts.get("failure_rate"),
            "maxFailureRate": counts.get("max_failure_rate"), "failures": counts.get("failures") or []}


__all__ = ["AlertTargets", "Limits", "alert", "assess", "finish", "health", "problems"]
