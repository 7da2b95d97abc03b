"""Starting a crawl from the CLI: Scrapy is loaded here, by spider name, and nowhere else in archive/.

docs/DESIGN.md allows the CLI to start crawls through Scrapy's spider loader; keeping it in this one
module leaves the rest of the archive library usable without Scrapy installed.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from .locks import run_locks

SPIDER = "portal"


class CrawlError(Exception):
    """A crawl that cannot start; the message is one line for the user."""


def run_crawl(*, url=None, slug=None, all_portals=False, registry=None, full=False, archive_url="sqlite:///archive.db",
              max_pages=None, max_depth=None, polite=True, log_file=None, quiet=False, progress=False,
              warc_dir=None) -> int | None:
    """Crawl while holding every target portal's run lock (LockHeld if another run has one); the run's id."""
    targets = _targets(url, slug, all_portals, registry)
    if not polite and not all(_is_loopback(host) for host in targets.values()):
        raise CrawlError("--no-politeness is only allowed when every target is a loopback address (127.0.0.1, localhost)")
    settings = _settings(archive_url, max_pages, max_depth, polite, log_file)
    if full:  # else a repeat crawl is incremental (spiders/incremental.py)
        settings.set("ARCHIVE_FULL", True, priority="cmdline")
    if warc_dir:  # else spiders/capture.py derives it from the archive (archive.warc.warc_dir_for)
        settings.set("WARC_DIR", str(warc_dir), priority="cmdline")
    if quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    if progress:
        settings.set("ARCHIVE_PROGRESS", True, priority="cmdline")
    with run_locks(archive_url, targets):  # before Scrapy starts: a refused run logs nothing but its one line
        return _crawl(settings, url=url, portal=slug, all_portals=all_portals, registry=registry)


def _crawl(settings, **spider_args) -> int | None:
    """Run the spider to the end; the id of the run the store pipeline opened (None if it never did)."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SPIDER)
    process.crawl(crawler, **spider_args)
    process.start()
    return crawler.stats.get_value("archive/run_id")


def _settings(archive_url, max_pages, max_depth, polite, log_file):
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
                            ("CONCURRENT_REQUESTS_PER_DOMAIN", 16), ("CONCURRENT_REQUESTS", 16)):
            settings.set(name, value, priority="cmdline")
    if log_file:
        settings.set("LOG_FILE", log_file, priority="cmdline")
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
