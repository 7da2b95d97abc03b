"""The portal spider: discovery and scheduling only; extraction is ``spiders.extract``.

It walks a portal from its start pages, ``sitemap.xml`` and any RSS/Atom feed a page links,
follows every same-site link that is no trap, extracts each page, and yields one item per
article page. Print views, UI-language copies and ``redirect=`` variants of an article share one
identity (``archive.urls``): the first one fetched stands for all, so they are not requested
again; the same holds for listing pages.

A repeat crawl of a portal the archive already holds articles of is incremental
(``spiders/incremental.py``): known articles are re-validated with conditional requests, and a list's
pager is followed one page at a time until ARCHIVE_RECHECK_PAGES pages in a row list only known
articles. ARCHIVE_FULL (``crawl --full``) crawls everything, unconditionally.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse

from archive.store import Archive
from archive.urls import identity, is_same_site, page_kind_hint, request_url, trap_reason
from pipelines.attachments import ATTACHMENT_FETCHED
from pipelines.pages import PAGE_FAILED
from pipelines.store import FRONTIER_FIELD
from spiders.capture import refuse_without_warc_dir
from spiders.extract import Options, extract_article
from spiders.frontier import FRONTIER_META, PORTAL_META
from spiders.incremental import RELIST, REVALIDATE, keep_paging, known_streak, listed_articles, next_pages, pager_links
from spiders.registry import DEFAULT_REGISTRY, Portal, load_registry

SKIP_KINDS = frozenset(("document", "print"))  # documents: fetched only as attachments of articles; print = a duplicate view
# Where sitemaps and feeds keep their links: sitemap <loc>, Atom <link href>, RSS <link> text.
XML_LINKS = "//*[local-name()='loc']/text() | //*[local-name()='link']/@href | //*[local-name()='item']/*[local-name()='link']/text()"


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, url: str | None = None, portal: str | None = None, all_portals: bool = False,
                 registry: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.portals = _portals(url, portal, all_portals, registry or DEFAULT_REGISTRY)
        self.by_slug = {p.slug: p for p in self.portals}  # requests name their portal in meta (spiders/frontier.py)
        self.requested: Counter[str] = Counter()  # requests per portal slug (a distributed worker meets any portal)
        self.judged: set[str] = set()  # raw links already judged: menus repeat them on every page, judge once
        self.seen_identities: set[str] = set()
        self.known: set[str] = set()  # identities of the articles the archive holds, for the portals crawled
        self.incremental: set[str] = set()  # slugs of the portals crawled incrementally
        self.files: set[str] = set()  # request URLs of attachments already requested

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        refuse_without_warc_dir(settings)  # now, in one line: the capture middleware could only fail with a traceback

    @property
    def full(self) -> bool:
        """ARCHIVE_FULL (`crawl --full`): no incremental decisions at all."""
        return self.settings.getbool("ARCHIVE_FULL")

    @property
    def recheck_pages(self) -> int:
        return self.settings.getint("ARCHIVE_RECHECK_PAGES", 1)

    async def start(self):
        with Archive.open(self.settings.get("ARCHIVE_URL")) as archive:
            resumed = self._resume(archive)
            if not self.full:
                self._load_known_articles(archive, resumed)
        for portal in self.portals:
            for url in portal.start_urls + [portal.base_url + "/sitemap.xml"]:
                request = self._request(url, portal, depth=0)
                if request is not None:
                    yield request

    def parse(self, response):
        portal = self.by_slug[response.meta[PORTAL_META]]
        if response.status == 304:  # a known article, not modified: pipelines/pages.py counted it unchanged
            return
        if not isinstance(response, TextResponse):
            return
        if _is_xml_index(response):  # sitemap or feed: discovery only
            yield from self._follow(portal, response, response.xpath(XML_LINKS).getall())
            return
        result = extract_article(response.body, url=response.url, portal=_options(portal))
        article = result.to_dict() if result.isArticle else None
        if article is not None:
            yield from filter(None, (self._attachment(file["url"], portal) for file in article["attachments"]))
        if not response.meta.get("revalidate"):  # a known article: its links were followed when it was new
            yield from self._links(portal, response)
        if article is not None:  # last: once it is stored, nothing is left to do for this page (spiders/frontier.py)
            yield {"article": article, "identity": identity(response.url), "portal": portal.slug,
                   "capture_id": response.meta.get("capture_id"),  # the WARC capture it came from (spiders/capture.py)
                   FRONTIER_FIELD: response.meta.get(FRONTIER_META)}  # its page's frontier row: done with the article

    def _links(self, portal: Portal, response):
        if portal.slug in self.incremental:
            return self._follow_incrementally(portal, response)
        return self._follow(portal, response, response.css("a::attr(href), area::attr(href)").getall())

    def _follow(self, portal: Portal, response, hrefs: list[str], meta: dict | None = None):
        depth = response.meta.get("depth", 0) + 1
        for href in hrefs:
            request = self._request(response.urljoin(href.strip()), portal, depth, meta)
            if request is not None:
                yield request

    def _follow_incrementally(self, portal: Portal, response):
        """Every link but the pagers', then each pager's next page while its list still shows new articles."""
        anchors = [(a.root, response.urljoin(a.attrib["href"].strip())) for a in response.css("a[href], area[href]")]
        pagers = pager_links(url for _, url in anchors)
        paged = {url for pages in pagers.values() for url, _ in pages}
        yield from self._follow(portal, response, [url for _, url in anchors if url not in paged])
        for pager, url in next_pages(response.url, pagers).items():
            streak = self._known_streak(response, pager, anchors, url)
            if keep_paging(streak, self.recheck_pages):
                yield from self._follow(portal, response, [url], meta={"known_streak": (pager, streak)})

    def _known_streak(self, response, pager: str, anchors, next_url: str) -> int:
        """How many pages of this list in a row, this one included, list only articles the archive holds."""
        pager_link = next(anchor for anchor, url in anchors if url == next_url)
        articles = [(anchor, url) for anchor, url in anchors if page_kind_hint(url) == "article"]
        listed = [identity(url) for url in listed_articles(pager_link, articles)]
        reached_by, previous = response.meta.get("known_streak", (None, 0))  # set when the previous page led here
        return known_streak(previous if reached_by == pager else 0, listed, self.known)

    def _resume(self, archive: Archive) -> dict:
        """What an unfinished (killed) crawl of these portals requested already, from the archive's frontier (whose
        pending requests spiders/frontier.py re-queues): not requested again, and counted against the budget.
        When each portal's unfinished crawl began, by slug; empty when there is none."""
        slugs = list(self.by_slug)
        for slug, url, callback in archive.frontier_requests(slugs):
            self.requested[slug] += 1
            if callback == "_attachment_fetched":
                self.files.add(url)
            else:
                self.seen_identities.add(identity(url))
        return archive.frontier_started(slugs)

    def _load_known_articles(self, archive: Archive, resumed: dict, portals: list[Portal] | None = None) -> None:
        """The articles already in the archive, by their portal's host: a portal with some is crawled incrementally.
        A resumed crawl knows what its first part knew, not the articles that part stored (``resumed``: slug ->
        when that part began). ``portals``: these only (default: all the spider's)."""
        for portal in self.portals if portals is None else portals:
            found = archive.article_identities(identity(portal.base_url + "/"), resumed.get(portal.slug))
            self.known |= found
            if found:
                self.incremental.add(portal.slug)

    def is_known(self, url: str) -> bool:
        """Whether ``url`` is an article the archive holds (and so is re-validated, not fetched blindly)."""
        return identity(url) in self.known

    def _request(self, url: str, portal: Portal, depth: int, meta: dict | None = None) -> scrapy.Request | None:
        """A request for ``url`` if it is on the portal, no trap, within budget, and its content not requested yet."""
        if url in self.judged:
            return None
        self.judged.add(url)
        if not is_same_site(url, portal.base_url) or trap_reason(url, depth):
            return None
        kind = page_kind_hint(url)
        if kind in SKIP_KINDS or self.requested[portal.slug] >= portal.max_requests:
            return None
        key = identity(url)  # one fetch per content (and so per request URL): /en/ copies, maximized views, redirect=
        if key in self.seen_identities:
            return None
        self.seen_identities.add(key)
        self.requested[portal.slug] += 1  # only new content counts against the budget
        meta = dict(meta or {})
        if key in self.known:  # archived before: ask whether it changed (spiders/middlewares.py)
            meta.update(REVALIDATE)
        elif portal.slug in self.incremental:  # a list read last time: unchanged, it is read back from its capture
            meta.update(RELIST)
        return scrapy.Request(request_url(url), callback=self.parse, errback=self._failed,
                              meta={**meta, PORTAL_META: portal.slug})

    def _attachment(self, url: str, portal: Portal) -> scrapy.Request | None:
        """A request for a file an article links to, once per file, if on the portal, no trap and within budget."""
        fetch = request_url(url)
        if fetch in self.files or not is_same_site(url, portal.base_url) or trap_reason(url) \
                or self.requested[portal.slug] >= portal.max_requests:
            return None
        self.files.add(fetch)
        self.requested[portal.slug] += 1
        return scrapy.Request(fetch, callback=self._attachment_fetched, errback=self._failed, cb_kwargs={"url": url},
                              meta={PORTAL_META: portal.slug})

    def _attachment_fetched(self, response, url: str):
        """Hashed and recorded on the article's attachment row by pipelines.attachments; nothing to follow."""
        self.crawler.signals.send_catch_log(ATTACHMENT_FETCHED, url=url, response=response)

    def _failed(self, failure):
        """A request that got no usable response (timeout, refused, too large, HTTP error): recorded, never fatal."""
        request = failure.request
        error = failure.getErrorMessage() or failure.type.__name__
        response = getattr(failure.value, "response", None)
        if response is not None:  # an HTTP error status: the recorder saw the response already
            return
        self.logger.warning("failed %s: %s", request.url, error)
        self.crawler.signals.send_catch_log(PAGE_FAILED, url=request.url, error=f"{failure.type.__name__}: {error}")


def _is_xml_index(response) -> bool:
    """A sitemap or a feed; an XHTML page also starts with ``<?xml``, so the root element decides."""
    head = response.body[:1000].lower()
    return b"<html" not in head and any(tag in head for tag in (b"<urlset", b"<sitemapindex", b"<feed", b"<rss", b"<rdf:rdf"))


def _options(portal: Portal) -> Options:
    return Options(timezone=portal.timezone, date_order=portal.date_order, platform=portal.platform,
                   slug=portal.slug, language=None, rules=portal.rules)


def _portals(url: str | None, slug: str | None, all_portals: bool, registry) -> list[Portal]:
    """The portals to crawl: one ad-hoc URL, one registry slug, or every registered portal."""
    if url:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        start = parts.path or "/"
        return [Portal(slug=parts.hostname or "portal", base_url=base, start_paths=(start + (f"?{parts.query}" if parts.query else ""),))]
    portals = load_registry(registry)
    if all_portals:
        return list(portals.values())
    if slug not in portals:
        raise ValueError(f"no portal {slug!r} in {registry} (known: {', '.join(sorted(portals))})")
    return [portals[slug]]
