"""What the archive tells and records for a repeat crawl: known identities, 304s as "unchanged"."""

from __future__ import annotations

import pytest

from archive.store import Archive

ARTICLE = {"headline": "Tin một", "url": "https://a.gov.vn/tin/1", "articleBody": "Nội dung."}


@pytest.fixture
def archive(tmp_path):
    with Archive.open(f"sqlite:///{tmp_path / 'archive.db'}") as arc:
        yield arc


def test_article_identities_are_those_of_one_portal_host(archive):
    for key in ("a.gov.vn/view_content/1", "a.gov.vn/view_content/2", "b.gov.vn/view_content/1", "a_b.vn/x"):
        archive.store_article(None, ARTICLE, key)
    assert archive.article_identities("a.gov.vn/") == {"a.gov.vn/view_content/1", "a.gov.vn/view_content/2"}
    assert archive.article_identities("a_") == {"a_b.vn/x"}, "LIKE wildcards in a host are plain characters"
    assert len(archive.article_identities()) == 4


def test_validators_of_a_url_else_of_the_latest_fetch_of_its_identity(archive):
    run = archive.start_run()
    archive.record_page(run, "https://a.gov.vn/box/1", "a.gov.vn/doc/1", 200, etag='"box"')
    archive.record_page(run, "https://a.gov.vn/list/1", "a.gov.vn/doc/1", 200, last_modified="Wed, 20 Nov 2024 01:15:00 GMT")
    archive.record_page(run, "https://a.gov.vn/other/1", "a.gov.vn/doc/1", 200)  # latest, but without validators
    assert archive.page_with_validators("https://a.gov.vn/box/1", "a.gov.vn/doc/1")["etag"] == '"box"'
    assert archive.page_with_validators("https://a.gov.vn/new/1", "a.gov.vn/doc/1")["url"] == "https://a.gov.vn/list/1"
    assert archive.page_with_validators("https://a.gov.vn/other/1", "a.gov.vn/doc/1")["url"] == "https://a.gov.vn/list/1"
    assert archive.page_with_validators("https://a.gov.vn/new/2", "a.gov.vn/doc/2") is None


def test_touch_article_counts_unchanged_and_moves_last_seen_only(archive):
    first = archive.start_run()
    archive.store_article(first, ARTICLE, "a.gov.vn/1")
    before = archive.get_article("a.gov.vn/1")
    second = archive.start_run()
    assert archive.touch_article(second, "a.gov.vn/1") == "unchanged"
    after = archive.get_article("a.gov.vn/1")
    assert after["lastSeen"] >= before["lastSeen"] and after["firstSeen"] == before["firstSeen"]
    assert after["versions"] == 1 and after["headline"] == ARTICLE["headline"]
    assert archive.runs(1)[0]["counts"]["articles_unchanged"] == 1


def test_touch_article_of_an_unknown_identity_changes_nothing(archive):
    run = archive.start_run()
    assert archive.touch_article(run, "a.gov.vn/never") is None
    assert archive.runs(1)[0]["counts"]["articles_unchanged"] == 0 and archive.count_articles() == 0
