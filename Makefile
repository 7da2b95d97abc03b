# The two commands of the README: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# pip 23 fails to resolve lxml's extras: upgrade pip in the venv first.
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench,all]'
	# pywb (the replay extra) pins redis==2.10.6, which scrapy-redis cannot use: it gets a venv of its own.
	$(PYTHON) -m venv $(VENV)/replay
	$(VENV)/replay/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/replay/bin/python -m pip install --quiet -e '.[replay]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -rf archive.db archive.db-wal archive.db-shm archive.db.warc archive.db.locks
	$(BIN)/portal-archive demo --archive sqlite:///archive.db

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/extract_eval.py --corpus ../shared/corpus/pages --write BENCHMARKS.md
	$(BIN)/python benchmarks/extract_site.py --site ../shared/corpus/sites/sotttt-dev --write BENCHMARKS.md
	$(BIN)/python benchmarks/crawl_bench.py --site ../shared/corpus/sites/sotttt-dev --write BENCHMARKS.md
	$(BIN)/python benchmarks/recrawl_bench.py --site ../shared/corpus/sites/sotttt-dev --write BENCHMARKS.md
	# Builds 1M-article archives on first use (~20 min, ~13 GB): needs PostgreSQL (.ci/services).
	eval "$$(.ci/services)" && $(BIN)/python benchmarks/search_bench.py --export --write BENCHMARKS.md

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache archive.db archive.db-wal archive.db-shm archive.db.warc archive.db.locks
