"""archive.urls: request URLs, archive identity, crawler traps, site and page-kind hints.

Real URLs come from shared/docs/PLATFORMS.md §4-§5 and the sotttt.hanoi.gov.vn mirror (corpus/sites/sotttt-dev).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest
from hypothesis import given, settings, strategies as st

from archive.urls import identity, is_same_site, page_kind_hint, request_url, trap_reason
from conftest import require, shared_path

SO = "https://sotttt.hanoi.gov.vn"
NCOV_NS = "_101_INSTANCE_bQiShy2NRK1f"
NCOV_LONG = (
    "https://ncov.moh.gov.vn/web/guest/tin-tuc?p_p_id=101_INSTANCE_bQiShy2NRK1f&p_p_lifecycle=0&p_p_state=normal"
    "&p_p_mode=view&p_p_col_id=_118_INSTANCE_IrnCPpeHzQ4m__column-1&p_p_col_count=1"
    f"&{NCOV_NS}_delta=5&{NCOV_NS}_keywords=&{NCOV_NS}_advancedSearch=false&{NCOV_NS}_andOperator=true"
    f"&p_r_p_564233524_resetCur=false&{NCOV_NS}_cur=1"
)
ROSPO = (
    "http://66.rospotrebnadzor.ru/?p_p_id=101_INSTANCE_3Bmy&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
    "&p_p_col_id=column-1&p_p_col_pos=1&p_p_col_count=2&_101_INSTANCE_3Bmy_advancedSearch=false"
    "&_101_INSTANCE_3Bmy_keywords=&_101_INSTANCE_3Bmy_delta=15&_101_INSTANCE_3Bmy_cur=29"
    "&_101_INSTANCE_3Bmy_andOperator=true"
)
AP7 = "_com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_1dO7RF5fJMbd"
SENTINEL = (
    "https://sentinel.esa.int/web/sentinel/news/-/asset_publisher/1dO7RF5fJMbd/content/sentinel-1b-anomaly"
    f"?{AP7}_assetEntryId=4846613&{AP7}_redirect=https%3A%2F%2Fsentinel.esa.int%2Fweb%2Fsentinel%2Fnews"
    "%3Fp_p_id%3Dcom_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_1dO7RF5fJMbd"
    f"%26p_p_lifecycle%3D0%26p_p_state%3Dnormal%26p_p_mode%3Dview%26{AP7}_cur%3D0%26p_r_p_resetCur%3Dfalse"
)
QLTTPS = f"{SO}/qlttps/-/view_content/2287097-nd-139-2017-nd-ngay-27-11-2017.html"
QLTTPS_REDIRECT = QLTTPS + (
    "?redirect=https%3A%2F%2Fsotttt.hanoi.gov.vn%2Fqlttps%3Fp_p_id%3D101%26p_p_lifecycle%3D0%26p_p_state%3Dnormal"
    "%26p_p_mode%3Dview%26p_p_col_id%3Dcolumn-1%26p_p_col_pos%3D1%26p_p_col_count%3D2"
)
GDT_STATE = ("https://www.gdt.gov.vn/wps/portal/home/hotro/!ut/p/z1/04_Sj9CPykssy0xPLMnMz0vMAfIjo8ziTR3NDIw8LAz8"
             "LUIMLQ0CQ4NcLT0NjQ3cDfULsh0VAXFxnaQ!/dz/d5/L2dBISEvZ0FBIS9nQSEh/")
GDT_URILE = ("https://www.gdt.gov.vn/wps/portal/home/!ut/p/z1/jY_BCoJAEIafxQfYnRGJ4BuQDz0S0iqc/dz/d5/"
             "L2dBISEvZ0FBIS9nQSEh/"
             "?1dmy&urile=wcm%3apath%3a/gdt+content/sa_gdt/sa_news/sa_tintuc/tin+moi")


@pytest.mark.parametrize("url, expected", [
    pytest.param(NCOV_LONG, f"https://ncov.moh.gov.vn/web/guest/tin-tuc?{NCOV_NS}_cur=1&{NCOV_NS}_delta=5"
                 "&p_p_id=101_INSTANCE_bQiShy2NRK1f", id="ncov-6.2-pager-noise-dropped"),
    pytest.param(f"https://ncov.moh.gov.vn/web/guest/tin-tuc?{NCOV_NS}_delta=5&p_p_id=101_INSTANCE_bQiShy2NRK1f"
                 f"&{NCOV_NS}_cur=1", request_url(NCOV_LONG), id="ncov-short-form-same-string"),
    pytest.param(ROSPO, "http://66.rospotrebnadzor.ru/?_101_INSTANCE_3Bmy_cur=29&_101_INSTANCE_3Bmy_delta=15"
                 "&p_p_id=101_INSTANCE_3Bmy", id="rospotrebnadzor-6.x-pager"),
    pytest.param(SENTINEL, "https://sentinel.esa.int/web/sentinel/news/-/asset_publisher/1dO7RF5fJMbd/content/"
                 "sentinel-1b-anomaly", id="sentinel-7.x-redirect-and-assetEntryId"),
    pytest.param("http://66.rospotrebnadzor.ru/-/asset_publisher/3Bmy/document/id/126552;jsessionid=9F1A2B3C4D5E"
                 "?redirect=http%3A%2F%2F66.rospotrebnadzor.ru%2F",
                 "http://66.rospotrebnadzor.ru/-/asset_publisher/3Bmy/document/id/126552",
                 id="jsessionid-and-redirect"),
    pytest.param(QLTTPS_REDIRECT, QLTTPS, id="sotttt-redirect-variant"),
    pytest.param("HTTPS://Sotttt.Hanoi.GOV.vn:443/vi/trang-chu#main", f"{SO}/vi/trang-chu", id="case-port-fragment"),
    pytest.param("http://[2001:db8::1]:80/web/guest/home", "http://[2001:db8::1]/web/guest/home",
                 id="ipv6-default-port"),
    pytest.param("http://portal.test:8080/web/guest/home", "http://portal.test:8080/web/guest/home",
                 id="other-port-kept"),
    pytest.param("https://x.gov.vn/tìm-kiếm/tin-tức?đ=Đắk Lắk", "https://x.gov.vn/t%C3%ACm-ki%E1%BA%BFm/"
                 "tin-t%E1%BB%A9c?%C4%91=%C4%90%E1%BA%AFk+L%E1%BA%AFk", id="vietnamese-raw-encoded"),
    pytest.param("https://x.gov.vn/t%C3%ACm-ki%E1%BA%BFm/tin-t%E1%BB%A9c?%c4%91=%C4%90%E1%BA%AFk%20L%E1%BA%AFk",
                 request_url("https://x.gov.vn/tìm-kiếm/tin-tức?đ=Đắk Lắk"),
                 id="vietnamese-encoding-stable"),
    pytest.param(f"{SO}/vi/tin-tuc?p_p_id=101&_101_struts_action=%2Fasset_publisher%2Fview_content&_101_urlTitle=abc"
                 "&p_p_lifecycle=0&p_p_state=maximized&_101_type=content",
                 f"{SO}/vi/tin-tuc?_101_struts_action=%2Fasset_publisher%2Fview_content&_101_type=content"
                 "&_101_urlTitle=abc&p_p_id=101&p_p_state=maximized", id="struts-action-and-state-kept"),
    pytest.param("https://hochiminhcity.gov.vn/web/hcm/tin-tuc?p_p_id=x_INSTANCE_iw&_x_INSTANCE_iw_mvcPath=%2Fview.jsp"
                 "&_x_INSTANCE_iw_mvcRenderCommandName=%2Fa&p_r_p_resetCur=false&_x_INSTANCE_iw_page=2",
                 "https://hochiminhcity.gov.vn/web/hcm/tin-tuc?_x_INSTANCE_iw_mvcPath=%2Fview.jsp"
                 "&_x_INSTANCE_iw_mvcRenderCommandName=%2Fa&_x_INSTANCE_iw_page=2&p_p_id=x_INSTANCE_iw",
                 id="7.x-mvc-and-page-kept"),
    pytest.param("https://moit.gov.vn/tin-tuc?p_p_id=CmsViewChiTietBaiViet_WAR_CmsViewEcoITportlet&p_auth=Xy12"
                 "&_CmsViewChiTietBaiViet_WAR_CmsViewEcoITportlet_backURL=%2F&_x_returnToFullPageURL=%2F"
                 "&_CmsViewChiTietBaiViet_WAR_CmsViewEcoITportlet_articleId=123",
                 "https://moit.gov.vn/tin-tuc?_CmsViewChiTietBaiViet_WAR_CmsViewEcoITportlet_articleId=123"
                 "&p_p_id=CmsViewChiTietBaiViet_WAR_CmsViewEcoITportlet", id="custom-portlet-backurl-pauth"),
    pytest.param("https://x.gov.vn/tin?p_p_id=101&_101_keywords=covid&_101_keywords2=",
                 "https://x.gov.vn/tin?_101_keywords=covid&_101_keywords2=&p_p_id=101", id="nonempty-keywords-kept"),
    pytest.param("https://x.gov.vn/image/journal/article?img_id=4381070&t=1661590000000",
                 "https://x.gov.vn/image/journal/article?img_id=4381070", id="image-timestamp-dropped"),
    pytest.param("https://x.gov.vn/documents/10181/0/bao-cao.pdf/2b1c?version=1.0&t=1661590000000",
                 "https://x.gov.vn/documents/10181/0/bao-cao.pdf/2b1c?version=1.0", id="document-timestamp-dropped"),
    pytest.param("https://x.gov.vn/web/guest/lich?t=2", "https://x.gov.vn/web/guest/lich?t=2", id="page-t-kept"),
    pytest.param("  mailto:sotttt@hanoi.gov.vn ", "mailto:sotttt@hanoi.gov.vn", id="non-http-stripped"),
    pytest.param("/vi/trang-chu", "/vi/trang-chu", id="relative-unchanged"),
])
def test_request_url(url, expected):
    assert request_url(url) == expected


@pytest.mark.parametrize("url, expected", [
    pytest.param(f"{SO}/vi/thanh-tra/-/view_content/4381066-xu-phat.html", "sotttt.hanoi.gov.vn/view_content/4381066",
                 id="view-content-id"),
    pytest.param(f"{SO}/en/thanh-tra/-/view_content/4381066-xu-phat-khac.html",
                 "sotttt.hanoi.gov.vn/view_content/4381066", id="en-copy-same-id"),
    pytest.param(f"{SO}/vi/thanh-tra/-/view_content/pop_up/4381066-xu-phat", "sotttt.hanoi.gov.vn/view_content/4381066",
                 id="pop-up-print-view"),
    pytest.param(QLTTPS_REDIRECT, "sotttt.hanoi.gov.vn/view_content/2287097", id="redirect-variant"),
    pytest.param(SENTINEL, "sentinel.esa.int/web/sentinel/asset_publisher/content/sentinel-1b-anomaly",
                 id="ap-7.x-urltitle"),
    pytest.param("https://www.iess.gob.ec/en/web/guest/noticias/-/asset_publisher/4DHq/content/afiliados-al-iess/10174"
                 "?redirect=%2F", "www.iess.gob.ec/web/guest/asset_publisher/content/afiliados-al-iess",
                 id="ap-groupid-ignored"),
    pytest.param("https://www.iess.gob.ec/web/guest/inicio/-/asset_publisher/Zz9k/content/afiliados-al-iess/maximized"
                 "?p_p_state=maximized&_101_INSTANCE_Zz9k_viewMode=print",
                 "www.iess.gob.ec/web/guest/asset_publisher/content/afiliados-al-iess", id="ap-instance-state-ignored"),
    pytest.param("http://66.rospotrebnadzor.ru/-/asset_publisher/3Bmy/document/id/126552;jsessionid=9F1A?redirect=%2F",
                 "66.rospotrebnadzor.ru/asset/126552", id="ap-asset-entry-id"),
    pytest.param("https://x.gov.vn/vi/-/journal_content/56/10181/4381066", "x.gov.vn/journal/10181/4381066",
                 id="journal-content"),
    pytest.param("https://x.gov.vn/tin/-/journal_content/56_INSTANCE_ab/10181/4381066/TPL1",
                 "x.gov.vn/journal/10181/4381066", id="journal-content-template"),
    pytest.param("https://daklak.gov.vn/-/-ak-lak-cong-bo-ieu-chinh-quy-hoach", "daklak.gov.vn/display/-ak-lak-cong-bo-"
                 "ieu-chinh-quy-hoach", id="display-page-virtual-host"),
    pytest.param("https://cucthuy.gov.vn/vi_VN/web/guest/-/thong-bao-so-1", "cucthuy.gov.vn/web/guest/display/"
                 "thong-bao-so-1", id="display-page-web-site-vi_VN"),
    pytest.param("https://hochiminhcity.gov.vn/web/hcm/w/le-hoi-trai-cay", "hochiminhcity.gov.vn/web/hcm/display/"
                 "le-hoi-trai-cay", id="display-page-7.3-w"),
    pytest.param(GDT_URILE, "www.gdt.gov.vn/wcm/gdt%20content/sa_gdt/sa_news/sa_tintuc/tin%20moi", id="wps-urile-wcm"),
    pytest.param("https://www.gdt.gov.vn/wps/wcm/connect/GDT+Content/sa_gdt/sa_news/sa_tintuc/Tin+Moi?MOD=AJPERES",
                 identity(GDT_URILE), id="wps-wcm-connect-same"),
    pytest.param(GDT_STATE, "www.gdt.gov.vn/wps/portal/home/hotro", id="wps-state-dropped"),
    pytest.param(f"{SO}/vi/hoat-ong-ang-oan-the?p_p_id=101&p_p_lifecycle=0&p_p_state=maximized&_101_cur=3",
                 "sotttt.hanoi.gov.vn/hoat-ong-ang-oan-the?_101_cur=3&p_p_id=101", id="listing-maximized-locale"),
    pytest.param(f"{SO}/vi", "sotttt.hanoi.gov.vn/", id="locale-home"),
    pytest.param(f"{SO}/it/tin-tuc", "sotttt.hanoi.gov.vn/it/tin-tuc", id="it-page-not-a-locale"),
    pytest.param("  not a url  ", "not a url", id="garbage-stripped"),
])
def test_identity(url, expected):
    assert identity(url) == expected


@pytest.mark.parametrize("a, b", [
    pytest.param(f"{SO}/hoat-ong-ang-oan-the/-/view_content/1157168-nang-cao.html",
                 f"{SO}/vi/hoat-ong-ang-oan-the/-/view_content/1157168-nang-cao-nang-luc.html", id="root-vs-vi"),
    pytest.param("http://sotttt.hanoi.gov.vn/en/trang-chu", f"{SO}/vi/trang-chu#x", id="http-https-vi-en"),
    pytest.param(f"{SO}/vi/tin?p_p_id=101&_101_cur=2&p_p_state=pop_up&p_p_mode=print",
                 f"{SO}/tin?_101_cur=2&p_p_id=101",
                 id="pop-up-print-listing"),
    pytest.param(GDT_STATE, GDT_STATE.replace("04_Sj9CPy", "04_Zz0QQq"), id="wps-two-states"),
])
def test_identity_same(a, b):
    assert identity(a) == identity(b)


LONG_QUERY = f"{SO}/tin?" + "&".join(f"_101_x{i}={'v' * 40}" for i in range(24))


@pytest.mark.parametrize("url, expected", [
    pytest.param(f"{SO}/vi/tin?p_p_id=101&p_p_lifecycle=1&_101_javax.portlet.action=x", "action URL", id="lifecycle-1"),
    pytest.param(f"{SO}/tin?p_auth=Xy12Ab&p_p_id=101", "action URL", id="p-auth"),
    pytest.param("javascript:;", "not http", id="javascript"),
    pytest.param("mailto:sotttt@hanoi.gov.vn", "not http", id="mailto"),
    pytest.param("ftp://x.gov.vn/a", "not http", id="ftp"),
    pytest.param(f"{SO}/tin?p_p_id=101&p_p_lifecycle=2&p_p_resource_id=export", "resource URL", id="resource"),
    pytest.param(f"{SO}/tin?p_p_id=101&p_p_lifecycle=2&_101_struts_action=%2Fasset_publisher%2Frss", None,
                 id="resource-rss-6.x-ok"),
    pytest.param(f"{SO}/tin?p_p_id={AP7[1:]}&p_p_lifecycle=2&p_p_resource_id=getRSS", None, id="resource-rss-7.x-ok"),
    pytest.param(f"{SO}/c/portal/login?p_l_id=1", "login/logout", id="login"),
    pytest.param(f"{SO}/c/portal/logout", "login/logout", id="logout"),
    pytest.param(f"{SO}/tin?p_p_id=58&_58_struts_action=%2Flogin%2Flogin", "login/logout", id="login-portlet"),
    pytest.param(f"{SO}/c/portal/update_language?p_l_id=1&languageId=en_US", "language switch", id="update-language"),
    pytest.param(f"{SO}/vi/c/portal/layout?p_l_id=10745", "layout alias", id="c-portal-layout"),
    pytest.param(f"{SO}/group/control_panel/manage", "private page", id="group"),
    pytest.param(f"{SO}/user/test/home", "private page", id="user"),
    pytest.param(f"{SO}/api/jsonws?contextName=", "API", id="jsonws"),
    pytest.param(f"{SO}/lich?p_p_id=8&_8_struts_action=%2Fcalendar%2Fview&_8_month=5&_8_day=1&_8_year=2031",
                 "calendar", id="calendar-6.0"),
    pytest.param(f"{SO}/lich?p_p_id=com_liferay_calendar_web_portlet_CalendarPortlet&_x_date=1", "calendar",
                 id="calendar-7.x"),
    pytest.param(f"{SO}/web/guest/home?p_p_id=3&_3_struts_action=%2Fsearch%2Fsearch&_3_keywords=covid", "search",
                 id="search-6.x"),
    pytest.param(f"{SO}/search?q=covid", "search", id="search-7.x"),
    pytest.param("https://moh.gov.vn/tin?_search_WAR_mohmvcportlet_keywords=covid", "search", id="search-custom"),
    pytest.param(f"{SO}/tin?p_r_p_564233524_tag=covid", "tag/category filter", id="tag-6.x"),
    pytest.param(f"{SO}/tin?p_r_p_categoryId=12345", "tag/category filter", id="category-7.x"),
    pytest.param(f"{SO}/tin?p_p_id=101&_101_orderByCol=title&_101_orderByType=asc", "sort parameter", id="sort"),
    pytest.param(f"{SO}/tin/-/asset_publisher/AbC/content/x?_101_INSTANCE_AbC_targetExtension=pdf", "export",
                 id="target-extension"),
    pytest.param(f"{SO}/tin?p_p_id=101&_101_struts_action=%2Fasset_publisher%2Fexport_article", "export",
                 id="export-article"),
    pytest.param(f"{SO}/c/portal/comment/edit_discussion", "comment/rating action", id="discussion"),
    pytest.param(f"{SO}/tin?p_p_id=33&_33_struts_action=%2Fblogs%2Fsubscribe", "comment/rating action",
                 id="subscribe"),
    pytest.param(f"{SO}/vi/tin-tuc/tin-tuc/tin-tuc/tin-tuc", "repeated path segment", id="segment-x3"),
    pytest.param(f"{SO}/a/b/a/b/a/b", "repeated path segment", id="segment-pair-x3"),
    pytest.param(f"{SO}/vi/en/en/trang-chu", "repeated language segment", id="en-en"),
    pytest.param(f"{SO}/vi/en.html/en/en/en.html", "repeated language segment", id="mirror-en-html-loop"),
    pytest.param(f"{SO}/tin?_101_redirect=" + "%2Ftin%3F_101_redirect%3D%252Ftin", "nested redirect",
                 id="nested-redirect"),
    pytest.param(LONG_QUERY, "query too long", id="query-too-long"),
    pytest.param(f"{SO}/tin?" + "&".join(f"a{i}=1" for i in range(26)), "too many parameters", id="too-many-params"),
    pytest.param(f"{SO}/" + "x" * 2100, "URL too long", id="url-too-long"),
    pytest.param(NCOV_LONG, None, id="ncov-pager-ok"),
    pytest.param(SENTINEL, None, id="sentinel-ok"),
    pytest.param(QLTTPS_REDIRECT, None, id="single-redirect-ok"),
    pytest.param(GDT_URILE, None, id="wps-ok"),
    pytest.param(f"{SO}/-/asset_publisher/AbC/rss", None, id="rss-route-ok"),
])
def test_trap_reason(url, expected):
    assert trap_reason(url) == expected


def test_trap_reason_depth():
    assert trap_reason(f"{SO}/vi/trang-chu", seen_depth=3) is None
    assert trap_reason(f"{SO}/vi/trang-chu", seen_depth=51) == "too deep"


@pytest.mark.parametrize("url, base, expected", [
    pytest.param(f"{SO}/vi/trang-chu", "https://www.sotttt.hanoi.gov.vn/", True, id="www-ignored"),
    pytest.param("http://SOTTTT.hanoi.gov.vn:8080/x", "sotttt.hanoi.gov.vn", True, id="bare-host-base-case-port"),
    pytest.param("https://hanoi.gov.vn/x", SO, False, id="parent-domain-differs"),
    pytest.param("https://evil.sotttt.hanoi.gov.vn.example/x", SO, False, id="suffix-lookalike"),
    pytest.param("/vi/trang-chu", SO, False, id="relative"),
    pytest.param("mailto:a@sotttt.hanoi.gov.vn", SO, False, id="mailto"),
])
def test_is_same_site(url, base, expected):
    assert is_same_site(url, base) is expected


@pytest.mark.parametrize("url, expected", [
    pytest.param(QLTTPS_REDIRECT, "article", id="view-content"),
    pytest.param(SENTINEL, "article", id="ap-content"),
    pytest.param("https://daklak.gov.vn/-/-ak-lak-cong-bo", "article", id="display-page"),
    pytest.param("https://x.gov.vn/-/journal_content/56/10181/4381066", "article", id="journal"),
    pytest.param(NCOV_LONG, "listing", id="ncov-pager"),
    pytest.param("https://x.gov.vn/tin?p_p_id=56&cur=2", "listing", id="plain-cur-with-ppid"),
    pytest.param("https://x.gov.vn/tin?cur=2", "other", id="cur-without-portlet"),
    pytest.param(f"{SO}/vi/thanh-tra/-/view_content/pop_up/4381066-xu-phat", "print", id="pop-up"),
    pytest.param(f"{SO}/tin/-/asset_publisher/AbC/content/x?p_p_state=pop_up&_101_INSTANCE_AbC_viewMode=print",
                 "print", id="view-mode-print"),
    pytest.param(f"{SO}/tin/-/asset_publisher/AbC/rss", "feed", id="ap-rss"),
    pytest.param(f"{SO}/rss/tin-tuc.xml", "feed", id="xml-feed"),
    pytest.param(f"{SO}/sitemap.xml?groupId=10181&privateLayout=false", "sitemap", id="sitemap"),
    pytest.param(f"{SO}/documents/10181/0/bao-cao/2b1c?version=1.0&t=1", "document", id="documents"),
    pytest.param("https://truongcb.hochiminhcity.gov.vn/c/document_library/get_file?uuid=ab&groupId=1", "document",
                 id="get-file"),
    pytest.param(f"{SO}/Upload/QD-123.DOCX", "document", id="docx"),
    pytest.param(f"{SO}/vi/trang-chu", "other", id="home"),
    pytest.param("not a url", "other", id="garbage"),
])
def test_page_kind_hint(url, expected):
    assert page_kind_hint(url) == expected


# --- properties -------------------------------------------------------------------------------------------------
PIECES = st.sampled_from(["vi", "en", "en.html", "vi_VN", "web", "guest", "-", "view_content", "pop_up", "123-slug",
                          "asset_publisher", "AbC", "content", "id", "42", "w", "journal_content", "56", "wps",
                          "portal", "!ut", "p", "z1", "wcm", "connect", "tìm-kiếm", "%E1%BB%A9", "%zz", "%",
                          ";jsessionid=1"])
PARAMS = st.sampled_from(["p_p_id=101", "p_p_lifecycle=0", "p_p_state=pop_up", "_101_cur=2", "_101_keywords=",
                          "redirect=%2Fx%3Fredirect%3D1", "_101_viewMode=print", "t=1", "urile=wcm%3apath%3a/A+b",
                          "1dmy", "q=Đắk Lắk", "a=%2", "=", "&", "p_auth=x", "_8_month=1"])
URLISH = st.builds(lambda scheme, host, segs, params, frag:
                   f"{scheme}://{host}/{'/'.join(segs)}?{'&'.join(params)}{frag}",
                   st.sampled_from(["http", "HTTPS", "https", "ftp"]),
                   st.sampled_from(["sotttt.hanoi.gov.vn", "WWW.X.VN:443", "[::1]:8080", "[::1", "h:99999",
                                    "Bộ.vn", ""]),
                   st.lists(PIECES, max_size=8), st.lists(PARAMS, max_size=6), st.sampled_from(["", "#top", "#"]))
ANY = st.one_of(st.text(max_size=300), URLISH)


@settings(max_examples=400, deadline=None)
@given(ANY)
def test_total_and_idempotent(text):
    once = request_url(text)
    assert request_url(once) == once
    key = identity(text)
    assert identity(key) == key
    assert isinstance(is_same_site(text, text), bool)
    assert page_kind_hint(text) in {"article", "listing", "print", "feed", "sitemap", "document", "other"}
    reason = trap_reason(text, seen_depth=3)
    assert reason is None or isinstance(reason, str)


@settings(max_examples=200, deadline=None)
@given(URLISH)
def test_identity_ignores_request_spelling(url):
    assert identity(request_url(url)) == identity(url)


def test_very_long_input():
    url = f"{SO}/" + "a/" * 20000 + "?" + "x=1&" * 20000
    assert trap_reason(url) == "URL too long"
    assert identity(identity(url)) == identity(url)


# --- the real mirror -------------------------------------------------------------------------------------------
def _manifest() -> list[dict]:
    path = require(shared_path("corpus", "sites", "sotttt-dev", "MANIFEST.tsv"))
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_manifest_articles_one_identity_per_id():
    groups = defaultdict(set)
    for row in _manifest():
        if row["kind"] == "article":
            groups[re.search(r"/view_content/(\d+)", row["url"]).group(1)].add(identity(row["url"]))
    assert len(groups) == 1001
    assert all(len(keys) == 1 for keys in groups.values())
    assert len({next(iter(keys)) for keys in groups.values()}) == len(groups)


def test_manifest_no_traps_and_kinds():
    rows = _manifest()
    assert [r["url"] for r in rows if trap_reason(r["url"])] == []
    assert {page_kind_hint(r["url"]) for r in rows if r["kind"] == "article"} == {"article"}
    assert {page_kind_hint(r["url"]) for r in rows if r["kind"] == "listing" and "?" in r["url"]} == {"listing"}
    pages = [request_url(r["url"]) for r in rows if r["kind"] == "listing"]
    assert len(set(pages)) == len(pages)          # the pager noise never merges two distinct pages


def test_exclusive_portlet_fragment_is_a_trap():
    assert trap_reason("https://x.gov.vn/vi/tin?p_p_id=101_INSTANCE_abc&p_p_state=exclusive") == "portlet fragment view"


def test_bare_portlet_id_is_the_page_itself():
    assert identity("https://x.gov.vn/vi/tin?p_p_id=101_INSTANCE_abc&p_p_state=maximized") == identity("https://x.gov.vn/vi/tin")
    assert identity("https://x.gov.vn/vi/tin?p_p_id=101_INSTANCE_abc&_101_INSTANCE_abc_cur=2") != identity("https://x.gov.vn/vi/tin")


@pytest.mark.parametrize("url, expected", [
    ("https://x.gov.vn/documents/10181/2891510/QD-123.pdf/5a7c2e91", True),
    ("https://x.gov.vn/web/guest/documents/1/2/a", True),
    ("https://x.gov.vn/c/document_library/get_file?uuid=1&groupId=2", True),
    ("https://x.gov.vn/wps/wcm/connect/stp/van-ban/QD.PDF?MOD=AJPERES", True),
    ("https://x.gov.vn/vi/tin-tuc/-/view_content/123-bai-viet", False),
    ("not a url", False),
])
def test_is_document(url, expected):
    from archive.urls import is_document

    assert is_document(url) is expected
