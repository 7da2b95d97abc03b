"""Article-or-not over every page of the sotttt-dev mirror (1,165 real pages with a manifest of their kinds)."""

from __future__ import annotations

import pytest
from conftest import require, shared_path

from benchmarks.extract_site import judge, load_manifest


@pytest.fixture(scope="module")
def verdicts():
    site = require(shared_path("corpus", "sites", "sotttt-dev"))
    counts, wrong, _rate = judge(site, load_manifest(site))
    return counts, wrong


def test_articles_of_the_mirror_are_recognised(verdicts):
    counts, wrong = verdicts
    articles = counts[("article", True)] + counts[("article", False)]
    assert articles > 1000
    assert counts[("article", True)] / articles >= 0.98, wrong[:10]


def test_listings_and_home_pages_are_not_taken_for_articles(verdicts):
    counts, wrong = verdicts
    others = sum(v for k, v in counts.items() if isinstance(k, tuple) and k[0] != "article")
    taken = sum(v for k, v in counts.items() if isinstance(k, tuple) and k[0] != "article" and k[1])
    assert others > 100
    assert taken / others <= 0.01, wrong[:10]
