# Two commands for a newcomer: `make run` and `make test`. Everything else is set up from here.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Debian packages the stack loads at run time: zbar for pyzbar, poppler for the label round-trip tests,
# Chromium for the browser test of `wms-terminal serve` (driven by Playwright, no browser download),
# CUPS with the cups-pdf virtual printer for the printing tests (a real `lp` queue, tests/printing).
SYSTEM_PACKAGES := libzbar0 poppler-utils chromium cups cups-client printer-driver-cups-pdf

.PHONY: setup system-deps run demo test bench soak lint clean

setup: system-deps $(STAMP)

system-deps:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "wms-terminal needs Python 3.11 or newer (found $$($(PYTHON) --version 2>&1)); set PYTHON=python3.x"; exit 1; }
	@missing=""; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	ldconfig -p 2>/dev/null | grep -q 'libzbar\.so\.0' || missing="$$missing libzbar0"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	test -x /usr/sbin/cupsd || missing="$$missing cups"; \
	command -v lp >/dev/null 2>&1 || missing="$$missing cups-client"; \
	test -e /usr/lib/cups/backend/cups-pdf || missing="$$missing printer-driver-cups-pdf"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq $$missing)) || exit 1; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them as root, e.g.: sudo apt-get install$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

# Creates (or upgrades) the SQLite demo warehouse when absent, then opens the app on it.
run: setup
	$(BIN)/wms-terminal run --demo

demo: setup
	$(BIN)/wms-terminal demo

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run_all.py $(BENCH_ARGS)

# Not in CI: 8 picker processes on PostgreSQL killed with SIGKILL 50+ times (bench/soak.py), then
# the services' state machine with more examples and steps than CI runs.
SOAK_EXAMPLES ?= 1000
SOAK_STEPS    ?= 100
soak: setup
	$(BIN)/python bench/soak.py $(SOAK_ARGS)
	CI=true WMS_SM_EXAMPLES=$(SOAK_EXAMPLES) WMS_SM_STEPS=$(SOAK_STEPS) \
	  $(BIN)/python -m pytest -q -s -n 2 -p no:cacheprovider tests/test_state_machine.py

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
