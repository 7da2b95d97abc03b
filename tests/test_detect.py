"""Platform detection from markers in the raw HTML."""

import pytest

from spiders.extract.detect import detect_platform


@pytest.mark.parametrize(
    "html, platform",
    [
        ('<section class="ibmPortalControl wpthemeControl"><a href="/wps/portal/x">', "websphere-8"),
        ('<div class="portlet-boundary portlet-boundary_101_" id="p_p_id_101_"><script src="/combo/?b=6201&t=1">', "liferay-6.2"),
        ('<div id="p_p_id_101_INSTANCE_3Bmy_" class="portlet-boundary"><span class="aui-helper-hidden-accessible">', "liferay-6.1"),
        ('<script src="/html/js/barebone.jsp?b=6100&t=1"></script><div class="portlet-boundary">', "liferay-6.1"),
        ('<div class="portlet-boundary" id="p_p_id_com_liferay_journal_content_web_portlet_JournalContentPortlet_INSTANCE_ab_">', "liferay-7"),
        ('<link href="/o/classic-theme/css/main.css"><div class="portlet-boundary">', "liferay-7"),
        ("<html><body><article><h1>Tin</h1></article></body></html>", "generic"),
    ],
)
def test_detect_platform(html, platform):
    assert detect_platform(html) == platform
