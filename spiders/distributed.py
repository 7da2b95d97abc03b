"""Distributed mode on scrapy-redis: the adapter between it, current Scrapy and the shared run (docs/DEPLOYMENT.md).

scrapy-redis 0.9.1 lags Scrapy's API (its RedisSpider calls ``engine.crawl(request, spider=…)``, gone
upstream), so only its Scheduler (Redis connection, queue key, request encoding) and RFPDupeFilter
(fingerprints) are used. ``RedisScheduler`` changes three things, each for a reason of ours:

* taking a request also marks it in flight for this worker, and a request leaves that mark only once
  Scrapy has finished with it (downloaded, parsed, items stored, links queued): a worker killed with
  ``kill -9`` has its requests put back in the queue by the others, so no page is lost;
* a page request the spider made is queued only if its article identity is new to the run, like the
  single-process spider's in-memory check (a print view on one worker, its article on another: one fetch);
* the worker does not close when the queue is empty but when the whole run is idle (nothing queued,
  nothing in flight on any worker) for ARCHIVE_REDIS_IDLE_TIMEOUT seconds; that worker closes the run.

Two things read the engine's private ``_slot`` (which requests are in progress, waking the engine when
others queued work); ``_engine_slot`` is the one place, tested by tests/test_distributed.py.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import time
from datetime import datetime

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.request import request_from_dict

try:
    from scrapy_redis.scheduler import Scheduler
except ImportError:  # the redis extra is absent: Scrapy's spider loader still imports this module
    Scheduler = object

from archive.distributed import Coordinator, Keys, new_worker_id
from archive.store import Archive
from archive.urls import identity
from spiders.portal import PortalSpider
from spiders.registry import Portal

logger = logging.getLogger(__name__)
IDENTITY_META = "archive_identity"  # set on the spider's page requests; redirects and retries carry it, but are exempt


class DistributedPortalSpider(PortalSpider):
    """The portal spider as a worker: no start pages of its own, it takes its requests from the Redis queue
    (``portal-archive enqueue`` seeds it). It knows every portal of the registry and the run's ad-hoc ones
    (``run_portals``: slug -> base URL, from Redis), so any worker can parse any portal's pages."""

    name = "portal-distributed"

    def __init__(self, registry: str | None = None, run_portals: dict[str, str] | None = None, **kwargs):
        super().__init__(all_portals=True, registry=registry, **kwargs)
        known = {portal.slug for portal in self.portals}
        self.portals += [Portal(slug=slug, base_url=base) for slug, base in (run_portals or {}).items() if slug not in known]
        self.by_slug = {portal.slug: portal for portal in self.portals}  # for requests that name their portal by slug

    async def start(self):
        """No start pages: the queue has them. A run ``enqueue`` opened incremental (not --full) re-validates the
        articles the archive held when the run began, as a single-process repeat crawl does (spiders/incremental.py):
        every worker loads them, since any worker may meet any page of the run's portals."""
        if not self.full:
            with Archive.open(self.settings.get("ARCHIVE_URL")) as archive:
                run = archive.run(self.settings.getint("ARCHIVE_RUN_ID"))
                began = datetime.fromisoformat(run["startedAt"])
                slugs = [slug for slug in run["settings"].get("incremental", []) if slug in self.by_slug]
                self._load_known_articles(archive, dict.fromkeys(slugs, began), [self.by_slug[s] for s in slugs])
        return
        yield  # an async generator with nothing in it

    def _request(self, url, portal, depth, meta=None):
        request = super()._request(url, portal, depth, meta)
        if request is not None:
            request.meta[IDENTITY_META] = identity(url)
        return request


def seed_requests(spider: PortalSpider, urls: list[str] | None = None):
    """The requests a single-process crawl of ``spider``'s portals starts with (start pages, sitemap), or ``urls``."""
    for portal in spider.portals:
        for url in urls or portal.start_urls + [portal.base_url + "/sitemap.xml"]:
            request = spider._request(url, portal, depth=0)
            if request is not None:
                request.meta[IDENTITY_META] = identity(url)
                yield request


def encode(request, spider) -> bytes:
    """A request as scrapy-redis stores it (pickled ``Request.to_dict``): callbacks travel by name."""
    return pickle.dumps(request.to_dict(spider=spider), protocol=-1)


class RedisScheduler(Scheduler):
    """scrapy-redis's Scheduler, with at-least-once delivery and run-wide idleness (see the module doc)."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.coordinator = Coordinator(scheduler.server, Keys(settings.get("ARCHIVE_REDIS_PREFIX")))
        scheduler.worker_id = new_worker_id()
        scheduler.run_id = settings.getint("ARCHIVE_RUN_ID")
        scheduler.idle_timeout = settings.getfloat("ARCHIVE_REDIS_IDLE_TIMEOUT", 30)
        scheduler.worker_ttl = settings.getfloat("ARCHIVE_REDIS_WORKER_TTL", 15)
        scheduler.taken = {}  # encoded request -> the Request object the engine got
        scheduler.idle_since = None
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        super().open(spider)
        self.coordinator.heartbeat(self.worker_id, self.worker_ttl)
        from twisted.internet import task

        self.ticker = task.LoopingCall(self._tick)
        self.ticker.start(min(1.0, self.worker_ttl / 3), now=False)
        logger.info("worker %s joined run %s (%d requests queued)", self.worker_id, self.run_id, self.coordinator.queued())

    def close(self, reason):
        if self.ticker.running:
            self.ticker.stop()
        self._settle()
        returned = self.coordinator.leave(self.worker_id)  # a stop before the end (SIGTERM) hands work back
        if returned:
            logger.info("worker %s put %d unfinished requests back in the queue", self.worker_id, returned)

    def enqueue_request(self, request):
        data = encode(request, self.spider)
        if request.dont_filter:  # retries, robots.txt: queued as they are
            self.server.zadd(self.queue.key, {data: -request.priority})
            pushed = True
        else:
            redirected = "redirect_urls" in request.meta  # a redirect's target may share its source's identity
            identity = None if redirected else request.meta.get(IDENTITY_META)
            pushed = self.coordinator.push(self.df.request_fingerprint(request), -request.priority, data, identity)
        if not pushed:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        data = self.coordinator.pop(self.worker_id, self.run_id)
        if data is None:
            return None
        request = request_from_dict(pickle.loads(data), spider=self.spider)
        self.taken[data] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def spider_idle(self, spider):
        """Close only when the whole run is idle for ARCHIVE_REDIS_IDLE_TIMEOUT; the first worker to see that closes the run."""
        self._settle()
        if self.coordinator.current_run() != self.run_id:  # closed by another worker: whatever is queued is the next run's
            return
        requeued = self.coordinator.requeue_dead()
        if requeued:
            logger.warning("worker %s put %d requests of a dead worker back in the queue", self.worker_id, requeued)
        if requeued or self.coordinator.busy():
            self.idle_since = None
            raise DontCloseSpider
        self.idle_since = self.idle_since or time.monotonic()
        if time.monotonic() - self.idle_since < self.idle_timeout:
            raise DontCloseSpider
        if self.run_id and self.coordinator.end_run(self.run_id):
            self.stats.set_value("archive/ends_run", True)  # pipelines/store.py finishes the run
            logger.info("worker %s: the run is done, closing run %s", self.worker_id, self.run_id)

    def _tick(self):
        """Renew the heartbeat, release finished requests, and wake the engine: other workers may have queued work."""
        try:
            self.coordinator.heartbeat(self.worker_id, self.worker_ttl)
            self._settle()
        except Exception:  # noqa: BLE001 — a Redis hiccup must not stop the heartbeat for good (the loop would end)
            logger.exception("worker %s: heartbeat failed; retrying", self.worker_id)
            return
        slot = _engine_slot(self.crawler)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def _settle(self):
        """Drop the in-flight mark of every request Scrapy has finished with."""
        slot = _engine_slot(self.crawler)
        in_progress = slot.inprogress if slot is not None else set()
        finished = [data for data, request in self.taken.items() if request not in in_progress]
        for data in finished:
            del self.taken[data]
        self.coordinator.done(self.worker_id, finished)


def _engine_slot(crawler):
    """The engine's private slot: ``inprogress`` holds each request until its response is fully processed
    (scraper done, items through the pipelines), ``nextcall`` makes the engine ask the scheduler again."""
    engine = crawler.engine
    return getattr(engine, "_slot", None) if engine is not None else None


class SharedPolitenessMiddleware:
    """Requests to one host, from all workers together, at least ARCHIVE_REDIS_HOST_DELAY seconds apart.

    Each worker keeps Scrapy's own per-domain delay and concurrency too; this adds the run-wide bound,
    so N workers do not hit one portal N times as often. Off (NotConfigured) when the delay is 0.
    """

    def __init__(self, coordinator: Coordinator, delay: float):
        self.coordinator, self.delay = coordinator, delay

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        delay = settings.getfloat("ARCHIVE_REDIS_HOST_DELAY", settings.getfloat("DOWNLOAD_DELAY"))
        if not settings.get("ARCHIVE_REDIS_URL") or delay <= 0:
            raise NotConfigured
        from archive.distributed import connect

        return cls(Coordinator(connect(settings.get("ARCHIVE_REDIS_URL")), Keys(settings.get("ARCHIVE_REDIS_PREFIX"))),
                   delay)

    async def process_request(self, request):
        from urllib.parse import urlsplit

        wait = self.coordinator.polite_wait(urlsplit(request.url).hostname or "", self.delay)
        if wait > 0:
            await asyncio.sleep(wait)
