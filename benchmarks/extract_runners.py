"""The extractors compared by ``benchmarks/extract_eval.py``, each turned into a ``Prediction`` per case.

* ``ours``         portal-archive: ``spiders.extract.extract_article(html, url=meta["url"]).to_dict()``
* ``trafilatura``  ``trafilatura.bare_extraction(html, url=..., with_metadata=True)``
* ``readability``  readability-lxml: ``Document(html).short_title()`` and ``.summary()``

Article-vs-not rule of the third-party extractors (they have no such decision; one rule, applied to
both alike): an article iff the extracted text is non-empty after ``norm`` (trafilatura: a result
with a non-empty ``text``; readability-lxml: a non-empty ``summary()`` text). A length threshold
(e.g. 200 characters) was rejected: 12 of the 60 corpus articles are attachment-only/short (7 under
300 characters) while every listing carries long text, so a threshold only rejects real articles.

* readability-lxml text: ``lxml`` ``text_content()`` of ``summary(html_partial=True)`` with a newline
  added after each block element (p, div, li, h1-h6, br, tr, ...) so paragraphs are not glued
  together; headline ``short_title()``. It has no date output (None); its ``author()`` returns
  "[no-author]" on these pages, which is read as [].
* trafilatura: ``title``, ``date``, ``author``, ``text`` of the 2.x Document (``as_dict()``).

Throughput: all inputs are read into memory first; only the extractor calls are timed (for ours,
``extract_article(...).to_dict()``; for readability including the text conversion). Each extractor
first gets one untimed warm-up call, then runs ``repeat`` passes over all cases; the best pass gives
pages/s. Bare ``lxml.html.fromstring`` over the same bytes is timed as a reference (``lxml_rate``).

Robustness: every extractor call is wrapped (``safe_run``); an exception counts as a failure of that
case (it becomes a not-an-article prediction with ``error`` set); the run never crashes.
"""

from __future__ import annotations

import gc
import re
import time as timer
from datetime import date, datetime
from typing import Any, Callable

import lxml.html

from benchmarks.extract_scoring import Case, Prediction, norm, parse_instant

EXTRACTORS = ("ours", "trafilatura", "readability")
ALIASES = {"portal-archive": "ours", "readability-lxml": "readability"}


# --------------------------------------------------------------------------- ours


_OURS: Any = None


def _ours_extract() -> Callable:
    global _OURS
    if _OURS is None:
        try:
            from spiders.extract import extract_article

            _OURS = extract_article
        except Exception as exc:  # keep the error: every case reports it, the run goes on
            _OURS = exc
    if isinstance(_OURS, Exception):
        raise ImportError(f"cannot import spiders.extract.extract_article: {type(_OURS).__name__}: {_OURS}")
    return _OURS


def run_ours(case: Case) -> Prediction:
    d = _ours_extract()(case.html, url=case.url).to_dict()
    if not d.get("isArticle"):
        return Prediction(False)
    names = [a.get("name") if isinstance(a, dict) else str(a) for a in d.get("authors") or []]
    raw = d.get("datePublished")
    return Prediction(
        True,
        d.get("headline"),
        parse_instant(raw),
        [n for n in names if n],
        d.get("articleBody") or "",
        d.get("description"),
        raw,
    )


# --------------------------------------------------------------------------- trafilatura


def _parse_day_or_instant(s: Any) -> datetime | date | None:
    """For day-granularity extractors: "YYYY-MM-DD" -> date; an aware timestamp -> datetime."""
    if not isinstance(s, str) or not s.strip():
        return None
    s = s.strip()
    try:
        if len(s) <= 10:
            return date.fromisoformat(s)
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else dt.date()


def run_trafilatura(case: Case) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(case.html, url=case.url, with_metadata=True)
    if doc is None:
        return Prediction(False)
    if isinstance(doc, dict):  # 1.x returned a dict
        get = doc.get
    elif hasattr(doc, "as_dict"):  # 2.x returns a Document
        get = doc.as_dict().get
    else:
        get = lambda k: getattr(doc, k, None)  # noqa: E731
    text = get("text") or ""
    if not text.strip():
        return Prediction(False)
    author = get("author") or ""
    raw = get("date")
    return Prediction(
        True,
        get("title"),
        _parse_day_or_instant(raw),
        [a.strip() for a in re.split(r"[;,]", author) if a.strip()],
        text,
        get("description"),
        raw,
    )


# --------------------------------------------------------------------------- readability-lxml


_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "figure", "figcaption",
}  # fmt: skip


def _html_text(html: str) -> str:
    """lxml ``text_content()`` with a newline after each block element (else paragraphs get glued)."""
    if not html or not html.strip():
        return ""
    root = lxml.html.fromstring(html)
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    return root.text_content()


def run_readability(case: Case) -> Prediction:
    from readability import Document

    doc = Document(case.html, url=case.url)
    title = doc.short_title()  # before summary(), which mutates the tree
    author = doc.author()
    text = _html_text(doc.summary(html_partial=True))
    if not norm(text):
        return Prediction(False)
    authors = [] if not author or author == "[no-author]" else [author]
    return Prediction(True, title, None, authors, text, None, None)


RUNNERS: dict[str, Callable[[Case], Prediction]] = {
    "ours": run_ours,
    "trafilatura": run_trafilatura,
    "readability": run_readability,
}


# --------------------------------------------------------------------------- running and timing


def safe_run(runner: Callable[[Case], Prediction], case: Case) -> Prediction:
    try:
        return runner(case)
    except Exception as exc:  # a crash is a failure of this case, never of the run
        msg = " ".join(str(exc).split())[:300]
        return Prediction(False, error=f"{type(exc).__name__}: {msg}")


def _best_pass(run: Callable[[], Any], repeat: int) -> tuple[Any, float | None]:
    """The result of the first of ``repeat`` (at least one) timed calls of ``run``, and the shortest call time."""
    first: Any = None
    best: float | None = None
    for i in range(max(1, repeat)):
        gc.collect()
        t0 = timer.perf_counter()
        out = run()
        dt = timer.perf_counter() - t0
        first = out if i == 0 else first
        best = dt if best is None else min(best, dt)
    return first, best


def _pages_per_s(n: int, seconds: float | None) -> float | None:
    return n / seconds if n and seconds else None


def run_extractor(name: str, cases: list[Case], repeat: int = 1) -> tuple[list[Prediction], float | None]:
    """Predictions of the first pass and pages/s of the best of ``repeat`` timed passes."""
    runner = RUNNERS[name]
    if cases:
        safe_run(runner, cases[0])  # untimed warm-up: lazy imports, caches, first-call costs
    preds, best = _best_pass(lambda: [safe_run(runner, case) for case in cases], repeat)
    if preds and all(p.error for p in preds):
        return preds, None  # timing exceptions is meaningless
    return preds, _pages_per_s(len(cases), best)


def _parse_all(cases: list[Case]) -> None:
    for case in cases:
        try:
            lxml.html.fromstring(case.html)
        except Exception:
            pass


def lxml_rate(cases: list[Case], repeat: int = 3) -> float | None:
    """pages/s of bare ``lxml.html.fromstring`` over the same bytes (best of ``repeat`` passes): the reference."""
    _, best = _best_pass(lambda: _parse_all(cases), repeat)
    return _pages_per_s(len(cases), best)
