# Two entry points: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench-defaults bench-airline clean

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

bench-defaults: $(STAMP)
	$(BIN)/python benchmarks/bench_defaults.py

bench-airline: $(STAMP)
	$(PIP) install --quiet -c constraints-cpu.txt -e ".[bench]"
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/bench_airline.py

clean:
	rm -rf $(VENV) build *.egg-info
