"""The portal spider's own decisions, on single responses (no engine, no network)."""

from __future__ import annotations


def test_spider_reads_links_from_sitemaps_and_feeds_but_extracts_xhtml_pages():
    from scrapy.http import XmlResponse, HtmlResponse

    from spiders.portal import _is_xml_index

    feed = XmlResponse("https://x.gov.vn/rss", body=b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    sitemap = XmlResponse("https://x.gov.vn/sitemap.xml", body=b'<?xml version="1.0"?><urlset></urlset>')
    xhtml = HtmlResponse("https://x.gov.vn/a", body=b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html><body>'
                                                  b'<a href="/feed">feed</a></body></html>')
    assert _is_xml_index(feed) and _is_xml_index(sitemap)
    assert not _is_xml_index(xhtml)
