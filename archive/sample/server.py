"""Serve the sample portal over HTTP: ``serve(host, port=0, slow_seconds=2.0) -> SampleServer``.

A ``ThreadingHTTPServer`` in a daemon thread; silent unless ``log=True``. ``hits`` counts the
requests per request target (path and query, exactly as sent), ``statuses`` the responses per
status, ``answers`` per (target, status), and ``bytes_sent`` their body bytes, so tests can check how many requests a crawl made and
how much it downloaded. ``server.site`` is the portal itself: ``site.publish`` and ``site.edit``
change it between two crawls; ``validators=False`` serves article pages without ETag/Last-Modified.

Every other page (lists, home pages, sitemap, feed) carries an ``ETag`` of its body, as a page
cache in front of the portal sends, and a request that still holds it gets a 304 — unless
``validators=False``. Text answers (HTML, XML, feeds, CSS, JS) go out gzip-encoded to a client that accepts gzip, as
Liferay's GZipFilter (on by default) and WebSphere's HTTP compression send them; ``bytes_sent``
counts the bytes on the wire, compressed where they were. PDFs and images go out as they are.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler

from .loopback import LoopbackServer
from .site import Response, Site, not_modified, still_fresh
from .themes import restyle

COMPRESSIBLE = ("text/", "application/xml", "application/atom+xml", "application/rss+xml", "application/javascript")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache-Coyote/1.1"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")

    def _answer(self, method: str) -> None:
        owner: SampleServer = self.server.owner  # type: ignore[attr-defined]
        headers = dict(self.headers.items())
        response = restyle(owner.site.respond(method, self.path, headers), owner.theme)
        if owner.site.validators:
            response = revalidated(with_page_etag(response), headers)
        response = compressed(response, self.headers.get("Accept-Encoding", ""))
        body = response.body if method != "HEAD" else b""
        owner.count(self.path, self.headers.get("User-Agent", ""), response.status, len(body))
        if response.delay > 0:
            time.sleep(response.delay)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        if self.server.owner.log:  # type: ignore[attr-defined]
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def with_page_etag(response: Response) -> Response:
    """A 200 without validators (lists, home pages, sitemap, feed) gets an ETag of its body as served:
    what a CMS page cache or a reverse proxy sends; an article keeps its own, content-based ones."""
    if response.status != 200 or "ETag" in response.headers or "Last-Modified" in response.headers:
        return response
    etag = f'W/"{hashlib.sha256(response.body).hexdigest()[:16]}"'  # weak: the gzip-encoded copy shares it
    return Response(response.status, {**response.headers, "ETag": etag}, response.body, response.delay)


def revalidated(response: Response, request_headers: dict) -> Response:
    """The 304 for a request whose If-None-Match / If-Modified-Since still holds, else the response."""
    lowered = {name.lower(): value for name, value in request_headers.items()}
    return not_modified(response) if still_fresh(response, lowered) else response


def compressed(response: Response, accept_encoding: str) -> Response:
    """The response gzip-encoded if the client accepts gzip and its body is text; otherwise as it is."""
    kind = response.headers.get("Content-Type", "")
    if not response.body or not kind.startswith(COMPRESSIBLE) or not accepts_gzip(accept_encoding):
        return response
    headers = {**response.headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Response(response.status, headers, gzip.compress(response.body, mtime=0), response.delay)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header lists gzip (or ``*``) without ``q=0``."""
    for coding in accept_encoding.lower().split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip() in ("gzip", "x-gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            return True
    return False


class SampleServer(LoopbackServer):
    """A running sample portal. Use as a context manager, or call ``close()``."""

    theme: str | None = None  # a skin of archive/sample/themes.py for every HTML page; None: as designed

    def __init__(self, host: str = "127.0.0.1", port: int = 0, slow_seconds: float = 2.0, log: bool = False,
                 validators: bool = True):
        super().__init__(_Handler, host, port, name="sample-portal")
        self.site = Site(slow_seconds=slow_seconds, validators=validators)
        self.log = log
        self.hits: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.answers: Counter[tuple[str, int]] = Counter()
        self.bytes_sent = 0  # response bodies only: what a crawl downloads, headers aside
        self.user_agents: set[str] = set()  # so tests can check the crawler identifies itself
        self._lock = threading.Lock()

    @property
    def requests(self) -> int:
        with self._lock:
            return sum(self.hits.values())

    def count(self, target: str, user_agent: str = "", status: int = 200, size: int = 0) -> None:
        with self._lock:
            self.hits[target] += 1
            self.statuses[status] += 1
            self.answers[(target, status)] += 1
            self.bytes_sent += size
            self.user_agents.add(user_agent)

    def traffic(self) -> tuple[int, int]:
        """(requests, body bytes) served so far: subtract two readings to measure one crawl."""
        with self._lock:
            return sum(self.hits.values()), self.bytes_sent


def serve(host: str = "127.0.0.1", port: int = 0, slow_seconds: float = 2.0, log: bool = False,
          validators: bool = True, theme: str | None = None) -> SampleServer:
    """Start the sample portal in a background thread and return it (already listening)."""
    server = SampleServer(host, port, slow_seconds, log, validators)
    server.theme = theme
    return server.start()
