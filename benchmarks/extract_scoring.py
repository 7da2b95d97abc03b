"""The extraction corpus and the metrics of ``benchmarks/extract_eval.py``.

The corpus is a directory of cases ``<case>/{input.html, meta.json, expected.json}`` (see the corpus
README). An extractor's output on a case becomes a ``Prediction`` (see ``benchmarks/extract_runners.py``,
including the article-vs-not rule of the third-party extractors); ``score`` compares predictions with
the expected values.

Metrics (each a share in [0, 1]; higher is better)
--------------------------------------------------

Text normalisation, ``norm(s)``: Unicode NFC, then ``repair_entity_debris`` (from
``spiders.extract.text``; identity if it cannot be imported), then NFC again, then every run of
whitespace (including NBSP) collapsed to one space and the ends stripped. It is applied to BOTH
the expected and the extracted strings. Why the repair: the portal's CMS stripped ``&`` from HTML
entities ("vai trograve;" for "vai trò"); the extractor must repair that damage while the corpus
keeps the text verbatim, so repairing both sides compares meaning, not damage. (A ``without``
string that itself changes under the repair -- i.e. *is* debris -- is instead looked up, without
the repair, in the unrepaired body: it checks that the debris is gone.)

* ``article_vs_not`` -- over ALL cases: the extractor's article / not-article decision equals the
  truth. The truth is "article" iff the case's kind is ``article`` (listings, home pages, static
  pages and the WebSphere home page are not articles).

Over ARTICLE cases only (a case the extractor wrongly calls not-an-article gets every field empty:
headline None, no date, no authors, body ""; its ``with`` sentences then count as missed and its
``without`` strings trivially as absent -- ``article_vs_not`` is what catches it):

* ``headline`` -- ``norm(got) == norm(expected["headline"])``.
* ``datePublished`` -- the same instant: both sides parsed with ``datetime.fromisoformat`` and
  compared as aware datetimes (a naive or unparseable value is wrong). An extractor that only
  outputs a day (trafilatura gives "YYYY-MM-DD") is counted correct when its day equals the
  expected *local* day (the date part of the expected value in its own +07:00 offset). portal-archive
  always has to match the exact instant.
* ``authors`` -- the SET of ``norm``-ed names equals the expected set; expected ``[]`` and got ``[]``
  is correct. trafilatura's single author string is split on ";" and ",".
* ``body_start`` -- ``norm(body).startswith(norm(expected["articleBody_startswith"]))``.
* ``body_end`` -- ``norm(body).endswith(norm(expected["articleBody_endswith"]))``: nothing may follow
  the end of the body (no signature line, related list or page chrome).
* ``with`` -- recall, pooled over cases: (number of ``with`` sentences whose ``norm`` is a substring
  of ``norm(body)``) / (number of ``with`` sentences).
* ``without`` -- clean rate, pooled over (case, ``without`` string) pairs: share of pairs whose
  ``norm`` is NOT a substring of ``norm(body)``.

Informational rows (not acceptance fields; the looser rule of docs/ANCHORS.md section d, whose
"body start/end found" figures they reproduce): ``body_start_found`` / ``body_end_found`` -- the
expected start / end is a substring of ``norm(body)`` anywhere. The run also reports what
trafilatura's dates would score read as an instant (the day at 00:00 in the expected offset):
the ANCHORS figure, right only for articles published at "12:00 AM". ``datePublished_day``: the
extracted value's day (an instant converted to the expected offset first) equals the expected
local day -- one rule for every extractor, the like-for-like comparison with day-only extractors.
"""

from __future__ import annotations

import json
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime
from pathlib import Path
from typing import Any

try:  # being written in parallel; fall back to identity until it lands
    from spiders.extract.text import repair_entity_debris as _repair_entity_debris

    REPAIR_SOURCE = "spiders.extract.text.repair_entity_debris"
except Exception as _exc:  # ImportError, or any error while importing the package
    _repair_entity_debris = None
    REPAIR_SOURCE = f"identity (import failed: {type(_exc).__name__}: {_exc})"

FIELDS = ("article_vs_not", "headline", "datePublished", "authors", "body_start", "body_end", "with", "without")
# Informational rows, not acceptance fields: the expected start / end found ANYWHERE in the body (the looser
# "found" rule of docs/ANCHORS.md section d), to compare with its published figures.
# datePublished_day: the expected local day (date part in the expected offset), for every extractor alike -- the
# like-for-like date comparison with day-only extractors.
INFO_FIELDS = ("datePublished_day", "body_start_found", "body_end_found")
_repair_errors = 0


# --------------------------------------------------------------------------- data


@dataclass
class Case:
    id: str
    url: str | None
    kind: str
    expected: dict[str, Any]
    meta: dict[str, Any]
    html: bytes

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


@dataclass
class Prediction:
    is_article: bool = False
    headline: str | None = None
    date: datetime | date | None = None  # datetime = exact instant, date = day-only extractor
    authors: list[str] = field(default_factory=list)
    body: str = ""
    description: str | None = None
    date_raw: str | None = None  # the extractor's own value, for failure reports
    error: str | None = None  # "ExcType: message" when the call raised


@dataclass
class Failure:
    case: str
    field: str
    expected: str
    got: str


# --------------------------------------------------------------------------- normalisation


def repair(s: str) -> str:
    global _repair_errors
    if _repair_entity_debris is None:
        return s
    try:
        return _repair_entity_debris(s)
    except Exception:
        _repair_errors += 1
        return s


def repair_errors() -> int:
    """How many strings ``repair_entity_debris`` raised on so far (they were compared unrepaired)."""
    return _repair_errors


def norm_basic(s: str | None) -> str:
    """NFC + whitespace collapse, no repair."""
    if not s:
        return ""
    return " ".join(unicodedata.normalize("NFC", s).split())


def norm(s: str | None) -> str:
    """NFC, entity-debris repair, NFC, whitespace collapse: applied to expected and actual alike."""
    if not s:
        return ""
    return norm_basic(repair(unicodedata.normalize("NFC", s)))


def parse_instant(s: Any) -> datetime | None:
    """ISO 8601 -> datetime (aware if the string has an offset); None if absent or unparseable."""
    if not isinstance(s, str) or not s.strip():
        return None
    try:
        return datetime.fromisoformat(s.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


# --------------------------------------------------------------------------- corpus


def load_cases(corpus_dir: str | os.PathLike) -> list[Case]:
    """Every ``<case>/`` with input.html, meta.json and expected.json, sorted by name, bytes in memory."""
    root = Path(corpus_dir)
    cases = []
    for d in sorted(p for p in root.iterdir() if p.is_dir() and (p / "input.html").is_file()):
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        expected = json.loads((d / "expected.json").read_text(encoding="utf-8"))
        kind = expected.get("kind") or meta.get("kind") or ""
        cases.append(Case(d.name, meta.get("url"), kind, expected, meta, (d / "input.html").read_bytes()))
    return cases


# --------------------------------------------------------------------------- one case


def _short(v: Any, n: int = 110) -> str:
    s = v if isinstance(v, str) else repr(v)
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _date_ok(got: datetime | date | None, expected: datetime | None) -> bool:
    if got is None or expected is None:
        return False
    if isinstance(got, datetime):  # exact instant: both must be aware
        return got.tzinfo is not None and expected.tzinfo is not None and got == expected
    return got == expected.date()  # day-only extractor: the expected local day


def _day_ok(got: datetime | date | None, expected: datetime | None) -> bool:
    if got is None or expected is None:
        return False
    if isinstance(got, datetime):
        got = got.astimezone(expected.tzinfo) if got.tzinfo is not None and expected.tzinfo is not None else got
        got = got.date()
    return got == expected.date()


def _without_present(s: str, body_repaired: str, body_raw: str) -> bool:
    if norm_basic(repair(s)) != norm_basic(s):  # the string is CMS debris itself
        return norm_basic(s) in body_raw
    return norm(s) in body_repaired


class _Tally:
    """Per-field (correct, total) counts of one case, and its failures."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        self.counts: dict[str, tuple[int, int]] = {}
        self.fails: list[Failure] = []

    def put(self, fname: str, ok: bool, expected: Any = None, got: Any = None) -> None:
        """A one-item field; a miss is reported unless there is no expected value."""
        self.counts[fname] = (int(ok), 1)
        if not ok and expected is not None:
            self.fails.append(Failure(self.case_id, fname, _short(expected), _short(got)))

    def pooled(self, fname: str, items: list[str], missed: list[str], label: str, got: str) -> None:
        """A field pooled over ``items``; each of ``missed`` is a failure."""
        self.counts[fname] = (len(items) - len(missed), len(items))
        self.fails += [Failure(self.case_id, fname, label + _short(s), got) for s in missed]


def _check_kind(t: _Tally, case: Case, pred: Prediction) -> None:
    got_kind = "article" if pred.is_article else "not an article"
    if pred.error:
        got_kind += f" (error: {pred.error})"
    expected = "article" if case.is_article else f"not an article ({case.kind})"
    t.put("article_vs_not", pred.is_article == case.is_article, expected, got_kind)


def _check_metadata(t: _Tally, e: dict[str, Any], pred: Prediction) -> None:
    t.put("headline", norm(pred.headline) == norm(e.get("headline")), e.get("headline"), pred.headline)

    exp_date = parse_instant(e.get("datePublished"))
    got_date = pred.date_raw if pred.date_raw is not None else pred.date
    t.put("datePublished", _date_ok(pred.date, exp_date), e.get("datePublished"), got_date)
    t.put("datePublished_day", _day_ok(pred.date, exp_date))

    exp_authors = {norm(a) for a in e.get("authors") or []} - {""}
    got_authors = {norm(a) for a in pred.authors} - {""}
    t.put("authors", exp_authors == got_authors, sorted(exp_authors), sorted(got_authors))


def _check_body(t: _Tally, e: dict[str, Any], pred: Prediction) -> None:
    body = norm(pred.body)
    start, end = norm(e.get("articleBody_startswith")), norm(e.get("articleBody_endswith"))
    t.put("body_start", body.startswith(start), start, body[:105])
    t.put("body_end", body.endswith(end), end, ("…" if len(body) > 105 else "") + body[-105:])
    t.put("body_start_found", start in body)
    t.put("body_end_found", end in body)

    withs = [s for s in e.get("with") or [] if norm(s)]
    t.pooled("with", withs, [s for s in withs if norm(s) not in body], "", "(not found in body)")

    body_raw = norm_basic(pred.body)
    withouts = [s for s in e.get("without") or [] if norm_basic(s)]
    present = [s for s in withouts if _without_present(s, body, body_raw)]
    t.pooled("without", withouts, present, "(absent) ", "(found in body)")


def check_case(case: Case, pred: Prediction) -> tuple[dict[str, tuple[int, int]], list[Failure]]:
    """Per-field (correct, total) counts of one case, and its failures."""
    t = _Tally(case.id)
    _check_kind(t, case, pred)
    if case.is_article:
        if not pred.is_article:  # a wrongly rejected article has no fields
            pred = Prediction(False, error=pred.error)
        _check_metadata(t, case.expected, pred)
        _check_body(t, case.expected, pred)
    return t.counts, t.fails


# --------------------------------------------------------------------------- corpus totals


def _totals(cases: list[Case], predictions: list[Prediction]) -> tuple[dict[str, list[int]], list[Failure]]:
    if len(cases) != len(predictions):
        raise ValueError(f"{len(cases)} cases but {len(predictions)} predictions")
    totals = {f: [0, 0] for f in FIELDS + INFO_FIELDS}
    fails: list[Failure] = []
    for case, pred in zip(cases, predictions):
        counts, case_fails = check_case(case, pred)
        for f, (ok, n) in counts.items():
            totals[f][0] += ok
            totals[f][1] += n
        fails += case_fails
    return totals, fails


def score(cases: list[Case], predictions: list[Prediction]) -> dict[str, float | None]:
    """Share correct per field of FIELDS + INFO_FIELDS (None when the field has no items, e.g. no article case)."""
    totals, _ = _totals(cases, predictions)
    return {f: (ok / n if n else None) for f, (ok, n) in totals.items()}


def failures(cases: list[Case], predictions: list[Prediction]) -> list[Failure]:
    return _totals(cases, predictions)[1]


def date_as_midnight_score(cases: list[Case], predictions: list[Prediction]) -> float | None:
    """datePublished share when a day-only date is read as the instant 00:00 in the expected offset
    (the rule behind docs/ANCHORS.md's trafilatura figure)."""
    ok = n = 0
    for case, pred in zip(cases, predictions):
        if not case.is_article:
            continue
        n += 1
        exp, got = parse_instant(case.expected.get("datePublished")), pred.date if pred.is_article else None
        if exp is not None and got is not None and not isinstance(got, datetime):
            got = datetime.combine(got, dtime(0), tzinfo=exp.tzinfo)
        ok += int(_date_ok(got, exp))
    return ok / n if n else None


def denominators(cases: list[Case]) -> dict[str, int]:
    totals, _ = _totals(cases, [Prediction() for _ in cases])
    return {f: n for f, (_, n) in totals.items()}
