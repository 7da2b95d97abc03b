"""Full-text search (issue 4, SQLite): accent folding incl. đ, safe query syntax, ranking, filters, CLI.

A small archive of realistic Vietnamese articles is built through ``Archive.store_article``,
so the FTS5 index is fed by the migration's triggers exactly as in a crawl.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from archive.db import make_engine, upgrade
from archive.search import SearchError, build_query, search
from archive.store import Archive
from conftest import BACKENDS, archive_database, run_cli


def _article(headline, body, *, description=None, authors=(), date=None, portal="donghai", section="Tin tức"):
    crumbs = [{"name": "Trang chủ", "url": "/"}, {"name": section, "url": "/s"}, {"name": headline, "url": None}]
    return {"url": f"https://{portal}.gov.vn/{abs(hash(headline))}", "headline": headline, "description": description,
            "articleBody": body, "authors": [{"name": a} for a in authors], "datePublished": date, "portal": portal,
            "breadcrumbs": crumbs}


ARTICLES = {
    "A": _article("Đẩy mạnh công tác dân vận chính quyền năm 2019",
                  "Sáng nay, tỉnh tổ chức hội nghị đẩy mạnh công tác dân vận chính quyền. "
                  "Các đại biểu thống nhất phương hướng năm tới.",
                  description="Hội nghị tổng kết công tác dân vận.", authors=["Nguyễn Văn An"],
                  date="2019-05-03T09:00:00+07:00", section="Xây dựng Đảng"),
    "B": _article("Ban Dân vận Trung ương tổng kết",
                  "Ban Dân vận Trung ương tổng kết phong trào thi đua Dân Vận khéo giai đoạn 2015-2020.",
                  authors=["Trần Thị Bình"], date="2020-01-10T08:00:00+07:00", portal="quangninh"),
    "C": _article("Đại hội Đảng bộ tỉnh lần thứ XV",
                  "Đảng Cộng sản Việt Nam lãnh đạo toàn diện. Đại hội Đảng bộ tỉnh bầu Ban Chấp hành mới.",
                  authors=["Lê Văn Cường"], date="2020-10-15T10:00:00+07:00"),
    "D": _article("Cập nhật dữ liệu doanh nghiệp",
                  "Hệ thống Đang cập nhật dữ liệu đăng ký doanh nghiệp trên toàn tỉnh.",
                  authors=["Phạm Thị Dung"], date="2021-03-01T07:30:00+07:00", portal="quangninh"),
    "E": _article("Chương trình chuyển đổi số quốc gia",
                  "Các chuyên gia đánh giá chuyển đổi số là động lực tăng trưởng.",
                  authors=["Nguyễn Văn An"], date="2022-06-01T09:00:00+07:00"),
    "F": _article("Hướng dẫn thi hành Nghị định 24/2019/NĐ-CP",
                  "Nghị định số 24/2019/NĐ-CP quy định chi tiết về tổ chức thi tuyển công chức.",
                  date="2019-04-05T08:00:00+07:00"),
    "G": _article("Lễ hội văn hóa dân tộc Ê-đê", "Đồng bào Ê-đê ở Đắk Lắk gìn giữ văn hóa cồng chiêng.",
                  authors=["Y Nguyên Ksơr"], date="2023-02-01T08:00:00+07:00", portal="quangninh",
                  section="Văn hóa - Xã hội"),
    "H": _article("Thủy lợi và thuỷ sản vùng ven biển", "Đầu tư thủy lợi phục vụ nuôi trồng thuỷ sản.",
                  date="2023-05-05T08:00:00+07:00"),
    "I": _article("Xây dựng nông thôn mới", "Kết quả sau mười năm thực hiện chương trình tại các xã.",
                  authors=["Trần Thị Bình"], date="2024-01-01T08:00:00+07:00", portal="quangninh"),
    "J": _article("Báo cáo kinh tế xã hội quý một",
                  "Tăng trưởng kinh tế ổn định; sản xuất công nghiệp, dịch vụ, nông thôn và đô thị đều phát triển; "
                  "thu ngân sách đạt kế hoạch.", date="2024-04-01T08:00:00+07:00", portal="quangninh"),
}
KEY_OF = {a["headline"]: key for key, a in ARTICLES.items()} | {"Dân vận khéo ở cơ sở": "U", "Hồ Lắk mùa nước nổi": "L",
                                                               "Tin mới": "S", "Tin khác": "T"}


def _fill(arc: Archive, keys=ARTICLES) -> None:
    for key in keys:
        arc.store_article(None, ARTICLES[key], identity=f"id-{key}")


@pytest.fixture(scope="module", params=BACKENDS)
def archive_url(request, tmp_path_factory) -> str:
    """The same archive on each backend: every search test runs on SQLite and on PostgreSQL."""
    with archive_database(request.param, tmp_path_factory.mktemp("search")) as url:
        with Archive.open(url) as arc:
            _fill(arc)
        yield url


@pytest.fixture(scope="module")
def engine(archive_url):
    with Archive.open(archive_url) as arc:
        yield arc.engine


@pytest.fixture(params=BACKENDS)
def fresh(request, tmp_path: Path):
    """A writable archive of its own, for tests that change articles."""
    with archive_database(request.param, tmp_path) as url, Archive.open(url) as arc:
        _fill(arc)
        yield arc


def keys(engine, query, **kw) -> list[str]:
    return [KEY_OF[h.headline] for h in search(engine, query, **kw)]


# "dân" ~ "dẫn" (F: "Hướng dẫn") and "vận" ~ "văn" (G: "văn hóa") once accents are folded: words
# match in any order and place, a phrase keeps them together.
CASES = [
    # accents, case, đ, normalization form
    ("dan van", {"A", "B", "G"}),
    ("dân vận", {"A", "B", "G"}),
    ("DÂN VẬN", {"A", "B", "G"}),
    ("Dan Van", {"A", "B", "G"}),
    (unicodedata.normalize("NFD", "dân vận"), {"A", "B", "G"}),
    (unicodedata.normalize("NFD", "Đảng"), {"C", "D"}),
    ("dang", {"C", "D"}),
    ("Đảng", {"C", "D"}),
    ("Đang", {"C", "D"}),
    ("đăng ký", {"D"}),
    ("thuy", {"H"}),
    ("thủy", {"H"}),
    ("thuỷ", {"H"}),
    ("dak lak", {"G"}),
    ("e de", {"G"}),
    ("Ê-đê", {"G"}),
    ("ê đê", {"G"}),
    ("cong chieng", {"G"}),
    ("chuong trinh", {"E", "I"}),
    # phrases
    ('"công tác dân vận"', {"A"}),
    ('"cong tac dan van"', {"A"}),
    ('"dân vận công tác"', set()),
    ('"dan van"', {"A", "B"}),
    ('"dân vận', {"A", "B"}),  # unclosed quote: still the phrase
    ("dân-vận", {"A", "B"}),  # a hyphen inside a word joins a phrase, it is not a column filter
    # prefix
    ("chuyen*", {"E"}),
    ("chuy*", {"E"}),
    ('"chuyen doi"*', {"E"}),
    # exclusion and OR
    ("dan van -trung", {"A", "G"}),
    ("nông thôn -chương", {"J"}),  # I: "nông thôn" in its headline, "chương trình" in its body only
    ('dân -"công tác"', {"B", "F", "G"}),
    ("dan van NOT khéo", {"A", "G"}),
    ("chuyen OR thuy", {"E", "H"}),
    ("dang OR thuy", {"C", "D", "H"}),
    ("dân OR", {"A", "B", "F", "G"}),
    # FTS5 syntax typed as plain text
    ("dân AND vận", {"A", "B", "G"}),
    ("NEAR(dân vận)", {"A", "B", "G"}),
    ("dân (", {"A", "B", "F", "G"}),
    ("NĐ-CP", {"F"}),
    ("24/2019/NĐ-CP", {"F"}),
    ("nghị định 24/2019", {"F"}),
    ("body:dân", set()),
    ("{body}: dân", set()),  # "body" is just a word here
    ("headline:dang", set()),
    ("dân's", set()),
    ("C++", set()),
    ("^dân", {"A", "B", "F", "G"}),
    # nothing positive to search for: no hits, no error
    ("", set()),
    ("   ", set()),
    ("AND", set()),
    ("OR", set()),
    ("NEAR(", set()),
    ('"', set()),
    ("(", set()),
    (")", set()),
    ("-", set()),
    ("*", set()),
    ("-dân", set()),
    ("\\", set()),
    ("!!!", set()),
]


@pytest.mark.parametrize("query, expected", CASES, ids=[repr(q) for q, _ in CASES])
def test_query_finds_exactly(engine, query, expected):
    assert set(keys(engine, query)) == expected


def test_case_table_is_big_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("query", ["", "AND", "NEAR(", '"', "(", "-", "*", "-dân", "{", "^"])
def test_builder_gives_none_when_nothing_positive_is_left(query):
    assert build_query(query) is None


def test_builder_quotes_every_term():
    assert build_query("dân vận") == '"dan" AND "van"'
    assert build_query("dân -vận") == '("dan") NOT "van"'
    assert build_query("dân OR Đảng") == '("dan" OR "dang")'
    assert build_query('"công tác" chuyên*') == '"cong tac" AND "chuyen"*'


def test_headline_hit_outranks_body_only_hit(engine):
    hits = search(engine, "nong thon")
    assert [KEY_OF[h.headline] for h in hits] == ["I", "J"]
    assert hits[0].score > hits[1].score


def test_newest_first(engine):
    assert keys(engine, "dan van", sort="newest") == ["G", "B", "A"]
    assert keys(engine, "dang OR thuy", sort="newest") == ["H", "D", "C"]


def test_relevance_ranks_only_the_most_recent_candidates(engine):
    everything = keys(engine, "dân")
    assert keys(engine, "dân", candidates=len(everything)) == everything  # enough candidates: exact
    newest_two = keys(engine, "dân", sort="newest", limit=2)
    assert set(keys(engine, "dân", candidates=2, limit=2)) == set(newest_two)
    # A pool too small to fill the page reaches further back, filters or not.
    assert set(keys(engine, "dân", candidates=2)) == set(everything)
    assert set(keys(engine, "dân", candidates=2, portal="donghai")) == set(keys(engine, "dân", portal="donghai"))


def test_a_bounded_pool_still_puts_headline_hits_first(engine):
    # J (2024-04) has "nông thôn" in its body only, I (2024-01) in its headline: a pool of the
    # two newest matches, more than the page needs, is ranked by where the words occur.
    hits = search(engine, "nong thon", candidates=2, limit=2)
    assert [KEY_OF[h.headline] for h in hits] == ["I", "J"]
    assert hits[0].score > hits[1].score


def test_undated_articles_come_last_and_a_new_date_moves_an_article(fresh):
    fresh.store_article(None, _article("Dân vận khéo ở cơ sở", "Không ghi ngày đăng."), identity="id-U")
    assert keys(fresh.engine, "dan van", sort="newest")[-1] == "U"
    moved = {**ARTICLES["A"], "datePublished": "2025-01-01T08:00:00+07:00"}
    assert fresh.store_article(None, moved, identity="id-A") == "changed"
    assert keys(fresh.engine, "dan van", sort="newest") == ["A", "G", "B", "U"]
    assert keys(fresh.engine, "dan van", since="2024-12-31") == ["A"]


def test_newest_order_does_not_rank(engine):
    assert {h.score for h in search(engine, "dân", sort="newest")} == {None}
    assert all(h.score > 0 for h in search(engine, "dân"))


def test_limit_and_offset_page_through_hits(engine):
    everything = keys(engine, "dân", sort="newest")
    assert keys(engine, "dân", sort="newest", limit=2) == everything[:2]
    assert keys(engine, "dân", sort="newest", limit=2, offset=2) == everything[2:4]


@pytest.mark.parametrize("filters, expected", [
    ({"portal": "donghai"}, {"A"}),
    ({"portal": "quangninh"}, {"B", "G"}),
    ({"portal": "nowhere"}, set()),
    ({"author": "Trần Thị Bình"}, {"B"}),
    ({"author": "tran thi binh"}, {"B"}),
    ({"author": "BÌNH"}, {"B"}),
    ({"author": "Nguyễn Văn An"}, {"A"}),
    ({"author": "%"}, set()),
    ({"since": "2020-01-01"}, {"B", "G"}),
    ({"until": "2019-12-31"}, {"A"}),
    ({"since": "2020-01-10", "until": "2020-01-10"}, {"B"}),  # both ends inclusive
    ({"since": "2020-01-11", "until": "2023-01-31"}, set()),
    ({"portal": "quangninh", "since": "2021-01-01"}, {"G"}),
    ({"section": "xay dung dang"}, {"A"}),  # the deepest breadcrumb above the article
    ({"section": "Văn Hóa"}, {"G"}),
    ({"section": "tin tuc", "portal": "quangninh"}, {"B"}),
    ({"section": "trang chu"}, set()),  # the home crumb is never a section
])
def test_filters(engine, filters, expected):
    assert set(keys(engine, "dan van", **filters)) == expected


def test_bad_date_is_a_search_error(engine):
    with pytest.raises(SearchError, match="ISO date"):
        search(engine, "dan", since="last year")


def test_snippet_shows_the_original_diacritics(engine):
    (hit,) = [h for h in search(engine, "dang") if KEY_OF[h.headline] == "C"]
    assert "[Đảng]" in hit.snippet
    (hit,) = search(engine, '"cong tac dan van"')
    # FTS5 marks the phrase as one span, PostgreSQL each word; a short window may cut its end.
    assert "[công" in hit.snippet and "công tác dân" in hit.snippet.replace("[", "").replace("]", "")
    (hit,) = search(engine, "e de")
    assert "[Ê]-[đê]" in hit.snippet


def test_hit_fields(engine):
    (hit,) = search(engine, "nghi dinh")
    assert hit.to_dict().keys() == {"id", "headline", "datePublished", "portal", "url", "snippet", "score"}
    assert (hit.datePublished, hit.portal, hit.url) == ("2019-04-05T08:00:00+07:00", "donghai", ARTICLES["F"]["url"])


RAW = {  # the engine's own syntax, accents still folded: query → expected hits, then invalid queries
    "sqlite": ({"dân NOT vận": {"F"}, "headline:đảng": {"C"}, 'NEAR("đổi" "chuyển", 2)': {"E"}},
               ('"dân', "dân)", "AND", "Ê-đê", "foo:bar", "")),
    "postgresql": ({"dân & !vận": {"F"}, "đảng:A": {"C"}, "'chuyển' <-> 'đổi'": {"E"}, "chuy:*": {"E"}},
                   ("dân)", "&", "dân NOT vận", "'", "")),
}


def test_raw_mode_passes_engine_syntax_and_folds_words(engine):
    valid, invalid = RAW[engine.dialect.name]
    for query, expected in valid.items():
        assert set(keys(engine, query, raw=True)) == expected, query
    for bad in invalid:
        with pytest.raises(SearchError):
            search(engine, bad, raw=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40) | st.text(alphabet='"()*-:^+{} ANDORTEa_đê/', max_size=20))
def test_any_text_never_raises(engine, query):
    assert isinstance(search(engine, query), list)
    try:
        assert isinstance(search(engine, query, raw=True), list)
    except SearchError as exc:
        assert "\n" not in str(exc)


def test_update_changes_what_an_article_matches(fresh):
    assert set(keys(fresh.engine, "nuoi trong")) == {"H"}
    changed = {**ARTICLES["H"], "articleBody": "Đầu tư hồ chứa nước cho mùa khô."}
    assert fresh.store_article(None, changed, identity="id-H") == "changed"
    assert keys(fresh.engine, "nuoi trong") == []
    assert keys(fresh.engine, "ho chua") == ["H"]
    assert keys(fresh.engine, "thuy san") == ["H"]  # the headline is still indexed
    with fresh.engine.begin() as conn:  # a plain SQL update goes through the trigger too
        conn.execute(text("UPDATE articles SET headline = 'Tin đã đổi' WHERE identity = 'id-H'"))
    assert search(fresh.engine, "thuy san") == []
    assert [h.headline for h in search(fresh.engine, "tin da doi")] == ["Tin đã đổi"]


def test_deleting_an_article_removes_it_from_the_index(fresh):
    with fresh.engine.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE identity = 'id-C'"))
    assert keys(fresh.engine, "dang") == ["D"]


def test_an_article_stored_after_the_index_exists_is_found(fresh):
    assert search(fresh.engine, "Buôn Ma Thuột") == []
    fresh.store_article(None, _article("Cà phê Buôn Ma Thuột", "Lễ hội cà phê lần thứ 8.", portal="daklak"),
                        identity="id-K")
    (hit,) = search(fresh.engine, "buon ma thuot", portal="daklak")
    assert hit.headline == "Cà phê Buôn Ma Thuột"


def _insert_raw(engine, keys) -> None:
    """Articles written with plain SQL: the models follow the newest schema, not revision 0001's."""
    with engine.begin() as conn:
        for key in keys:
            conn.execute(text("INSERT INTO articles (identity, headline, description, body, body_html, content_hash, "
                              "breadcrumbs, images, metadata, first_seen, last_seen, current_version) VALUES "
                              "(:identity, :headline, :description, :body, '', 'x', '[]', '[]', '{}', "
                              "'2026-01-01', '2026-01-01', 1)"),
                         {"identity": f"id-{key}", "headline": ARTICLES[key]["headline"],
                          "description": ARTICLES[key]["description"], "body": ARTICLES[key]["articleBody"]})


def test_migration_backfills_existing_articles_and_downgrades_cleanly(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(engine, "0001")  # an archive from before full-text search
        _insert_raw(engine, ["C", "D", "H"])
        upgrade(engine)
        assert set(keys(engine, "dang")) == {"C", "D"}
        upgrade_config_downgrade(engine)
        with engine.connect() as conn:
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        assert not {n for n in names if n.startswith("articles_fts")}
        _insert_raw(engine, ["A"])  # writes work without the triggers
        with pytest.raises(SearchError, match="no full-text index"):
            search(engine, "dang")
    finally:
        engine.dispose()


def upgrade_config_downgrade(engine) -> None:
    from alembic import command

    from archive.db import alembic_config

    command.downgrade(alembic_config(engine), "0001")


# -- CLI ----------------------------------------------------------------------------------------

def test_cli_search_json(archive_url):
    proc = run_cli("search", "dan van", "--archive", archive_url, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert {KEY_OF[h["headline"]] for h in hits} == {"A", "B", "G"}
    assert all(h["snippet"] for h in hits)


def test_cli_search_csv_with_filters_and_sort(archive_url):
    proc = run_cli("search", "dân", "--archive", archive_url, "--format", "csv", "--sort", "newest",
                   "--portal", "quangninh", "--since", "2020-01-01", "--until", "2023-12-31", "--limit", "5",
                   "--offset", "0")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [KEY_OF[r["headline"]] for r in rows] == ["G", "B"]
    assert list(rows[0]) == ["id", "headline", "datePublished", "portal", "url", "snippet", "score"]


def test_cli_search_table_and_author(archive_url):
    proc = run_cli("search", "dang", "--archive", archive_url, "--author", "le van cuong")
    assert proc.returncode == 0, proc.stderr
    assert "Đại hội Đảng bộ" in proc.stdout and "[Đảng]" in proc.stdout


@pytest.mark.parametrize("args", [["("], ["-"], [""], ["AND"], ['"'], ["dân)", "--raw"], ["dan", "--since", "nope"]])
def test_cli_bad_queries_are_one_line_and_exit_1(archive_url, args):
    proc = run_cli("search", *args, "--archive", archive_url)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_search_needs_an_existing_archive(tmp_path):
    proc = run_cli("search", "dan", "--archive", f"sqlite:///{tmp_path / 'none.db'}")
    assert proc.returncode == 1 and "no archive" in proc.stderr


def test_bulk_load_indexes_everything_once_and_restores_the_triggers(fresh):
    from archive.fts import bulk_load

    with bulk_load(fresh.engine):
        fresh.store_article(None, _article("Cà phê Buôn Ma Thuột", "Lễ hội cà phê.", portal="daklak"),
                            identity="id-K")
    assert [h.headline for h in search(fresh.engine, "buon ma thuot")] == ["Cà phê Buôn Ma Thuột"]
    fresh.store_article(None, _article("Hồ Lắk mùa nước nổi", "Du lịch hồ Lắk."), identity="id-L")
    assert set(keys(fresh.engine, "ho lak")) == {"L"}  # stored after the load: the triggers index it


def test_words_side_by_side_rank_above_scattered_words(fresh):
    fresh.store_article(None, _article("Tin mới", "Số liệu đổi mới được chuyển về tỉnh.",
                                       date="2025-01-01T08:00:00+07:00"), identity="id-S")
    fresh.store_article(None, _article("Tin khác", "Tỉnh đẩy mạnh chuyển đổi số trong năm.",
                                       date="2024-12-01T08:00:00+07:00"), identity="id-T")
    assert keys(fresh.engine, "chuyen doi so") == ["E", "T", "S"]  # headline, side by side, scattered
