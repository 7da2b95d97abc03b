"""The sample portal's structure: sections, articles with their URLs, and the ground truth.

One portal, "Sở Thông tin và Truyền thông tỉnh Hòa Phong", at the server root, with sections
rendered by three platforms (docs/PLATFORMS.md): two Liferay 6.2 asset publishers, one
Liferay 7 ADT list with ``/w/`` display pages, and one WebSphere Portal 8 WCM section.
Everything here is plain data and pure functions; ``site.py`` renders it.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from . import articles

PORTAL = "Sở Thông tin và Truyền thông tỉnh Hòa Phong"
GROUP_ID = 20143
PER_PAGE = 5
FEATURED_INSTANCE = "Fb2Nx6Kp9Tz4"  # the "Tin nổi bật" asset publisher in 6.2 sidebars
L7_AP = "com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_"
WPS_LIST = "/wps/portal/hoaphong/van-ban/"
WPS_DETAIL = "/wps/portal/hoaphong/van-ban/chi-tiet/"
WPS_PAGER = "WCM_Page.ZJ_K4H0P8B0LG2Q30QHV8B6R200G5"

# Pages with a behaviour of their own (see site.py).
CP1258_ID = 3201745  # served as windows-1258
FLAKY_ID = 3197241  # 500 on the first request, 200 afterwards
SLOW_ID = 46688  # answers after the server's slow_seconds
OLD_URL = "/tin-tuc/chi-tiet.aspx?id=1204"  # 301 → the DTI ranking article
OLD_URL_TARGET = 3098430
MISSING_URL = "/vi/so-do-cong"  # linked from the home page, answers 404
VANITY_DOCUMENTS = "/vi/van-ban"  # Liferay menu entry; 302 → the WebSphere section
INTRO_URL = "/gioi-thieu/en.html"  # English intro page whose relative "en/en.html" link loops


@dataclass(frozen=True)
class Section:
    key: str
    platform: str  # "liferay-6.2" | "liferay-7" | "websphere-8"
    title: str
    path: str  # the section (list) page
    instance: str  # asset publisher instance id ("" for WebSphere)


@dataclass(frozen=True)
class Item:
    """One article of the portal."""

    section: Section
    id: int
    slug: str
    title: str
    date: datetime
    paras: tuple[str, ...]
    sapo: str | None = None
    sign: object = None  # "Bài và ảnh: X", a bare name, or a (name, role) pair
    authors: tuple = ()
    image: tuple[str, str] | None = None
    files: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    modified: datetime | None = None  # when an editor last changed it (UTC); None: never since ``date``

    @property
    def path(self) -> str:
        """The canonical detail path (for WebSphere: the one the section list links)."""
        return detail_path(self)

    def doc_path(self, name: str) -> str:
        return f"/documents/{GROUP_ID}/{self.id}/{name}"


SECTIONS = {
    "news": Section("news", "liferay-6.2", "Tin tức sự kiện", "/vi/tin-tuc-su-kien", "Hp4Tn7Qw2Lx9"),
    "notices": Section("notices", "liferay-6.2", "Thông báo", "/vi/thong-bao", "Tb8Kc3Vm6Rz1"),
    "digital": Section("digital", "liferay-7", "Chuyển đổi số", "/web/hoaphong/chuyen-doi-so", "Cd5Rs9Xa1Wq3"),
    "documents": Section("documents", "websphere-8", "Văn bản chỉ đạo điều hành", WPS_LIST, ""),
}


def url_title(text: str, keep_d: bool) -> str:
    """Liferay's lossy urlTitle: accents dropped; 6.x also drops "đ" ("Điện tử" → "ien-tu")."""
    text = text.lower().replace("đ", "d" if keep_d else "")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def wps_state(slug: str, variant: str) -> str:
    """An opaque WebSphere navigational-state segment; differs per linking portlet."""
    digest = hashlib.sha256(f"{variant}:{slug}".encode()).digest() * 2
    return "Z1" + base64.urlsafe_b64encode(digest).decode().rstrip("=")[:80]


def detail_path(item: Item, variant: str = "list", lang: str = "vi") -> str:
    sec = item.section
    if sec.platform == "liferay-6.2":
        return f"/{lang}{sec.path[3:]}/-/view_content/{item.id}-{item.slug}"
    if sec.platform == "liferay-7":
        return f"/w/{item.slug}"
    return f"{WPS_DETAIL}!ut/p/z1/{wps_state(item.slug, variant)}/?urile=wcm:path:/hoaphong/van-ban/{item.slug}"


def list_path(sec: Section, page: int, explicit: bool = False) -> str:
    """The href a section's pager gives page ``page``; page 1 of the menu is the bare path unless ``explicit``."""
    if page == 1 and not explicit:
        return sec.path
    if sec.platform == "liferay-6.2":
        ns = f"_101_INSTANCE_{sec.instance}_"
        return (f"{sec.path}?p_p_id=101_INSTANCE_{sec.instance}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
                f"&p_p_col_id=column-1&p_p_col_count=2&{ns}delta={PER_PAGE}&{ns}keywords=&{ns}advancedSearch=false"
                f"&{ns}andOperator=true&p_r_p_564233524_resetCur=false&{ns}cur={page}")
    if sec.platform == "liferay-7":
        ns = f"_{L7_AP}{sec.instance}_"
        return (f"{sec.path}?p_p_id={L7_AP}{sec.instance}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
                f"&{ns}delta={PER_PAGE}&p_r_p_resetCur=false&{ns}cur={page}")
    return f"{sec.path}?1dmy&current=true&WCM_PI=1&{WPS_PAGER}={page}"


def with_redirect(path: str, back: str) -> str:
    """A 6.x asset link: the whole current URL rides along in ``redirect`` (and nests)."""
    return f"{path}?redirect={quote(back, safe='')}"


def _item(sec: Section, raw: dict) -> Item:
    slug = raw.get("slug") or url_title(raw["title"], keep_d=sec.platform != "liferay-6.2")
    return Item(
        section=sec, id=raw["id"], slug=slug, title=raw["title"],
        date=datetime.strptime(raw["date"], "%Y-%m-%d %H:%M"), paras=tuple(raw["paras"]),
        sapo=raw.get("sapo"), sign=raw.get("sign"), authors=tuple(raw.get("authors", ())),
        image=raw.get("image"), files=tuple(raw.get("files", ())),
    )


ITEMS: dict[str, list[Item]] = {
    key: [_item(SECTIONS[key], raw) for raw in data]
    for key, data in (("news", articles.NEWS), ("notices", articles.NOTICES),
                      ("digital", articles.DIGITAL), ("documents", articles.DOCUMENTS))
}
ALL_ITEMS = [item for items in ITEMS.values() for item in items]
BY_ID = {item.id: item for item in ALL_ITEMS}
BY_SLUG = {item.slug: item for item in ALL_ITEMS}


class Catalog:
    """The articles one Site serves, per section and newest first: the bundled ones until a test
    publishes or edits some (``Site.publish``, ``Site.edit``), as editors do between two crawls."""

    def __init__(self, items: dict[str, list[Item]] | None = None):
        self.items = {key: list(section_items) for key, section_items in (items or ITEMS).items()}
        self._index()

    def _index(self) -> None:
        self.all_items = [item for section_items in self.items.values() for item in section_items]
        self.by_id = {item.id: item for item in self.all_items}
        self.by_slug = {item.slug: item for item in self.all_items}

    def publish(self, item: Item) -> None:
        """A new article goes on top of its section, pushing the others one place down the pager."""
        self.items[item.section.key].insert(0, item)
        self._index()

    def replace(self, item: Item) -> None:
        """An edited article keeps its place (lists are ordered by publication date)."""
        section_items = self.items[item.section.key]
        section_items[section_items.index(self.by_id[item.id])] = item
        self._index()

    def pages(self, sec: Section) -> int:
        return -(-len(self.items[sec.key]) // PER_PAGE)

    def page_items(self, sec: Section, page: int) -> list[Item]:
        return self.items[sec.key][(page - 1) * PER_PAGE: page * PER_PAGE]

    def files_of(self) -> dict[str, tuple[Item, str]]:
        """Every served document path → (its article, its label)."""
        return {item.doc_path(name): (item, label) for item in self.all_items for name, label in item.files}

    def images_of(self) -> dict[str, Item]:
        return {item.doc_path(item.image[0]): item for item in self.all_items if item.image}


# -- ground truth --------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    path: str  # canonical detail path (server-relative)
    headline: str
    datePublished: str  # ISO 8601 with +07:00
    authors: list[dict]  # [{"name": …, "role"?: …}]
    section: str
    platform: str
    aliases: list[str]  # other full-page URLs of the same article
    attachments: list[str]
    images: list[str]
    behaviour: str | None = None  # "windows-1258" | "500-once" | "slow" | "301-target"


@dataclass(frozen=True)
class Truth:
    articles: list[Expected]
    listings: list[str]  # home and section list pages (every page of every pager)
    other_pages: list[str]  # pages that are neither (the English intro page)
    redirects: dict[str, str]  # path → Location
    not_found: list[str]


def _authors(item: Item) -> list[dict]:
    return [a if isinstance(a, dict) else {"name": a} for a in item.authors]


def _aliases(item: Item) -> list[str]:
    if item.section.platform == "liferay-6.2":
        return [detail_path(item, lang="en")]
    if item.section.platform == "websphere-8":
        return [detail_path(item, variant="box")]
    return []


def _behaviour(item: Item) -> str | None:
    return {CP1258_ID: "windows-1258", FLAKY_ID: "500-once", SLOW_ID: "slow",
            OLD_URL_TARGET: "301-target"}.get(item.id)


def truth(catalog: Catalog | None = None) -> Truth:
    """What a complete, duplicate-free crawl of the sample portal must store (and must not);
    ``catalog``: what a Site serves after articles were published or edited (default: the bundled ones)."""
    catalog = catalog or Catalog()
    expected = [
        Expected(
            path=item.path, headline=item.title, datePublished=item.date.isoformat() + "+07:00",
            authors=_authors(item), section=item.section.key, platform=item.section.platform,
            aliases=_aliases(item), attachments=[item.doc_path(name) for name, _ in item.files],
            images=[item.doc_path(item.image[0])] if item.image else [], behaviour=_behaviour(item),
        )
        for item in catalog.all_items
    ]
    listings = ["/", "/vi/trang-chu"] + [list_path(sec, n, explicit) for sec in SECTIONS.values()
                                         for n in range(1, catalog.pages(sec) + 1)
                                         for explicit in ((False, True) if n == 1 else (False,))]
    redirects = {OLD_URL: BY_ID[OLD_URL_TARGET].path, VANITY_DOCUMENTS: WPS_LIST}
    return Truth(expected, listings, [INTRO_URL], redirects, [MISSING_URL])
