"""Searches scale out on a Dask cluster through joblib's Dask backend, unchanged.

The cluster is real: a ``LocalCluster`` with two worker processes, so every
estimator is pickled to a worker and its scores (or itself) pickled back.

Results match the sequential search exactly because a fit is deterministic
for a given ``random_state`` and number of torch threads (docs/reliability.md,
section 5): the test process runs one torch thread (tests/conftest.py), and
Dask's nanny starts its workers with ``OMP_NUM_THREADS=1`` (the
``distributed.nanny.pre-spawn-environ`` setting), which torch reads on import.
"""

import os
import re

import joblib
import numpy as np
import pytest
import torch
from _support import TINY, make_ragged, make_sequences
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    TimeSeriesSplit,
    cross_validate,
)

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor
from sklearn_rnn.datasets import load_airline

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow  # a two-process cluster per test process



@pytest.fixture(scope="module")
def client():
    # Random ports, so that several test processes (pytest -n 2) can each run a
    # cluster: the scheduler's (scheduler_port=0 is the default) and that of its
    # HTTP server, which serves health checks even without a dashboard and
    # would otherwise try port 8787.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": ":0"},
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def on_the_cluster(client, function, *args, **kwargs):
    """Call ``function`` in ``joblib.parallel_backend("dask")``; return its result and the tasks."""
    with distributed.get_task_stream(client) as stream, joblib.parallel_backend("dask"):
        result = function(*args, **kwargs)
    return result, stream.data


def assert_ran_on_the_workers(client, tasks, n_fits):
    """Every fit ran as a task on one of the cluster's worker processes."""
    workers = set(client.scheduler_info()["workers"])
    assert tasks and {task["worker"] for task in tasks} <= workers
    # joblib sends its calls in batches: batch_of__fit_and_score_<n>_calls-<id>
    calls = [re.search(r"_fit_and_score_(\d+)_calls", str(task["key"])) for task in tasks]
    assert all(calls)
    assert sum(int(call.group(1)) for call in calls) == n_fits


def assert_same_search(on_cluster, sequential):
    """Same scores, bit for bit, and the same best candidate."""
    assert on_cluster.best_params_ == sequential.best_params_
    for key in sequential.cv_results_:
        if key.startswith(("split", "mean_test", "rank")):
            np.testing.assert_array_equal(
                on_cluster.cv_results_[key], sequential.cv_results_[key], err_msg=key
            )


def test_workers_are_separate_processes_with_one_torch_thread(client):
    pids = client.run(os.getpid)
    assert len(set(pids.values())) == 2
    assert os.getpid() not in pids.values()
    assert torch.get_num_threads() == 1
    # a task (not client.run, which would import torch on the worker's event loop)
    threads = [
        client.submit(torch.get_num_threads, workers=[worker], pure=False).result()
        for worker in pids
    ]
    assert threads == [1, 1]


def test_grid_search_on_the_cluster_matches_the_sequential_search(client):
    X, y = make_sequences(n_samples=40, n_timesteps=6)
    grid = {"cell": ["gru", "lstm"], "pooling": ["last", "mean"]}
    search = GridSearchCV(RNNClassifier(**TINY), grid, cv=2)
    _, tasks = on_the_cluster(client, search.fit, X, y)
    assert_ran_on_the_workers(client, tasks, n_fits=4 * 2)
    assert_same_search(search, GridSearchCV(RNNClassifier(**TINY), grid, cv=2).fit(X, y))
    assert search.best_estimator_.predict(X).shape == (40,)


def test_randomized_search_on_the_cluster_matches_the_sequential_search(client):
    X, y = make_ragged(n_samples=30)
    distributions = {"learning_rate_init": loguniform(1e-3, 1e-1), "cell": ["gru", "lstm"]}
    kwargs = dict(n_iter=3, cv=2, random_state=0)
    search = RandomizedSearchCV(RNNRegressor(**TINY), distributions, **kwargs)
    _, tasks = on_the_cluster(client, search.fit, X, y)
    assert_ran_on_the_workers(client, tasks, n_fits=3 * 2)
    sequential = RandomizedSearchCV(RNNRegressor(**TINY), distributions, **kwargs).fit(X, y)
    assert_same_search(search, sequential)


def test_estimators_fitted_on_workers_come_back_identical(client):
    X, y = make_sequences(n_samples=40, n_timesteps=6)
    results, tasks = on_the_cluster(
        client,
        cross_validate,
        RNNClassifier(**TINY),
        X,
        y,
        cv=2,
        return_estimator=True,
        return_indices=True,
    )
    assert_ran_on_the_workers(client, tasks, n_fits=2)
    for remote, train in zip(results["estimator"], results["indices"]["train"], strict=True):
        local = clone(remote).fit(X[train], y[train])
        np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))
        assert remote.loss_curve_ == local.loss_curve_


def test_forecaster_backtest_search_on_the_cluster(client):
    passengers = load_airline()
    forecaster = RNNForecaster(lookback=12, horizon=3, **TINY)
    grid = {"cell": ["gru", "lstm"]}
    cv = TimeSeriesSplit(n_splits=2)
    search = GridSearchCV(forecaster, grid, cv=cv)
    _, tasks = on_the_cluster(client, search.fit, passengers)
    assert_ran_on_the_workers(client, tasks, n_fits=2 * 2)
    assert_same_search(search, GridSearchCV(clone(forecaster), grid, cv=cv).fit(passengers))
    assert search.best_estimator_.forecast().index[0].strftime("%Y-%m") == "1961-01"
