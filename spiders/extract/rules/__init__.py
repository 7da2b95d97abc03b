"""Extraction rules as data: one table per platform, compiled once at import.

A table lists, per field, ordered CSS candidates; the engine takes the first that yields
a usable value and records which rule won (``metadata.fieldSources``). Platform tables
extend the common one, so a custom theme on a known platform still gets every generic rule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import NamedTuple

from lxml.cssselect import CSSSelector

from .selectors import SelectorSet


@dataclass(frozen=True)
class Rules:
    platform: str
    # Whole subtrees deleted before anything is read: hidden text, chrome, action bars.
    noise: tuple[str, ...] = ()
    # Portlet wrappers: the article's portlet scopes title, date and byline look-ups.
    portlets: tuple[str, ...] = ()
    # Title bars of portlet decorators: deleted, their text kept as section names.
    portlet_titles: tuple[str, ...] = ()
    # Containers that only an article's own detail view renders: taken even when the CMS left them
    # empty (an article may be a title, a date and an image), and tried before ``body``.
    detail: tuple[str, ...] = ()
    # Ordered candidates per field.
    body: tuple[str, ...] = ()
    # Whole-portlet containers, tried after every ``body`` rule (the largest wins): for custom themes.
    containers: tuple[str, ...] = ()
    headline: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    byline: tuple[str, ...] = ()
    description: tuple[str, ...] = ()
    breadcrumbs: tuple[str, ...] = ()
    # Elements inside the article scope that are not body text (date lines, bylines, related lists).
    body_noise: tuple[str, ...] = ()
    # Pagers of lists (not of the article itself): their presence beside a full text means a listing.
    list_pagers: tuple[str, ...] = ()

    def extend(self, platform: str, **more: tuple[str, ...]) -> "Rules":
        """A copy for ``platform`` whose candidate lists start with ``more`` (platform rules win)."""
        merged = {name: tuple(extra) + getattr(self, name) for name, extra in more.items()}
        return replace(self, platform=platform, **merged)

    @cached_property
    def compiled(self) -> "CompiledRules":
        return CompiledRules(self)


class Candidate(NamedTuple):
    """One rule: ``css`` selects elements; ``attr`` (written ``css @attr``) reads an attribute instead of text."""

    rule: str
    select: CSSSelector
    attr: str | None

    @classmethod
    def parse(cls, rule: str) -> "Candidate":
        css, _, attr = rule.partition(" @")
        return cls(rule, CSSSelector(css), attr or None)


class CompiledRules:
    """The CSS of a Rules table compiled to XPath once (``Rules.compiled``)."""

    def __init__(self, rules: Rules):
        for name in Rules.__dataclass_fields__:
            value = getattr(rules, name)
            if isinstance(value, tuple):
                setattr(self, name, tuple(Candidate.parse(rule) for rule in value))
        self.noise_all = _union(rules.noise)
        self.body_noise_all = _union(rules.body_noise)
        self.portlet_titles_all = _union(rules.portlet_titles)
        self.portlets_all = _union(rules.portlets)
        self.list_pagers_all = _union(rules.list_pagers)


def _union(selectors: tuple[str, ...]) -> SelectorSet | None:
    return SelectorSet(selectors) if selectors else None


from .common import COMMON  # noqa: E402  (the tables import Rules from here)
from .liferay import LIFERAY_6, LIFERAY_7  # noqa: E402
from .websphere import WEBSPHERE_8  # noqa: E402

RULES: dict[str, Rules] = {
    "generic": COMMON,
    "liferay-6.0": LIFERAY_6.extend("liferay-6.0"),
    "liferay-6.1": LIFERAY_6.extend("liferay-6.1"),
    "liferay-6.2": LIFERAY_6,
    "liferay-7": LIFERAY_7,
    "websphere-8": WEBSPHERE_8,
}


@lru_cache(maxsize=256)
def rules_for(platform: str, overrides: tuple = ()) -> Rules:
    """The platform's table, extended by a portal's own rule lists (registry ``rules``); compiled once each."""
    base = RULES.get(platform, COMMON)
    return base.extend(platform, **dict(overrides)) if overrides else base


__all__ = ["Rules", "RULES", "rules_for"]
