"""Pure, Scrapy-free article extraction: ``extract_article(html, url) -> Article | NotAnArticle``."""

from .article import Article, Attachment, Author, Image, NotAnArticle


def extract_article(html, url=None, portal=None):  # placeholder until the engine lands
    return NotAnArticle(reason="not implemented", url=url)


__all__ = ["Article", "Attachment", "Author", "Image", "NotAnArticle", "extract_article"]
