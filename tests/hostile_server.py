"""A hostile government portal on 127.0.0.1 for end-to-end crawl tests: ``HostileServer`` (a context manager).

The home page ``/`` links to one good Liferay 6.2 article and to one path per hostile case
(``CASES``). Every path is deterministic, so a test can say exactly what the archive must hold:

=========================  ================================================================================
``/e500``                  always 500
``/e503-retry-after``      always 503 with ``Retry-After: 3`` (longer than the first backoff steps)
``/e503-retry-tomorrow``   always 503 with ``Retry-After: 86400``: given up at once, no retry
``/e429``                  always 429 with ``Retry-After: 1``: retried, then recorded as failed
``/e429-then-ok``          429 with ``Retry-After: 1`` twice, then the article: the retry succeeds
``/slow``                  answers only after ``slow_seconds`` (longer than the crawl's download timeout)
``/truncated``             ``Content-Length`` larger than the body sent, then the connection closes
``/nocharset``             a UTF-8 Vietnamese article without any charset, in the header or the page
``/wrongcharset``          a UTF-8 Vietnamese article served as ``charset=iso-8859-1``, no ``<meta>`` charset
``/big``                   50 MB of text/html with its ``Content-Length``, written in 64 KB chunks
``/big-chunked``           50 MB of text/html, ``Transfer-Encoding: chunked`` (no length known in advance)
``/gzip-bomb``             ``Content-Encoding: gzip``: 1 MB on the wire that inflates to 1 GiB of zeros
``/binary``                64 KB of random bytes served as ``text/html``
``/loop-a``, ``/loop-b``   302 to each other, forever
``/offsite``               302 to ``http://localhost:<offsite port>/landing``, another host (``offsite``)
``/offsite-refresh``       a ``<meta http-equiv="refresh">`` to ``http://localhost:<offsite port>/refreshed``
=========================  ================================================================================

``hits`` counts requests per path, ``times`` keeps each request's arrival (``time.monotonic()``)
so a test can check the spacing of retries. ``offsite`` is a second server, reached by the host
name ``localhost`` rather than ``127.0.0.1``: a crawl of ``http://127.0.0.1:<port>/`` that follows
the off-site redirect shows up in ``offsite.hits``. Nothing here talks to any other address.
"""

from __future__ import annotations

import random
import struct
import sys
import threading
import time
import zlib
from collections import Counter, defaultdict
from html import escape
from http.server import BaseHTTPRequestHandler

from archive.sample.loopback import LoopbackServer

BIG_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 1 << 30  # inflated size of /gzip-bomb
CHUNK = 64 * 1024
RETRY_AFTER_503 = 3  # seconds

GOOD_PATH = "/vi/tin-tuc/-/view_content/3001-khai-truong-trung-tam-phuc-vu-hanh-chinh-cong"
GOOD_TITLE = "Khai trương Trung tâm Phục vụ hành chính công tỉnh Hòa Phong"
NOCHARSET_TITLE = "Đẩy mạnh chuyển đổi số trong cơ quan nhà nước năm 2024"
WRONGCHARSET_TITLE = "Hội nghị tổng kết công tác thông tin và truyền thông năm 2023"
RETRY_OK_TITLE = "Tập huấn kỹ năng bảo đảm an toàn thông tin cho cán bộ, công chức"

# Hostile paths in the order the home page links them (the good article and /loop-b excluded).
CASES = ("/e500", "/e503-retry-after", "/e503-retry-tomorrow", "/e429", "/e429-then-ok", "/slow", "/truncated", "/nocharset",
         "/wrongcharset", "/big", "/big-chunked", "/gzip-bomb", "/binary", "/loop-a", "/offsite", "/offsite-refresh")

PARAGRAPHS = (
    "Sáng ngày 15/3, Ủy ban nhân dân tỉnh Hòa Phong tổ chức lễ khai trương và đưa vào hoạt động Trung tâm "
    "Phục vụ hành chính công tỉnh, với sự tham dự của lãnh đạo các sở, ban, ngành và đông đảo người dân.",
    "Trung tâm tiếp nhận và trả kết quả giải quyết 1.650 thủ tục hành chính thuộc thẩm quyền của 19 sở, "
    "ngành; người dân và doanh nghiệp có thể nộp hồ sơ trực tuyến qua Cổng dịch vụ công của tỉnh.",
    "Phát biểu tại buổi lễ, đồng chí Chủ tịch Ủy ban nhân dân tỉnh đề nghị cán bộ, công chức làm việc tại "
    "Trung tâm nâng cao tinh thần trách nhiệm, thái độ phục vụ, bảo đảm công khai, minh bạch.",
    "Trong năm nay, tỉnh phấn đấu 100% hồ sơ được số hóa, tỷ lệ hồ sơ trực tuyến toàn trình đạt trên 50% "
    "và mức độ hài lòng của người dân, doanh nghiệp đạt trên 95%.",
)


def article_html(title: str, paragraphs=PARAGRAPHS, day: str = "15/03/2024", author: str = "Thanh Hà",
                 charset_meta: bool = True) -> str:
    """A trimmed Liferay 6.2 asset-publisher detail page (the markup of the ap-full-content fixture)."""
    meta = '<meta content="text/html; charset=UTF-8" http-equiv="content-type" />\n' if charset_meta else ""
    body = "\n".join(f'<p style="text-align: justify;">{escape(p)}</p>' for p in paragraphs)
    return f"""<!DOCTYPE html>
<html class="aui ltr" dir="ltr" lang="vi-VN">
<head>
<title>{escape(title)} - Tin tức - Sở Thông tin và Truyền thông tỉnh Hòa Phong</title>
{meta}<link href="/html/css/main.css?browserId=other&amp;themeId=hoaphong_WAR_hoaphongtheme&amp;languageId=vi_VN&amp;b=6205" rel="stylesheet" type="text/css" />
<script type="text/javascript">var Liferay = {{ThemeDisplay: {{getLanguageId: function() {{return "vi_VN";}}}}}};</script>
</head>
<body class=" yui3-skin-sam controls-visible signed-out public-page site">
<div class="container-fluid" id="wrapper">
<header id="banner" role="banner"><h1 class="site-title"><span class="site-name">Sở Thông tin và Truyền thông tỉnh Hòa Phong</span></h1></header>
<div id="content">
<div class="columns-2" id="main-content" role="main">
<div class="portlet-layout row-fluid">
<div class="portlet-column portlet-column-first span8" id="column-1">
<div class="portlet-boundary portlet-boundary_101_ portlet-static portlet-static-end portlet-borderless portlet-asset-publisher" id="p_p_id_101_INSTANCE_Hp4Tn8QsLm2X_">
<div class="portlet-borderless-container">
<div class="portlet-body">
<div class="title-detail-news">{escape(title)}</div>
<div class="assetPublishDate block-timer"><span class="label-date">Ngày đăng</span> {day} | 08:30 AM <span class="view-count">| Lượt xem: 412</span></div>
<div class="asset-full-content show-asset-title">
<div class="asset-content" id="_101_INSTANCE_Hp4Tn8QsLm2X_3001">
<div class="journal-content-article">
{body}
<p style="text-align: right;"><strong><em>{escape(author)}</em></strong></p>
</div>
</div>
</div>
</div>
</div>
</div>
</div>
</div>
</div>
</div>
<footer id="footer" role="contentinfo"><p>Cơ quan chủ quản: Sở Thông tin và Truyền thông tỉnh Hòa Phong</p></footer>
</div>
</body>
</html>
"""


def home_html() -> str:
    links = [f'<li><a href="{GOOD_PATH}">{escape(GOOD_TITLE)}</a></li>']
    links += [f'<li><a href="{path}">{path[1:]}</a></li>' for path in CASES]
    return f"""<!DOCTYPE html>
<html lang="vi-VN"><head><meta charset="utf-8"><title>Trang chủ - Sở Thông tin và Truyền thông tỉnh Hòa Phong</title></head>
<body><div id="content"><h2>Tin mới</h2><ul>
{chr(10).join(links)}
</ul></div></body></html>
"""


def gzip_bomb(inflated: int = BOMB_BYTES) -> bytes:
    """A gzip member of ``inflated`` zero bytes, built without compressing them: one full-flushed
    deflate block of 1 MiB of zeros repeated (each block is self-contained), ~1 KB per MiB."""
    mib = 1 << 20
    assert inflated % mib == 0
    zeros = bytes(mib)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated // mib):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    final = b"\x03\x00"  # an empty final fixed-Huffman block
    return header + block * (inflated // mib) + final + struct.pack("<II", crc, inflated & 0xFFFFFFFF)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache-Coyote/1.1"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        owner: HostileServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        n = owner.count(path)
        try:
            owner.route(self, path, n)
        except (BrokenPipeError, ConnectionResetError):  # the crawler hung up: that is the point of some cases
            self.close_connection = True

    def send(self, status: int, body: bytes = b"", content_type: str | None = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        if self.server.owner.log:  # type: ignore[attr-defined]
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class HostileServer(LoopbackServer):
    """A running hostile portal (``offsite=None``: a plain second server, the off-site target)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, slow_seconds: float = 4.0, offsite_url: str | None = None,
                 hostname: str | None = None, log: bool = False):
        super().__init__(_Handler, host, port, hostname=hostname, name="hostile-portal")
        self.slow_seconds = slow_seconds
        self.offsite_url = offsite_url
        self.log = log
        self.hits: Counter[str] = Counter()
        self.times: defaultdict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()
        self._bomb: bytes | None = None
        self._httpd.handle_error = lambda request, address: None  # a hung-up client is no error here

    def count(self, path: str) -> int:
        """Count a request; its 1-based number for this path."""
        with self._lock:
            self.hits[path] += 1
            self.times[path].append(time.monotonic())
            return self.hits[path]

    def bomb(self) -> bytes:
        with self._lock:
            if self._bomb is None:
                self._bomb = gzip_bomb()
            return self._bomb

    def route(self, h: _Handler, path: str, n: int) -> None:  # noqa: C901, PLR0911, PLR0912 — one branch per case
        if self.offsite_url is None:  # the off-site server: anything it serves would be wrong to crawl
            h.send(200, article_html("Trang ngoài cổng thông tin").encode())
            return
        if path == "/":
            h.send(200, home_html().encode())
        elif path == "/sitemap.xml":
            h.send(200, b'<?xml version="1.0" encoding="UTF-8"?>\n'
                        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n', "application/xml")
        elif path == GOOD_PATH:
            h.send(200, article_html(GOOD_TITLE).encode())
        elif path == "/e500":
            h.send(500, b"<html><body><h1>HTTP Status 500 - Internal Server Error</h1></body></html>")
        elif path == "/e503-retry-after":
            h.send(503, b"<html><body><h1>Service Unavailable</h1></body></html>", headers={"Retry-After": str(RETRY_AFTER_503)})
        elif path == "/e503-retry-tomorrow":
            h.send(503, b"<html><body><h1>Service Unavailable</h1></body></html>", headers={"Retry-After": "86400"})
        elif path == "/e429":
            h.send(429, b"<html><body><h1>Too Many Requests</h1></body></html>", headers={"Retry-After": "1"})
        elif path == "/e429-then-ok":
            if n < 3:
                h.send(429, b"<html><body><h1>Too Many Requests</h1></body></html>", headers={"Retry-After": "1"})
            else:
                h.send(200, article_html(RETRY_OK_TITLE).encode())
        elif path == "/slow":
            time.sleep(self.slow_seconds)
            h.send(200, article_html("Trang chậm").encode())
        elif path == "/truncated":
            body = article_html("Trang bị cắt cụt").encode()
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", str(len(body) + 10_000))
            h.end_headers()
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            h.close_connection = True
        elif path == "/nocharset":
            h.send(200, article_html(NOCHARSET_TITLE, charset_meta=False).encode(), "text/html")
        elif path == "/wrongcharset":
            h.send(200, article_html(WRONGCHARSET_TITLE, charset_meta=False).encode(), "text/html; charset=iso-8859-1")
        elif path in ("/big", "/big-chunked"):
            self._big(h, chunked=path == "/big-chunked")
        elif path == "/gzip-bomb":
            h.send(200, self.bomb(), headers={"Content-Encoding": "gzip"})
        elif path == "/binary":
            h.send(200, random.Random(20240315).randbytes(64 * 1024), "text/html")
        elif path == "/loop-a":
            h.send(302, b"", None, headers={"Location": "/loop-b"})
        elif path == "/loop-b":
            h.send(302, b"", None, headers={"Location": "/loop-a"})
        elif path == "/offsite":
            h.send(302, b"", None, headers={"Location": self.offsite_url + "/landing"})
        elif path == "/offsite-refresh":
            h.send(200, f'<html><head><meta http-equiv="refresh" content="0; url={self.offsite_url}/refreshed">'
                        "</head><body><p>Đang chuyển trang…</p></body></html>".encode())
        else:
            h.send(404, b"<html><body><h1>404 Not Found</h1></body></html>")

    @staticmethod
    def _big(h: _Handler, chunked: bool) -> None:
        filler = (b"<p>" + "Nội dung rất dài. ".encode() * 3000 + b"</p>\n")[:CHUNK]
        filler = filler.ljust(CHUNK, b" ")
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Transfer-Encoding" if chunked else "Content-Length", "chunked" if chunked else str(BIG_BYTES))
        h.end_headers()
        for _ in range(BIG_BYTES // CHUNK):
            h.wfile.write(b"%x\r\n%s\r\n" % (len(filler), filler) if chunked else filler)
        if chunked:
            h.wfile.write(b"0\r\n\r\n")
        h.close_connection = True

