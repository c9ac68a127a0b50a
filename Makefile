# Every target sets up its own virtual environment, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run demo install-user test lint typecheck contracts pytest screenshots bench clean

# uv (from PyPI, into the venv) installs the same versions as pip in about 30 s instead of
# 80 on a clean clone, downloading and compiling in parallel (compiled as pip does, so no process
# compiles the libraries again); pip does it when uv cannot be had or fails.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	{ $(BIN)/python -m pip install --quiet uv && \
	  $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'; } || \
	{ $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/python -m pip install --quiet -e '.[dev]'; }
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/hipplan

# The TUI on demo athletes in a temporary folder: your own database is never opened.
demo: $(STAMP)
	$(BIN)/hipplan demo

# `hipplan` on your PATH outside the checkout: pipx when it is there, else pip's user install.
install-user:
	@if command -v pipx >/dev/null 2>&1; then \
		pipx install --force . ; \
	else \
		$(PYTHON) -m pip install --user . ; \
	fi

test: lint typecheck contracts pytest

# ruff reads its file set from pyproject.toml (src and exclusions), so a folder that is not
# there yet cannot fail the lint.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy planner tests tools

contracts: $(STAMP)
	$(BIN)/lint-imports

# pytest exits 5 when it collects no test: treat that as a failure with a clear word, not a crash.
# The tests run on every core (pytest-xdist); each test has its own database, home and server account.
# One worker more than the cores: many tests wait on a server, a child process or the disk, and
# the extra worker uses that time. worksteal: an idle worker takes tests queued for a busy one, so
# no long test ends the run alone. A clean clone, 2 cores, quiet: 2 workers with the default
# scheduling 4 min 56 s, with worksteal 4 min 23 s, 3 workers with worksteal 3 min 58 s.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))
pytest: $(STAMP)
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

screenshots: $(STAMP)
	$(BIN)/python -m tools.screenshots screenshots

# Every script runs even when one misses its target (each prints its ratios beside their
# targets); the summary names the ones that missed and the target fails at the end.
bench: $(STAMP)
	@missed=""; \
	for f in benchmarks/bench_*.py; do \
		echo "== $$f"; \
		$(BIN)/python $$f || missed="$$missed $$f"; \
		echo; \
	done; \
	if [ -n "$$missed" ]; then echo "bench: missed a target:$$missed"; exit 1; fi; \
	echo "bench: every target met"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
