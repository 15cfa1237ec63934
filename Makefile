# Two commands: `make serve` and `make test`. Both set everything up on first use (virtualenv,
# Python packages, the Neo4j launcher build) and are quick the second time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test launcher bench bench-scale schema clean browser explorer

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(INSTALLED)

launcher: $(INSTALLED)
	$(BIN)/python -c "from pith_graph.neo4j_local import ensure_launcher_built as b; b()"

serve: launcher
	PITH_HOST=$(HOST) PITH_PORT=$(PORT) PITH_LOAD_DEMO=$${PITH_LOAD_DEMO:-1} $(BIN)/pith-graph serve

test: launcher browser
	$(BIN)/pytest

schema: $(INSTALLED)
	$(BIN)/pith-graph schema export

clean:
	rm -rf $(VENV) neo4j/launcher/target

# Bulk ingest benchmark (issue 5): the whole shared data set vs the minimal driver-loop floor.
.PHONY: bench-ingest
bench-ingest: launcher
	$(BIN)/python bench/ingest_bench.py

# Signed events, merge, Merkle log, bundles (issue 6).
.PHONY: test-events
test-events: launcher
	$(BIN)/pytest -q tests/core/test_events.py tests/core/test_merge.py tests/core/test_merkle.py tests/core/test_verification.py tests/service tests/graphql/test_graphql_events.py tests/cli/test_log.py tests/cli/test_bundle.py

# Explorer (issue 9): Debian's Chromium for the browser tests (Playwright never downloads one),
# and the front-end bundle, rebuilt from web/explore/ with the pinned npm packages and committed.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

explorer:
	cd web/explore && npm ci --no-audit --no-fund && node build.mjs
