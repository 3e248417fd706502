# Two commands do all the set-up: `make run` and `make test` (see README.md).
PY ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)

.PHONY: run test install pwa migrate demo bench chromium

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	touch $@

# The PWA's labels are backend/vocab.py's (its lists are in vocab.toml): vocab.json is written from it before
# every build.
pwa/dist/.built: $(VENV)/.installed backend/vocab.py backend/vocab.toml $(shell find pwa -path pwa/node_modules -prune -o -path pwa/dist -prune -o -type f -print 2>/dev/null)
	$(BIN)/python -c 'from backend.vocab import write_pwa_vocabulary; write_pwa_vocabulary("pwa/src/vocab.json")'
	@if [ -f pwa/package.json ]; then \
		cd pwa && npm ci --no-audit --no-fund --loglevel=error && npm run build && touch dist/.built; \
	fi

pwa: pwa/dist/.built

install: $(VENV)/.installed pwa

migrate: install
	flask --app backend db upgrade

demo: migrate
	flask --app backend demo load

run: demo
	honcho start -f Procfile

# The browser tests need Debian's chromium: install it when we can (root + apt), else stop at once with the
# one command to run (not 40 failures at the end).
chromium:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "== installing chromium (apt-get)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing (the browser tests need it). Run:  sudo apt-get install -y chromium" >&2; \
			exit 1; \
		fi; }

# The tests run on every core (pytest-xdist; each worker has a database of its own, see tests/databases.py).
# PYTEST_WORKERS=0 runs them in one process; PYTEST_ARGS picks tests and options (e.g. PYTEST_ARGS="tests/visits -x").
PYTEST_WORKERS ?= auto
test: chromium install
	python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
