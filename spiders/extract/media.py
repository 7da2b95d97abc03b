"""Images with captions and attached documents inside the article body.

Government articles often are a notice plus attached decrees ("Chi tiết xem tại văn bản
đính kèm"), so attachments are first-class: Liferay Documents & Media links
(``/documents/…``, ``/c/document_library/get_file``) and any link to an office file.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

from archive.urls import is_document

from .article import Attachment, Image
from .blocks import BLOCK_TAGS, text_of

CAPTION_CLASSES = re.compile(r"caption|desc|chu-thich|chuthich|image-note", re.I)
CAPTION_MAX = 300
# "Tải về: QD-123.pdf" lines list attachments; they go to ``attachments``, not to the body text.
DOWNLOAD_LABEL = re.compile(
    r"^\s*(?:tải về|tải xuống|download|file đính kèm|tệp đính kèm|tập tin đính kèm|văn bản đính kèm|"
    r"đính kèm|attachments?|attached files?)\s*[:：]", re.I)


def absolute(url: str | None, base: str | None) -> str | None:
    if not url or url.startswith(("data:", "javascript:", "mailto:", "#")):
        return None
    return urljoin(base, url.strip()) if base else url.strip()


def find_images(body, base: str | None) -> list[Image]:
    images, seen = [], set()
    for img in body.iter("img"):
        url = absolute(img.get("src") or img.get("data-src"), base)
        if not url or url in seen or _is_icon(img):
            continue
        seen.add(url)
        images.append(Image(url=url, caption=image_caption(img)))
    return images


def _is_icon(img) -> bool:
    """Spacers and sprite icons of tool bars are not article images."""
    src = img.get("src", "")
    size = [img.get("width", ""), img.get("height", "")]
    return "spacer" in src or any(s.isdigit() and int(s) <= 20 for s in size)


def image_caption(img) -> str | None:
    """figcaption, a caption-classed sibling, or the short line right after the image's block."""
    figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
    if figure is not None:
        cap = figure.find(".//figcaption")
        if cap is not None and text_of(cap):
            return text_of(cap)
    block = _enclosing_block(img)
    following = block.getnext() if block is not None else None
    if following is not None and _is_caption(following):
        return text_of(following)
    for el in (block, img.getparent()):
        if el is not None and CAPTION_CLASSES.search(el.get("class", "")) and text_of(el):
            return text_of(el)
    return img.get("title") or img.get("alt") or None


def _enclosing_block(img):
    return next((el for el in img.iterancestors() if el.tag in BLOCK_TAGS), img.getparent())


def _is_caption(el) -> bool:
    text = text_of(el)
    if not text or len(text) > CAPTION_MAX or el.find(".//img") is not None:
        return False
    centered = "center" in (el.get("style", "") + el.get("align", "")).lower()
    italic = el.find(".//em") is not None or el.find(".//i") is not None
    return centered or italic or bool(CAPTION_CLASSES.search(el.get("class", "")))


def find_attachments(body, base: str | None) -> list[Attachment]:
    found, seen = [], set()
    for link in body.iter("a"):
        url = absolute(link.get("href"), base)
        if not url or url in seen or not is_document_url(url):
            continue
        seen.add(url)
        found.append(Attachment(url=url, name=text_of(link) or _file_name(url)))
    return found


def is_document_url(url: str | None) -> bool:
    return bool(url) and is_document(url)


def _file_name(url: str) -> str:
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


def is_attachment_line(text: str, element) -> bool:
    """A labelled download line whose own element links a document."""
    if not DOWNLOAD_LABEL.match(text) or element is None:
        return False
    return any(is_document_url(a.get("href", "")) for a in element.iter("a"))
