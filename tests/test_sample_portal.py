"""The bundled sample portal (archive.sample): served over loopback, it must match its own ground truth.

Every truth() article extracts to its headline, date and authors; every listing or home page is
not an article; the feeds, redirects, error pages and crawler traps behave as documented. Only
127.0.0.1 is contacted (urllib with proxies disabled).
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest

from archive.sample import Site, serve, truth
from archive.sample import content as c
from archive.sample.site import to_cp1258
from spiders.extract import extract_article

TRUTH = truth()
ARTICLES = {a.path: a for a in TRUTH.articles}
ITEMS = {item.path: item for item in c.ALL_ITEMS}
CHROME = ("Skip portlet", "Portlet Menu", "Truy cập nội dung luôn", "Quay lại", "Các tin khác", "Lượt xem",
          "Ngày đăng", "Quản trị viên", "Tin nổi bật", "Lịch công tác", "Thống kê truy cập", "Đầu trang",
          "Tệp đính kèm", "CỔNG THÔNG TIN ĐIỆN TỬ")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


@pytest.fixture(scope="module")
def portal():
    with serve(slow_seconds=0) as server:
        yield server


def fetch(server, path: str, headers: dict | None = None, retry_500: bool = True):
    """(status, headers, body) of one GET on the sample server; a 500 is retried once (the flaky article)."""
    url = path if path.startswith("http") else server.url + path
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        if err.code == 500 and retry_500:
            return fetch(server, path, headers, retry_500=False)
        return err.code, err.headers, err.read()


def extract(server, path: str):
    status, _, body = fetch(server, path)
    assert status == 200, path
    return extract_article(body, url=server.url + path)


def hrefs(body: bytes, base: str) -> list[str]:
    """Absolute targets of the page's links (``<a href>``: not ``<link>``, fragments or scripts)."""
    found = re.findall(r'<a\b[^>]*?\bhref="([^"#][^"]*)"', body.decode("utf-8", "replace"))
    return [urljoin(base, html.unescape(h)) for h in found if not h.startswith(("javascript:", "mailto:"))]


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- articles ----------------------------------------------------------------------------------

ALL_ARTICLE_URLS = [(a.path, path) for a in TRUTH.articles for path in [a.path, *a.aliases]]


def test_truth_has_forty_articles_over_four_sections():
    assert len(TRUTH.articles) == 40
    assert {a.platform for a in TRUTH.articles} == {"liferay-6.2", "liferay-7", "websphere-8"}
    assert len({a.path for a in TRUTH.articles}) == 40
    assert {a.datePublished[:4] for a in TRUTH.articles} == {"2019", "2020", "2021", "2022", "2023", "2024"}


@pytest.mark.parametrize("canonical,path", ALL_ARTICLE_URLS, ids=[p[-48:] for _, p in ALL_ARTICLE_URLS])
def test_article_extracts_to_truth(portal, canonical, path):
    expected = ARTICLES[canonical]
    art = extract(portal, path)
    assert art.isArticle, getattr(art, "reason", "")
    assert art.headline == expected.headline
    assert art.datePublished == expected.datePublished
    assert [{k: v for k, v in (("name", x.name), ("role", x.role)) if v} for x in art.authors] == expected.authors
    item = ITEMS[canonical]
    assert art.articleBody.startswith((item.sapo or item.paras[0])[:40])
    assert art.articleBody.endswith(item.paras[-1][-40:])
    assert not [noise for noise in CHROME if noise in art.articleBody]


@pytest.mark.parametrize("expected", [a for a in TRUTH.articles if a.attachments or a.images], ids=lambda a: a.path[-40:])
def test_attachments_and_images_are_extracted_and_served(portal, expected):
    art = extract(portal, expected.path)
    assert [local(x.url) for x in art.attachments] == expected.attachments
    assert [local(x.url) for x in art.images] == expected.images
    for path in expected.attachments:
        status, headers, body = fetch(portal, path)
        assert (status, headers["Content-Type"], body[:8]) == (200, "application/pdf", b"%PDF-1.4")
        assert body.rstrip().endswith(b"%%EOF")
    for path in expected.images:
        status, headers, body = fetch(portal, path)
        assert (status, headers["Content-Type"], body[:4]) == (200, "image/png", b"\x89PNG")


# -- non-articles ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", TRUTH.listings + TRUTH.other_pages)
def test_listing_and_home_pages_are_not_articles(portal, path):
    art = extract(portal, path)
    assert not art.isArticle, art.headline


def test_listings_link_every_article_of_their_section(portal):
    linked = set()
    for path in TRUTH.listings:
        linked |= {local(h).split("?redirect=")[0] for h in hrefs(fetch(portal, path)[2], portal.url + path)}
    assert {a.path for a in TRUTH.articles} <= linked


# -- feeds, robots, redirects, errors ----------------------------------------------------------

def test_robots_txt_points_at_the_sitemap(portal):
    status, headers, body = fetch(portal, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {portal.url}/sitemap.xml" in body.decode().splitlines()


def test_sitemap_lists_section_pages_and_display_page_articles_that_exist(portal):
    status, _, body = fetch(portal, "/sitemap.xml")
    locs = [e.text for e in ET.fromstring(body).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert status == 200 and len(locs) == 5 + len(c.ITEMS["digital"])
    for loc in locs:
        assert fetch(portal, local(loc))[0] == 200, loc
    article_locs = {local(loc) for loc in locs if local(loc) in ARTICLES}
    assert article_locs == {a.path for a in TRUTH.articles if a.platform == "liferay-7"}


def test_atom_feed_entries_are_the_news_articles(portal):
    status, headers, body = fetch(portal, "/vi/tin-tuc-su-kien/-/asset_publisher/Hp4Tn7Qw2Lx9/rss")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(body).findall("a:entry", ns)
    links = [local(e.find("a:link", ns).get("href")) for e in entries]
    assert links == [a.path for a in TRUTH.articles if a.section == "news"]
    assert entries[0].find("a:published", ns).text == ARTICLES[links[0]].datePublished


def test_old_url_redirects_permanently_to_an_article(portal):
    (old, target), = [(k, v) for k, v in TRUTH.redirects.items() if k == c.OLD_URL]
    status, headers, _ = fetch(portal, old)
    assert status == 301 and local(headers["Location"]) == target
    assert extract(portal, target).headline == ARTICLES[target].headline


def test_documents_menu_entry_redirects_to_the_websphere_section(portal):
    status, headers, _ = fetch(portal, c.VANITY_DOCUMENTS)
    assert status == 302 and local(headers["Location"]) == c.WPS_LIST


def test_missing_page_is_404_and_linked_from_home(portal):
    assert fetch(portal, TRUTH.not_found[0])[0] == 404
    assert any(local(h).startswith(c.MISSING_URL) for h in hrefs(fetch(portal, "/")[2], portal.url))


def test_flaky_article_fails_once_then_answers():
    (path,) = [a.path for a in TRUTH.articles if a.behaviour == "500-once"]
    with serve(slow_seconds=0) as fresh:
        statuses = [fetch(fresh, path, retry_500=False)[0] for _ in range(3)]
        assert statuses == [500, 200, 200]
        assert fresh.hits[path] == 3 and fresh.requests == 3


def test_slow_page_waits_the_configured_time():
    (path,) = [a.path for a in TRUTH.articles if a.behaviour == "slow"]
    assert Site(slow_seconds=2.0).respond("GET", path).delay == 2.0
    assert Site(slow_seconds=0).respond("GET", path).delay == 0


def test_windows_1258_page(portal):
    (expected,) = [a for a in TRUTH.articles if a.behaviour == "windows-1258"]
    status, headers, body = fetch(portal, expected.path)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=windows-1258"
    assert b'content="text/html; charset=windows-1258"' in body
    assert expected.headline.encode("utf-8") not in body
    assert expected.headline in unicodedata.normalize("NFC", body.decode("cp1258"))
    assert extract_article(body, url=portal.url + expected.path).headline == expected.headline


def test_cp1258_encoding_round_trips_with_combining_tones():
    text = "Thông báo lịch nghỉ Lễ Giỗ Tổ Hùng Vương: Đường, ưu tiên, ở, ậ, ữ, “trích dẫn”"
    encoded = to_cp1258(text)
    assert unicodedata.normalize("NFC", encoded.decode("cp1258")) == text
    assert "\u0301".encode("cp1258") in encoded  # tones are combining marks, as on real windows-1258 pages


# -- traps -------------------------------------------------------------------------------------

def follow(portal, start: str, pattern: str, steps: int = 5, choose=lambda links: links[0]) -> list[str]:
    """Follow a link matching ``pattern`` (the first, or ``choose``'s) ``steps`` times; every page must answer 200."""
    seen, current = [], start
    for _ in range(steps):
        status, _, body = fetch(portal, current)
        assert status == 200, current
        current = local(choose([h for h in hrefs(body, portal.url + current) if re.search(pattern, h)]))
        seen.append(current)
    return seen


def test_calendar_month_links_never_end(portal):
    urls = follow(portal, "/vi/trang-chu", r"_8_month=")
    assert len(set(urls)) == 5 and all("_8_year=" in u for u in urls)


def test_relative_language_link_loops_deeper_forever(portal):
    urls = follow(portal, c.INTRO_URL, r"/en/en\.html$")
    assert len(set(urls)) == 5 and urls[-1] == "/gioi-thieu" + "/en" * 5 + "/en.html"


def test_nested_redirect_parameters_grow_without_bound(portal):
    start = c.with_redirect(c.ITEMS["news"][0].path, "/vi/tin-tuc-su-kien")  # as the section list links it
    urls = follow(portal, start, r"/view_content/.*\?redirect=", choose=lambda links: max(links, key=len))
    assert len(set(urls)) == 5 and all(len(b) > len(a) for a, b in zip(urls, urls[1:]))


def test_sort_link_query_grows_without_bound(portal):
    urls = follow(portal, c.SECTIONS["digital"].path, r"orderByType=desc")
    assert len(set(urls)) == 5 and urls[-1].count("orderByCol") == 5


def test_home_links_carry_a_session_id_on_first_visit_only(portal):
    status, headers, body = fetch(portal, "/")
    assert status == 200 and headers["Set-Cookie"].startswith("JSESSIONID=")
    links = [h for h in hrefs(body, portal.url) if "/vi/" in h]
    assert links and all(";jsessionid=" in h for h in links)
    with_session = [local(h) for h in links if "view_content" in h][0]
    assert extract(portal, with_session).isArticle
    _, _, again = fetch(portal, "/", headers={"Cookie": headers["Set-Cookie"].split(";")[0]})
    assert ";jsessionid=" not in again.decode()


def test_portlet_state_variants_duplicate_pages(portal):
    news = c.SECTIONS["news"]
    item = c.ITEMS["news"][0]
    detail = fetch(portal, item.path)[2]
    (printed,) = [local(h) for h in hrefs(detail, portal.url) if "viewMode=print" in h]
    assert "p_p_state=pop_up" in printed and extract(portal, printed).headline == item.title
    (exclusive,) = {local(h) for h in hrefs(detail, portal.url) if "p_p_state=exclusive" in h}
    status, _, fragment = fetch(portal, exclusive)
    assert status == 200 and not fragment.lstrip().startswith(b"<!DOCTYPE")
    home_links = {re.sub(r";jsessionid=[^?]*", "", local(h))
                  for h in hrefs(fetch(portal, "/")[2], portal.url) if "p_p_state=maximized" in h}
    maximized = next(h for h in home_links if h.startswith(news.path))
    assert not extract(portal, maximized).isArticle


def test_websphere_pages_show_skin_decorators_yet_extract_cleanly(portal):
    for path in [c.WPS_LIST, *[a.path for a in TRUTH.articles if a.platform == "websphere-8"][:3]]:
        body = fetch(portal, path)[2].decode()
        assert "Skip portlet" in body and "Portlet Menu" in body and "wpthemeControl" in body
    doc = next(a for a in TRUTH.articles if a.platform == "websphere-8")
    assert doc.aliases and urlsplit(doc.aliases[0]).path != urlsplit(doc.path).path
    assert urlsplit(doc.aliases[0]).query == urlsplit(doc.path).query


def test_request_counter_counts_each_request_target(portal):
    before = portal.hits["/robots.txt"]
    fetch(portal, "/robots.txt")
    fetch(portal, "/robots.txt")
    assert portal.hits["/robots.txt"] == before + 2
