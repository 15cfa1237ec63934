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

# The drills start their own Neo4j or service processes and spend most of their time waiting on
# them (restarts, kills, three registries, the offline importer), so they run beside the rest of
# the suite in a second pytest process with its own session Neo4j. That process then runs the
# store and GraphQL tests a second time through the routing scheme (neo4j://), the code path of a
# cluster or Aura, so that both processes end at about the same time; its output follows the
# suite's. Any failure fails `make test`.
DRILLS := tests/test_app_fail_fast.py tests/test_neo4j_local.py tests/cli/test_serve.py \
	tests/cli/test_backup.py tests/security/test_faults.py \
	tests/federation tests/ingest/test_bulk.py
# The test Neo4j instances live minutes and run small queries: the C1 compiler alone serves them,
# and C2's compiler threads cost more CPU than they win back (tests/graphql: 195 s of CPU with
# C2, 151 s with C1 only). Every JVM the tests start reads JDK_JAVA_OPTIONS.
test: export JDK_JAVA_OPTIONS := -XX:TieredStopAtLevel=1
test: launcher browser lint
	@log=$$(mktemp -t pith-test-drills.XXXXXX); \
	( $(BIN)/pytest -q -p no:cacheprovider $(DRILLS); drilled=$$?; \
	  PITH_TEST_ROUTING=1 $(BIN)/pytest -q -p no:cacheprovider tests/store tests/graphql; routed=$$?; \
	  echo "--- drills exit $$drilled, routed re-run exit $$routed"; \
	  test $$drilled -eq 0 && test $$routed -eq 0 ) >$$log 2>&1 & second=$$!; \
	trap 'kill $$second 2>/dev/null; rm -f $$log' EXIT; \
	$(BIN)/pytest $(addprefix --ignore=,$(DRILLS)); suite=$$?; \
	wait $$second; seconded=$$?; \
	echo "--- the second process: the drills ($(DRILLS)), then the routed re-run"; cat $$log; \
	echo "--- make test: suite exit $$suite, second process exit $$seconded"; \
	test $$suite -eq 0 && test $$seconded -eq 0

# ruff (pyflakes, import order, bugbear, pyupgrade, …) and mypy (strict, the whole package):
# zero findings, or `make test` stops here.
.PHONY: lint
lint: $(INSTALLED)
	$(BIN)/ruff check pith_graph tests bench scripts
	$(BIN)/mypy

schema: $(INSTALLED)
	$(BIN)/pith-graph schema export

clean:
	rm -rf $(VENV) neo4j/launcher/target

# Bulk ingest benchmark: the whole shared data set vs the minimal driver-loop floor.
.PHONY: bench-ingest
bench-ingest: launcher
	$(BIN)/python bench/ingest_bench.py

# Signed events, merge, Merkle log, bundles.
.PHONY: test-events
test-events: launcher
	$(BIN)/pytest -q tests/core/test_events.py tests/core/test_merge.py tests/core/test_merkle.py tests/core/test_verification.py tests/service tests/graphql/test_graphql_events.py tests/cli/test_log.py tests/cli/test_bundle.py

# Explorer: Debian's Chromium for the browser tests (Playwright never downloads one),
# and the front-end bundle, rebuilt from web/explore/ with the pinned npm packages and committed.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

explorer:
	cd web/explore && npm ci --no-audit --no-fund && node build.mjs

# API benchmarks: ours vs the floor (same Cypher, Python driver) vs the peer
# (@neo4j/graphql on Node.js), 5 read workloads at concurrency 1 and 32, with wrk on loopback.
# Writes bench/results/latest.{md,json}. BENCH_ARGS="--duration 20" for longer runs.
PEER_MODULES := bench/peer/node_modules/.installed
BENCH_TOOLS := $(VENV)/.bench-installed

$(BENCH_TOOLS): $(INSTALLED)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	@touch $(BENCH_TOOLS)

$(PEER_MODULES): bench/peer/package.json bench/peer/package-lock.json
	cd bench/peer && npm ci --no-audit --no-fund --loglevel=error
	@touch $(PEER_MODULES)

bench: launcher $(BENCH_TOOLS) $(PEER_MODULES)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/api_bench.py $(BENCH_ARGS)

# Growth: synthetic graphs grown from hep-th to 30k, 300k (and 1M) papers; long.
# BENCH_SCALE_SIZES=30000,300000,1000000 to include the 1M run.
BENCH_SCALE_SIZES ?= 30000,300000
bench-scale: launcher $(BENCH_TOOLS)
	$(BIN)/python bench/scale/scale_bench.py --sizes $(BENCH_SCALE_SIZES) $(BENCH_ARGS)
