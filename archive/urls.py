"""URL rules for Liferay 6.x/7.x and WebSphere Portal sites: what to fetch, what an article *is*, what to skip.

Pure functions (standard library + w3lib). Every function is total: any string in, a sensible value out.
Section numbers (§) refer to shared/docs/PLATFORMS.md.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, unquote_plus, urlsplit

from w3lib.url import canonicalize_url

# --- request_url: parameters that never change the response (§5.2 rule 3) --------------------------------------
# Portal window/column/auth state: the default render of the page is identical without them.
DROP_PARAMS = frozenset(("p_p_col_id", "p_p_col_pos", "p_p_col_count", "p_auth", "p_p_auth", "p_p_isolated",
                         "p_p_static", "p_l_reset", "p_v_l_s_g_id", "savelastpath", "doasuserid", "doasgroupid",
                         "refererplid", "jsessionid"))
# Default values of the reserved parameters (lifecycle 0 = render, state normal, mode view; §5.1).
DROP_DEFAULTS = frozenset((("p_p_lifecycle", "0"), ("p_p_state", "normal"), ("p_p_mode", "view")))
# Names ending like this are navigation breadcrumbs (redirect nests the whole list URL, §5.2 rule 6) or
# search-container noise (§4.1: resetCur, advancedSearch, andOperator). Matches 6.x `_101_`, 7.x and p_r_p_ forms.
DROP_SUFFIX = re.compile(r"(redirect|backurl|returntofullpageurl|resetcur|advancedsearch|andoperator)$")
# `_<ns>_keywords=` is noise only when empty (a non-empty one is a search, see TRAP_PARAMS).
EMPTY_DROP_SUFFIX = re.compile(r"_keywords$")
# `t=<timestamp>` is a cache buster on images and document-library files (§5.1 /image/journal, /documents/).
TIMESTAMPED_PATH = re.compile(r"^/(image|documents)/|\.(jpe?g|png|gif|webp|bmp|svg)$", re.I)
# The AP route `/content/<urlTitle>` resolves by urlTitle; `*_assetEntryId` beside it is redundant (§5.2 rule 3).
AP_TITLE_PATH = re.compile(r"/-/asset_publisher/[^/]+/[^/]+/[^/]+")
JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.I)

# --- identity: extra noise that only changes the *view* of the same content (§5.3 duplicates/print rows) ---------
VIEW_DEFAULTS = frozenset((("p_p_state", "pop_up"), ("p_p_state", "maximized"), ("p_p_state", "exclusive"),
                           ("p_p_mode", "print")))
VIEW_SUFFIX = re.compile(r"viewmode$")          # `_<ns>_viewMode=print` (6.2 asset_print.jspf, 7.x full content)
WPS_NOISE = frozenset(("1dmy", "current"))       # WebSphere dummy / navigation-highlight parameters
# Locale prefixes (§5.1 i18n servlet, prepend style 3). A bare two-letter segment is taken as a locale only for
# languages plausible on these portals, so page names such as /it or /id survive; `xx_YY` is always a locale.
LANGS = frozenset(("vi", "en", "fr", "de", "zh", "ja", "ko", "ru", "lo", "km", "th", "es", "pt"))
LOCALE = re.compile(r"^(?:([a-z]{2})(?:-[a-z]{2})?|[a-z]{2}_[a-z]{2}(?:_\w+)?)$", re.I)
SITE = r"(?P<site>/web/[^/]+)?"                   # kept: the virtual-host mapping is unknown (§5.1, §5.2 rule 2)
# Article routes: (regex on the locale-free path, key template). First match wins; order matters (id before title).
ARTICLE_ROUTES = (
    # Custom sotttt-style route; the slug may be truncated or differ, the id is stable (sites/README.md).
    (re.compile(r"/-/view_content/(?:[a-z_]+/)?(?P<id>\d+)(?=[-./]|$)"), "/view_content/{id}"),
    # AP `/{instanceId}/{type}/id/{assetEntryId}` (§5.1 routes XML).
    (re.compile(r"/-/asset_publisher/[^/]+/[^/]+/id/(?P<id>\d+)(?=/|$)"), "/asset/{id}"),
    # AP `/{instanceId}/{type}/{urlTitle}[/{groupId}][/{state}]`: instance and page path ignored (§5.2 rule 4).
    (re.compile(rf"^{SITE}(?:/.*?)?/-/asset_publisher/[^/]+/(?P<type>[^/]+)/(?P<title>[^/]+)"),
     "{site}/asset_publisher/{type}/{title}"),
    # Web Content Display `/{p_p_id}/{groupId}/{articleId}[/{template}]` (§5.1).
    (re.compile(r"/-/journal_content/[^/]+/(?P<group>\d+)/(?P<article>[^/]+)"), "/journal/{group}/{article}"),
    # Display pages: `<site>/-/<urlTitle>` (6.1+) and `<site>/w/<urlTitle>` (7.3+), one segment (§5.1).
    (re.compile(rf"^{SITE}(?:/.*?)?/-/(?P<title>[^/]+)/?$"), "{site}/display/{title}"),
    (re.compile(rf"^{SITE}/w/(?P<title>[^/]+)/?$"), "{site}/display/{title}"),
)
WCM_URILE = re.compile(r"^wcm:path:/*(?P<path>.+)$", re.I)           # WebSphere ?urile=wcm:path:<lib>/<path>
WCM_CONNECT = re.compile(r"^/wps/wcm/(?:my)?connect/+(?P<path>.+)$", re.I)
WPS_STATE = re.compile(r"/!ut/.*$")                                  # /wps/portal/<page>/!ut/p/z1/<state>/dz/d5/...

# --- trap_reason (§5.3 table; DESIGN.md "URL identity") -------------------------------------------------------------
MAX_URL, MAX_QUERY, MAX_PARAMS, MAX_DEPTH = 2000, 1000, 25, 50
TRAP_PATHS = (  # (regex on the lowercased, locale-free path, reason)
    (re.compile(r"^/c/portal/(login|logout)"), "login/logout"),
    (re.compile(r"^/c/portal/update_language"), "language switch"),
    (re.compile(r"^/c/portal/layout"), "layout alias"),              # duplicate of a friendly URL
    (re.compile(r"^/(group|user|wps/myportal)(/|$)"), "private page"),
    (re.compile(r"^/(api/jsonws|o/api)(/|$)"), "API"),
    (re.compile(r"/export_article"), "export"),
    (re.compile(r"^/c/.*(discussion|ratings?|flags|subscri)"), "comment/rating action"),
    (re.compile(r"(^|/)search/?$"), "search"),                       # 7.x `/search?q=`
)
ACTION_NAMES = r"(struts_action|javax\.portlet\.action|mvcrendercommandname|mvcpath|jsppage)$"
TRAP_PARAMS = (  # (regex on lowercased name, regex on lowercased value or None, reason)
    (r"^p_p_lifecycle$", r"^1$", "action URL"),
    (r"^p_auth$", None, "action URL"),
    (r"^_8_(month|day|year|tabs1)$|calendar", None, "calendar"),     # 6.0/6.1 Calendar: infinite dates
    (r"^p_p_id$", r"calendar", "calendar"),
    (ACTION_NAMES, r"calendar", "calendar"),
    (r"^p_p_id$", r"^3$|search", "search"),
    (r"^_3_", None, "search"),
    (r"_keywords$", r".", "search"),                                 # non-empty keywords = a search result
    (r"^p_r_p_(-?\d+_)?(tag|tags|categoryid)$|^_(122|141)_", None, "tag/category filter"),
    (r"orderby(col|type)$", None, "sort parameter"),
    (r"targetextension$", None, "export"),
    (ACTION_NAMES, r"export_article", "export"),
    (ACTION_NAMES, r"discussion|rate_|ratings|flag|subscri", "comment/rating action"),
    (r"^p_p_id$", r"^(58|82)$|login", "login/logout"),
    (r"languageid$", None, "language switch"),
    (r"^p_p_state$", r"^exclusive$", "portlet fragment view"),        # §6.3: the bare portlet of a page already fetched
)
TRAP_PARAMS = tuple((re.compile(n), v and re.compile(v), why) for n, v, why in TRAP_PARAMS)
RSS = re.compile(r"rss", re.I)       # resource URLs that are feeds: /rss routes, struts /rss, getRSS (§6.2)

# --- page_kind_hint -------------------------------------------------------------------------------------------------
DOCUMENT = re.compile(r"\.(pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)$"
                      r"|/documents/\d+/|/c/document_library/get_file")
FEED = re.compile(r"/rss/?$|\.(xml|rss|atom)$|/feed/?$")
PRINT_PATH = re.compile(r"/-/view_content/pop_up/|/print/?$")
LIST_PARAM = re.compile(r"^(_.+_)?(cur|delta|page)$")


def _pairs(query: str) -> list[tuple[str, str, str]]:
    """(raw pair, lowercased decoded name, decoded value) for each `&`-separated parameter."""
    out = []
    for raw in query.split("&"):
        if raw:
            name, _, value = raw.partition("=")
            out.append((raw, unquote_plus(name).lower(), unquote_plus(value)))
    return out


def _split(url: str):
    """(scheme, netloc, path, query) of an absolute http(s) URL with a normalised host, else None."""
    try:
        p = urlsplit(url.strip())
        if p.scheme not in ("http", "https") or not p.hostname:
            return None
        host = f"[{p.hostname}]" if ":" in p.hostname else p.hostname
        port = p.port
    except ValueError:
        return None
    if port and port != {"http": 80, "https": 443}[p.scheme]:
        host = f"{host}:{port}"
    return p.scheme, host, p.path or "/", p.query


def _keep(query: str, drop) -> str:
    return "&".join(raw for raw, name, value in _pairs(query) if not drop(name, value))


def _request_drop(path: str):
    def drop(name: str, value: str) -> bool:
        return (name in DROP_PARAMS or (name, value.lower()) in DROP_DEFAULTS or bool(DROP_SUFFIX.search(name))
                or (not value and bool(EMPTY_DROP_SUFFIX.search(name)))
                or (name == "t" and bool(TIMESTAMPED_PATH.search(path)))
                or (name.endswith("_assetentryid") and bool(AP_TITLE_PATH.search(path))))
    return drop


def request_url(url: str) -> str:
    """The URL to fetch: one string for every spelling of one request (see module rules above)."""
    parts = _split(url)
    if parts is None:
        return url.strip()
    scheme, host, path, query = parts
    path = JSESSIONID.sub("", path)
    query = _keep(query, _request_drop(path))
    joined = f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
    try:
        return canonicalize_url(joined)
    except (ValueError, UnicodeError):
        return joined


def _strip_locale(path: str) -> str:
    segments = path.split("/")
    while len(segments) > 1 and _is_locale(segments[1]):
        del segments[1]
    return "/".join(segments) or "/"


def _is_locale(segment: str) -> bool:
    m = LOCALE.match(segment)
    return bool(m) and (m.group(1) is None or m.group(1).lower() in LANGS)


def _article_key(path: str, query: str) -> str | None:
    """The host-relative identity of a known article route, or None."""
    for _, name, value in _pairs(query):
        m = WCM_URILE.match(value) if name == "urile" else None
        if m:
            return _wcm_key(m.group("path"))
    m = WCM_CONNECT.match(path)
    if m:
        return _wcm_key(m.group("path"))
    for pattern, template in ARTICLE_ROUTES:
        m = pattern.search(path)
        if m:
            return template.format(**{k: v or "" for k, v in m.groupdict().items()})
    return None


def _wcm_key(path: str) -> str:
    text = unquote(path).replace("+", " ").strip("/ ").lower()
    return "/wcm/" + quote(re.sub(r"/+", "/", text), safe="/")


def identity(url: str) -> str:
    """The archive key of the page's content: `host/path[?query]` with no scheme, e.g. `host/view_content/42`."""
    fetched = request_url(url)
    parts = _split(fetched)
    if parts is None:
        return fetched
    _, host, path, query = parts
    path = _strip_locale(path)
    key = _article_key(path, query)
    if key is not None:
        return host + key
    if path.startswith("/wps/"):
        path = WPS_STATE.sub("", path) or "/"
    query = _keep(query, lambda n, v: (n, v.lower()) in VIEW_DEFAULTS or n in WPS_NOISE
                  or (VIEW_SUFFIX.search(n) is not None and v.lower() == "print"))
    if query.startswith("p_p_id=") and "&" not in query:
        query = ""  # a portlet id with no portlet parameters renders the page itself
    return host + path + (f"?{query}" if query else "")


def _repeated_segments(path: str) -> str | None:
    segs = [re.sub(r"\.html?$", "", s, flags=re.I) for s in path.split("/") if s]
    if sum(_is_locale(s) for s in segs) >= 2:
        return "repeated language segment"
    for period in (1, 2, 3):          # /a/a/a, /a/b/a/b/a/b, /a/b/c/a/b/c/a/b/c
        run = 3 * period
        for i in range(len(segs) - run + 1):
            if segs[i:i + period] * 3 == segs[i:i + run]:
                return "repeated path segment"
    return None


def _param_reason(pairs, path: str) -> str | None:
    for _, name, value in pairs:
        for name_re, value_re, why in TRAP_PARAMS:
            if name_re.search(name) and (value_re is None or value_re.search(value.lower())):
                return why
    names = {name: value.lower() for _, name, value in pairs}
    if names.get("p_p_lifecycle") == "2" and not (RSS.search(path) or any(RSS.search(v) for v in names.values())):
        return "resource URL"
    if any(name.endswith("redirect") and "redirect=" in unquote(value).lower() for _, name, value in pairs):
        return "nested redirect"
    return None


def trap_reason(url: str, seen_depth: int | None = None) -> str | None:
    """Why `url` must not be requested (a short phrase), or None. `seen_depth`: link depth it was found at."""
    parts = _split(url)
    if parts is None:
        return "not http"
    _, _, path, query = parts
    pairs = _pairs(query)
    if len(url.strip()) > MAX_URL:
        return "URL too long"
    if len(query) > MAX_QUERY:
        return "query too long"
    if len(pairs) > MAX_PARAMS:
        return "too many parameters"
    if isinstance(seen_depth, int) and seen_depth > MAX_DEPTH:
        return "too deep"
    plain = unquote(path).lower()
    stripped = _strip_locale(plain)
    for pattern, why in TRAP_PATHS:
        if pattern.search(stripped):
            return why
    return _param_reason(pairs, plain) or _repeated_segments(plain)


def _host(url: str) -> str | None:
    parts = _split(url if "//" in url else "http://" + url.strip())
    if parts is None:
        return None
    host = parts[1].rsplit(":", 1)[0] if not parts[1].endswith("]") else parts[1]
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def is_same_site(url: str, base: str) -> bool:
    """Same host as `base` (a URL or a bare host name), ignoring "www.", case and port."""
    a = _host(url) if "://" in url.strip() else None
    return a is not None and a == _host(base)


def is_document(url: str) -> bool:
    """A link to an attached file: an office document or archive, or Liferay's document library (§5.1).

    Cheap (no canonicalisation): the extractor asks it for every link of a page.
    """
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return False
    return bool(DOCUMENT.search(unquote(path).lower()))


def page_kind_hint(url: str) -> str:
    """"article" | "listing" | "print" | "feed" | "sitemap" | "document" | "other", from the URL alone."""
    parts = _split(request_url(url))
    if parts is None:
        return "other"
    _, _, path, query = parts
    low = unquote(path).lower()
    pairs = _pairs(query)
    names = {name: value.lower() for _, name, value in pairs}
    if low.endswith("sitemap.xml") or low.startswith("/c/layouts_admin/sitemap"):
        return "sitemap"
    if DOCUMENT.search(low):
        return "document"
    if FEED.search(low) or names.get("p_p_resource_id") == "getrss" or any(
            n.endswith("struts_action") and v.endswith("/rss") for n, v in names.items()):
        return "feed"
    if PRINT_PATH.search(low) or names.get("p_p_mode") == "print" or any(
            VIEW_SUFFIX.search(n) and v == "print" for n, v in names.items()):
        return "print"
    if _article_key(_strip_locale(path), query) is not None:
        return "article"
    if any(LIST_PARAM.match(n) and (n.startswith("_") or "p_p_id" in names) for n in names):
        return "listing"
    return "other"
