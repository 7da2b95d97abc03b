"""A repeat crawl's decisions (spiders/incremental.py) and its conditional requests (spiders/middlewares.py),
on strings and small pages: no engine, no network."""

from __future__ import annotations

from types import SimpleNamespace

import lxml.html
import pytest
from scrapy import Request

from spiders.incremental import (conditional_headers, keep_paging, known_streak, listed_articles, next_pages,
                                 pager_links, pager_position)
from spiders.middlewares import ConditionalRequestMiddleware

LR6 = ("https://so.gov.vn/vi/tin-tuc?p_p_id=101_INSTANCE_Ab1&p_p_lifecycle=0&_101_INSTANCE_Ab1_delta=5"
       "&_101_INSTANCE_Ab1_cur={}")
WPS = "https://so.gov.vn/wps/portal/van-ban/?1dmy&current=true&WCM_PI=1&WCM_Page.ZJ_K4H0P8B0LG2Q30QHV8B6R200G5={}"
MIRROR = "https://so.gov.vn/hoat-dong{}.html?p_p_id=101&_101_delta=10&_101_keywords=&_101_cur={}"


@pytest.mark.parametrize("url, expected", [
    (LR6.format(3), ("_101_INSTANCE_Ab1_cur", 3)),
    (WPS.format(2), ("WCM_Page.ZJ_K4H0P8B0LG2Q30QHV8B6R200G5", 2)),
    ("https://so.gov.vn/tin?page=4", ("page", 4)),
    ("https://so.gov.vn/vi/tin-tuc", None),
    ("https://so.gov.vn/tin?_101_INSTANCE_Ab1_delta=5", None),  # a page size, not a page number
    ("https://so.gov.vn/tin?_101_cur=", None),
    ("https://so.gov.vn/tin?recurring=2", None),
])
def test_pager_position_names_the_parameter_and_the_page(url, expected):
    assert pager_position(url) == expected


def test_pager_links_are_grouped_by_pager_and_a_lone_first_page_link_is_no_pager():
    more = "https://so.gov.vn/vi/thong-bao?p_p_id=101_INSTANCE_Cd2&_101_INSTANCE_Cd2_cur=1"  # "Xem tiếp" into a list
    links = [LR6.format(1), LR6.format(2), more, "https://so.gov.vn/vi/tin-tuc"]
    assert pager_links(links) == {"_101_INSTANCE_Ab1_cur": [(LR6.format(1), 1), (LR6.format(2), 2)]}


def test_next_pages_is_one_step_from_the_current_page_per_pager():
    pagers = pager_links([LR6.format(n) for n in (1, 2, 3, 4)] + [WPS.format(n) for n in (1, 2)])
    assert next_pages("https://so.gov.vn/vi/tin-tuc", pagers) == {"_101_INSTANCE_Ab1_cur": LR6.format(2),
                                                                 "WCM_Page.ZJ_K4H0P8B0LG2Q30QHV8B6R200G5": WPS.format(2)}
    assert next_pages(LR6.format(3), pagers) == {"_101_INSTANCE_Ab1_cur": LR6.format(4),
                                                "WCM_Page.ZJ_K4H0P8B0LG2Q30QHV8B6R200G5": WPS.format(2)}
    assert next_pages(LR6.format(4), pager_links([LR6.format(n) for n in (1, 2, 3, 4)])) == {}, "no page after the last"


def test_next_pages_follows_a_mirror_whose_pages_are_separate_files():
    pagers = pager_links([MIRROR.format(suffix, n) for suffix, n in (("01ad", 2), ("9e16", 3), ("e517", 1))])
    assert next_pages(MIRROR.format("01ad", 2), pagers) == {"_101_cur": MIRROR.format("9e16", 3)}


PAGE = """<html><body>
<div id="column-1"><div class="portlet-body">
  <div class="news-list">
    <div class="item"><a href="/tin/-/view_content/1-a">Một</a></div>
    <div class="item"><a href="/tin/-/view_content/2-b">Hai</a></div>
  </div>
  <div class="taglib-page-iterator"><ul class="pager">
    <li><a href="?_101_cur=1">1</a></li><li><a id="next" href="?_101_cur=2">2</a></li>
  </ul></div>
</div></div>
<div id="column-2"><div class="portlet-body"><h2>Tin nổi bật</h2>
  <ul><li><a href="/tin/-/view_content/9-moi">Mới nhất</a></li><li><a href="/tin/-/view_content/1-a">Một</a></li></ul>
</div></div>
</body></html>"""


def test_listed_articles_are_those_beside_the_pager_not_the_sidebar_boxes():
    root = lxml.html.fromstring(PAGE)
    articles = [(a, a.get("href")) for a in root.iter("a") if "view_content" in a.get("href")]
    pager = root.get_element_by_id("next")
    assert listed_articles(pager, articles) == ["/tin/-/view_content/1-a", "/tin/-/view_content/2-b"]
    assert listed_articles(pager, []) == []


def test_paging_stops_after_the_configured_number_of_all_known_pages():
    known = {"a", "b", "c"}
    assert known_streak(0, ["a", "b"], known) == 1
    assert known_streak(1, ["c"], known) == 2
    assert known_streak(3, ["a", "new"], known) == 0, "one new article restarts the count"
    assert known_streak(2, [], known) == 0, "a page that lists nothing it can judge never stops the crawl"
    assert [keep_paging(streak, 1) for streak in (0, 1, 2)] == [True, False, False]
    assert [keep_paging(streak, 2) for streak in (0, 1, 2)] == [True, True, False]
    assert keep_paging(0, 0) and not keep_paging(1, 0), "0 reads as 1: the first all-known page is always read"


def test_conditional_headers_come_from_the_validators_kept_for_the_url():
    page = {"etag": 'W/"42-abc"', "lastModified": "Wed, 20 Nov 2024 01:15:00 GMT", "status": 304}
    assert conditional_headers(page) == {"If-None-Match": 'W/"42-abc"', "If-Modified-Since": "Wed, 20 Nov 2024 01:15:00 GMT"}
    assert conditional_headers({**page, "etag": None}) == {"If-Modified-Since": page["lastModified"]}
    assert conditional_headers({"etag": None, "lastModified": None}) == {}
    assert conditional_headers(None) == {}


class _Pages:
    """Archive.page_with_validators stand-in: the validators the pages table holds, by URL."""

    def __init__(self, pages: dict):
        self.pages, self.asked = pages, []

    def page_with_validators(self, url, key):
        self.asked.append((url, key))
        return self.pages.get(url)


def _middleware(pages: dict) -> ConditionalRequestMiddleware:
    middleware = ConditionalRequestMiddleware(crawler=SimpleNamespace(spider=None))
    middleware.archive = _Pages(pages)
    return middleware


def test_middleware_sends_validators_only_on_revalidations():
    url = "https://so.gov.vn/tin/-/view_content/1-a"
    middleware = _middleware({url: {"etag": '"v1"', "lastModified": "Wed, 20 Nov 2024 01:15:00 GMT"}})
    revalidation = Request(url, meta={"revalidate": True})
    middleware.process_request(revalidation)
    assert revalidation.headers[b"If-None-Match"] == b'"v1"' and b"If-Modified-Since" in revalidation.headers
    plain = Request(url)
    middleware.process_request(plain)
    assert b"If-None-Match" not in plain.headers and middleware.archive.asked == [(url, "so.gov.vn/view_content/1")]


def test_middleware_revalidates_a_redirect_that_lands_on_a_known_article():
    target = "https://so.gov.vn/tin/-/view_content/1-a"
    middleware = _middleware({target: {"etag": '"v1"'}})
    middleware.crawler = SimpleNamespace(spider=SimpleNamespace(is_known=lambda url: url == target))
    landed = Request(target, meta={"redirect_urls": ["https://so.gov.vn/tin-cu.aspx?id=1"]})
    middleware.process_request(landed)
    assert landed.meta["revalidate"] and 304 in landed.meta["handle_httpstatus_list"]
    assert landed.headers[b"If-None-Match"] == b'"v1"'
    elsewhere = Request("https://so.gov.vn/vi/van-ban", meta={"redirect_urls": ["https://so.gov.vn/van-ban"]})
    middleware.process_request(elsewhere)
    assert "revalidate" not in elsewhere.meta and b"If-None-Match" not in elsewhere.headers
    moved = Request("https://so.gov.vn/vi/van-ban", meta={"redirect_urls": [target], "revalidate": True})
    middleware.process_request(moved)
    assert "revalidate" not in moved.meta, "a known article that now redirects to a list: the list is read in full"


def test_middleware_never_carries_validators_to_another_url():
    """A redirect copies the request's headers: the target must not be asked with the source's ETag."""
    redirected = Request("https://so.gov.vn/new", meta={"revalidate": True},
                         headers={"If-None-Match": '"of-the-old-url"', "If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    _middleware({}).process_request(redirected)
    assert b"If-None-Match" not in redirected.headers and b"If-Modified-Since" not in redirected.headers
