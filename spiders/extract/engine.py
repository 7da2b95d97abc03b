"""One portal page in, one Article (or NotAnArticle) out.

The cascade: detect the platform → delete noise → find the article body by the
platform's rules → take title, date and byline from the *article's own portlet* (never
from page banners) → clean the body's lines → read the signature at its end. Page
metadata (Open Graph, JSON-LD, <title>) only fills what the page's own elements lack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from . import authors as au
from .article import Article, NotAnArticle
from .blocks import Line, element_lines, text_of
from .clean import drop, drop_all, drop_related_lists, is_noise_line, is_related_heading, squash, take_portlet_titles
from .dates import ParsedDate, parse_date, to_iso
from .detect import detect_platform
from .encoding import decode_html, fix_legacy_fonts
from .media import absolute, find_attachments, find_images, is_attachment_line, is_document_url
from .meta import PageMeta, read_meta
from .rules import CompiledRules, rules_for
from .sanitize import body_html
from .text import is_vietnamese, nfc, repair_entity_debris

MIN_BODY_CHARS = 20
DATE_LINE_CHARS = 60  # a line that only dates the article is short
LISTING_LINKS = 8
TEASER_ITEMS = 4
# A shorter run of item blocks (a new section, a list's last page) is a list only when its items hold nearly all
# the main text: an article's "related articles" box of two or three links is a small part of the article.
SHORT_LIST_ITEMS = 2
SHORT_LIST_SHARE = 0.8
INLINE_TAGS = ("p", "span", "a", "strong", "b", "em", "i", "font")
TEASER_LINE_CHARS = 200  # "Title (17/05/2019)" or a date line under a teaser; prose paragraphs are longer  # a page without an article but with this many title links is a list of articles
HEADLINE_CHARS = (6, 300)
# Paths and parameters of article detail views; a page at any other URL that shows one full
# text beside a list pager is a section page in "full content" list mode.
ARTICLE_PATH = re.compile(r"/-/|/w/|view_content|/content/|asset_publisher|/wps/wcm/connect/|[/_-]\d{4,}[-._/]", re.I)
ARTICLE_QUERY = re.compile(r"articleId=|assetEntryId=|urile=wcm", re.I)
LIST_PAGE_PARAM = re.compile(r"[?&;](?:[\w]*_cur|cur|page|pageNo|p|trang)=\d+", re.I)


@dataclass(frozen=True)
class Options:
    """Per-portal hints from the registry; every field has a sensible default."""

    timezone: str = "Asia/Ho_Chi_Minh"
    date_order: str = "DMY"
    platform: str | None = None
    slug: str | None = None
    language: str | None = None
    rules: tuple = ()  # the portal's own rule lists, tried before the platform's: ((field, (css, …)), …)


@dataclass
class Found:
    value: object
    rule: str
    element: object = None


def extract_article(html: str | bytes, url: str | None = None, portal: Options | None = None) -> Article | NotAnArticle:
    """Extract the article of one page. Pure: no network, no Scrapy."""
    opts = portal or Options()
    text = decode_html(html).text if isinstance(html, (bytes, bytearray)) else nfc(html)
    root = _parse(text)
    if root is None:
        return NotAnArticle("empty page: no text", url)
    platform = opts.platform or detect_platform(text)
    return _Extraction(root, url, platform, opts).run()


def _parse(text: str):
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str input that declares an encoding
    if not text.strip():
        return None
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None
    body = root.find("body")
    return root if body is not None and (text_of(body) or body.find(".//img") is not None) else None


class _Extraction:
    """State of one extraction; each step is a short method so the cascade reads top-down."""

    def __init__(self, root, url: str | None, platform: str, opts: Options):
        self.root, self.url, self.platform, self.opts = root, url, platform, opts
        self.rules: CompiledRules = rules_for(platform, opts.rules).compiled
        self.sources: dict[str, str] = {}
        self._portlets: set | None = None
        self.detail_rules = {cand.rule for cand in self.rules.detail}

    def run(self) -> Article | NotAnArticle:
        self.meta: PageMeta = read_meta(self.root)
        fix_legacy_fonts(self.root)
        crumbs = self._breadcrumbs()
        paged_portlets = self._portlets_with_list_pagers()
        drop_all(self.root, self.rules.noise_all)
        self.sections = {squash(t) for t in take_portlet_titles(self.root, self.rules.portlet_titles_all)}
        body = self._body()
        if body is None:
            return self._not("no article text found")
        scope = self._scope(body.element)
        drop_related_lists(scope)  # before title and date: related items carry titles and dates too
        if scope in paged_portlets and not self._is_article_url():
            return self._not("listing: a full-content list page with a pager")
        if _is_link_list(body.element):
            return self._not("listing: the main content is a list of links")
        if _is_dated_teaser_list(body.element) or _is_repeated_teaser_list(body.element):
            return self._not("listing: teasers linking to other pages")
        headline = self._headline(scope, body.element)
        date = self._date(scope, headline, body.element)
        if headline is None:
            return self._not("no headline found")
        if date is None and body.rule not in self.detail_rules:
            links = len(_title_links(self.root))
            kind = f"a listing or home page ({links} article links)" if links >= LISTING_LINKS else "a static page"
            return self._not(f"no publication date: {kind}, not an article")
        return self._article(body, scope, headline, date, crumbs)

    # -- page-level facts ---------------------------------------------------------------

    def _not(self, reason: str) -> NotAnArticle:
        return NotAnArticle(reason, self.url, self.platform)

    def _is_article_url(self) -> bool:
        if not self.url:
            return False
        parts = urlsplit(self.url)
        return bool(ARTICLE_PATH.search(parts.path) or ARTICLE_QUERY.search(parts.query))

    def _breadcrumbs(self) -> list[dict]:
        for cand in self.rules.breadcrumbs:
            for el in cand.select(self.root):
                items = [{"name": text_of(a), "url": absolute(a.get("href"), self.url)} for a in el.iter("a") if text_of(a)]
                if items:
                    return items
        return []

    def _portlets_with_list_pagers(self) -> set:
        """Portlets holding a pager whose links page a list (``_cur=2``), recorded before cleaning deletes pagers."""
        pagers = self.rules.list_pagers_all(self.root) if self.rules.list_pagers_all is not None else []
        paged = set()
        for pager in pagers:
            if any(LIST_PAGE_PARAM.search(a.get("href", "")) for a in pager.iter("a")):
                paged.add(self._scope(pager))
        return paged

    def _scope(self, el):
        """The article's portlet: title, date and byline are looked for here and nowhere else."""
        if self._portlets is None:
            found = self.rules.portlets_all(self.root) if self.rules.portlets_all is not None else []
            self._portlets = set(found)
        return next((node for node in el.iterancestors() if node in self._portlets), self.root.find("body"))

    # -- fields -------------------------------------------------------------------------

    def _body(self) -> Found | None:
        for cand in self.rules.detail:
            found = cand.select(self.root)
            if found:
                best = max(found, key=lambda el: len(text_of(el)))
                return Found(best, cand.rule, best)
        for cand in self.rules.body + self.rules.containers:
            found = [el for el in cand.select(self.root) if _has_content(el) and not self._holds_portlets(el)]
            if found:
                best = max(found, key=lambda el: len(text_of(el)))
                return Found(best, cand.rule, best)
        return self._densest_block()

    def _holds_portlets(self, el) -> bool:
        """A block wrapping two or more portlets is the page layout, not an article's text."""
        self._scope(el)  # fills the portlet set
        return sum(1 for node in el.iterdescendants() if node in self._portlets) >= 2

    def _densest_block(self) -> Found | None:
        """Fallback for unknown themes: the block with the most paragraph text that is not link text."""
        best, best_score = None, MIN_BODY_CHARS * 10
        for el in self.root.iter("div", "td", "section", "article", "main"):
            score = sum(len(text_of(p)) for p in el.findall("p")) - sum(len(text_of(a)) for a in el.iter("a"))
            if score > best_score:
                best, best_score = el, score
        return Found(best, "fallback:densest-block", best) if best is not None else None

    def _candidates(self, scope, candidates, anchor):
        """(rule, element) pairs in the order to try them.

        Inside the article's portlet: rule order, then document order (lazily: the first usable one
        usually comes from the first rules). When no portlet holds the article (custom themes), the
        scope is the whole page: then the candidates nearest the article come first, whatever rule
        found them, so a header banner's "today" date or the site's title never wins over the ones
        printed with the article.
        """
        pairs = ((cand, el) for cand in candidates for el in cand.select(scope))
        if scope is not self.root.find("body") or anchor is None:
            return pairs
        order = {el: i for i, el in enumerate(scope.iter())}
        at = order.get(anchor, 0)
        return sorted(pairs, key=lambda pair: abs(order.get(pair[1], 0) - at))

    def _headline(self, scope, anchor) -> Found | None:
        for cand, el in self._candidates(scope, self.rules.headline, anchor):
            text = _clean_headline(el.get(cand.attr) if cand.attr else text_of(el))
            if self._usable_headline(text):
                return self._record("headline", Found(text, cand.rule, el))
        for name in ("og:title", "ld:headline", "twitter:title"):
            text = _clean_headline(self.meta.get(name) or "")
            if self._usable_headline(text):
                return self._record("headline", Found(text, f"meta:{name}"))
        text = _clean_headline(re.split(r"\s+[-|–]\s+", self.meta.title)[0])
        return self._record("headline", Found(text, "meta:title")) if self._usable_headline(text) else None

    def _usable_headline(self, text: str) -> bool:
        low, high = HEADLINE_CHARS
        return low <= len(text) <= high and not is_noise_line(text) and not is_related_heading(text)

    def _date(self, scope, headline: Found | None, anchor) -> Found | None:
        anchor = headline.element if headline and headline.element is not None else anchor
        for cand, el in self._candidates(scope, self.rules.date, anchor):
            found = self._parse_date(el.get(cand.attr) if cand.attr else text_of(el))
            if found:
                return self._record("datePublished", Found(found, cand.rule, el))
        for name in ("article:published_time", "ld:datePublished", "dc.date", "dc.date.issued", "pubdate"):
            found = self._parse_date(self.meta.get(name) or "")
            if found:
                return self._record("datePublished", Found(found, f"meta:{name}"))
        return self._date_near_headline(scope, headline)

    def _date_near_headline(self, scope, headline: Found | None) -> Found | None:
        """A date line within a few lines of the title, as custom templates print it ("(20/02/2019 08:53 PM)").

        Only a short line, or the title line itself, counts: a body paragraph that opens with
        "Ngày 16/4/2019, …" dates an event, not the article.
        """
        lines = [line.text for line in element_lines(scope)]
        start = _index_of(lines, headline.value) if headline else 0
        title = headline.value if headline else ""
        for text in lines[max(0, start - 2): start + 6]:
            if title and text.startswith(title):
                text = text[len(title):]  # "Title (20/02/2019 08:53 PM)": the date after it, never one inside it
            if len(text) > DATE_LINE_CHARS:
                continue
            found = self._parse_date(text)
            if found:
                return self._record("datePublished", Found(found, "near-headline"))
        return None

    def _parse_date(self, text: str) -> ParsedDate | None:
        return parse_date(text, tz=self.opts.timezone, date_order=self.opts.date_order) if text else None

    def _byline(self, scope) -> list:
        names = []
        for cand in self.rules.byline:
            for el in cand.select(scope):
                found = au.byline_authors(text_of(el))
                if found:
                    self.sources.setdefault("authors", cand.rule)
                names += found
        if not names and self.meta.jsonld:
            names += au.names_from(self.meta.jsonld_value("author") or "")
            if names:
                self.sources["authors"] = "meta:ld:author"
        return names

    def _description(self, scope) -> Found | None:
        for cand in self.rules.description:
            for el in cand.select(scope):
                text = _tidy(text_of(el))
                if len(text) >= MIN_BODY_CHARS:
                    return self._record("description", Found(text, cand.rule, el))
        return None

    def _record(self, name: str, found: Found | None) -> Found | None:
        if found is not None:
            self.sources[name] = found.rule
        return found

    # -- the article --------------------------------------------------------------------

    def _article(self, body: Found, scope, headline: Found, date: Found | None, crumbs: list) -> Article | NotAnArticle:
        byline = self._byline(scope)
        description = self._description(scope)
        element = body.element
        self._strip_body(element, headline, date)
        # Media first: dropping title, date and download lines below also drops their elements.
        images, attachments = find_images(element, self.url), find_attachments(element, self.url)
        lines = self._body_lines(element, headline.value, date.value if date else None)
        if description and _precedes(description.element, element):
            lines.insert(0, Line(description.value))  # the lead sits above the text block: it belongs to the body
        signature = au.trailing_signature(lines)
        if signature.authors:
            self.sources["authors"] = "signature" + (" + " + self.sources["authors"] if "authors" in self.sources else "")
        kept = lines[: len(lines) - signature.lines]
        for line in lines[len(kept):]:
            _drop_line_element(line)
        text = "\n".join(line.text for line in kept)
        if not text and not attachments and not images and body.rule not in self.detail_rules:
            return self._not("empty article body")
        self.sources["articleBody"] = body.rule
        parsed: ParsedDate | None = date.value if date else None
        return Article(
            url=self.url,
            headline=headline.value,
            datePublished=to_iso(parsed.value) if parsed else None,
            datePublishedRaw=parsed.raw if parsed else None,
            authors=_unique_authors(signature.authors + byline),
            articleBody=text,
            articleBodyHtml=body_html(element, self.url),
            description=description.value if description else None,
            breadcrumbs=crumbs,
            images=images,
            attachments=attachments,
            inLanguage=self.opts.language or _language(self.meta.lang, text),
            canonicalUrl=absolute(self.meta.canonical, self.url),
            portal=self.opts.slug,
            platform=self.platform,
            metadata={
                "dateDownloaded": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "fieldSources": dict(self.sources),
            },
        )

    def _strip_body(self, element, headline: Found, date: Found | None) -> None:
        drop_all(element, self.rules.body_noise_all)
        title, dateline = headline.element, date.element if date else None
        if title is not None and _is_inside(title, element) and squash(text_of(title)) == squash(headline.value):
            drop(title)
        if dateline is not None and _is_inside(dateline, element) and len(text_of(dateline)) <= 80:
            drop(dateline)

    def _body_lines(self, element, headline: str, date: ParsedDate | None) -> list[Line]:
        lines = []
        title_key, date_key = squash(headline), squash(date.raw) if date else ""
        raw_lines = element_lines(element)
        for position, line in enumerate(raw_lines):
            line.text = _tidy(line.text)
            key = squash(line.text)
            repeated_title = not lines and _is_title_copy(line, key, title_key) and position + 1 < len(raw_lines)
            if (
                is_noise_line(line.text)
                or (key in self.sections and len(line.text) < 80)
                or repeated_title
                or is_attachment_line(line.text, line.element)
                or (position < 6 and _is_date_line(key, title_key, date_key))
            ):
                _drop_line_element(line)
                continue
            lines.append(line)
        return lines


# -- small pure helpers ---------------------------------------------------------------------

def _has_content(el) -> bool:
    return len(text_of(el)) >= MIN_BODY_CHARS or el.find(".//a[@href]") is not None or el.find(".//img") is not None


def _title_links(el) -> list:
    """Links with title-length text to other pages (not documents): the items of a list of articles."""
    return [
        a for a in el.iter("a")
        if len(text_of(a)) >= 15 and not (a.get("href") or "#").startswith(("#", "javascript")) and not is_document_url(a.get("href"))
    ]


def _is_link_list(el) -> bool:
    links = _title_links(el)
    return len(links) >= 5 and sum(len(text_of(a)) for a in links) >= 0.5 * len(text_of(el))


def _is_dated_teaser_list(el) -> bool:
    """Three or more items each with a title link and a date: a news list, even with summaries."""
    if len(_title_links(el)) < 3:
        return False
    dated = [line for line in element_lines(el) if len(line.text) <= TEASER_LINE_CHARS and parse_date(line.text)]
    return len(dated) >= 3


def _is_repeated_teaser_list(el) -> bool:
    """Sibling blocks of one class, each with its own title link: the items of an article list when there are
    four or more, or at least two that hold nearly all of the element's text."""
    text = len(text_of(el)) or 1
    return any(len(blocks) >= TEASER_ITEMS or (len(blocks) >= SHORT_LIST_ITEMS and
                                                sum(len(text_of(b)) for b in blocks) >= SHORT_LIST_SHARE * text)
               for blocks in _teaser_blocks(el))


def _teaser_blocks(el) -> list[set]:
    """The blocks around ``el``'s title links (nearest ancestor with a class), grouped by parent and class."""
    items: dict[tuple, set] = {}
    for a in _title_links(el):
        block = next((b for b in a.iterancestors() if b.get("class") and b.tag not in INLINE_TAGS), None)
        if block is not None and block is not el and not _is_inside(el, block):
            items.setdefault((block.getparent(), block.get("class")), set()).add(block)
    return list(items.values())


def _tidy(text: str) -> str:
    return repair_entity_debris(nfc(text)).strip()


def _clean_headline(text: str) -> str:
    """One copy of the title, without a date printed after it: "T T" → "T", "T (20/02/2019 08:53 PM)" → "T"."""
    text = _tidy(" ".join((text or "").split()))
    text = re.sub(r"\s*[\(\[]\s*(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}[^)\]]*)?[\)\]]\s*$", "", text)
    half = len(text) // 2
    if len(text) % 2 == 1 and text[:half] == text[half + 1:]:
        text = text[:half]
    return text


def _is_title_copy(line: Line, key: str, title_key: str) -> bool:
    """The template printing the title again as the body's first line (a heading or a bold line)."""
    if not title_key or not key.startswith(title_key):
        return False
    marked = line.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or line.emphasis >= 0.8 or "title" in (
        line.element.get("class", "") if line.element is not None else "")
    return marked and len(key) - len(title_key) <= 25


def _is_date_line(key: str, title_key: str, date_key: str) -> bool:
    """A line that is only the date, perhaps with its label or the title before it."""
    if not date_key or date_key not in key:
        return False
    rest = key.replace(date_key, "", 1)
    if title_key and rest.startswith(title_key):
        rest = rest[len(title_key):]
    return len(rest) <= 25


def _index_of(lines: list[str], headline: str) -> int:
    key = squash(headline)
    for i, text in enumerate(lines):
        if key and key in squash(text):
            return i
    return 0


def _drop_line_element(line: Line) -> None:
    """Keep articleBodyHtml in step with articleBody: remove a dropped line's own element."""
    owner = line.element
    if owner is not None and owner.getparent() is not None and squash(text_of(owner)) == squash(line.text):
        drop(owner)


def _precedes(el, container) -> bool:
    """``el`` is outside ``container`` and comes before it in the document."""
    if el is None or _is_inside(el, container) or el is container:
        return False
    order = {node: i for i, node in enumerate(container.getroottree().iter())}
    return order.get(el, 0) < order.get(container, 0)


def _is_inside(el, container) -> bool:
    return any(a is container for a in el.iterancestors())


def _unique_authors(authors: list) -> list:
    seen, out = set(), []
    for author in authors:
        key = squash(author.name)
        if key not in seen:
            seen.add(key)
            out.append(author)
    return out


def _language(lang: str | None, text: str) -> str | None:
    """The content's language: English-UI copies of Vietnamese portals wrap Vietnamese text in lang="en-US"."""
    if is_vietnamese(text):
        return "vi"
    return lang.split("-")[0].lower() if lang else None
