"""The bundled sample portal: a realistic multi-platform government portal with every crawler trap.

``serve()`` runs it on 127.0.0.1 (port 0 by default); ``truth()`` says what a complete,
duplicate-free crawl must store. See ``content.py`` for the site map.
"""

from .content import Truth, truth
from .server import SampleServer, serve
from .site import Response, Site

__all__ = ["Response", "SampleServer", "Site", "Truth", "serve", "truth"]
