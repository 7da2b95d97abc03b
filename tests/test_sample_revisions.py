"""The sample portal between two crawls: validators and 304s on article pages, new and edited articles.

Pure ``Site.respond`` calls (no sockets) except the byte counter, which is the server's.
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

from archive.sample import Site, serve, truth
from archive.sample import content as c
from archive.sample.newsroom import AMENDMENT
from spiders.extract import extract_article

NEWS = c.SECTIONS["news"]
ARTICLE = c.ITEMS["news"][1]  # a news page: it prints a view counter and the "Tin nổi bật" sidebar
HOST = {"host": "portal.test"}


def get(site: Site, path: str, **headers: str):
    return site.respond("GET", path, {**HOST, **headers})


def test_article_pages_carry_validators_and_listings_do_not():
    site = Site(slow_seconds=0)
    article = get(site, ARTICLE.path)
    assert article.headers["ETag"].startswith('W/"') and article.headers["Last-Modified"].endswith(" GMT")
    assert "ETag" not in get(site, NEWS.path).headers and "Last-Modified" not in get(site, "/").headers


def test_if_none_match_and_if_modified_since_answer_304_without_a_body():
    site = Site(slow_seconds=0)
    first = get(site, ARTICLE.path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", {etag}'}, {"If-Modified-Since": modified}):
        again = get(site, ARTICLE.path, **headers)
        assert (again.status, again.body, again.headers["ETag"]) == (304, b"", etag), headers
    assert get(site, ARTICLE.path, **{"If-None-Match": '"other"'}).status == 200
    # If-None-Match decides when both are sent (RFC 9110): a stale tag is a full answer whatever the date.
    assert get(site, ARTICLE.path, **{"If-None-Match": '"other"', "If-Modified-Since": modified}).status == 200
    assert get(site, ARTICLE.path, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200


def test_a_portal_without_validators_always_answers_in_full():
    site = Site(slow_seconds=0, validators=False)
    response = get(site, ARTICLE.path, **{"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT", "If-None-Match": "*"})
    assert response.status == 200 and "ETag" not in response.headers and "Last-Modified" not in response.headers


def test_view_counter_changes_on_every_visit_but_not_the_article_or_its_etag():
    site = Site(slow_seconds=0)
    one, two = get(site, ARTICLE.path), get(site, ARTICLE.path)
    assert one.body != two.body and one.headers["ETag"] == two.headers["ETag"]
    url = "http://portal.test" + ARTICLE.path
    assert extract_article(one.body, url=url).articleBody == extract_article(two.body, url=url).articleBody


def test_published_articles_go_on_top_and_push_older_ones_to_the_next_page():
    site = Site(slow_seconds=0)
    page_one_before = [item.id for item in site.catalog.page_items(NEWS, 1)]
    new = site.publish("news", 3)
    assert [item.id for item in site.catalog.page_items(NEWS, 1)] == [i.id for i in reversed(new)] + page_one_before[:2]
    assert [item.id for item in site.catalog.page_items(NEWS, 2)][:3] == page_one_before[2:]
    listing = get(site, NEWS.path).body.decode()
    assert all(item.path in listing for item in new)
    assert site.catalog.by_id[page_one_before[-1]].path not in listing
    assert len(truth(site.catalog).articles) == len(truth().articles) + 3
    assert len(c.ITEMS["news"]) == 13, "the bundled data is never changed"


def test_every_section_publishes_articles_that_extract_to_their_truth():
    site = Site(slow_seconds=0)
    new = [item for key in c.SECTIONS for item in site.publish(key, 2)]
    expected = {a.path: a for a in truth(site.catalog).articles}
    for item in new:
        response = get(site, item.path)
        article = extract_article(response.body, url="http://portal.test" + item.path)
        assert response.status == 200 and article.isArticle, item.path
        assert (article.headline, article.datePublished) == (item.title, expected[item.path].datePublished)
        assert [{k: v for k, v in (("name", x.name), ("role", x.role)) if v} for x in article.authors] == \
            expected[item.path].authors
    assert len({item.id for item in new}) == len({item.slug for item in new}) == len(new)


def test_an_edit_changes_the_body_the_etag_and_last_modified():
    site = Site(slow_seconds=0)
    before = get(site, ARTICLE.path)
    site.edit(ARTICLE.id)
    after = get(site, ARTICLE.path, **{"If-None-Match": before.headers["ETag"]})
    assert after.status == 200 and AMENDMENT.strip() in after.body.decode()
    assert after.headers["ETag"] != before.headers["ETag"]
    assert get(site, ARTICLE.path, **{"If-Modified-Since": before.headers["Last-Modified"]}).status == 200
    site.edit(ARTICLE.id)  # a second edit within the same second still moves Last-Modified on
    assert get(site, ARTICLE.path, **{"If-Modified-Since": after.headers["Last-Modified"]}).status == 200


def test_the_server_counts_body_bytes_and_statuses():
    with serve(slow_seconds=0) as server:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(server.url + ARTICLE.path, timeout=10) as response:
            body, etag = response.read(), response.headers["ETag"]
        request = urllib.request.Request(server.url + ARTICLE.path, headers={"If-None-Match": etag})
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as err:  # urllib reports a 304 as an error
            assert err.code == 304
        assert server.traffic() == (2, len(body)) and server.statuses == {200: 1, 304: 1}


def test_list_pages_are_gzip_on_the_wire_and_answer_304_to_their_etag():
    """What a crawler that accepts gzip gets (Liferay's GZipFilter): the same page, compressed, and counted so;
    a list page carries an ETag of its body and a 304 answers it while the list is unchanged."""
    section = c.SECTIONS["notices"].path
    with serve(slow_seconds=0) as server:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(server.url + section, timeout=10) as plain:
            body, etag = plain.read(), plain.headers["ETag"]
        request = urllib.request.Request(server.url + section, headers={"Accept-Encoding": "br, gzip;q=0.8"})
        with opener.open(request, timeout=10) as packed:
            assert packed.headers["Content-Encoding"] == "gzip"
            wire = packed.read()
        assert gzip.decompress(wire) == body and len(wire) < len(body) / 3
        assert server.traffic() == (2, len(body) + len(wire))
        try:
            opener.open(urllib.request.Request(server.url + section, headers={"If-None-Match": etag}), timeout=10)
        except urllib.error.HTTPError as err:
            assert err.code == 304
        server.site.publish("notices")
        with opener.open(urllib.request.Request(server.url + section, headers={"If-None-Match": etag}),
                         timeout=10) as changed:
            assert changed.status == 200 and changed.headers["ETag"] != etag
    assert server.statuses == {200: 3, 304: 1}
