"""The search box's query language, parsed once and written out for each engine.

Plain input supports words (all required), "a phrase", prefix*, -word / -"phrase" / NOT word
(exclusion) and OR between two terms (uppercase). Everything else, engine syntax included
(NEAR(, column filters such as body:x, parentheses, stray quotes, <->, :*), is read as literal
words. Terms are folded with the index's own ``fold`` (so "dang" finds "Đảng") and split into
``\\w+`` words, then quoted by each renderer: the output is always a valid expression, for
FTS5 (``to_fts5``) and for PostgreSQL's ``to_tsquery`` (``to_tsquery``) alike. PostgreSQL's
``websearch_to_tsquery`` is just as safe but has no prefix search, hence our own parser.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .text_fold import fold


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded; more than one: a phrase
    prefix: bool = False    # the last word may be a prefix


@dataclass(frozen=True)
class Query:
    """All of ``required`` (each a group of alternatives joined by OR), none of ``excluded``."""

    required: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()


# An optional "-", then a "phrase" (closing quote optional) with an optional "*", or a bare word.
_TOKEN = re.compile(r'(-?)"([^"]*)"?(\*?)|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")
_DROPPED_OPERATORS = re.compile(r"\b(?:AND|NEAR)\b")


def parse(user_text: str) -> Query | None:
    """The query in ``user_text``, or None when nothing positive is left to search for."""
    text = _DROPPED_OPERATORS.sub(" ", unicodedata.normalize("NFC", user_text or ""))
    required: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = pending_not = False
    for m in _TOKEN.finditer(text):
        minus, phrase, star, minus2, bare = m.groups()
        if bare in ("OR", "NOT") and not minus2:
            pending_or, pending_not = (bare == "OR" and bool(required)), bare == "NOT"
            continue
        # FTS5 and PostgreSQL both split on "_", so it separates words here too.
        words = tuple(w for w in (w.replace("_", " ").strip() for w in _WORD.findall(fold(phrase or bare or "")))
                      for w in w.split())
        if not words:
            continue
        term = Term(words, prefix=bool(star) or (bare or "").endswith("*"))
        if minus or minus2 or pending_not:
            excluded.append(term)
        elif pending_or and required:
            required[-1].append(term)
        else:
            required.append([term])
        pending_or = pending_not = False
    if not required:
        return None
    return Query(tuple(tuple(group) for group in required), tuple(excluded))


# --------------------------------------------------------------------------- FTS5

def _fts5_term(term: Term) -> str:
    # Words are \w+ runs, so they hold no quote; the phrase syntax alone keeps them literal.
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


def to_fts5(query: Query) -> str:
    groups = [" OR ".join(_fts5_term(t) for t in group) for group in query.required]
    expression = " AND ".join(f"({g})" if len(group) > 1 else g for g, group in zip(groups, query.required))
    for term in query.excluded:
        expression = f"({expression}) NOT {_fts5_term(term)}"
    return expression


# --------------------------------------------------------------------------- PostgreSQL tsquery

def _ts_term(term: Term) -> str:
    lexemes = [f"'{w}'" for w in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def to_tsquery(query: Query) -> str:
    """Text for ``to_tsquery('vn', …)``: & for AND, | for OR, ! for NOT, <-> for phrases."""
    groups = ["(" + " | ".join(_ts_term(t) for t in group) + ")" if len(group) > 1 else _ts_term(group[0])
              for group in query.required]
    expression = " & ".join(groups)
    for term in query.excluded:
        expression = f"{expression} & !{_ts_term(term)}"
    return expression


# --------------------------------------------------------------------------- planning helpers

def side_by_side(query: Query) -> Term | None:
    """Plain words typed together (no phrase, prefix, OR or exclusion) as one phrase, so that
    articles holding them side by side can rank first; None for any other query."""
    terms = [group[0] for group in query.required if len(group) == 1]
    if len(terms) < 2 or len(terms) != len(query.required) or query.excluded \
            or any(len(t.words) != 1 or t.prefix for t in terms):
        return None
    return Term(tuple(t.words[0] for t in terms))


def share_estimate(query: Query, share: Callable[[str], float],
                   prefix_share: Callable[[str], float] = lambda prefix: 1.0) -> float:
    """The share of articles the query may match, from each word's share of articles (``share``;
    a prefix's from ``prefix_share``, or counted as common). Alternatives add up; a phrase is as
    common as its rarest word (its words come together: "cải cách hành chính" is 2 % of articles,
    its words' product 0.01 %); required groups lie between independent (their product) and always
    together (the rarest), so they take the geometric mean of the two: the syllables of a compound
    typed as words ("chuyen doi so": 2.7 % of leads, product 0.96 %, rarest 9 %) are far from
    independent. Planning needs the order of magnitude."""
    shares = _Shares(share, prefix_share)
    groups = [shares.group(group) for group in query.required]
    return math.sqrt(math.prod(groups) * min(groups))


def anchor(query: Query, share: Callable[[str], float],
           prefix_share: Callable[[str], float] = lambda prefix: 1.0) -> Query:
    """A looser query every match of ``query`` matches: its required groups with each phrase cut to
    its rarest word, no exclusions. An index reads one word's postings faster than a phrase's, and
    a planner estimates one word well where it multiplies a phrase's words into a share 100x too
    small (and then skips the other bitmaps that would have spared it reading most rows)."""
    shares = _Shares(share, prefix_share)
    return Query(tuple(tuple(min(_words_of(term), key=shares.term) for term in group) for group in query.required))


class _Shares:
    def __init__(self, share: Callable[[str], float], prefix_share: Callable[[str], float]):
        self.share, self.prefix_share = share, prefix_share

    def term(self, term: Term) -> float:
        return min(min(1.0, self.prefix_share(w)) if term.prefix and i == len(term.words) - 1 else self.share(w)
                   for i, w in enumerate(term.words))

    def group(self, group: tuple[Term, ...]) -> float:
        return min(1.0, sum(self.term(t) for t in group))


def _words_of(term: Term) -> list[Term]:
    """Each word of a term as a term of its own (the last keeps the prefix mark)."""
    last = len(term.words) - 1
    return [Term((w,), term.prefix and i == last) for i, w in enumerate(term.words)]


# --------------------------------------------------------------------------- raw (expert) mode

_RAW_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")


def fold_raw(user_text: str) -> str:
    """Fold engine syntax typed by an expert but keep its uppercase operators (fold is
    length-preserving after NFC, so operator positions carry over)."""
    text = unicodedata.normalize("NFC", user_text)
    folded = list(fold(text))
    for m in _RAW_OPERATORS.finditer(text):
        folded[m.start():m.end()] = m.group(0)
    return "".join(folded)


def build_query(user_text: str) -> str | None:
    """A safe FTS5 expression for free text, or None: ``to_fts5(parse(text))``."""
    query = parse(user_text)
    return None if query is None else to_fts5(query)


__all__ = ["Query", "Term", "build_query", "fold_raw", "parse", "share_estimate", "side_by_side", "to_fts5",
           "to_tsquery"]
