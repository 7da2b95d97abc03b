"""The egg `scrapyd-deploy` uploads from this folder: only a pointer to the project's settings module.

Scrapyd puts an egg on sys.path as a zip file, and the archive cannot run from one (Alembic reads
its migrations from real files), so the code is installed on the Scrapyd host instead
(`pip install 'portal-archive[scrapyd]'` in Scrapyd's environment) and the egg only tells Scrapyd,
through the `scrapy` entry point, which settings module to load: the installed `settings`.
"""

from setuptools import setup

setup(
    name="portal-archive-scrapyd",
    version="0.1.0",
    py_modules=[],
    entry_points={"scrapy": ["settings = settings"]},
)
