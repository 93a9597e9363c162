# Entry points: `make demo`, `make test` and `make docs`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: demo test lint docs bench-speed bench-defaults bench-airline clean

$(STAMP): pyproject.toml constraints-cpu.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints-cpu.txt torch==2.13.0
	$(PIP) install --quiet -c constraints-cpu.txt -e ".[test,lint]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check .

$(DOCS_STAMP): $(STAMP)
	$(PIP) install --quiet -c constraints-cpu.txt -e ".[docs]"
	touch $(DOCS_STAMP)

# A clean build every time: every examples/plot_*.py runs, and pages left over from
# removed API names or examples cannot linger. Warnings are errors.
docs: $(DOCS_STAMP)
	rm -rf docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst
	OMP_NUM_THREADS=1 $(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# Speed and memory against a lean torch loop and plain skorch, about 20 minutes;
# options after ARGS=, e.g. make bench-speed ARGS="--threads 1 --sections configs".
bench-speed: $(STAMP)
	$(BIN)/python benchmarks/bench_speed.py $(ARGS)

bench-defaults: $(STAMP)
	$(BIN)/python benchmarks/bench_defaults.py

bench-airline: $(STAMP)
	$(PIP) install --quiet -c constraints-cpu.txt -e ".[bench]"
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/bench_airline.py

clean:
	rm -rf $(VENV) build *.egg-info
	rm -rf docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst
