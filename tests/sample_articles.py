"""A small archive for the reading commands' tests (export, stats, serve): three portals, sections,
bylines of zero to two authors, dates across month and year ends in UTC, undated articles, bodies
with newlines, quotes and commas. Stored through ``Archive.store_article``, as a crawl stores them.

Tests derive what they expect from these dicts with plain Python (``utc_month``, ``keys_where``),
never from the code under test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from archive.store import Archive
from archive.text_fold import fold


def _article(portal: str, section: str, headline: str, body: str, date: str | None, *authors: str,
             **extra: Any) -> dict[str, Any]:
    crumbs = [{"name": "Trang chủ", "url": "/"}, {"name": section, "url": "/s"}, {"name": headline, "url": None}]
    return {"url": f"https://{portal}.gov.vn/tin/{'-'.join(fold(headline).split())}", "headline": headline,
            "articleBody": body, "datePublished": date, "portal": portal, "breadcrumbs": crumbs,
            "authors": [{"name": a, "nameRaw": a, "role": None} for a in authors],
            "inLanguage": "vi", "platform": "liferay-7", **extra}


SAMPLE: dict[str, dict[str, Any]] = {
    "a": _article("donghai", "Xây dựng Đảng", "Đại hội Đảng bộ tỉnh lần thứ XV",
                  "Đảng Cộng sản Việt Nam lãnh đạo toàn diện.\nĐại hội bầu Ban Chấp hành mới.",
                  "2020-10-15T10:00:00+07:00", "Lê Văn Cường", description="Đại hội thành công tốt đẹp."),
    "b": _article("donghai", "Tin tức", "Đẩy mạnh công tác dân vận chính quyền",
                  'Hội nghị "dân vận khéo", tổ chức tại tỉnh; các đại biểu, khách mời tham dự.\n\nPhần hai.',
                  "2020-02-01T03:00:00+07:00",  # in UTC: 2020-01-31
                  "Nguyễn Văn An", "Trần Thị Bình",
                  attachments=[{"url": "https://donghai.gov.vn/files/kh.pdf", "name": "Kế hoạch"}]),
    "c": _article("quangninh", "Văn hóa - Xã hội", "Ban Dân Vận Trung ương tổng kết",
                  "Phong trào thi đua Dân Vận khéo giai đoạn 2015-2020.", "2020-01-10T08:00:00+07:00",
                  "Trần Thị Bình"),
    "d": _article("quangninh", "Tin tức", "Cập nhật dữ liệu doanh nghiệp",
                  "Hệ thống đang cập nhật dữ liệu đăng ký doanh nghiệp.",
                  "2021-01-01T05:00:00+07:00"),  # in UTC: 2020-12-31
    "e": _article("quangninh", "Tin tức", "Thông báo lịch tiếp công dân", "Lịch tiếp công dân tháng này.", None,
                  "Phạm Thị Dung"),
    "f": _article("daklak", "Văn hóa - Xã hội", "Lễ hội cà phê Buôn Ma Thuột",
                  "Lễ hội cà phê lần thứ 8; đồng bào Ê-đê gìn giữ văn hóa cồng chiêng.",
                  "2023-03-09T19:30:00+07:00", "Y Nguyên Ksơr"),
    "g": _article("daklak", "Tin tức", "Hội nghị trực tuyến về chuyển đổi số",
                  "Chuyển đổi số là động lực tăng trưởng.", "2023-03-11 08:00"),  # no offset: no UTC instant
}
IDENTITY = {key: f"sample/{key}" for key in SAMPLE}
KEY_OF = {identity: key for key, identity in IDENTITY.items()}


def fill(archive: Archive) -> None:
    for key, article in SAMPLE.items():
        archive.store_article(None, article, identity=IDENTITY[key])


def utc_instant(article: dict[str, Any]) -> datetime | None:
    """The publication instant in UTC, or None for no date or a date without an offset."""
    if not article["datePublished"]:
        return None
    value = datetime.fromisoformat(article["datePublished"])
    return value.astimezone(timezone.utc) if value.tzinfo else None


def utc_month(article: dict[str, Any]) -> str:
    instant = utc_instant(article)
    return instant.strftime("%Y-%m") if instant else "undated"


def month_counts(keys=SAMPLE) -> Counter:
    return Counter((SAMPLE[k]["portal"], utc_month(SAMPLE[k])) for k in keys)


def author_names(key: str) -> list[str]:
    return [a["name"] for a in SAMPLE[key]["authors"]]


def section(key: str) -> str:
    return SAMPLE[key]["breadcrumbs"][1]["name"]


# The filters the reading commands share, each with the predicate a reader means by it.
FILTER_CASES: list[tuple[dict[str, str], Callable[[str], bool]]] = [
    ({"portal": "quangninh"}, lambda k: SAMPLE[k]["portal"] == "quangninh"),
    ({"portal": "nowhere"}, lambda k: False),
    ({"section": "van hoa"}, lambda k: "van hoa" in fold(section(k))),
    ({"author": "TRAN THI BINH"}, lambda k: "Trần Thị Bình" in author_names(k)),
    ({"since": "2020-02-01"}, lambda k: (utc_instant(SAMPLE[k]) or datetime.min.replace(tzinfo=timezone.utc))
     >= datetime(2020, 2, 1, tzinfo=timezone.utc)),
    ({"since": "2020-01-01", "until": "2020-12-31"},
     lambda k: utc_instant(SAMPLE[k]) is not None and utc_instant(SAMPLE[k]).year == 2020),
    ({"portal": "donghai", "until": "2020-01-31"},
     lambda k: SAMPLE[k]["portal"] == "donghai" and utc_instant(SAMPLE[k]) is not None
     and utc_instant(SAMPLE[k]) < datetime(2020, 2, 1, tzinfo=timezone.utc)),
]
FILTER_IDS = ["-".join(f"{k}={v}" for k, v in options.items()) for options, _ in FILTER_CASES]


def filter_case(case_id: str) -> tuple[dict[str, str], Callable[[str], bool]]:
    return dict(zip(FILTER_IDS, FILTER_CASES))[case_id]


def keys_where(predicate: Callable[[str], bool]) -> set[str]:
    return {key for key in SAMPLE if predicate(key)}


def cli_filters(options: dict[str, str]) -> list[str]:
    return [arg for name, value in options.items() for arg in (f"--{name}", value)]
