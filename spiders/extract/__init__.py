"""Pure, Scrapy-free article extraction: ``extract_article(html, url) -> Article | NotAnArticle``."""

from .article import Article, Attachment, Author, Image, NotAnArticle
from .engine import Options, extract_article

__all__ = ["Article", "Attachment", "Author", "Image", "NotAnArticle", "Options", "extract_article"]
