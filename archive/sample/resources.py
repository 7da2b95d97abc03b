"""Non-page resources of the sample portal: robots.txt, sitemap, Atom feed, PNG and PDF bytes,
and the mirrored English intro page whose relative language link loops.
"""

from __future__ import annotations

import struct
import zlib
from html import escape

from . import content as c

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def robots(base: str) -> str:
    """Liferay's default robots.txt with a sitemap (docs/PLATFORMS.md §6.1)."""
    return f"User-Agent: *\nDisallow:\nSitemap: {base}/sitemap.xml\n"


def sitemap(cat: c.Catalog, base: str) -> str:
    """Section pages and the Liferay 7 display-page articles only: asset-publisher articles are never listed."""
    pages = ["/vi/trang-chu"] + [sec.path for sec in c.SECTIONS.values()]
    urls = [f"<url><loc>{escape(base + p)}</loc><changefreq>daily</changefreq><priority>0.5</priority></url>" for p in pages]
    urls += [f"<url><loc>{escape(base + i.path)}</loc><lastmod>{i.date:%Y-%m-%d}</lastmod>"
             f"<changefreq>weekly</changefreq></url>" for i in cat.items["digital"]]
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP}" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(urls) + "\n</urlset>\n")


def atom_feed(cat: c.Catalog, base: str, sec: c.Section) -> str:
    """The asset publisher's feed (6.2 default ``atom_1.0``); entry authors are the CMS account, not bylines."""
    items = cat.items[sec.key]
    entries = "".join(
        f"<entry><title>{escape(i.title)}</title><link rel=\"alternate\" href=\"{escape(base + i.path)}\"/>"
        f"<author><name>Quản trị viên</name></author><id>{escape(base + i.path)}</id>"
        f"<updated>{i.date.isoformat()}+07:00</updated><published>{i.date.isoformat()}+07:00</published>"
        f"<summary type=\"text\">{escape(i.sapo or i.paras[0])}</summary></entry>\n" for i in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="{ATOM}" xml:lang="vi-VN">'
            f"<title>{escape(sec.title)}</title><link rel=\"alternate\" href=\"{escape(base + sec.path)}\"/>"
            f"<link rel=\"self\" href=\"{escape(base + sec.path)}/-/asset_publisher/{sec.instance}/rss\"/>"
            f"<subtitle>{escape(sec.title)} - {escape(c.PORTAL)}</subtitle><id>{escape(base + sec.path)}</id>"
            f"<updated>{items[0].date.isoformat()}+07:00</updated>\n{entries}</feed>\n")


def png(width: int = 2, height: int = 2) -> bytes:
    """A tiny valid RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x1f\x6f\xb4" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pdf(title: str) -> bytes:
    """A one-page PDF 1.4 whose text is ``title`` (ASCII-folded: the base-14 fonts lack Vietnamese)."""
    text = c.url_title(title, keep_d=True).replace("-", " ").upper()[:90]
    stream = f"BT /F1 12 Tf 48 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def intro_page() -> str:
    """A page kept from an old static mirror: its language link is *relative* ("en/en.html"), so every
    level resolves to a deeper copy of itself (/gioi-thieu/en/en/en.html …)."""
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>About the Department - Hoa Phong Department of Information and Communications</title></head>
<body>
<div class="header"><a href="/vi/trang-chu">Tiếng Việt</a> | <a href="en/en.html">English</a></div>
<h1>About the Department</h1>
<p>The Department of Information and Communications of Hoa Phong Province advises the Provincial People's Committee
on the press, publishing, post, telecommunications, information technology and digital transformation.</p>
<p>Address: 25 Le Loi Street, Hoa Phong City. Telephone: 0239.3822.415.</p>
<div class="footer"><a href="/vi/trang-chu">Home</a></div>
</body></html>
"""
