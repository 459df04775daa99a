# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
ADDRESS ?= localhost

.PHONY: run class warm test lint bench bench-app bench-load bench-class clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

## Start the dashboard on http://$(ADDRESS):$(PORT) (ADDRESS=0.0.0.0 serves a classroom LAN).
# PYTHONPATH: the local Dask cluster's worker processes import the project from here.
run: $(VENV)/.run-deps
	PYTHONPATH=$(CURDIR) $(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

## A class bigger than one process: PostgreSQL, Dask, REPLICAS Streamlit processes, HAProxy on PORT.
REPLICAS ?= 2
class: $(VENV)/.run-deps
	$(BIN)/python deploy/run_class.py --replicas $(REPLICAS) --port $(or $(CLASS_PORT),8500) --address $(if $(filter localhost,$(ADDRESS)),0.0.0.0,$(ADDRESS))

## Before class: open every lesson once, so its model and curves wait in the result store.
warm: $(VENV)/.run-deps
	PYTHONPATH=$(CURDIR) $(BIN)/python -m pages.ui.warm

## Lint, then run every test: engine, app and real-browser tests.
test: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .

## Measure the engine's speed on the default digits model and print the figures.
bench: $(VENV)/.run-deps
	$(BIN)/python -m pruning bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

## Measure the dashboard: server rerun, browser slider latency against a bare page, first render.
bench-app: $(VENV)/.dev-deps
	$(BIN)/python tests/perf/bench_app.py

## Simulate a class: 1, 10 and 30 students moving the Prune slider against one server.
bench-load: $(VENV)/.dev-deps
	$(BIN)/python tests/perf/load_app.py

## Simulate heavy class requests on Dask (MODE=replicas: replicas behind HAProxy); print the figures.
bench-class: $(VENV)/.dev-deps
	$(BIN)/python tests/perf/class_app.py $(MODE)
