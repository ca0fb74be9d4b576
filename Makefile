# The two commands: `make run` and `make test`. Both run `make setup` first, which is quick
# when nothing changed (stamp files).
VENV := .venv
BIN := $(VENV)/bin
ANJU := $(BIN)/anju
export DJANGO_SETTINGS_MODULE := anju.settings
# Development and tests run with DEBUG on unless the environment says otherwise.
export DEBUG ?= 1

.PHONY: setup run test lint check-migrations clean-db compile-messages soak

setup: $(VENV)/.deps anju/static/vendor/.stamp compile-messages
	@mkdir -p var/static var/media
	@[ -f .env ] && grep -q '^SECRET_KEY=' .env && grep -q '^ANJU_LEDGER_KEY=' .env || $(BIN)/python -m anju.envfile .env
	@$(ANJU) migrate --no-input -v 0
	@echo "setup: ready"

$(BIN)/python:
	"$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.deps: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $@

# Front-end assets come from the npm registry at set-up time (no CDN at run time).
anju/static/vendor/.stamp: package.json package-lock.json scripts/vendor-assets
	npm ci --no-audit --no-fund --loglevel=error
	sh scripts/vendor-assets
	@touch $@

compile-messages: $(VENV)/.deps
	@if command -v msgfmt >/dev/null 2>&1; then \
	  for po in $$(ls anju/locale/*/LC_MESSAGES/django.po anju/*/locale/*/LC_MESSAGES/django.po 2>/dev/null); do \
	    mo=$${po%.po}.mo; [ "$$mo" -nt "$$po" ] || msgfmt -o "$$mo" "$$po"; done; fi

# The background worker (report builds, billing, large imports and exports) runs beside the server.
run: setup
	$(ANJU) demo --if-empty
	$(ANJU) worker --no-startup-delay & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	  $(ANJU) runserver 127.0.0.1:8000

test: setup
	@if [ -x "$${CHROMIUM:-/usr/bin/chromium}" ]; then \
	  echo "browser tests: using $${CHROMIUM:-/usr/bin/chromium}"; \
	else echo "browser tests: SKIPPED, no chromium at $${CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)"; fi
	$(BIN)/pytest -q -n 2

# The fund's state machine (anju/fund/tests/test_fund_machine.py) over 1,000 random sequences of
# operations, on whichever DATABASE_URL is set (SQLite by default); `make test` runs a few.
soak: setup
	ANJU_FUND_MACHINE_PROFILE=soak $(BIN)/pytest -q -p no:cacheprovider anju/fund/tests/test_fund_machine.py

lint: setup
	$(BIN)/ruff check anju tests bench
	$(BIN)/ruff format --check anju tests bench
	$(BIN)/mypy anju
	$(BIN)/lint-imports
	scripts/check-file-length

check-migrations: setup
	$(ANJU) makemigrations --check --dry-run

clean-db:
	rm -f var/anju.sqlite3

# Wheels of every locked dependency and of Anju itself (with the vendored front-end files, the PDF fonts
# and the translations) for an install without the network: the Dockerfile installs from it with
# `pip install --no-index`. Built with the venv's Python, whose minor version (written to
# wheelhouse/python-version) the image's Python must have; docs/deploy.md, "Docker / compose".
.PHONY: wheelhouse
wheelhouse: $(BIN)/python anju/static/vendor/.stamp compile-messages
	@if git status --porcelain -- anju pyproject.toml 2>/dev/null | grep -q .; then \
	  echo "wheelhouse: WARNING: anju/ has uncommitted changes, and they go into the wheel"; fi
	rm -rf wheelhouse build
	$(BIN)/python -m pip wheel -q --wheel-dir wheelhouse -r requirements.lock
	$(BIN)/python -m pip wheel -q --no-deps --wheel-dir wheelhouse .
	rm -rf build
	cp requirements.lock wheelhouse/requirements.lock
	$(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' > wheelhouse/python-version
	@echo "wheelhouse: $$(ls wheelhouse/*.whl | wc -l) wheels for Python $$(cat wheelhouse/python-version)"
