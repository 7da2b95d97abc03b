"""What the portal's editors do between two crawls: publish new articles, amend published ones.

Generated text in the style of the bundled articles, so the extractor reads it as it reads them, and
deterministic: the n-th article of a section always has the same title, date and text.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from . import content as c

SUBJECTS = (
    "Hòa Phong đẩy mạnh ứng dụng chữ ký số trong cơ quan nhà nước",
    "Triển khai nền tảng học trực tuyến cho học sinh vùng cao",
    "Kiểm tra an toàn thông tin tại các sở, ngành và địa phương",
    "Tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng",
    "Mở rộng mạng lưới điểm phát Wi-Fi miễn phí nơi công cộng",
)
REPORTERS = ("Thanh Tùng", "Minh Hằng", "Quốc Bảo", "Lan Anh")
SIGNER = ("Trần Quốc Hưng", "Giám đốc Sở Thông tin và Truyền thông")  # WebSphere documents sign with a role
AMENDMENT = " Bài viết đã được cập nhật, bổ sung số liệu mới nhất của các cơ quan, đơn vị."


def new_article(catalog: c.Catalog, section_key: str) -> c.Item:
    """The next article of a section: a new id, dated a day after the newest article of the portal."""
    sec = c.SECTIONS[section_key]
    n = len(catalog.items[section_key]) + 1
    newest = max(item.date for item in catalog.all_items)
    title = f"{SUBJECTS[n % len(SUBJECTS)]} (đợt {n}, {sec.title.lower()})"
    reporter = REPORTERS[n % len(REPORTERS)]
    item = c.Item(section=sec, id=max(catalog.by_id) + 1, slug=c.url_title(title, keep_d=sec.platform != "liferay-6.2"),
                  title=title, date=newest + timedelta(days=1), paras=_paragraphs(sec, n), sapo=None)
    if section_key == "news":  # the home page's featured box shows the newest news with its lead and picture
        return dataclasses.replace(item, sapo=f"Sở Thông tin và Truyền thông tỉnh Hòa Phong thông tin về đợt {n} "
                                              f"của chương trình: {SUBJECTS[n % len(SUBJECTS)].lower()}.",
                                   image=(f"tin-moi-dot-{n}.png", f"Quang cảnh đợt {n} của chương trình"),
                                   sign=reporter, authors=(reporter,))
    if section_key == "documents":
        return dataclasses.replace(item, sign=SIGNER, authors=({"name": SIGNER[0], "role": SIGNER[1]},))
    if section_key == "digital":
        return dataclasses.replace(item, sign=reporter, authors=(reporter,))
    return item


def amended(item: c.Item) -> c.Item:
    """The article after an editor reworded its last paragraph: new text, a later modification time."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    if item.modified is not None and now <= item.modified:
        now = item.modified + timedelta(seconds=1)  # Last-Modified has one-second precision: always move on
    return dataclasses.replace(item, paras=item.paras[:-1] + (item.paras[-1] + AMENDMENT,), modified=now)


def _paragraphs(sec: c.Section, n: int) -> tuple[str, ...]:
    return (
        f"Theo kế hoạch, đợt {n} của chương trình được triển khai đồng loạt tại {10 + n} cơ quan, đơn vị "
        f"và {20 + 3 * n} xã, phường, thị trấn trên địa bàn tỉnh Hòa Phong.",
        f"Chuyên mục {sec.title} sẽ tiếp tục cập nhật kết quả thực hiện; các đơn vị báo cáo tiến độ về Sở "
        "Thông tin và Truyền thông trước ngày 25 hằng tháng để tổng hợp, báo cáo UBND tỉnh.",
        "Sở đề nghị các cơ quan, đơn vị phối hợp chặt chẽ, bố trí cán bộ đầu mối và bảo đảm an toàn thông tin "
        "trong suốt quá trình triển khai.",
    )
