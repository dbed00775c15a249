# storyline: `make run` builds the default corpus into the embedded store; `make test` checks everything.
VENV    ?= .venv
PY      := $(VENV)/bin/python
SL      := $(VENV)/bin/storyline
CORPUS  ?= ../shared/seeds
OUT     ?= out
DB      ?= $(OUT)/storyline.db
WORKERS ?= 1

.PHONY: install run serve test lint typecheck unit bench train-quotes clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[all]'
	touch $@

install: $(VENV)/.installed

run: install
	@mkdir -p $(OUT)
	@echo "== storyline build $(CORPUS) -> $(DB)"
	$(SL) build $(CORPUS) --db $(DB) --workers $(WORKERS); status=$$?; [ $$status -le 1 ] || exit $$status
	@echo "== stories in $(DB)"
	$(SL) stories --db $(DB)
	$(SL) export --db $(DB) --format json -o $(OUT)/dossier.json
	$(SL) export --db $(DB) --format md -o $(OUT)/dossier.md
	$(SL) export --db $(DB) --format html -o $(OUT)/reports
	@echo
	@echo "Done. The store is $(DB); the dossier is $(OUT)/dossier.json ($(OUT)/dossier.md as text,"
	@echo "one self-contained HTML report per story in $(OUT)/reports/)."
	@echo "Browse it with:  $(SL) serve --db $(DB)   then open http://127.0.0.1:8000"

serve: install
	$(SL) serve --db $(DB)

lint: install
	$(VENV)/bin/ruff check src tests bench

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(VENV)/bin/pytest -q

test: lint typecheck unit

bench: install
	$(PY) bench/run_all.py

# Rebuilds src/storyline/enrich/models/quotes.crfsuite and quotes_lstm.npz from the PolNeAR train
# split (deterministic). PyTorch (the `train` extra, pinned 2.13.0) is needed for the LSTM only.
train-quotes: install
	$(VENV)/bin/pip install -q -e '.[train]'
	$(PY) bench/train_quotes.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
