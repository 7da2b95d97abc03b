"""What a crawl killed outright leaves behind, and how the next crawl of its portals picks it up.

A ``kill -9``, an OOM kill or a power cut gives the crawler no chance to say anything: its run row
still says "running", and Scrapy's in-memory queue is gone. So the queue lives in the archive too:

* ``frontier`` (migration 0008): every request a crawl enqueued, keyed by portal slug and request
  fingerprint, "pending" until its response has been processed, then "done". The crawl that
  finishes deletes its portals' rows, so rows exist only for portals whose last crawl did not
  finish, and the next crawl of such a portal re-queues the pending rows and skips the rest
  (spiders/frontier.py writes and reads them; spiders/portal.py restores what it had requested).
* A run still "running" whose portals' run locks are free died without a word: whoever holds those
  locks now marks it "interrupted" (``interrupt_dead_runs``), as ``portal-archive crawl`` does on
  start and ``portal-archive runs`` does when it lists one. Only runs that held the locks are judged
  (``settings.locked``): a bare ``scrapy crawl`` or a Scrapyd job takes none, so a free lock says
  nothing about it.

``ResumeStore`` is mixed into ``archive.store.Archive`` (needs its ``engine`` and ``_writing``). Scrapy-free.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import CrawlRun, FrontierRequest, Page, utcnow

CHUNK = 500  # fingerprints per UPDATE … IN (…): far below SQLite's and PostgreSQL's parameter limits
ROW_FIELDS = ("portal", "fingerprint", "url", "callback", "priority", "request")  # what a frontier entry carries


class ResumeStore:
    """Frontier and dead-run methods of ``Archive``."""

    def write_frontier(self, run_id: int | None, added: Sequence[dict[str, Any]],
                       done: Iterable[tuple[str, str]]) -> None:
        """Add requests (dicts of ROW_FIELDS, and ``created_at``: when enqueued) as pending and mark others ((portal, fingerprint)) done, in one
        transaction; a request the frontier already holds is left as it is.

        One transaction is what keeps a crash from losing a request: the caller queues a request's done
        mark only after the requests its response led to, so a done mark is never durable without them.
        """
        done_by_portal = _group(done)
        if not added and not done_by_portal:
            return
        now = utcnow()
        with self._writing() as s:
            if added:
                rows = [{**{k: row[k] for k in ROW_FIELDS}, "state": "pending", "run_id": run_id,
                         "created_at": row.get("created_at") or now} for row in added]
                s.execute(_insert_new(s), rows)
            mark_done(s, done_by_portal, now)

    def frontier_rows(self, slugs: Sequence[str], state: str = "pending") -> list[dict[str, Any]]:
        """The requests of these portals in ``state``, in the order they were enqueued: the pending ones are what a
        resumed crawl re-queues, the done ones what its dupefilter has seen."""
        stmt = (select(*(getattr(FrontierRequest, name) for name in ROW_FIELDS))
                .where(FrontierRequest.portal.in_(slugs), FrontierRequest.state == state).order_by(FrontierRequest.id))
        with Session(self.engine) as s:
            return [dict(row._mapping) for row in s.execute(stmt)]

    def frontier_requests(self, slugs: Sequence[str]) -> list[tuple[str, str, str | None]]:
        """(portal, url, callback) of every request, pending or done, of these portals' unfinished crawl:
        what it had asked for already, so that a resumed crawl asks for none of it again."""
        stmt = select(FrontierRequest.portal, FrontierRequest.url, FrontierRequest.callback) \
            .where(FrontierRequest.portal.in_(slugs)).order_by(FrontierRequest.id)
        with Session(self.engine) as s:
            return [tuple(row) for row in s.execute(stmt)]

    def frontier_started(self, slugs: Sequence[str]) -> dict[str, datetime]:
        """When each of these portals' unfinished crawl began (its first request); absent: nothing to resume."""
        stmt = select(FrontierRequest.portal, func.min(FrontierRequest.created_at)) \
            .where(FrontierRequest.portal.in_(slugs)).group_by(FrontierRequest.portal)
        with Session(self.engine) as s:
            return {portal: _aware(started) for portal, started in s.execute(stmt)}

    def clear_frontier(self, slugs: Sequence[str]) -> None:
        """Forget these portals' frontier: their crawl finished, and the next one starts afresh."""
        with self._writing() as s:
            s.execute(delete(FrontierRequest).where(FrontierRequest.portal.in_(slugs)))

    def interrupt_dead_runs(self, slugs: Sequence[str]) -> list[int]:
        """Mark "interrupted" every run of these portals that held their run locks and still says "running";
        the ids marked. Call it holding those locks: then no such run is alive. Its end is its last fetch,
        the last sign of life it left (its start if it fetched nothing)."""
        wanted = set(slugs)
        with self._writing() as s:
            dead = [run for run in s.scalars(select(CrawlRun).where(CrawlRun.status == "running").with_for_update())
                    if (run.settings or {}).get("locked") and wanted & set((run.settings or {}).get("portals") or ())]
            for run in dead:
                last_fetch = s.scalar(select(func.max(Page.fetched_at)).where(Page.run_id == run.id))
                run.status, run.finished_at = "interrupted", last_fetch or run.started_at
            return [run.id for run in dead]


def mark_done(s: Session, done_by_portal: dict[str, list[str]], now: datetime) -> None:
    """Mark frontier requests done, in the caller's transaction (``store_article``'s, for an article's page)."""
    for portal, fingerprints in done_by_portal.items():
        for start in range(0, len(fingerprints), CHUNK):
            s.execute(update(FrontierRequest)
                      .where(FrontierRequest.portal == portal, FrontierRequest.fingerprint.in_(fingerprints[start:start + CHUNK]))
                      .values(state="done", done_at=now))


def settle_dead_runs(archive, archive_url: str, runs: Iterable[dict[str, Any]]) -> list[int]:
    """Of these runs (as ``Archive.runs`` lists them), mark "interrupted" those that say "running" under run
    locks nobody holds any more: their crawl was killed. The ids marked. Each lock is taken for a moment, so a
    crawl of that portal starting at that very instant is refused (exit 4), as with any other run holding it."""
    from .locks import LockError, LockHeld, run_locks

    marked: list[int] = []
    for run in runs:
        settings = run.get("settings") or {}
        if run["status"] != "running" or not settings.get("locked") or not settings.get("portals"):
            continue
        try:
            with run_locks(archive_url, settings["portals"]):
                marked += archive.interrupt_dead_runs(settings["portals"])
        except (LockHeld, LockError):  # alive, or no telling
            continue
    return marked


def _insert_new(s: Session):
    """INSERT that skips rows whose (portal, fingerprint) is taken: a retried flush, or a request met again."""
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(FrontierRequest).on_conflict_do_nothing(index_elements=["portal", "fingerprint"])


def _group(done: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    by_portal: dict[str, list[str]] = defaultdict(list)
    for portal, fingerprint in done:
        by_portal[portal].append(fingerprint)
    return dict(by_portal)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # SQLite hands back naive UTC


__all__ = ["ResumeStore", "mark_done", "settle_dead_runs"]
