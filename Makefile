# The two commands a newcomer needs: `make demo` and `make test`.
# Every target installs into .venv first when pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DB     ?= archive.db
PORT   ?= 8765

SERVE_PORT ?= 8001

.PHONY: install demo demo-web crawl test serve reprocess train bench browser redis clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)          ## start the demo news web, crawl it into $(DB), stop it, print a report
	$(PY) -m crawler.demo --db $(DB) --port $(PORT)

demo-web: $(STAMP)      ## serve the demo news web in the foreground on 127.0.0.1:$(PORT)
	$(PY) -m demo_web --port $(PORT)

crawl: $(STAMP)         ## crawl the real sites in seeds/sites.toml into $(DB)
	$(VENV)/bin/scrapy crawl news -a seeds=seeds/sites.toml -s ARCHIVE_DB=$(DB)

test: $(STAMP) browser redis
	$(PY) -m pytest -q

serve: $(STAMP)         ## explore $(DB) in Datasette on http://127.0.0.1:$(SERVE_PORT) (read-only; fine while a crawl writes)
	@test -f "$(DB)" || { echo "no archive at $(DB): run make demo or make crawl first (or pass DB=path)"; exit 1; }
	@# datasette/metadata.yml configures a database named "archive": another file name is served
	@# through a link called archive.db (SQLite follows it; its WAL stays next to the real file)
	@db="$(DB)"; case "$$(basename "$$db")" in archive.db) ;; *) \
		dir=$$(mktemp -d); ln -s "$$(realpath "$$db")" "$$dir/archive.db"; db="$$dir/archive.db";; esac; \
	exec $(VENV)/bin/datasette serve "$$db" --metadata datasette/metadata.yml --plugins-dir datasette/plugins --template-dir datasette/templates \
		--host 127.0.0.1 --port $(SERVE_PORT) --setting sql_time_limit_ms 5000 \
		--setting suggest_facets off --setting facet_time_limit_ms 150 --setting truncate_cells_html 300

browser:                ## Debian's Chromium, for the tests that look at pages in a real browser
	@command -v chromium >/dev/null 2>&1 || { \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian's chromium for the browser tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei >/dev/null || \
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-zenhei >/dev/null; }; \
		else echo "the browser tests need Chromium: apt-get install chromium (as root)"; exit 1; fi; }

redis:                  ## Debian's redis-server, for the distributed mode's tests (they start their own on a free port)
	@command -v redis-server >/dev/null 2>&1 || { \
		if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian's redis-server for the distributed-mode tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null || \
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null; }; \
		else echo "the distributed-mode tests need Redis: apt-get install redis-server (as root)"; exit 1; fi; }

reprocess: $(STAMP)     ## re-run extraction, dedupe and classification over the stored raw pages
	$(PY) -m pipelines.cli reprocess --db $(DB)

train: $(STAMP)         ## re-fit the classifier on ../shared/corpus (writes pipelines/data/classifier_model.json)
	$(PY) -m pipelines.cli train-classifier --corpus ../shared/corpus

bench: $(STAMP)         ## print the benchmark figures (extraction, classify, dedupe, search, crawl end to end, claims, distributed mode)
	$(PY) -m pip install -q -e '.[test,bench]'
	for b in extraction classify dedupe search discovery crawl claims distributed; do echo "### bench/$$b.py"; $(PY) bench/$$b.py || exit 1; done
	echo "### bench/growth.py"; $(PY) bench/growth.py --sizes 10000,100000

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
