"""Golden tests for ``spiders.extract.extract_article`` over hand-made fixture pages.

Layout: ``tests/fixtures/pages/<platform>/<case>/{input.html, meta.json, expected.json}``.

* ``meta.json``: ``{"url", "platform", "description"}``; ``url`` is passed to the extractor.
* ``expected.json`` for an article: ``isArticle``, ``platform``, ``headline``, ``datePublished``
  (ISO 8601 with offset, or a bare ``YYYY-MM-DD`` when the page shows no time), ``authors``
  (``[{"name", "role"?}]``), ``description`` (lead/sapo or null), ``articleBody_startswith``,
  ``articleBody_endswith``, ``with``, ``without`` and optionally ``images`` / ``attachments``.
  For a non-article: ``{"isArticle": false, "platform", "kind"}``.

Every field has its own test function, parametrized over the cases that carry that key, so a
failure names both the case and the field (``test_headline[liferay-6.2/ap-full-content]``).
Text is compared after collapsing whitespace. The fixture pages are invented; they must never
contain text copied from the evaluation corpus (checked below).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import unicodedata
from pathlib import Path

import pytest

PAGES = Path(__file__).parent / "fixtures" / "pages"
PLATFORMS = {"liferay-6.1", "liferay-6.2", "liferay-7", "websphere-8", "generic"}
NON_ARTICLE_KINDS = {"listing", "home", "search", "empty"}
ARTICLE_KEYS = ("headline", "datePublished", "authors", "description", "articleBody_startswith",
                "articleBody_endswith", "with", "without")
FORBIDDEN = b"sotttt"  # the evaluation corpus must not be copied into the fixtures

CASE_DIRS = sorted(p for p in PAGES.glob("*/*") if p.is_dir())
CASES = [f"{p.parent.name}/{p.name}" for p in CASE_DIRS]


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # reported by test_fixture_case_is_well_formed


META = {c: _load_json(PAGES / c / "meta.json") or {} for c in CASES}
EXPECTED = {c: _load_json(PAGES / c / "expected.json") or {} for c in CASES}
ARTICLES = [c for c in CASES if EXPECTED[c].get("isArticle") is True]
NON_ARTICLES = [c for c in CASES if EXPECTED[c].get("isArticle") is False]


def cases_with(key: str) -> list[str]:
    return [c for c in CASES if key in EXPECTED[c]]


def norm(s) -> str | None:
    return None if s is None else " ".join(str(s).split())


@functools.lru_cache(maxsize=None)
def extract(case: str) -> dict:
    from spiders.extract import extract_article

    html = (PAGES / case / "input.html").read_bytes()
    result = extract_article(html, url=META[case].get("url"))
    return result.to_dict()


def article(case: str) -> dict:
    d = extract(case)
    if d.get("isArticle") is not True:
        pytest.fail(f"{case}: extractor returned no article (isArticle={d.get('isArticle')!r}, "
                    f"reason={d.get('reason')!r})", pytrace=False)
    return d


def body_of(d: dict) -> str:
    return norm(d.get("articleBody") or "")


def _clip(s: str, n: int = 160) -> str:
    return s if len(s) <= n else s[: n // 2] + " … " + s[-n // 2:]


# ----------------------------------------------------------------------------- fixture sanity

def test_fixture_cases_exist():
    assert CASES, f"no fixture cases under {PAGES}"
    assert ARTICLES and NON_ARTICLES


@pytest.mark.parametrize("case", CASES)
def test_fixture_case_is_well_formed(case):
    d = PAGES / case
    for name in ("input.html", "meta.json", "expected.json"):
        assert (d / name).is_file(), f"{case}: missing {name}"
    for name in ("meta.json", "expected.json"):
        data = _load_json(d / name)
        assert isinstance(data, dict), f"{case}: {name} is not a valid JSON object"
    meta, exp = META[case], EXPECTED[case]
    platform = case.split("/")[0]
    assert platform in PLATFORMS, f"{case}: unknown platform directory {platform!r}"
    assert str(meta.get("url", "")).startswith("https://"), f"{case}: meta.url must be an absolute https URL"
    assert meta.get("platform") == platform, f"{case}: meta.platform {meta.get('platform')!r} != directory"
    assert (meta.get("description") or "").strip(), f"{case}: meta.description is empty"
    assert exp.get("platform") == platform, f"{case}: expected.platform {exp.get('platform')!r} != directory"
    assert isinstance(exp.get("isArticle"), bool), f"{case}: expected.isArticle must be true or false"
    if exp["isArticle"]:
        missing = [k for k in ARTICLE_KEYS if k not in exp]
        assert not missing, f"{case}: expected.json lacks {missing}"
        assert all(isinstance(a, dict) and a.get("name") for a in exp["authors"]), f"{case}: bad authors"
        for key in ("images", "attachments"):
            for item in exp.get(key, []):
                assert str(item.get("url", "")).startswith("https://"), f"{case}: {key} URL must be absolute"
    else:
        assert exp.get("kind") in NON_ARTICLE_KINDS, f"{case}: kind must be one of {sorted(NON_ARTICLE_KINDS)}"
    strings = []

    def walk(o):
        if isinstance(o, str):
            strings.append(o)
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(exp)
    not_nfc = [s for s in strings if unicodedata.normalize("NFC", s) != s]
    assert not not_nfc, f"{case}: expected values must be NFC: {not_nfc[:3]}"


def test_fixtures_do_not_copy_the_evaluation_corpus():
    offenders = [str(p.relative_to(PAGES)) for p in PAGES.rglob("*")
                 if FORBIDDEN in str(p.relative_to(PAGES)).lower().encode()
                 or (p.is_file() and FORBIDDEN in p.read_bytes().lower())]
    assert not offenders, f"fixture files mention {FORBIDDEN.decode()!r}: {offenders}"


# ----------------------------------------------------------------------------- classification

@pytest.mark.parametrize("case", cases_with("isArticle"))
def test_isArticle(case):
    d = extract(case)
    assert d.get("isArticle") is EXPECTED[case]["isArticle"], \
        f"{case}: isArticle={d.get('isArticle')!r} (reason={d.get('reason')!r}), expected {EXPECTED[case]['isArticle']}"


@pytest.mark.parametrize("case", NON_ARTICLES)
def test_non_article_has_reason(case):
    d = extract(case)
    assert d.get("isArticle") is False, f"{case}: expected a NotAnArticle ({EXPECTED[case].get('kind')})"
    assert isinstance(d.get("reason"), str) and d["reason"].strip(), f"{case}: NotAnArticle without a reason"


@pytest.mark.parametrize("case", cases_with("platform"))
def test_platform(case):
    d = extract(case)
    assert d.get("platform") == EXPECTED[case]["platform"]


# ----------------------------------------------------------------------------- article fields

@pytest.mark.parametrize("case", cases_with("headline"))
def test_headline(case):
    d = article(case)
    assert norm(d.get("headline")) == norm(EXPECTED[case]["headline"])


def _parse_date(s: str):
    s = s.strip()
    if len(s) == 10:
        return dt.date.fromisoformat(s)
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


@pytest.mark.parametrize("case", cases_with("datePublished"))
def test_datePublished(case):
    d = article(case)
    expected, actual = EXPECTED[case]["datePublished"], d.get("datePublished")
    if expected is None:
        assert actual is None, f"page has no date, extractor returned {actual!r}"
        return
    assert actual, f"no datePublished (raw: {d.get('datePublishedRaw')!r}), expected {expected}"
    try:
        a = _parse_date(actual)
    except ValueError:
        pytest.fail(f"{case}: datePublished {actual!r} is not ISO 8601", pytrace=False)
    e = _parse_date(expected)
    if isinstance(e, dt.datetime):
        assert isinstance(a, dt.datetime), f"expected a time too: {expected}, got {actual!r}"
        assert a.tzinfo is not None, f"datePublished {actual!r} has no UTC offset (expected {expected})"
        assert a == e, f"datePublished {actual!r} != {expected} (raw: {d.get('datePublishedRaw')!r})"
    else:  # the page shows a date only: compare the calendar date
        a_date = a.date() if isinstance(a, dt.datetime) else a
        assert a_date == e, f"datePublished {actual!r} != {expected} (raw: {d.get('datePublishedRaw')!r})"


@pytest.mark.parametrize("case", cases_with("authors"))
def test_authors(case):
    d = article(case)
    actual = {(norm(a.get("name")), norm(a.get("role")) or None) for a in d.get("authors") or []}
    actual_role = dict(actual)
    expected = set()
    for a in EXPECTED[case]["authors"]:
        name = norm(a["name"])
        # the role is only checked when the expected author states one
        role = (norm(a["role"]) or None) if "role" in a else actual_role.get(name)
        expected.add((name, role))
    assert actual == expected


@pytest.mark.parametrize("case", cases_with("description"))
def test_description(case):
    d = article(case)
    expected = EXPECTED[case]["description"]
    if expected is None:
        assert not d.get("description"), f"page has no lead, extractor returned {d.get('description')!r}"
    else:
        assert norm(d.get("description")) == norm(expected)


@pytest.mark.parametrize("case", cases_with("articleBody_startswith"))
def test_body_start(case):
    body = body_of(article(case))
    expected = norm(EXPECTED[case]["articleBody_startswith"])
    assert body.startswith(expected), f"body starts {body[:len(expected) + 40]!r}, expected {expected!r}"


@pytest.mark.parametrize("case", cases_with("articleBody_endswith"))
def test_body_end(case):
    body = body_of(article(case))
    expected = norm(EXPECTED[case]["articleBody_endswith"])
    assert body.endswith(expected), f"body ends {body[-len(expected) - 40:]!r}, expected {expected!r}"


@pytest.mark.parametrize("case", cases_with("with"))
def test_with(case):
    body = body_of(article(case))
    missing = [s for s in EXPECTED[case]["with"] if norm(s) not in body]
    assert not missing, f"missing from body: {missing} (body: {_clip(body)!r})"


@pytest.mark.parametrize("case", cases_with("without"))
def test_without(case):
    body = body_of(article(case))
    present = [s for s in EXPECTED[case]["without"] if norm(s) in body]
    assert not present, f"noise left in body: {present}"


@pytest.mark.parametrize("case", cases_with("images"))
def test_images(case):
    d = article(case)
    actual = d.get("images") or []
    expected = EXPECTED[case]["images"]
    assert {i.get("url") for i in actual} == {i["url"] for i in expected}
    assert {(i.get("url"), norm(i.get("caption")) or None) for i in actual} == \
        {(i["url"], norm(i.get("caption")) or None) for i in expected}


@pytest.mark.parametrize("case", cases_with("attachments"))
def test_attachments(case):
    d = article(case)
    actual = d.get("attachments") or []
    expected = EXPECTED[case]["attachments"]
    assert {a.get("url") for a in actual} == {a["url"] for a in expected}
    assert {(a.get("url"), norm(a.get("name"))) for a in actual} == {(a["url"], norm(a["name"])) for a in expected}
