"""Routing for the sample portal: ``Site().respond(method, path_with_query) -> Response``.

Pure apart from deliberate server state: the article that fails once (500 then 200), the session
counter behind first-visit ``;jsessionid=`` links, the view counters printed on news pages, the delay
the slow page asks the server to wait (``Response.delay``; the server sleeps, not this module), and
the catalog of articles, which ``publish`` and ``edit`` change between two crawls.

Article pages carry validators, as a CMS that knows when an article last changed sends them: a weak
``ETag`` of the article's content and its ``Last-Modified`` time, both blind to the sidebars and
counters around it; a request whose ``If-None-Match`` or ``If-Modified-Since`` still holds gets a
304 with no body. ``Site(validators=False)`` is the many real portals that send neither.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from html import escape
from urllib.parse import parse_qs, urlsplit

from . import content as c
from . import liferay6, liferay7, newsroom, resources, websphere

HTML = "text/html; charset=UTF-8"
LIFERAY_62 = "Liferay Portal Community Edition 6.2 CE GA6 (Newton / Build 6205 / January 6, 2016)"
LIFERAY_7 = "Liferay Community Edition Portal 7.3 CE (Build 7310)"
SECTION_62 = re.compile(r"^/(vi|en)(/tin-tuc-su-kien|/thong-bao)(?:/-/view_content/(\d+)-([\w-]+)|/-/asset_publisher/(\w+)/rss)?/?$")
INTRO = re.compile(r"^/gioi-thieu(?:/en)*/en\.html$")
DOCUMENT = re.compile(r"^/documents/\d+/\d+/[\w.-]+$")
STATIC = re.compile(r"\.(?:css|js|gif|png|jpe?g|ico|svg)$|^/image/|^/html/js/|^/o/|^/combo")
SESSION = re.compile(r";jsessionid=[^/?#]*", re.I)
HOME_LINK = re.compile(r'href="(/[^"#?]*)([^"]*)"')
TONES = {0x300, 0x301, 0x303, 0x309, 0x323}  # grave, acute, tilde, hook above, dot below
PORTAL_TIME = timezone(timedelta(hours=7))  # articles' dates are Asia/Ho_Chi_Minh wall-clock times


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds the server waits before answering (the slow page)


def page(html: str, status: int = 200, server: str | None = None) -> Response:
    headers = {"Content-Type": HTML}
    if server:
        headers["Liferay-Portal"] = server
    return Response(status, headers, html.encode("utf-8"))


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese sites wrote it: base letters precomposed (â, ơ, ư), tone marks combining.

    ``unicodedata.normalize("NFD", text).encode("cp1258")`` fails: NFD also splits â/ê/ô/ơ/ư/ă,
    whose combining circumflex, horn and breve cp1258 cannot encode.
    """
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if ord(p) in TONES)
        out.append(unicodedata.normalize("NFC", "".join(p for p in parts if ord(p) not in TONES)) + tones if tones else ch)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")


def not_found(path: str) -> Response:
    html = ("<!DOCTYPE html><html lang=\"vi-VN\"><head><title>Không tìm thấy trang - " + c.PORTAL + "</title></head>"
            f"<body><h1>Không tìm thấy trang</h1><p>Trang được yêu cầu không tồn tại: {escape(path)}</p>"
            '<p><a href="/vi/trang-chu">Về trang chủ</a></p></body></html>')
    return page(html, 404)


class Site:
    """The portal: routes one request to a template, resource or status."""

    def __init__(self, slow_seconds: float = 2.0, validators: bool = True):
        self.slow_seconds = slow_seconds
        self.validators = validators
        self.catalog = c.Catalog()
        self._lock = threading.Lock()
        self._failed_once: set[int] = set()
        self._sessions = 0
        self._views: Counter[int] = Counter()

    def publish(self, section_key: str, count: int = 1) -> list[c.Item]:
        """Publish ``count`` new articles on top of a section ("news", "notices", "digital", "documents")."""
        with self._lock:
            items = []
            for _ in range(count):
                items.append(newsroom.new_article(self.catalog, section_key))
                self.catalog.publish(items[-1])
            return items

    def edit(self, item_id: int) -> c.Item:
        """Reword the last paragraph of an article: new content, a new ETag, a later Last-Modified."""
        with self._lock:
            item = newsroom.amended(self.catalog.by_id[item_id])
            self.catalog.replace(item)
            return item

    def respond(self, method: str, target: str, headers: dict | None = None) -> Response:
        if method not in ("GET", "HEAD"):
            return Response(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain"}, b"Method Not Allowed\n")
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        base = "http://" + headers.get("host", "127.0.0.1")
        parts = urlsplit(target)
        path = SESSION.sub("", parts.path) or "/"
        current = path + (f"?{parts.query}" if parts.query else "")
        response = self._route(path, parts.query, current, base, headers)
        return not_modified(response) if still_fresh(response, headers) else response

    def _route(self, path: str, query: str, current: str, base: str, headers: dict) -> Response:
        qs = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if path == "/robots.txt":
            return Response(200, {"Content-Type": "text/plain; charset=UTF-8"}, resources.robots(base).encode())
        if path == "/sitemap.xml":
            return Response(200, {"Content-Type": "application/xml; charset=UTF-8"}, resources.sitemap(self.catalog, base).encode())
        if path in ("/", "/vi/trang-chu"):
            return self._home(current, qs, base + path, headers)
        if path == urlsplit(c.OLD_URL).path:
            return self._old_url(qs, base)
        if path == c.VANITY_DOCUMENTS:
            return Response(302, {"Location": base + c.WPS_LIST, "Content-Type": HTML}, b"")
        if INTRO.match(path):
            return page(resources.intro_page())
        if DOCUMENT.match(path):
            return self._document(path)
        if STATIC.search(path):
            return self._static(path)
        match = SECTION_62.match(path)
        if match:
            return self._liferay6(match, qs, current, base)
        if path.startswith("/web/hoaphong/chuyen-doi-so") or path.startswith("/w/"):
            return self._liferay7(path, qs, current, base)
        if path.startswith(c.WPS_LIST):
            return self._websphere(path, qs)
        if path == "/c/portal/login":
            return page('<!DOCTYPE html><html><head><title>Đăng nhập</title></head><body><form method="post">'
                        '<input name="login"><input name="password" type="password"></form></body></html>')
        return not_found(path)

    # -- special pages -------------------------------------------------------------------

    def _home(self, current: str, qs: dict, canonical: str, headers: dict) -> Response:
        cal = _calendar(qs)
        response = page(liferay6.home_page(self.catalog, current, cal=cal, canonical=canonical), server=LIFERAY_62)
        if "jsessionid" not in headers.get("cookie", "").lower():
            sid = self._new_session()
            response.headers["Set-Cookie"] = f"JSESSIONID={sid}; Path=/; HttpOnly"
            response.body = _with_session(response.body.decode(), sid).encode()
        return response

    def _new_session(self) -> str:
        with self._lock:
            self._sessions += 1
            return hashlib.sha1(f"session-{self._sessions}".encode()).hexdigest()[:32].upper()

    def _old_url(self, qs: dict, base: str) -> Response:
        if qs.get("id") != c.OLD_URL.rsplit("=", 1)[1]:
            return not_found(c.OLD_URL)
        return Response(301, {"Location": base + self.catalog.by_id[c.OLD_URL_TARGET].path, "Content-Type": HTML}, b"")

    def _document(self, path: str) -> Response:
        files = self.catalog.files_of()
        if path in files:
            item, label = files[path]
            return Response(200, {"Content-Type": "application/pdf"}, resources.pdf(label))
        if path in self.catalog.images_of():
            return Response(200, {"Content-Type": "image/png"}, resources.png())
        return not_found(path)

    def _static(self, path: str) -> Response:
        if path.endswith(".css"):
            return Response(200, {"Content-Type": "text/css"}, b"body{font-family:Arial,sans-serif}\n")
        if path.endswith(".js") or path.endswith(".jsp") or path.startswith("/combo"):
            return Response(200, {"Content-Type": "application/javascript"}, b"/* */\n")
        return Response(200, {"Content-Type": "image/png"}, resources.png())

    def _article(self, item: c.Item, html: str, server: str) -> Response:
        """An article page, with the behaviours some articles have (500 once, slow, windows-1258)."""
        if item.id == c.FLAKY_ID:
            with self._lock:
                first = item.id not in self._failed_once
                self._failed_once.add(item.id)
            if first:
                return page("<html><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>", 500)
        response = page(html, server=server)
        if self.validators:
            response.headers.update(validators(item))
        if item.id == c.SLOW_ID:
            response.delay = self.slow_seconds
        if item.id == c.CP1258_ID:
            html = html.replace("charset=UTF-8", "charset=windows-1258")
            response.headers["Content-Type"] = "text/html; charset=windows-1258"
            response.body = to_cp1258(html)
        return response

    # -- platforms -----------------------------------------------------------------------

    def _liferay6(self, match, qs: dict, current: str, base: str) -> Response:
        lang, sec_path, article_id, slug, rss = match.groups()
        sec = next(s for s in c.SECTIONS.values() if s.path == "/vi" + sec_path)
        canonical = base + _without_redirect(current)
        if rss is not None:
            if rss != sec.instance or sec.key != "news":
                return not_found(current)
            return Response(200, {"Content-Type": "application/atom+xml; charset=UTF-8"},
                            resources.atom_feed(self.catalog, base, sec).encode())
        if article_id is not None:
            item = self.catalog.by_id.get(int(article_id))
            if item is None or item.section is not sec or item.slug != slug:
                return not_found(current)
            html = liferay6.detail_page(self.catalog, item, current, views=self._view(item), lang=lang,
                                        cal=_calendar(qs), canonical=canonical)
            return self._article(item, html, LIFERAY_62)
        return self._layout62(sec, lang, qs, current, canonical)

    def _layout62(self, sec: c.Section, lang: str, qs: dict, current: str, canonical: str) -> Response:
        ppid, state, ns = qs.get("p_p_id", ""), qs.get("p_p_state", "normal"), f"_101_INSTANCE_{sec.instance}_"
        if state == "pop_up" and qs.get(ns + "viewMode") == "print":
            item = self.catalog.by_id.get(_int(qs.get(ns + "assetEntryId"), 0))
            if item is None or item.section is not sec:
                return not_found(current)
            return self._article(item, liferay6.print_page(self.catalog, item, self._view(item)), LIFERAY_62)
        if state == "exclusive":
            return page(liferay6.exclusive_fragment(self.catalog, sec.path, current), server=LIFERAY_62)
        number = _int(qs.get(ns + "cur"), 1) if ppid == f"101_INSTANCE_{sec.instance}" else 1
        number = min(max(number, 1), self.catalog.pages(sec))
        html = liferay6.list_page(self.catalog, sec, number, current, state=state, lang=lang, cal=_calendar(qs),
                                  canonical=canonical)
        return page(html, server=LIFERAY_62)

    def _liferay7(self, path: str, qs: dict, current: str, base: str) -> Response:
        sec = c.SECTIONS["digital"]
        if path.startswith("/w/"):
            item = self.catalog.by_slug.get(path[3:].rstrip("/"))
            if item is None or item.section is not sec:
                return not_found(path)
            return self._article(item, liferay7.detail_page(self.catalog, item, canonical=base + item.path), LIFERAY_7)
        if path.rstrip("/") != sec.path:
            return not_found(path)
        number = min(max(_int(qs.get(f"_{c.L7_AP}{sec.instance}_cur"), 1), 1), self.catalog.pages(sec))
        return page(liferay7.list_page(self.catalog, sec, number, current, canonical=base + _without_redirect(current)),
                    server=LIFERAY_7)

    def _websphere(self, path: str, qs: dict) -> Response:
        if path.startswith(c.WPS_DETAIL):
            prefix = "wcm:path:/hoaphong/van-ban/"
            urile = qs.get("urile", "")
            item = self.catalog.by_slug.get(urile[len(prefix):]) if urile.startswith(prefix) else None
            if item is None or item.section.key != "documents":
                return not_found(path)
            return self._article(item, websphere.detail_page(self.catalog, item), "")
        number = min(max(_int(qs.get(c.WPS_PAGER), 1), 1), self.catalog.pages(c.SECTIONS["documents"]))
        return page(websphere.list_page(self.catalog, number))

    def _view(self, item: c.Item) -> int:
        """One more view of a news page: the counter it prints changes on every visit, as real ones do."""
        with self._lock:
            self._views[item.id] += 1
            return self._views[item.id]


# -- validators ----------------------------------------------------------------------------

def validators(item: c.Item) -> dict[str, str]:
    """``ETag`` and ``Last-Modified`` of an article page: its content's, not the page's (weak: the
    sidebars and counters around the article change without changing it)."""
    content = repr((item.title, item.date, item.paras, item.sapo, item.sign, item.image, item.files))
    modified = item.modified or item.date.replace(tzinfo=PORTAL_TIME)
    return {"ETag": f'W/"{item.id}-{hashlib.sha256(content.encode()).hexdigest()[:16]}"',
            "Last-Modified": format_datetime(modified.astimezone(timezone.utc), usegmt=True)}


def still_fresh(response: Response, request_headers: dict) -> bool:
    """RFC 9110 §13.2.2: ``If-None-Match`` decides when sent (weak comparison), else ``If-Modified-Since``."""
    etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
    if response.status != 200 or not (etag or modified):
        return False
    if "if-none-match" in request_headers:
        tags = [tag.strip().removeprefix("W/") for tag in request_headers["if-none-match"].split(",")]
        return bool(etag) and ("*" in tags or etag.removeprefix("W/") in tags)
    since = _http_date(request_headers.get("if-modified-since"))
    return since is not None and modified is not None and _http_date(modified) <= since


def not_modified(response: Response) -> Response:
    """The 304 for a fresh response: its validators, no body."""
    return Response(304, {name: response.headers[name] for name in ("ETag", "Last-Modified") if name in response.headers})


def _http_date(value: str | None) -> datetime | None:
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    return when.replace(tzinfo=timezone.utc) if when and when.tzinfo is None else when  # "-0000": UTC too


# -- helpers -------------------------------------------------------------------------------

def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _calendar(qs: dict) -> tuple[int, int] | None:
    """The calendar portlet's month from ``_8_year`` / ``_8_month`` (0-based), when the request is for portlet 8."""
    if qs.get("p_p_id") != "8":
        return None
    year, month0 = _int(qs.get("_8_year"), 2024), _int(qs.get("_8_month"), 0)
    return min(max(year, 1), 9999), min(max(month0, 0), 11)


def _without_redirect(current: str) -> str:
    """Liferay's canonical URL: the current URL minus every parameter whose name ends in "redirect"."""
    path, _, query = current.partition("?")
    kept = [p for p in query.split("&") if p and not p.split("=", 1)[0].endswith("redirect")]
    return path + ("?" + "&".join(kept) if kept else "")


def _with_session(html: str, sid: str) -> str:
    """First visit: the servlet container rewrites every page link as ``path;jsessionid=…?query``."""
    def rewrite(m: re.Match) -> str:
        path, rest = m.group(1), m.group(2)
        if STATIC.search(path) or DOCUMENT.match(path):
            return m.group(0)
        return f'href="{path};jsessionid={sid}{rest}"'
    return HOME_LINK.sub(rewrite, html)
