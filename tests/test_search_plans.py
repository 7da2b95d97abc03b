"""Search plans give the same hits whichever plan runs (issue 4's latency work, archive/search.py).

PostgreSQL picks, per query, a walk of the date index, or a window of the newest articles read
as bitmaps (dates ∧ a looser query's GIN bitmap ∧ filters) with the whole query tested on the
rows, widened while it holds too few. On a small archive the estimates always pick the walk, so
each plan is forced here through the planning constants and must return exactly the walk's page.
Section filters resolve to the archive's section names first (archive/filters.py), on both
backends, and must agree with testing every row.
"""

from __future__ import annotations

import contextlib
import random

import pytest
from sqlalchemy import text

import archive.filters as filters_module
import archive.search as search_module
from archive.filters import Filters, section_names
from archive.query import Query, Term, anchor, parse, share_estimate
from archive.search import search
from archive.store import Archive
from conftest import BACKENDS, archive_database

PORTALS = ("donghai", "quangninh", "moh")
SECTIONS = ("Tin tức", "Y tế", "Xây dựng Đảng", "Văn hóa - Xã hội")
AUTHORS = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung")
FILLER = "tỉnh tổ chức hội nghị các đại biểu thống nhất phương hướng kết quả thực hiện chương trình".split()
PLANTED = (("dân vận", 0.15), ("chuyển đổi số", 0.4), ("Nậm Pồ", 0.02), ("tiêm chủng", 0.1))
QUERIES = ("dan van", '"chuyển đổi số"', "chuyen doi so", '"dân vận" -"chuyển đổi số"', "nam po", "chuy*",
           '"dân vận" OR "Nậm Pồ"', "tiem chung")
FILTERS = ({}, {"portal": "moh"}, {"section": "y te"}, {"author": "Văn"}, {"since": "2018-01-01", "until": "2021-12-31"},
           {"portal": "quangninh", "section": "xay dung"})


def _articles(count: int = 300, seed: int = 4):
    rng = random.Random(seed)
    for n in range(count):
        words = [rng.choice(FILLER) for _ in range(rng.randint(8, 20))]
        for phrase, share in PLANTED:
            if rng.random() < share:
                words.insert(rng.randrange(len(words) + 1), phrase)
        headline, body = " ".join(words[:6]).capitalize(), " ".join(words) + "."
        section = rng.choice(SECTIONS)
        date = None if rng.random() < 0.05 else f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-" \
                                                 f"{rng.randint(1, 28):02d}T08:{n % 60:02d}:00+07:00"
        portal = rng.choice(PORTALS)
        yield f"id-{n}", {
            "url": f"https://{portal}.gov.vn/a/{n}", "headline": headline, "articleBody": body,
            "description": " ".join(words[6:12]) or None, "datePublished": date, "portal": portal,
            "authors": [{"name": a} for a in rng.sample(AUTHORS, rng.randint(0, 2))],
            "breadcrumbs": [{"name": "Trang chủ", "url": "/"}, {"name": section, "url": "/s"},
                            {"name": headline, "url": None}]}


@contextlib.contextmanager
def _filled(backend: str, folder):
    with archive_database(backend, folder) as url, Archive.open(url) as arc:
        for identity, article in _articles():
            arc.store_article(None, article, identity=identity)
        if arc.engine.dialect.name == "postgresql":
            with arc.engine.begin() as conn:
                conn.execute(text("ANALYZE articles"))  # the word shares the plans are chosen by
        yield arc.engine


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request, tmp_path_factory):
    with _filled(request.param, tmp_path_factory.mktemp("plans")) as filled:
        yield filled


@pytest.fixture(scope="module")
def pg_engine(tmp_path_factory):
    """The plans are PostgreSQL's (SQLite walks its FTS5 index): their archive on PostgreSQL only."""
    with _filled("postgresql", tmp_path_factory.mktemp("pg-plans")) as filled:
        yield filled


def _page(engine, query, **kw):
    return [(h.id, h.score) for h in search(engine, query, **kw)]


# Each forced plan: constants of archive.search set so that its estimates pick it on any archive.
WINDOW = {"WALK_BUDGET_US": 0, "WHOLE_SHARE": 1e9}
PLANS = {
    "window, words as a bitmap": {**WINDOW, "POSTING_US": 0.0},
    "window, words tested on rows": {**WINDOW, "POSTING_US": 1e9},
    "tiny window widened step by step": {**WINDOW, "POSTING_US": 0.0, "WINDOW_SLACK": 0.01, "WINDOW_GROWTH": 2},
    "every match at once": {"WALK_BUDGET_US": 0, "WHOLE_SHARE": 0.0, "POSTING_US": 0.0},
}


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("sort", ["newest", "relevance"])
def test_every_plan_gives_the_walks_page(pg_engine, monkeypatch, plan, sort):
    engine = pg_engine
    pages = [(query, f, offset) for query in QUERIES for f in FILTERS for offset in (0, 7)]
    monkeypatch.setattr(search_module, "WALK_BUDGET_US", 1 << 60)
    walked = [_page(engine, query, sort=sort, limit=10, offset=offset, **f) for query, f, offset in pages]
    assert sum(map(len, walked)) > 200  # the cases find plenty: equal pages would not be empty ones
    for name, value in PLANS[plan].items():
        monkeypatch.setattr(search_module, name, value)
    assert [_page(engine, query, sort=sort, limit=10, offset=offset, **f) for query, f, offset in pages] == walked


@pytest.mark.parametrize("wanted", ["y te", "Y TẾ", "xay dung dang", "văn hóa", "tin", "nowhere", "-"])
def test_section_names_resolve_like_the_row_test(engine, monkeypatch, wanted):
    with engine.connect() as conn:
        assert sorted(section_names(conn)) == sorted(SECTIONS)
        resolved = Filters(section=wanted).resolve(conn)
    assert resolved.sections is not None
    resolved_page = _page(engine, "chuyen doi so", sort="newest", limit=300, section=wanted)
    monkeypatch.setattr(filters_module, "MAX_SECTIONS", 2)  # too many names to list: every row is tested
    with engine.connect() as conn:
        assert Filters(section=wanted).resolve(conn).sections is None
    assert _page(engine, "chuyen doi so", sort="newest", limit=300, section=wanted) == resolved_page


SHARES = {"chuyen": 0.3, "doi": 0.5, "so": 0.9, "dan": 0.2, "van": 0.4, "nam": 0.01, "po": 0.001}


@pytest.mark.parametrize("query, loose", [
    ('"chuyển đổi số"', "chuyen"),  # a phrase: its rarest word
    ("chuyen doi so", "chuyen doi so"),  # words: all of them (the planner multiplies words well)
    ('"dân vận" -"chuyển đổi số"', "dan"),  # exclusions dropped: they never narrow a bitmap
    ('"dân vận" OR "Nậm Pồ"', "dan OR po"),
    ("chuy*", "chuy*"),
    ('"dân vận*"', "dan"),  # the prefix "van*" is commoner than "dân"
])
def test_anchor_is_a_looser_query_of_the_rarest_words(query, loose):
    def prefix_share(prefix):
        return sum(v for w, v in SHARES.items() if w.startswith(prefix))

    assert anchor(parse(query), SHARES.get, prefix_share) == parse(loose)


def test_share_estimate_of_phrases_and_words():
    phrase, words = parse('"dân vận"'), parse("dân vận")
    assert share_estimate(phrase, SHARES.get) == pytest.approx(0.2)
    assert share_estimate(words, SHARES.get) == pytest.approx((0.2 * 0.4 * 0.2) ** 0.5)  # between 0.08 and 0.2
    assert share_estimate(Query(((Term(("chuy",), prefix=True),),)), SHARES.get) == 1.0  # unknown prefix: common
