"""A repeat crawl's decisions, as pure functions: which pager link to follow, when to stop paging,
which validators to send.

A repeat ("nightly") crawl re-reads every listing page it reaches (home, section lists, sitemaps,
feeds): that is where new articles show up. It walks a section's pager one page at a time, and once
ARCHIVE_RECHECK_PAGES pages in a row list only articles the archive already holds it stops: lists
are newest first, so the pages after them hold older, known articles too. Known articles it does
reach are re-validated with a conditional request (spiders/middlewares.py), and a "304 Not
Modified" counts them unchanged. ``crawl --full`` (ARCHIVE_FULL) does none of this.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, urlsplit

from lxml.etree import _Element

# The query parameter that numbers a list's pages: Liferay's `_<namespace>_cur` (6.x and 7.x search
# containers), a plain `page`/`cur`, WebSphere WCM's `WCM_Page.<portlet id>`.
PAGER_PARAM = re.compile(r"(^|_)(cur|page)$|^wcm_page\.", re.I)
# Request meta of a re-validation: conditional headers added (spiders/middlewares.py), a 304 let through to the
# spider instead of being dropped as an HTTP error.
REVALIDATE = {"revalidate": True, "handle_httpstatus_list": (304,)}
# Request meta of a page read before that is no known article (a list, a home page, a sitemap or feed): asked
# conditionally too, and a 304 answered with the page as captured then (spiders/middlewares.py), so its links are
# followed again as if it had been downloaded.
RELIST = {"relist": True, "handle_httpstatus_list": (304,)}


def pager_position(url: str) -> tuple[str, int] | None:
    """(the pager parameter, the page number) of a page of a paged list, e.g. ("_101_cur", 3); None otherwise."""
    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if PAGER_PARAM.search(name) and value.strip().isdigit():
            return name, int(value)
    return None


def pager_links(links: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """The links of a page's pagers, per pager parameter: (URL, page number). A parameter whose links
    all lead to page 1 is no pager but a way into a list (a "more" link): not among them."""
    pagers: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for url in links:
        position = pager_position(url)
        if position is not None:
            pagers[position[0]].append((url, position[1]))
    return {name: pages for name, pages in pagers.items() if any(number > 1 for _, number in pages)}


def next_pages(page_url: str, pagers: dict[str, list[tuple[str, int]]]) -> dict[str, str]:
    """For each pager, the link to the page after this one (a page a pager does not name is its page 1):
    pager parameter -> URL. Only one step: whether to take it is the crawl's decision."""
    here = pager_position(page_url)
    found: dict[str, str] = {}
    for name, pages in pagers.items():
        current = here[1] if here and here[0] == name else 1
        following = [url for url, number in pages if number == current + 1]
        if following:
            found[name] = following[0]
    return found


def listed_articles(pager_link: _Element, article_links: Sequence[tuple[_Element, str]]) -> list[str]:
    """The articles a pager pages through: of ``article_links`` ((<a> element, URL) pairs), those in
    the smallest element around the pager link that holds any (its portlet), so the "newest articles"
    boxes that sidebars repeat on every page never count as the list's own."""
    chain = list(pager_link.iterancestors())  # held, so each node keeps its one proxy object (and id) meanwhile
    around = {id(element): level for level, element in enumerate(chain)}
    levels = [(_shared_level(anchor, around), url) for anchor, url in article_links]
    closest = min((level for level, _ in levels if level is not None), default=None)
    return [url for level, url in levels if level is not None and level == closest]


def _shared_level(anchor: _Element, around: dict[int, int]) -> int | None:
    # lxml hands out one proxy object per node while one is alive: the held chain's ids identify its nodes.
    return next((around[id(element)] for element in anchor.iterancestors() if id(element) in around), None)


def known_streak(previous: int, identities: Sequence[str], known: set[str]) -> int:
    """Consecutive pages of a list, this one included, that list only known articles (0 if any is new,
    or if the page lists none: a page it cannot judge never stops the crawl)."""
    return previous + 1 if identities and all(key in known for key in identities) else 0


def keep_paging(streak: int, recheck_pages: int) -> bool:
    """Whether to read the next page after ``streak`` all-known pages in a row (ARCHIVE_RECHECK_PAGES, at least 1)."""
    return streak < max(1, recheck_pages)


def conditional_headers(page: dict | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from what the archive kept of the URL's last 200 (Archive.get_page)."""
    if not page:
        return {}
    headers = {"If-None-Match": page.get("etag"), "If-Modified-Since": page.get("lastModified")}
    return {name: value for name, value in headers.items() if value}
