"""Starting a crawl from the CLI: Scrapy is loaded here, by spider name, and nowhere else in archive/.

docs/DESIGN.md allows the CLI to start crawls through Scrapy's spider loader; keeping it in this one
module leaves the rest of the archive library usable without Scrapy installed.
"""

from __future__ import annotations

import ipaddress
import os
import time
from urllib.parse import urlsplit

from .locks import run_locks

SPIDER = "portal"


class CrawlError(Exception):
    """A crawl that cannot start; the message is one line for the user."""


class NothingEnqueued(CrawlError):
    """A distributed worker found no run to work on: nothing to do, not a failure."""


RUN_POLL_SECONDS = 0.5  # how often a worker with no run yet looks for one


def run_crawl(*, url=None, slug=None, all_portals=False, registry=None, full=False, archive_url="sqlite:///archive.db",
              max_pages=None, max_depth=None, polite=True, log_file=None, quiet=False, progress=False,
              warc_dir=None) -> int | None:
    """Crawl while holding every target portal's run lock (LockHeld if another run has one); the run's id."""
    targets = _targets(url, slug, all_portals, registry)
    if not polite and not all(_is_loopback(host) for host in targets.values()):
        raise CrawlError("--no-politeness is only allowed when every target is a loopback address (127.0.0.1, localhost)")
    settings = _settings(archive_url, max_pages, max_depth, polite, log_file, full=full, warc_dir=warc_dir, quiet=quiet,
                         progress=progress)
    settings.set("ARCHIVE_LOCKED", True, priority="cmdline")
    with run_locks(archive_url, targets):  # before Scrapy starts: a refused run logs nothing but its one line
        _interrupt_dead_runs(archive_url, targets)
        return _crawl(settings, url=url, portal=slug, all_portals=all_portals, registry=registry)


def _interrupt_dead_runs(archive_url: str, slugs) -> None:
    """Runs of these portals still "running" died without a word (kill -9): we hold their locks now (archive/resume.py)."""
    from .store import Archive

    with Archive.open(archive_url) as archive:
        archive.interrupt_dead_runs(list(slugs))


def run_worker(*, redis_url: str, prefix: str, archive_url: str, idle_timeout: float | None = None, registry=None,
               max_pages=None, polite=True, log_file=None, quiet=False, progress=False, warc_dir=None) -> int:
    """One worker of a distributed crawl (spiders/distributed.py): it works the run ``enqueue`` opened, with
    the others, until the whole run is idle; the run's id. The portals' locks are shared by the run's workers."""
    coordinator = _coordinator(redis_url, prefix)
    settings = _settings(archive_url, max_pages, None, polite, log_file, warc_dir=warc_dir, quiet=quiet,
                         progress=progress)
    if idle_timeout is None:
        idle_timeout = settings.getfloat("ARCHIVE_REDIS_IDLE_TIMEOUT")
    run_id = _wait_for_run(coordinator, idle_timeout)
    if run_id is None:
        raise NothingEnqueued(f"nothing to crawl: no run was enqueued in Redis under {prefix!r} within "
                              f"{idle_timeout:g} s (portal-archive enqueue)")
    if _run_is_full(archive_url, run_id):  # enqueue --full decided it, for every worker of the run
        settings.set("ARCHIVE_FULL", True, priority="cmdline")
    portals = coordinator.portals()  # slug -> base URL
    if not polite and not all(_is_loopback(urlsplit(base).hostname or "") for base in portals.values()):
        raise CrawlError("--no-politeness is only allowed when every target is a loopback address (127.0.0.1, localhost)")
    distributed = {"SCHEDULER": "spiders.distributed.RedisScheduler", "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                   "SCHEDULER_PERSIST": True, "REDIS_URL": redis_url, "ARCHIVE_REDIS_URL": redis_url,
                   "ARCHIVE_REDIS_PREFIX": prefix, "SCHEDULER_QUEUE_KEY": coordinator.keys.requests,
                   "SCHEDULER_DUPEFILTER_KEY": coordinator.keys.dupefilter, "ARCHIVE_RUN_ID": run_id}
    distributed["ARCHIVE_REDIS_IDLE_TIMEOUT"] = idle_timeout
    for name, value in distributed.items():
        settings.set(name, value, priority="cmdline")
    with run_locks(archive_url, portals, shared=True):
        _crawl(settings, spider="portal-distributed", registry=registry, run_portals=portals)
    return run_id


def _run_is_full(archive_url: str, run_id: int) -> bool:
    """Whether a distributed run crawls everything (enqueue --full, or a run opened before runs said)."""
    from .store import Archive

    with Archive.open(archive_url) as archive:
        run = archive.run(run_id)
    return bool(run is None or run["settings"].get("full", True))


def _wait_for_run(coordinator, seconds: float) -> int | None:
    """The run ``enqueue`` opened. A worker started before it (a systemd unit, a cron line a minute early)
    waits for one as long as it would stay on with nothing to do at the end of a run."""
    deadline = time.monotonic() + seconds
    while (run_id := coordinator.current_run()) is None and time.monotonic() < deadline:
        time.sleep(RUN_POLL_SECONDS)
    return run_id


def enqueue(*, redis_url: str, prefix: str, archive_url: str, url=None, slug=None, all_portals=False,
            registry=None, full: bool = False) -> tuple[int, int]:
    """Seed a distributed crawl: the start pages of the portals (or one ``url``: of portal ``slug``, or ad hoc)
    into the Redis queue, in the open run or a new one; (run id, requests queued)."""
    from spiders.distributed import seed_requests

    targets = _targets(None if slug else url, slug, all_portals, registry)
    coordinator = _coordinator(redis_url, prefix)
    spider = _seed_spider(url, slug, all_portals, registry)
    with run_locks(archive_url, targets, shared=True):  # refused (LockHeld) while a single-process run holds one
        run_id = _open_run(coordinator, archive_url, targets, full)
    coordinator.add_portals({portal.slug: portal.base_url for portal in spider.portals})
    from scrapy_redis.dupefilter import RFPDupeFilter

    from spiders.distributed import IDENTITY_META, encode

    fingerprints = RFPDupeFilter(coordinator.redis, coordinator.keys.dupefilter)  # the workers' fingerprints
    queued = sum(coordinator.push(fingerprints.request_fingerprint(request), -request.priority, encode(request, spider),
                                  request.meta.get(IDENTITY_META))
                 for request in seed_requests(spider, [url] if url and slug else None))
    return run_id, queued


def _coordinator(redis_url: str, prefix: str):
    from .distributed import Coordinator, DistributedError, Keys, connect

    try:
        return Coordinator(connect(redis_url), Keys(prefix))
    except DistributedError as exc:
        raise CrawlError(str(exc)) from None


def _seed_spider(url, slug, all_portals, registry):
    from spiders.portal import PortalSpider

    try:
        return PortalSpider(url=None if slug else url, portal=slug, all_portals=all_portals, registry=registry)
    except ValueError as exc:
        raise CrawlError(str(exc)) from None


def _open_run(coordinator, archive_url: str, targets: dict[str, str], full: bool) -> int:
    """The run the workers share: the open one, or a new one (one enqueue opens it if several race). A new run
    is incremental for the portals the archive holds articles of, unless ``full`` (its workers read which)."""
    import time

    from .store import Archive

    if coordinator.current_run() is None and coordinator.claim_new_run():
        with Archive.open(archive_url) as archive:
            slugs = sorted(targets)
            incremental = [] if full else sorted(archive.portals_with_articles(slugs))
            run_id = archive.start_run(portal_slug=slugs[0] if len(slugs) == 1 else None,
                                       settings={"portals": slugs, "maxPages": None, "maxDepth": None,
                                                 "incremental": incremental, "full": full,
                                                 "distributed": coordinator.keys.prefix})
        coordinator.set_run(run_id)
        return run_id
    for _ in range(100):  # another enqueue is opening it right now
        run_id = coordinator.current_run()
        if run_id is not None:
            return run_id
        time.sleep(0.1)
    raise CrawlError(f"Redis key {coordinator.keys.run} stays 0: an enqueue died while opening a run (delete the key)")


def _crawl(settings, spider: str = SPIDER, **spider_args) -> int | None:
    """Run the spider to the end; the id of the run the store pipeline opened (None if it never did)."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **spider_args)
    process.start()
    return crawler.stats.get_value("archive/run_id")


def _settings(archive_url, max_pages, max_depth, polite, log_file, full=False, warc_dir=None, quiet=False, progress=False):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("ARCHIVE_URL", archive_url, priority="cmdline")
    if max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    if max_depth is not None:
        settings.set("DEPTH_LIMIT", max_depth, priority="cmdline")
    if not polite:
        for name, value in (("ROBOTSTXT_OBEY", False), ("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0),
                            ("CONCURRENT_REQUESTS_PER_DOMAIN", 16), ("CONCURRENT_REQUESTS", 16),
                            ("ARCHIVE_REDIS_HOST_DELAY", 0)):
            settings.set(name, value, priority="cmdline")
    if log_file:
        settings.set("LOG_FILE", log_file, priority="cmdline")
    if full:  # else a repeat crawl is incremental (spiders/incremental.py)
        settings.set("ARCHIVE_FULL", True, priority="cmdline")
    if warc_dir:  # else spiders/capture.py derives it from the archive (archive.warc.warc_dir_for)
        settings.set("WARC_DIR", str(warc_dir), priority="cmdline")
    if quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if progress:
        settings.set("ARCHIVE_PROGRESS", True, priority="cmdline")
    return settings


def _targets(url, slug, all_portals, registry) -> dict[str, str]:
    """Each target portal's slug (as the spider names it: an ad-hoc URL's is its host name) and host."""
    if url:
        host = urlsplit(url).hostname or ""
        return {host or "portal": host}
    from spiders.registry import DEFAULT_REGISTRY, RegistryError, load_registry

    try:
        portals = load_registry(registry or DEFAULT_REGISTRY)
    except RegistryError as exc:
        raise CrawlError(str(exc)) from None
    if not all_portals and slug not in portals:
        raise CrawlError(f"no portal {slug!r} in the registry (known: {', '.join(sorted(portals))})")
    chosen = portals.values() if all_portals else [portals[slug]]
    return {p.slug: urlsplit(p.base_url).hostname or "" for p in chosen}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
