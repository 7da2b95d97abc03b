"""A threaded HTTP server on this machine, for the sample portal and for test and benchmark servers.

Crawls in tests and benchmarks may only reach 127.0.0.1; every server the project starts is one of
these: bound to a loopback address, port 0 by default (the OS picks a free one), served from a
daemon thread so a failing test never leaves it running.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """Serve ``handler`` on ``host:port`` in a daemon thread; handlers reach this object as ``self.server.owner``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0,
                 hostname: str | None = None, name: str = "loopback-server"):
        self.hostname = hostname or host  # the name used in ``url`` ("localhost" gives a second "site")
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=name, daemon=True)

    @property
    def host(self) -> str:
        return self._httpd.server_address[0]

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:50123``."""
        return f"http://{self.hostname}:{self.port}"

    def start(self):
        if not self._thread.is_alive():
            self._thread.start()
        return self

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
