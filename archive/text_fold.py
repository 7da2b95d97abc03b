"""Accent folding shared by the extractor (``spiders.extract.text.fold``) and the search index.

Lives in ``archive`` because the archive must not import ``spiders``; the extractor imports it
from here, so there is one copy. See VIETNAMESE.md §3.4: the full-text index is fed
``fold(text)`` and queries are folded the same way, so "dang" finds "Đảng".
"""

from __future__ import annotations

import unicodedata


def _fold_table() -> dict[int, str]:
    """Every precomposed Latin letter whose base is ASCII → that base in lowercase; đ/Đ → d.

    đ has no Unicode decomposition, which is why SQLite's remove_diacritics keeps it.
    """
    table = {}
    for cp in range(0x00C0, 0x1F00):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(cp)) if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(cp) and base.isascii():
            table[cp] = base.lower()
    table[ord("đ")] = table[ord("Đ")] = "d"
    return table


_FOLD = _fold_table()


def fold(s: str) -> str:
    """Accent- and case-insensitive key: "Đảng Cộng sản" → "dang cong san".

    One code point in, one out (after NFC), so offsets in the folded string are offsets in
    the NFC string and token boundaries never move (VIETNAMESE.md 3.4).
    """
    return unicodedata.normalize("NFC", s).translate(_FOLD).lower()


def sql_fold(s: object) -> object:
    """``fold`` as a SQLite function: NULL and non-text values pass through unchanged."""
    return fold(s) if isinstance(s, str) else s


__all__ = ["fold", "sql_fold"]
