"""The archive library: storage, identity, search and the ``portal-archive`` CLI. Never imports Scrapy."""
