"""Rules every page gets, whatever its platform: hidden text, chrome, generic article markup.

Sources: docs/PLATFORMS.md §2.3-2.4 (hidden accessibility classes, action bars) and what
Vietnamese portal templates print around articles (share bars, counters, related lists).
"""

from . import Rules

HIDDEN = (
    ".hide-accessible", ".helper-hidden-accessible", ".aui-helper-hidden-accessible", ".sr-only",
    ".wpthemeAltText", ".wpthemeAccess", ".lotusAltText", ".visually-hidden", ".screen-reader-text",
    "[aria-hidden='true']", "[hidden]", "[style*='display:none']", "[style*='display: none']",
)
SKIP_LINKS = (
    "a#skip-to-content", "nav.quick-access-nav", "a[href^='#skipportlet']", "a[name^='skipportlet']",
    "a[href='#main-content']",
)
NOT_TEXT = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "map",
    "select", "option", "button", "input", "textarea", "head",
)
CHROME = (
    "#banner", "#navigation", "#footer", "#header", ".dockbar", ".control-menu", "#controls",
    "nav", "[role='navigation']", "[role='banner']", "[role='contentinfo']", "[role='search']",
)
ACTIONS = (
    ".asset-actions", ".lfr-meta-actions", ".icons-container", ".user-actions", ".print-action",
    ".export-actions", ".locale-actions", ".asset-user-actions", ".taglib-social-bookmarks",
    ".asset-ratings", ".taglib-ratings", ".taglib-ratings-wrapper", ".asset-flag", ".taglib-discussion",
    ".lfr-discussion", ".asset-links", ".entry-links", ".subscribe-action", ".mailto-action",
    ".asset-control-detail", ".taglib-page-iterator", ".lfr-pagination", ".pagination-bar",
    ".pagination", ".pager", ".paging", ".separator", ".final-separator", ".addthis_toolbox",
    ".share", ".share-bar", ".social-share", ".sharing", ".fb-like", ".zalo-share-button",
    ".font-size", ".text-size", ".change-font", ".view-count", ".view-count-info", ".luot-xem",
    ".tools", ".article-tools", ".news-tools", ".cong-cu", ".phan-trang",
)
# Lists of other articles printed beside or under the article; their dates and titles must never be
# taken for the article's own.
RELATED = (
    ".related_asset", ".related", ".related-news", ".tin-lien-quan", ".tinlienquan", ".other-news",
    ".tin-khac", ".same-category", ".relate-news",
)

COMMON = Rules(
    platform="generic",
    noise=NOT_TEXT + HIDDEN + SKIP_LINKS + CHROME + ACTIONS + RELATED,
    portlets=("article", "[itemtype*='Article']", "main", "[role='main']"),
    portlet_titles=(),
    body=(
        "[itemprop='articleBody']", ".article-body", ".article-content", ".content-detail",
        ".news-content", ".detail-content", ".entry-content", ".post-content", "#contentnews",
        # Vietnamese vendor themes name the text block in Vietnamese ("nội dung", "chi tiết").
        "[class*='noidung'], [class*='noi-dung'], [class*='noi_dung']", "[class*='chitiet'], [class*='chi-tiet']",
        "[class*='content-detail'], [class*='detail-content'], [class*='news-detail']",
        "article", "main",
    ),
    headline=(
        "[itemprop='headline']", ".article-title", ".news-title", ".title-detail", ".detail-title",
        ".title-news", ".entry-title", ".post-title", "article h1", "h1.title", "h1",
        "[class*='tieude'], [class*='tieu-de'], [class*='title'], [class*='Title']",
    ),
    date=(
        "[itemprop='datePublished'] @content", "[itemprop='datePublished'] @datetime",
        "[itemprop='datePublished']", "time[datetime] @datetime", ".publish-date", ".published",
        ".date-publish", ".ngay-dang", ".post-date", ".entry-date", ".article-date", ".news-date",
        ".detail-date", ".date", ".time", "[class*='date']:not(.date-info)", "[class*='time']", "[class*='Date']",
        "[class*='Time']",
        ".date-info",
    ),
    byline=(
        "[itemprop='author']", "[rel='author']", ".author", ".article-author", ".news-author",
        ".tac-gia", ".byline",
    ),
    description=(
        "[itemprop='description']", ".sapo", ".article-summary", ".summary", ".lead", ".text-summary",
        ".chapeau", ".tom-tat",
    ),
    breadcrumbs=(".breadcrumb", "#breadcrumbs", "[itemtype*='BreadcrumbList']", ".breadcrumbs"),
    list_pagers=(".taglib-page-iterator", ".lfr-pagination", ".pagination-bar", ".pagination", ".pager",
                 ".paging"),
)

# Text of a whole line that is page chrome, never article content (compared accent- and case-folded,
# spaces removed, so "Skip portletPortlet Menu" and "Skip portlet Portlet Menu" both match).
NOISE_LINES = (
    "skip portlet", "portlet menu", "display portlet menu", "component action menu", "skip to content",
    "skip navigation links", "truy cập nội dung luôn", "đầu trang", "về đầu trang", "lên đầu trang",
    "quay lại", "trở về", "chuyển tới trang đầy đủ", "lựa chọn", "in trang", "in bài viết", "in bài",
    "gửi email", "gửi mail", "gửi bài viết", "gửi bài", "email", "print", "back", "return to full page", "options",
    "xuất bản thông tin", "hiển thị bài viết tin tức", "chia sẻ", "share", "bình luận", "phản hồi",
    "bạn chưa có đủ quyền truy nhập portlet này", "you do not have the roles required to access this portlet",
    "a a a", "a- a a+", "a+ a-", "cỡ chữ", "font size", "top", "lên đầu", "in", "xem thêm",
)
# A line that starts with one of these is a counter or tool bar, not content.
NOISE_PREFIXES = (
    "lượt xem", "số lượt xem", "view count", "views:", "lượt đọc", "chia sẻ:", "share:", "tags:", "từ khóa:",
    "gửi email", "in bài viết", "bản in", "cỡ chữ",
)
# Headings that open a list of other articles: the heading and the list after it are dropped.
RELATED_HEADINGS = (
    "các tin khác", "tin khác", "tin liên quan", "bài liên quan", "các bài liên quan", "tin cùng chuyên mục",
    "tin bài khác", "các tin đã đưa", "xem thêm", "other news", "related news", "related articles",
    "related assets", "more news", "tin mới hơn", "tin cũ hơn", "các tin cũ hơn", "các tin mới hơn",
)
# Pager glyph lines: "<<  <  1  2  >  >>", "« ‹ 1 2 3 › »", "Trước 1 2 Sau".
PAGER_LINE = r"^(?:[\s<>«»‹›|.…]|\d{1,3}\b|trang\b|trước\b|sau\b|tiếp\b|first\b|previous\b|next\b|last\b|đầu\b|cuối\b)+$"
