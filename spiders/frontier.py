"""A scheduler whose queue survives ``kill -9``: every request is also kept in the archive's frontier.

``FrontierScheduler`` is Scrapy's scheduler (its queues, its dupefilter, JOBDIR if set) that also
writes each request it accepts to the archive's ``frontier`` table (archive/resume.py) and marks it
done once Scrapy has finished with it. A crawl whose portals have a frontier left (their last crawl
was killed) re-queues the pending requests on open; the spider skips what was requested already
(spiders/portal.py). A crawl that finishes clears its portals' frontier.

Ordering is what makes a crash lose nothing. Writes are batched, one transaction per
ARCHIVE_FRONTIER_BATCH entries or ARCHIVE_FRONTIER_INTERVAL seconds, entries in the order they
happened, and a request is marked done only once it has left the engine's in-progress set: by then
its response went through the callback, its articles through the pipelines (each committed by the
store pipeline at once) and the requests it led to into this scheduler, so their rows are in the
same batch as its done mark or an earlier one. A crash loses at most the last batch, which costs
refetches, never a request: a request whose done mark was lost is pending and fetched again; a new
request whose row was lost is found again from the response that led to it, pending too.

An article's page is the exception: it is marked done in the very transaction that stores its article
(``Archive.store_article(page_done=)``), so a stored article is never fetched again after a crash.
Just before that, the store pipeline has this scheduler write everything pending (ARTICLE_STORING):
the spider yields an article page's item last, after the requests the page led to, so their rows
are durable before the page is done.

Each request names its portal in ``meta["portal"]`` (rows are per portal, as run locks are) and is
tied to its row by ``meta["frontier"]`` (its fingerprint). Retries and redirects copy the meta, so
they finish the original row instead of adding one: a resumed crawl asks the original URL again.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.utils.request import request_from_dict

from archive.models import utcnow
from archive.store import Archive
from pipelines.store import ARTICLE_STORING, FINISHED_REASONS

logger = logging.getLogger(__name__)

FRONTIER_META = "frontier"  # the request's row: its fingerprint (hex)
PORTAL_META = "portal"  # the slug of the portal a request belongs to (set by the spider)
# Per-attempt meta that Scrapy's middlewares set: a resumed request starts afresh without them.
TRANSIENT_META = frozenset({FRONTIER_META, "download_slot", "download_latency", "retry_times", "redirect_times",
                            "redirect_ttl", "redirect_urls", "redirect_reasons", "capture_id", "_slot"})


class FrontierScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.archive_url = settings.get("ARCHIVE_URL")
        scheduler.batch = settings.getint("ARCHIVE_FRONTIER_BATCH", 100)
        scheduler.interval = settings.getfloat("ARCHIVE_FRONTIER_INTERVAL", 0.5)
        crawler.signals.connect(scheduler.flush, signal=ARTICLE_STORING)
        return scheduler

    def open(self, spider):
        opened = super().open(spider)
        self.archive = Archive.open(self.archive_url)
        self.slugs = [portal.slug for portal in getattr(spider, "portals", [])]
        self.added: list[dict[str, Any]] = []  # rows not written yet, in the order requests were accepted
        self.done: list[tuple[str, str]] = []  # (portal, fingerprint) not written yet
        self.live: Counter[str] = Counter()  # fingerprint -> its requests queued or in the engine (a retry, a redirect)
        self.taken: dict[int, Request] = {}  # requests handed to the engine and not settled yet, by id()
        for row in self.archive.frontier_rows(self.slugs, "done"):  # a redirect to one of them is dropped, as it
            self.df.request_seen(rebuild(row, spider))  # would have been had the crawl not been killed
        resumed = self.archive.frontier_rows(self.slugs, "pending")
        for row in resumed:
            self.enqueue_request(rebuild(row, spider))
        if resumed:
            logger.info("resuming an unfinished crawl of %s: %d pending requests re-queued", ", ".join(self.slugs),
                        len(resumed))
        self.stats.set_value("frontier/resumed", len(resumed))
        from twisted.internet import task  # not at import time: Scrapy installs the reactor first

        self.ticker = task.LoopingCall(self.flush)
        self.ticker.start(self.interval, now=False)
        return opened

    def close(self, reason):
        if self.ticker.running:
            self.ticker.stop()
        self.flush()
        if reason in FINISHED_REASONS:  # else (a SIGTERM, a crash) the next run resumes from what is left
            self.archive.clear_frontier(self.slugs)
        self.archive.close()
        return super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        known = FRONTIER_META in request.meta  # a retry, a redirect, or a resumed request: its row exists
        if not known and request.meta.get(PORTAL_META):
            request.meta[FRONTIER_META] = self.crawler.request_fingerprinter.fingerprint(request).hex()
        if not super().enqueue_request(request):  # the dupefilter's refusal ends a redirect's original here
            return False
        key = request.meta.get(FRONTIER_META)
        if key is not None:
            self.live[key] += 1
            if not known:
                self._add(request)
        return True

    def next_request(self) -> Request | None:
        request = super().next_request()
        if request is not None and FRONTIER_META in request.meta:
            self.taken[id(request)] = request
        return request

    def flush(self) -> None:
        """Mark done what Scrapy has finished with, then write what is pending, in one transaction."""
        self._settle()
        if not self.added and not self.done:
            return
        added, done = self.added, self.done
        self.added, self.done = [], []
        try:
            self.archive.write_frontier(self.stats.get_value("archive/run_id"), added, done)
        except Exception:  # a busy or lost database: keep the entries for the next flush, and crawl on
            logger.exception("could not write the crawl frontier; retrying at the next flush")
            self.added, self.done = added + self.added, done + self.done

    def _add(self, request: Request) -> None:
        try:
            self.added.append({**entry(request, self.spider), "created_at": utcnow()})
        except (TypeError, ValueError) as exc:  # not JSON: crawled, but a crash would lose it
            logger.warning("%s cannot be kept in the frontier: %s", request, exc)
            return
        if len(self.added) + len(self.done) >= self.batch:
            self.flush()

    def _settle(self) -> None:
        """Requests that left the engine are finished; their row is done once no retry or redirect of it is left."""
        in_progress = _in_progress(self.crawler)
        if in_progress is None:  # no engine slot: nothing can be judged finished, so all stay pending
            return
        for key, request in list(self.taken.items()):
            if request in in_progress:
                continue
            del self.taken[key]
            fingerprint = request.meta[FRONTIER_META]
            self.live[fingerprint] -= 1
            if self.live[fingerprint] <= 0:
                del self.live[fingerprint]
                self.done.append((request.meta[PORTAL_META], fingerprint))


def entry(request: Request, spider) -> dict[str, Any]:
    """A frontier row for ``request`` (archive.resume.ROW_FIELDS): what ``rebuild`` needs, as JSON values."""
    fields = request.to_dict(spider=spider)
    meta = {key: value for key, value in fields.pop("meta").items() if key not in TRANSIENT_META and _is_json(value)}
    cb_kwargs = fields.pop("cb_kwargs")
    json.dumps(cb_kwargs)  # TypeError now, rather than in a later flush
    headers = {name.decode("latin-1"): [v.decode("latin-1") for v in values] for name, values in fields.pop("headers").items()}
    rest = {**fields, "meta": meta, "cb_kwargs": cb_kwargs, "headers": headers, "body": fields["body"].decode("latin-1")}
    return {"portal": request.meta[PORTAL_META], "fingerprint": request.meta[FRONTIER_META], "url": rest.pop("url"),
            "callback": rest.pop("callback"), "priority": rest.pop("priority"), "request": rest}


def rebuild(row: dict[str, Any], spider) -> Request:
    """The request a frontier row was made from, tied to its row again."""
    fields = dict(row["request"])
    fields["headers"] = {name: [v.encode("latin-1") for v in values] for name, values in fields["headers"].items()}
    fields["body"] = fields["body"].encode("latin-1")
    fields["meta"] = {**fields["meta"], FRONTIER_META: row["fingerprint"], PORTAL_META: row["portal"]}
    return request_from_dict({**fields, "url": row["url"], "callback": row["callback"], "priority": row["priority"]},
                             spider=spider)


def _is_json(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _in_progress(crawler) -> set | None:
    """The engine's requests not finished yet: downloading, in the callback, items in the pipelines. Scrapy has
    no public hook for "finished with a request"; the engine's private slot is the one place that knows."""
    slot = getattr(crawler.engine, "_slot", None)
    return slot.inprogress if slot is not None else None
