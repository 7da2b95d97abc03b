"""Item pipelines, one job each: validate → normalize → dedupe → store (the crawl lands with issue 3)."""
