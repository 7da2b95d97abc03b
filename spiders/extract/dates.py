"""Find the publication date in a short piece of portal text.

The input is the text of a page's date element or a line near the title, e.g.
``Ngày đăng 21/06/2013 | 12:00 AM`` or ``Thứ 4, 20/02/2019 | 08:53 GMT+7``.
A regex fast path handles the common numeric, ``ngày D tháng M năm Y``, ISO and
English month-name forms; dateparser is only a fallback because it is ~500x slower
and, left to itself, reads DMY dates as MDY and phone numbers as timestamps
(measurements: docs VIETNAMESE.md section 1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["ParsedDate", "parse_date", "to_iso"]

MAX_SCAN = 300  # a date element is short; capping keeps huge inputs cheap
MIN_YEAR = 1990  # no Vietnamese portal published anything earlier


@dataclass(frozen=True)
class ParsedDate:
    value: datetime  # timezone-aware, expressed in the portal's timezone
    raw: str  # the date text as seen, labels and decorations left out


# --- regex fast path ---------------------------------------------------------------
# Every pattern is: [time before] date [time after] [zone]. Each is compiled separately
# so that the same group names can be reused.
_AMPM = r"AM|PM|SA|CH|sáng|chiều|tối"  # SA/CH = sáng/chiều, the Vietnamese AM/PM
_PM = {"pm", "ch", "chiều", "tối"}
_AM = {"am", "sa", "sáng"}
_PRE = (  # "15:55 | 10/07/2026", "Đăng lúc 20:53 20/02/2019", "08:53 CH, 20/02/2019"
    r"(?:(?<![\d:])(?P<H1>\d{1,2})[:hg](?P<M1>\d{2})(?::(?P<S1>\d{2}))?(?!\d)"
    rf"(?:\s*(?P<ap1>{_AMPM})\b)?\s*(?:[,|\-–]\s*)?(?:ngày\s+)?)?"
)
_POST = (  # "20/02/2019 08:53 PM", "| 12:00 AM", "- 8h53", ", lúc 08g53", ISO "T20:53:00.000"
    r"(?:(?:T|\s*(?:[,|\-–]\s*)?(?:(?:lúc|at)\s+)?)"
    r"(?P<H2>\d{1,2})[:hg](?P<M2>\d{2})(?::(?P<S2>\d{2})(?:\.\d+)?)?(?!\d)"
    rf"(?:\s*(?P<ap2>{_AMPM})\b)?)?"
)
_ZONE = (  # ISO offsets only count when glued to a time, so "2019-2020" is no offset
    r"(?(H2)(?P<z>Z\b|[+-]\d{2}(?::?\d{2})?(?!\d))?)"
    r"(?:\s*(?P<lp>\()?\s*(?P<gmt>GMT|UTC)\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?)?\s*(?(lp)\)))?"
)
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH_NUM = {m: i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_CORES = {
    "num": r"(?<!\d)(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d)",
    "ymd": r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)",
    "vi": (r"(?:ngày\s+)?(?<!\d)(?P<d>\d{1,2})\s+(?:tháng|thg)\s+(?P<m>\d{1,2})"
           r"(?:\s*,\s*|\s+năm\s+|\s+|/)(?P<y>\d{4})(?!\d)"),
    "en_md": rf"\b(?P<mon>{_MONTHS})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)",
    "en_dm": rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTHS})\b\.?,?\s+(?P<y>\d{{4}})(?!\d)",
}
_PATTERNS = [(kind, re.compile(_PRE + core + _POST + _ZONE, re.I)) for kind, core in _CORES.items()]

# --- dateparser fallback -----------------------------------------------------------
_LABEL = re.compile(
    r"^\W*(?:(?:ngày\s+)?(?:đăng(?:\s+tải)?|cập\s+nhật|xuất\s+bản|ban\s+hành)(?:\s+(?:lúc|ngày|vào))?"
    r"|thời\s+gian(?:\s+đăng)?|publish(?:ed)?(?:\s+date|\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?"
    r"|last\s+modified|date)\b\W*", re.I)
_TAIL = re.compile(r"\s*[|(]?\s*(?:lượt\s+(?:xem|đọc)|số\s+lần\s+xem|views?(?:\s+count)?)\b.*$", re.I)
# Relative phrases are not publication dates: "2 giờ trước" would become "now - 2h".
_RELATIVE = re.compile(r"trước|vừa\s+xong|hôm\s+(?:nay|qua|kia)|ngày\s+mai|năm\s+nay|\bago\b"
                       r"|yesterday|today|tomorrow|\bnow\b", re.I)
# dateparser reads almost anything (phone numbers, "85,5%"), so only call it on text
# that at least has a 4-digit year or a month name.
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_MONTH_WORD = re.compile(rf"\b(?:{_MONTHS})\b|\bthg\b|tháng\s+(?:giêng|một|hai|ba|tư|bốn|năm|sáu"
                         r"|bảy|tám|chín|mười|chạp)\b", re.I)
_AM_WORD = re.compile(r"\b(?:sáng|SA)\b", re.I)  # dateparser knows neither sáng nor chiều
_PM_WORD = re.compile(r"\b(?:chiều|tối|CH)\b", re.I)


@lru_cache(maxsize=None)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


@lru_cache(maxsize=None)
def _dateparser(tz: str, date_order: str):
    """One DateDataParser per (tz, order): building one costs far more than a parse."""
    from dateparser.date import DateDataParser  # lazy: the import alone takes ~60 ms

    return DateDataParser(languages=["vi", "en"], settings={
        "DATE_ORDER": date_order,  # must be explicit, "en" would otherwise impose MDY
        "TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first"})


def _clock(h, mi, s, ap) -> tuple[int, int, int]:
    hour, ap = int(h), (ap or "").lower()
    if ap in _PM and hour < 12:
        hour += 12
    elif ap in _AM and hour == 12:  # 12:05 AM / 12:05 SA is five past midnight
        hour = 0
    return hour, int(mi), int(s or 0)


def _offset(m: re.Match) -> timezone | None:
    """The offset printed next to the time ("Z", "+07:00", "GMT+7"), or None if none is."""
    text = m["z"] or m["off"] or ("Z" if m["gmt"] else None)  # a bare "GMT" means +00:00
    if not text:
        return None
    if text.upper() == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def _ymd(kind: str, m: re.Match, date_order: str, now: datetime) -> tuple[int, int, int] | None:
    if kind == "num":
        if len(m["y"]) == 2 and m["sep"] != "/":
            return None  # "1.10.12" is a version number, not a date
        first, second = int(m["a"]), int(m["b"])
        day, month = (second, first) if date_order == "MDY" else (first, second)
        if month > 12 >= day:  # "2/20/19" on a DMY site can only be 20 February
            day, month = month, day
        year = int(m["y"])
        if year < 100:  # two-digit year: this century unless that lands in the future
            year += 2000 if 2000 + year <= now.year + 1 else 1900
        return year, month, day
    month = _MONTH_NUM[m["mon"][:3].lower()] if "mon" in m.re.groupindex else int(m["m"])
    return int(m["y"]), month, int(m["d"])


def _from_match(kind: str, m: re.Match, zone: ZoneInfo, order: str, now: datetime) -> datetime | None:
    ymd = _ymd(kind, m, order, now)
    if ymd is None:
        return None
    try:
        year, month, day = ymd
        if m["H1"]:
            clock = _clock(m["H1"], m["M1"], m["S1"], m["ap1"])
        elif m["H2"]:
            clock = _clock(m["H2"], m["M2"], m["S2"], m["ap2"])
        else:
            clock = (0, 0, 0)
        offset = _offset(m)
        value = datetime(year, month, day, *clock, tzinfo=offset or zone)
        return value.astimezone(zone) if offset else value
    except (ValueError, OverflowError):  # 31/02/2019, 25:00, GMT+99, year 9999: next match
        return None


def _regex_path(text: str, zone: ZoneInfo, order: str, now: datetime) -> ParsedDate | None:
    best: tuple[int, ParsedDate] | None = None
    for kind, rx in _PATTERNS:
        for m in rx.finditer(text):
            if best and m.start() >= best[0]:
                break  # only the leftmost date in the text matters
            value = _from_match(kind, m, zone, order, now)
            if value and _plausible(value, now):
                best = (m.start(), ParsedDate(value, m.group(0).strip()))
                break
    return best[1] if best else None


def _fallback(text: str, tz: str, order: str, now: datetime) -> ParsedDate | None:
    if _RELATIVE.search(text) or not (_YEAR.search(text) or _MONTH_WORD.search(text)):
        return None
    raw = _TAIL.sub("", _LABEL.sub("", text)).strip(" ()[]|,-–:")
    if not raw:
        return None
    cleaned = _PM_WORD.sub("PM", _AM_WORD.sub("AM", raw))
    try:
        data = _dateparser(tz, order).get_date_data(cleaned)
        # "Tháng 2/2019" or "năm 2019" would get an invented day: not a publication date.
        if data.date_obj is None or data.period not in ("day", "time"):
            return None
        value = data.date_obj.astimezone(_zone(tz))
    except Exception:  # dateparser has raised on odd input before; never let it escape
        return None
    return ParsedDate(value, raw) if _plausible(value, now) else None


def _plausible(value: datetime, now: datetime) -> bool:
    return value.year >= MIN_YEAR and value <= now + timedelta(days=1)


def parse_date(text: str, tz: str = "Asia/Ho_Chi_Minh", date_order: str = "DMY",
               now: datetime | None = None) -> ParsedDate | None:
    """Return the first plausible date in ``text`` (aware, in ``tz``), or None. Never raises on text."""
    if not text or not isinstance(text, str):
        return None
    text = " ".join(unicodedata.normalize("NFC", text[: MAX_SCAN * 4]).split())[:MAX_SCAN]
    if not text:
        return None
    zone, order = _zone(tz), date_order.upper()
    now = now or datetime.now(zone)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    return _regex_path(text, zone, order, now) or _fallback(text, tz, order, now)


def to_iso(value: datetime) -> str:
    """ISO 8601 with seconds and offset: ``2019-02-20T20:53:00+07:00``."""
    return value.isoformat(timespec="seconds")
