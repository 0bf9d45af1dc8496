# Two commands do all set-up on a fresh clone with only python3 and make:
#   make demo   — create .venv, install, load sample_data, serve API + dashboard on 127.0.0.1:8000
#                 (make demo PORT=8080 HOST=0.0.0.0 to serve elsewhere)
#   make test   — create .venv, install with test extras, run lint (ruff, mypy) and pytest
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
TYPECHECK := build/typecheck
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install lint typecheck pytest bench browser wrk iptables clean sample-data fuzz

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Always re-run: cheap when nothing changed, and it picks up new dependencies.
install: $(PY)
	$(PY) -m pip install --quiet -e ".[test]"

# mypy reads the packages through a symlink tree that maps readiness.* onto the literal folders.
$(TYPECHECK)/readiness:
	mkdir -p $(TYPECHECK)/readiness
	for d in ingest scoring api; do ln -sfn ../../../$$d $(TYPECHECK)/readiness/$$d; done

typecheck: $(TYPECHECK)/readiness
	cd $(TYPECHECK) && MYPYPATH=. ../../$(BIN)/mypy --config-file ../../pyproject.toml \
		-p readiness.ingest -p readiness.scoring -p readiness.api

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) typecheck

# Headless Chromium for the dashboard test, from Debian's packages (root on CI and dev machines).
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || echo "make: could not install chromium; the browser test will skip"; }

# wrk, the HTTP load generator of benchmarks/daily_endpoint.py, from Debian's packages.
wrk:
	@command -v wrk >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	    || echo "make: could not install wrk; benchmarks/daily_endpoint.py will not run"; }

# iptables for the network-partition test (a DROP rule on a loopback port: packets vanish, no
# reset), from Debian's packages; without it (or without root) that test skips.
iptables:
	@command -v iptables >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null) \
	    || echo "make: could not install iptables; the network-partition test will skip"; }

pytest:
	$(BIN)/pytest

test: lint browser iptables
	$(BIN)/pytest

sample-data: install
	$(PY) sample_data/generate.py

bench: install wrk
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/scoring.py
	$(PY) benchmarks/validity.py
	$(PY) benchmarks/apple_health.py
	$(PY) benchmarks/uploads.py
	$(PY) benchmarks/storage.py
	$(PY) benchmarks/rescoring.py
	$(PY) benchmarks/daily_endpoint.py
	$(PY) benchmarks/triage.py

# Ingest fuzzing at length: the harness of tests/ingest/fuzz (CI runs a 10,000-input slice) fed
# FUZZ_COUNT seeded mutations of the real fixtures; any exception but an IngestError, an input
# slower than 2 s, or memory past its bounds (peak RSS growth, the tracemalloc peak of sampled
# inputs; both figures are printed) is printed and fails the run.
FUZZ_COUNT ?= 200000
FUZZ_SEED  ?= 1
fuzz: install
	$(PY) -m tests.ingest.fuzz.corpus $(FUZZ_COUNT) $(FUZZ_SEED)

demo: install
	$(BIN)/readiness demo --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
