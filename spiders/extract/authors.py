"""Authors from bylines and end-of-article signatures, never from CMS accounts.

Vietnamese portals sign articles with short right-aligned or bold lines after the text
("Phạm Linh", "Bài và ảnh: Minh Hằng", a name followed by a role line "UVBTV, Trưởng Ban
Dân vận Thị ủy"), and many templates print the CMS account that posted the article
("admin admin", "Pho Ban bien tap"): that account is not an author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .article import Author
from .blocks import Line
from .media import is_document_url
from .text import fold

PREFIX = re.compile(
    r"^\s*(?:bài\s*(?:và|,|&)?\s*ảnh|tin\s*(?:và|,|&)?\s*ảnh|tin\s*,?\s*bài|bài|tin|ảnh|tác\s*giả|người\s*viết|"
    r"thực\s*hiện|nhóm\s*phóng\s*viên|pv|ctv|by|bởi|author|written\s*by)\s*[:：\-–]\s*",
    re.I,
)
BARE_PREFIX = re.compile(r"^\s*(?:bởi|by)\s+", re.I)
SUFFIX = re.compile(r"\s*[\(\[]\s*(?:tổng\s*hợp|th|st|sưu\s*tầm|lược\s*dịch|dịch)\s*[\)\]]\s*$|[\s.,;:]+$", re.I)
SPLIT = re.compile(r"\s+[-–—]\s+|\s*[,;]\s*|\s+&\s+")  # not "/": "Đ/c" abbreviates đồng chí
SOURCE = re.compile(r"^\s*[\(\[]?\s*(?:nguồn|theo|source|trích\s*nguồn)\b", re.I)
# "Xem chi tiết tại đây" linking to the source article: part of the source credit, not of the text.
READ_MORE = re.compile(r"^\s*(?:xem|đọc)\s+(?:chi tiết|tiếp|thêm|bài gốc|toàn văn)\b.{0,25}$|^\s*read more\b.{0,20}$", re.I)
# A person's title in a role line under a signature. Matched with accents: "Trưởng" is a title,
# "Trương" a surname.
TITLE_WORDS = re.compile(
    r"\b(?:uvbtv|uvbch|tuv|uv|trưởng|phó|giám đốc|chủ tịch|bí thư|[uủ]y viên|chuyên viên|cán bộ|phóng viên|"
    r"biên tập viên|thư ký|chánh|tổng biên tập|director|deputy|head|chairman|secretary)\b"
)
# A unit line ("Văn phòng Sở Nông nghiệp và PTNT") under a name is that person's unit; alone, it
# signs the article as an organisation ("Đoàn Thanh niên Sở TT&TT Hà Nội").
UNIT_START = re.compile(
    r"^(?:văn phòng|phòng|sở|ban|ủy ban|uỷ ban|ubnd|trung tâm|cục|vụ|bộ|hội|đoàn|chi bộ|đảng ủy|đảng uỷ|"
    r"công an|trường|viện|thanh tra|báo|đài|cổng)\b"
)
# Folded words that mark a CMS account or an editorial desk rather than a person.
ACCOUNT_WORDS = re.compile(r"admin|\b(?:bien tap|thu ky|quan tri|editor|webmaster|english|guest|user|test|portal)\b")
NAME_TOKEN = re.compile(r"^[^\W\d_][\w&.'’-]*$")
SIGNATURE_MAX = (80, 10)  # characters, words: a signature line is short; a photo caption is not
NOT_A_NAME = re.compile(r"^(?:nhóm\s+)?(?:pv|ctv|phóng viên|cộng tác viên|btv|ban biên tập)$", re.I)


@dataclass
class Signature:
    authors: list[Author]
    lines: int  # how many trailing lines the signature (and source lines) took


def is_account(name: str) -> bool:
    folded = fold(name)
    return bool(ACCOUNT_WORDS.search(folded)) or "admin" in folded.replace(" ", "")


def looks_like_name(text: str, max_words: int = 8) -> bool:
    """Short, capitalised, no digits or sentence punctuation: a person or an organisation."""
    words = text.split()
    if not 1 <= len(words) <= max_words or not 2 <= len(text) <= 80 or any(ch.isdigit() for ch in text):
        return False
    if len(words) == 1 and len(text) < 3 or NOT_A_NAME.match(text):
        return False
    if not all(NAME_TOKEN.match(w) for w in words):
        return False
    capitals = sum(w[0].isupper() for w in words)
    return words[0][0].isupper() and capitals >= 0.6 * len(words)


def has_title(text: str) -> bool:
    return bool(TITLE_WORDS.search(text.lower()))


def is_role_line(text: str) -> bool:
    """A title ("UVBTV, Trưởng Ban Dân vận Thị ủy") or a unit ("Văn phòng Sở …") line."""
    low = text.lower().strip()
    return (has_title(low) or bool(UNIT_START.match(low))) and len(text.split()) <= SIGNATURE_MAX[1] + 4


def names_from(raw: str) -> list[Author]:
    """Authors in one byline text: prefixes and "(tổng hợp)" stripped, "A - B" split, accounts dropped."""
    text = SUFFIX.sub("", PREFIX.sub("", raw)).strip()
    authors = []
    for part in SPLIT.split(text):
        name = SUFFIX.sub("", part).strip()
        if looks_like_name(name) and not is_account(name) and not SOURCE.match(name):
            authors.append(Author(name=name, nameRaw=raw.strip()))
    return authors


def byline_authors(raw: str) -> list[Author]:
    """Names in a byline element; stock "Bởi <user>"/"By <user>" metadata is the CMS account, never an author."""
    if BARE_PREFIX.match(raw):
        return []
    return names_from(raw)


def trailing_signature(lines: list[Line]) -> Signature:
    """Read the signature block at the end of the body, from the last line upwards."""
    authors: list[Author] = []
    taken, role = 0, None
    for line in reversed(lines[-6:]):
        kind = _trailer_kind(line, is_last=taken == 0)
        if kind is None:
            break
        taken += 1
        if kind == "role":
            role = line.text
        elif kind == "name":
            found = names_from(line.text)
            if role and len(found) == 1:
                found[0].role = role
            authors[:0] = found
            role = None
    if role:  # no name above it: a unit line signs as an organisation; a title line was body text
        if has_title(role) or not looks_like_name(role, max_words=10):
            taken -= 1
        else:
            authors[:0] = [Author(name=role, nameRaw=role)]
    return Signature(authors, taken)


def _trailer_kind(line: Line, is_last: bool) -> str | None:
    text = line.text
    if len(text) > SIGNATURE_MAX[0] or len(text.split()) > SIGNATURE_MAX[1] + 4:
        return None
    marked = line.right or line.emphasis >= 0.8 or bool(PREFIX.match(text))
    if SOURCE.match(text) and len(text) <= 80 and (marked or is_last):
        return "source"
    if is_last and READ_MORE.match(text) and _links_elsewhere(line):
        return "source"
    if not marked:
        return None
    if is_role_line(text) and not PREFIX.match(text):
        return "role"
    stripped = SUFFIX.sub("", PREFIX.sub("", text))
    if any(looks_like_name(part.strip()) for part in SPLIT.split(stripped) if part.strip()):
        return "name"
    return None


def _links_elsewhere(line: Line) -> bool:
    """The line links a page (the source), not an attached document ("xem tại đây" → a PDF is body text)."""
    links = [a.get("href", "") for a in line.element.iter("a")] if line.element is not None else []
    return bool(links) and not any(is_document_url(href) for href in links)
