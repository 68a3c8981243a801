# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
export CIVIC_DATA_DIR ?= data

.PHONY: run test setup catalogs bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# An editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set Python keeps no
	# bytecode either: compile civic's packages once so that a short `civic` command starts fast.
	$(BIN)/python -m compileall -q civic domain web projections
	touch $@

run: setup
	$(BIN)/civic demo
	$(BIN)/civic serve --local-provider --host 127.0.0.1 --port 8000

test: setup
	sh scripts/test

catalogs: setup
	$(BIN)/python -m civic.catalogs

bench: setup
	$(BIN)/python bench/event_store.py
	$(BIN)/python bench/write_path.py --sqlite
	$(BIN)/python bench/tally.py
	$(BIN)/python bench/tally_process.py
	$(BIN)/python bench/cli_start.py
	$(BIN)/python bench/glossary_search.py
	$(BIN)/python bench/view_rebuild.py --view accounts
	$(BIN)/python bench/view_rebuild.py --view glossary

clean:
	rm -rf $(VENV) data
