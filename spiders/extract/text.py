"""Small text helpers every extractor step shares: NFC, whitespace, entity debris, accent folding."""

from __future__ import annotations

import html.entities
import re
import unicodedata

# fold(): one implementation, shared with the archive's search index (archive must not import spiders).
from archive.text_fold import fold  # noqa: F401  (re-exported)


def nfc(s: str) -> str:
    """Composed form: the same Vietnamese word must have one spelling to compare or index it."""
    return unicodedata.normalize("NFC", s)


# --------------------------------------------------------------------------- whitespace

_INVISIBLE = "\u00ad\u180e\u200b\u2060\ufeff"  # soft hyphen, zero-width space/joiner-less marks, BOM
_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_LINE_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_WS_TABLE = {
    **dict.fromkeys(map(ord, _INVISIBLE), None),
    **dict.fromkeys(map(ord, _SPACES), " "),
    **dict.fromkeys(map(ord, _LINE_BREAKS), "\n"),
}
_SPACE_RUN = re.compile(r" {2,}")
# The same character sets as regexes: ``one_line`` runs on every block of every page, and two regex
# passes are several times faster there than ``str.translate`` with a dict.
_INVISIBLE_RE = re.compile(f"[{re.escape(_INVISIBLE)}]")
_ANY_SPACE_RUN = re.compile(f"[\\s{re.escape(_SPACES + _LINE_BREAKS)}]+")
_AROUND_NEWLINE = re.compile(r" *\n *")


def clean_whitespace(s: str) -> str:
    """One space between words, line breaks kept (they separate paragraphs), ends stripped.

    ZWJ/ZWNJ are kept: they change how emoji and some scripts render. Run this only after
    ``fix_legacy_fonts``: in TCVN3 the soft hyphen U+00AD is the letter ư.
    """
    s = s.replace("\r\n", "\n").translate(_WS_TABLE)
    return _AROUND_NEWLINE.sub("\n", _SPACE_RUN.sub(" ", s)).strip()


def one_line(s: str) -> str:
    """``clean_whitespace`` for a title, a date or a block: every break and space run becomes one space."""
    return _ANY_SPACE_RUN.sub(" ", _INVISIBLE_RE.sub("", s)).strip()


# --------------------------------------------------------------------------- entity debris

_HTML5 = html.entities.html5
# "&ograve;" shown literally (double escaping) or as "ograve;" (a CMS ate the "&"). Numeric
# references are only repaired with their "&": "#1234;" alone is too often a real number.
_WITH_AMP = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Without the "&", a name must not be an ordinary word: "part;", "cent;" (in "percent;"),
# "rang;" (in "Nha Trang;"), "cong;", "delta;" and "aring;" (in "sharing;") are HTML5 entities.
# So only two families qualify, all 4+ characters: an accented letter (a base letter + an
# accent name, as rich-text editors emit for Latin-1 letters: "ograve", "Aacute", "ecirc",
# "otilde"; not "ring", which "sharing" ends with) and punctuation whose names are no words.
_ACCENTED = re.compile(r"[A-Za-z](?:grave|acute|circ|tilde|uml|cedil|slash|breve);")
_PUNCTUATION = (
    "nbsp ensp emsp thinsp ndash mdash lsquo rsquo sbquo ldquo rdquo bdquo hellip laquo raquo "
    "lsaquo rsaquo middot quot apos permil iexcl iquest frac12 frac14 frac34 dstrok Dstrok"
).split()
_BARE_NAMES = {
    **{k[:-1]: v for k, v in _HTML5.items() if _ACCENTED.fullmatch(k) and v.isalpha()},
    **{name: _HTML5[name + ";"] for name in _PUNCTUATION},
}
_BARE_CANDIDATE = re.compile(r"(?<![&A-Za-z])([A-Za-z]{4,});")


def repair_entity_debris(s: str) -> str:
    """Turn entity debris back into characters: "vai trograve; to lớn" → "vai trò to lớn"."""
    if ";" not in s:
        return s
    out = s
    for _ in range(3):  # "&amp;amp;Aacute;" was escaped three times
        before, out = out, _WITH_AMP.sub(_amp_entity, out)
        if out == before or "&" not in out:
            break
    out = _BARE_CANDIDATE.sub(_bare_entity, out)
    return out if out == s else nfc(out)


def _amp_entity(m: re.Match) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _HTML5.get(name + ";", m.group(0))
    cp = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    return chr(cp) if 0 < cp < 0x110000 and not 0xD800 <= cp < 0xE000 else m.group(0)


def _bare_entity(m: re.Match) -> str:
    """The longest known name that ends the word: "trograve" → "tr" + "ograve" → "trò"."""
    word = m.group(1)
    for start in range(len(word) - 3):
        char = _BARE_NAMES.get(word[start:])
        if char is not None:
            return word[:start] + char
    return m.group(0)


# Letters only Vietnamese writes (toned vowels, ơ ư ă đ ĩ ũ): a legacy-font (Latin-1) text never has them.
VIETNAMESE_LETTERS = re.compile("[\u1ea0-\u1ef9ơƠưƯăĂđĐĩĨũŨ]")


def is_vietnamese(text: str, sample: int = 3000) -> bool:
    """Vietnamese prose has a Vietnamese-only letter every few words; other Latin text almost never."""
    head = text[:sample]
    return len(VIETNAMESE_LETTERS.findall(head)) >= max(3, len(head) // 100)
