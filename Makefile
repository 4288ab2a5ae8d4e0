# renkei — the commands everybody uses. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Keep compiled bytecode (__pycache__, git-ignored) even where the environment says not to (this machine and CI set
# PYTHONDONTWRITEBYTECODE=1): otherwise every `renkei` process a test or a user starts compiles renkei's sources
# again (0.3-0.5 s each), and every test worker rewrites every test module again.
unexport PYTHONDONTWRITEBYTECODE
STAMP := $(VENV)/.installed-stamp
EXAMPLE := examples/kitakyushu_vision_r8.txt
EXAMPLE_AREA := kitakyushu

# Test workers (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs the suite in one process.
# PYTEST_ARGS adds options, e.g. PYTEST_ARGS=--durations=30.
PYTEST_WORKERS ?= auto

.PHONY: help venv lock sysdeps run serve-prod stop-prod test test-scale lint unit bench bench-portal bench-import bench-growth bench-datasette soak fuzz clean

help:
	@echo "make run    — read the bundled example, print its summary and lint, import it and serve the portal on :8000"
	@echo "make test   — lint (ruff, mypy) and run the whole test suite, one worker per core"
	@echo "make test-scale — the 10,000-project tests (left out of make test; CI runs both)"
	@echo "make bench  — the reader benchmark; make bench-portal — the portal under load vs Datasette"
	@echo "make bench-growth — 1, 10, 100 areas on SQLite and PostgreSQL; make bench-datasette — vs Datasette, distinct URLs"
	@echo "make fuzz   — fuzz the four readers for FUZZ_SECONDS each (default 60) and print their executions"
	@echo "make serve-prod — nginx on :8080 in front of two workers on PostgreSQL (docs/deploy.md); make stop-prod"
	@echo "make soak   — the production setup for SOAK_SECONDS (600) at a fixed rate with staff writes (benchmarks/README.md)"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Re-pin constraints.txt: the newest versions pyproject.toml allows, installed in a scratch venv, then frozen.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '1,2p' constraints.txt; .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .venv-lock

venv: $(STAMP)

sysdeps:
	@bash scripts/install-system-deps.sh

run: venv
	$(BIN)/renkei summary $(EXAMPLE)
	$(BIN)/renkei lint $(EXAMPLE) || true
	$(BIN)/renkei import $(EXAMPLE) --area $(EXAMPLE_AREA)
	@echo "職員用ページ: http://127.0.0.1:8000/staff — 最初の管理者は次のコマンドで作ります / the first admin:"
	@echo "  $(BIN)/renkei user add admin --role admin --name '企画課'"
	$(BIN)/renkei serve --host 127.0.0.1 --port 8000

# The production setup on this machine: nginx (config, logs and cache in var/prod) in front of two renkei workers
# on PostgreSQL. Ctrl-C or `make stop-prod` stops it. RENKEI_DATABASE_URL, RENKEI_PROD_LISTEN, RENKEI_PROD_APP.
serve-prod: venv sysdeps
	$(BIN)/python deploy/serve_prod.py --workers 2 --run-dir var/prod

stop-prod: venv
	$(BIN)/python deploy/serve_prod.py stop --run-dir var/prod

lint: venv
	$(BIN)/ruff check src tests benchmarks deploy fuzz
	$(BIN)/mypy

# --dist loadfile: a test file runs on one worker, so its module-scoped fixtures are built once (xdist 3.8's loadgroup
# does not group under pytest 9.2: pytest-dev/pytest-xdist#1386). --no-loadscope-reorder keeps the collection order,
# where the files marked `heavy` come first (tests/conftest.py), instead of sending the files with most tests first,
# which left a few-test file of several minutes to the end on one worker.
unit: venv
	@$(BIN)/python -m compileall -q src/renkei > /dev/null
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# ruff first (a second); mypy (half a minute without a cache, one core) beside the tests, which leave a core idle
# while they wait on servers and browsers; its report is printed after theirs and either failing fails `make test`.
test: venv sysdeps
	$(BIN)/ruff check src tests benchmarks deploy fuzz
	@$(BIN)/mypy > .mypy-report.txt 2>&1 & mypy=$$!; \
	$(MAKE) --no-print-directory unit; tests=$$?; \
	wait $$mypy; typed=$$?; echo "mypy:"; cat .mypy-report.txt; rm -f .mypy-report.txt; \
	test $$tests -eq 0 && test $$typed -eq 0

test-scale: venv sysdeps
	$(BIN)/python -m pytest -m scale $(PYTEST_ARGS)

bench: venv
	$(BIN)/python benchmarks/reader.py

bench-import: venv
	$(BIN)/python benchmarks/import_plan.py

bench-portal: venv
	$(BIN)/python benchmarks/portal.py

# Issue 19: 1, 10 and 100 areas of 100 projects on SQLite and PostgreSQL (makes and drops its own databases).
bench-growth: venv
	$(BIN)/python benchmarks/growth.py

# Issue 19: renkei serve and Datasette side by side on one 10,000-project SQLite file, distinct URLs, runs alternated.
bench-datasette: venv
	$(BIN)/python benchmarks/datasette.py

# Ten minutes (SOAK_SECONDS) of public requests and staff writes against nginx + 2 workers on a PostgreSQL database of
# its own (made and dropped by the run), on free ports of 127.0.0.1; reports errors, latency and memory over time.
SOAK_SECONDS ?= 600
soak: venv sysdeps
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/python benchmarks/soak.py

# Coverage-guided fuzzing (atheris) of the sheet, quantity and actuals readers, one target after another
# (fuzz/README.md). FUZZ_TARGETS picks some; crash inputs go to var/fuzz/crashes/<target>/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: venv
	$(BIN)/python -m fuzz.run --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
