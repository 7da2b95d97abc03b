"""Which portal platform rendered a page: markers as data, checked on the raw HTML.

Markers come from docs/PLATFORMS.md: WebSphere skins (``wpthemeControl``, ``/wps/portal``),
Liferay wrappers (``portlet-boundary``, ``p_p_id_``) and the version hints each Liferay
generation leaves (the ``b=6201`` build number in combo URLs, AlloyUI class names, OSGi
portlet ids and ``/o/`` static paths on 7.x).
"""

from __future__ import annotations

import re

# SharePoint pages sometimes embed article HTML copied from a Liferay portal: they are not Liferay pages.
SHAREPOINT = re.compile(r"Microsoft SharePoint|MSOZoneCell_|ms-WPBody|_layouts/(?:15/)?[\w/]*\.(?:js|css|aspx)|s4-wpcell")
WEBSPHERE = re.compile(r"wpthemeControl|ibmPortalControl|wpsPortlet|lm-dynamic-title|/wps/(?:portal|wcm|contenthandler)|ibmCfg")
LIFERAY = re.compile(r"portlet-boundary|p_p_id_|Liferay\.(?:ThemeDisplay|Portlet|Util)|themeDisplay|journal-content-article")
# Build number in Liferay's combo/static URLs: b=6201 → 6.2, b=6100 → 6.1, b=7310 → 7.3.
BUILD = re.compile(r"[?&;]b=(\d)(\d)\d\d\b")
LIFERAY_7 = re.compile(r"com_liferay_|/o/frontend-|/o/classic-theme|data-analytics-asset|portlet-header|lfr-layout-structure|senna")
LIFERAY_62 = re.compile(r"\bhide-accessible\b|lfr-pagination|row-fluid|\baui\b[^>]{0,40}\bltr\b|yui3-skin-sam")
LIFERAY_61 = re.compile(r"aui-helper-hidden-accessible|aui_3_4_|aui-w\d+")


def detect_platform(html: str) -> str:
    """``liferay-6.0`` … ``liferay-7``, ``websphere-8`` or ``generic``."""
    if WEBSPHERE.search(html):
        return "websphere-8"
    if SHAREPOINT.search(html) or not LIFERAY.search(html):
        return "generic"
    return _liferay_version(html)


def _liferay_version(html: str) -> str:
    build = BUILD.search(html)
    if build:
        major, minor = int(build[1]), int(build[2])
        if major >= 7:
            return "liferay-7"
        if major == 6:
            return f"liferay-6.{min(minor, 2)}"
    if LIFERAY_7.search(html):
        return "liferay-7"
    if LIFERAY_61.search(html):
        return "liferay-6.1"
    if LIFERAY_62.search(html):
        return "liferay-6.2"
    return "liferay-6.2"
