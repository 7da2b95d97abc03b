"""Scrapy settings for portal-archive, grouped; the project's own keys are prefixed ARCHIVE_*, PORTALS_*, WARC_*.

Politeness is on by default (docs/DESIGN.md, practice 7): government portals are small servers.
"""

import os

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- Politeness ----------------------------------------------------------------------------
USER_AGENT = "portal-archive/0.1 (+https://github.com/portal-archive/portal-archive; archival crawler)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

LOG_LEVEL = "INFO"  # DEBUG logs every scraped article in full

# -- Robustness ----------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = float(os.environ.get("PORTAL_ARCHIVE_DOWNLOAD_TIMEOUT", 30))  # seconds; the env var lets tests wait less
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # larger bodies, and gzip bodies inflating past it, are refused and logged
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_TIMES = 3  # 5xx, 429, timeouts, truncated bodies: 1 + 3 attempts, then recorded as failed
ARCHIVE_RETRY_BACKOFF = 1.0  # seconds before the first retry, doubled for each next one (or Retry-After, if longer)
ARCHIVE_RETRY_BACKOFF_MAX = 60.0  # longest wait; a longer Retry-After gives up at once
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,  # Scrapy's retries with backoff and Retry-After
    "spiders.middlewares.RedirectGuardMiddleware": 610,  # before RedirectMiddleware (600): no off-site redirects, no loops
    "spiders.middlewares.ConditionalRequestMiddleware": 560,  # If-None-Match/If-Modified-Since on re-validations
    "spiders.capture.WarcCaptureMiddleware": 950,  # next to the downloader: every response into WARC, as received
    "spiders.distributed.SharedPolitenessMiddleware": 540,  # distributed mode only: one delay per host for all workers
}

# -- Distributed mode (spiders/distributed.py, docs/DEPLOYMENT.md); `crawl --distributed` sets the first two ---
ARCHIVE_REDIS_URL = None  # redis://HOST:PORT/DB of the shared queue (scrapy-redis); None: a single-process crawl
ARCHIVE_REDIS_PREFIX = os.environ.get("PORTAL_ARCHIVE_REDIS_PREFIX", "portal-archive")  # keys <prefix>:requests, …
ARCHIVE_REDIS_IDLE_TIMEOUT = 30.0  # seconds the whole run (queue and every worker) is idle before workers exit
ARCHIVE_REDIS_WORKER_TTL = float(os.environ.get("PORTAL_ARCHIVE_REDIS_WORKER_TTL", 15))  # a worker silent this long
# is dead: the requests it had taken go back in the queue
ARCHIVE_REDIS_HOST_DELAY = DOWNLOAD_DELAY  # seconds between two requests to one host from all workers together
ARCHIVE_RUN_ID = None  # the shared run a worker stores into (`portal-archive enqueue` opens it; read from Redis)

# -- Repeat crawls (spiders/incremental.py) --------------------------------------------------
ARCHIVE_FULL = False  # True (`crawl --full`): fetch everything, no conditional requests, every pager to its end
ARCHIVE_RECHECK_PAGES = 1  # list pages in a row holding only known articles read before paging stops (at least 1)

# -- Archive -------------------------------------------------------------------------------
ARCHIVE_URL = "sqlite:///archive.db"  # SQLAlchemy URL of the archive; `portal-archive crawl --archive` sets it
ARCHIVE_LOCKED = False  # True under `portal-archive crawl`'s run locks: the run row says so, and a free lock then means it died

# -- Crash safety (spiders/frontier.py): the request queue is kept in the archive, so a killed crawl resumes ----
SCHEDULER = "spiders.frontier.FrontierScheduler"  # Scrapy's scheduler + the archive's frontier table
ARCHIVE_FRONTIER_BATCH = 100  # frontier entries (new requests, done marks) written per transaction, at most
ARCHIVE_FRONTIER_INTERVAL = 0.5  # seconds between writes: a crash refetches about this long's finished requests
EXTENSIONS = {
    "pipelines.pages.PageRecorder": 500,  # every fetch and failure in the archive's pages table
    "pipelines.attachments.AttachmentRecorder": 510,  # SHA-256 and capture of each downloaded attachment
    "spiders.progress.CrawlProgress": 600,  # live status line; on only when ARCHIVE_PROGRESS is true
}
ARCHIVE_PROGRESS = False  # `portal-archive crawl` turns it on when stderr is a terminal
ARCHIVE_PROGRESS_INTERVAL = 0.5  # seconds between refreshes of the status line

# -- Run health (archive/health.py): exit code 3 and alerts; env PORTAL_ARCHIVE_<name without ARCHIVE_> --------
ARCHIVE_MAX_FAILURE_RATE = float(os.environ.get("PORTAL_ARCHIVE_MAX_FAILURE_RATE", 0.1))  # failed / fetched pages
ARCHIVE_COVERAGE_DROP = float(os.environ.get("PORTAL_ARCHIVE_COVERAGE_DROP", 0.2))  # fill-rate fall that degrades a run
ARCHIVE_ALERT_WEBHOOK = os.environ.get("PORTAL_ARCHIVE_ALERT_WEBHOOK") or None  # POST each unhealthy run's JSON here
ARCHIVE_ALERT_FILE = os.environ.get("PORTAL_ARCHIVE_ALERT_FILE") or None  # and/or append it as one JSON line here
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalize.NormalizePipeline": 150,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.store.StorePipeline": 900,
}

# -- Captures (archive/warc.py, spiders/capture.py) ----------------------------------------
WARC_ENABLED = True  # write every fetched response into WARC files, with a captures row each
WARC_DIR = None  # where; None: `<archive file>.warc/` beside a SQLite archive (PostgreSQL: required, `crawl --warc-dir`)
WARC_PREFIX = "portal-archive"  # file names: <prefix>-<run start, UTC>-<serial>.warc.gz
WARC_MAX_SIZE = 1_000_000_000  # bytes: a file past this is closed (and indexed) and the next one opened

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
