"""Fast matching of many simple selectors at once.

The noise table has ~100 selectors; lxml's CSS→XPath translation tests every one of them on
every element with ``normalize-space`` and ``concat``, which cost ~9 ms a page — half the
extraction time. Simple selectors (``tag``, ``#id``, ``.class``, ``[attr op 'v']`` and their
combinations) are instead matched in one pass over the tree, each element checked only against
the selectors indexed under its tag, classes, id or attributes. Selectors with combinators keep
lxml's CSSSelector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.cssselect import CSSSelector

_SIMPLE = re.compile(
    r"^(?P<tag>[a-zA-Z][\w-]*)?(?P<rest>(?:#[\w-]+|\.[\w-]+|\[[\w-]+(?:[\^*$]?=['\"][^'\"]*['\"])?\])*)$"
)
_PART = re.compile(r"#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[(?P<attr>[\w-]+)(?:(?P<op>[\^*$]?=)['\"](?P<val>[^'\"]*)['\"])?\]")


@dataclass(frozen=True)
class Simple:
    tag: str | None
    id: str | None
    classes: frozenset[str]
    attrs: tuple[tuple[str, str | None, str | None], ...]

    def matches(self, el) -> bool:
        if self.tag and el.tag != self.tag:
            return False
        if self.id and el.get("id") != self.id:
            return False
        if self.classes and not self.classes.issubset((el.get("class") or "").split()):
            return False
        return all(_attr_ok(el.get(name), op, val) for name, op, val in self.attrs)


def _attr_ok(value: str | None, op: str | None, expected: str | None) -> bool:
    if value is None:
        return False
    if op is None:
        return True
    if op == "=":
        return value == expected
    if op == "^=":
        return value.startswith(expected)
    if op == "$=":
        return value.endswith(expected)
    return expected in value


def _attr_regex(sels: list[Simple]) -> re.Pattern:
    """One regex for ``[a*='x']``, ``[a^='y']``, ``[a='z']`` and ``[a]`` selectors on the same attribute."""
    alternatives = []
    for sel in sels:
        if len(sel.attrs) != 1:
            raise ValueError(f"attribute-only selector with several conditions is not supported: {sel}")
        _, op, val = sel.attrs[0]
        text = re.escape(val or "")
        alternatives.append({None: "", "*=": text, "^=": "^" + text, "$=": text + "$", "=": f"^{text}$"}[op])
    return re.compile("|".join(alternatives))


def parse_simple(css: str) -> Simple | None:
    match = _SIMPLE.match(css.strip())
    if not match or not (match["tag"] or match["rest"]):
        return None
    ids, classes, attrs = [], [], []
    for part in _PART.finditer(match["rest"] or ""):
        if part["id"]:
            ids.append(part["id"])
        elif part["cls"]:
            classes.append(part["cls"])
        else:
            attrs.append((part["attr"], part["op"], part["val"]))
    tag = match["tag"].lower() if match["tag"] else None
    return Simple(tag, ids[0] if ids else None, frozenset(classes), tuple(attrs))


class SelectorSet:
    """Callable like a CSSSelector: ``selector_set(root)`` lists the matching elements (order not kept).

    One Python pass indexes each element by tag, class tokens, id and attribute names, so an element
    is checked only against the few selectors that could match it.
    """

    def __init__(self, selectors: tuple[str, ...]):
        self.by_tag: dict[str, list[Simple]] = {}
        self.by_class: dict[str, list[Simple]] = {}
        self.by_id: dict[str, list[Simple]] = {}
        self.by_attr: dict[str, list[Simple]] = {}
        complex_ = []
        for css in selectors:
            parsed = parse_simple(css)
            if parsed is None:
                complex_.append(css)
            else:
                self._index(parsed)
        self.tags = tuple(self.by_tag)
        self._compile_lookups()
        self._complex = CSSSelector(", ".join(complex_)) if complex_ else None

    def _index(self, sel: Simple) -> None:
        if sel.id:
            self.by_id.setdefault(sel.id, []).append(sel)
        elif sel.classes:
            self.by_class.setdefault(min(sel.classes), []).append(sel)
        elif sel.tag:
            self.by_tag.setdefault(sel.tag, []).append(sel)
        else:
            self.by_attr.setdefault(sel.attrs[0][0], []).append(sel)

    def _compile_lookups(self) -> None:
        # Attribute-only selectors of one attribute become one regex per attribute name.
        self.attr_patterns = {name: _attr_regex(sels) for name, sels in self.by_attr.items()}
        self._with_class = etree.XPath("descendant-or-self::*[@class]")
        self._with_id = etree.XPath("descendant-or-self::*[@id]")
        self._with_attr = {name: etree.XPath(f"descendant-or-self::*[@{name}]") for name in self.by_attr}

    def __call__(self, root) -> list:
        found: dict = {}  # element → True, insertion-ordered and de-duplicated
        if self.by_tag:
            for el in root.iter(*self.tags):
                if any(s.matches(el) for s in self.by_tag[el.tag]):
                    found[el] = True
        if self.by_class:
            for el in self._with_class(root):
                for token in el.get("class").split():
                    sels = self.by_class.get(token)
                    if sels and any(s.matches(el) for s in sels):
                        found[el] = True
                        break
        if self.by_id:
            for el in self._with_id(root):
                sels = self.by_id.get(el.get("id"))
                if sels and any(s.matches(el) for s in sels):
                    found[el] = True
        for name, rx in self.attr_patterns.items():
            for el in self._with_attr[name](root):
                if rx.search(el.get(name)):
                    found[el] = True
        if self._complex is not None:
            for el in self._complex(root):
                found[el] = True
        return list(found)
