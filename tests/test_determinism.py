"""A fit's result depends on its ``random_state`` alone, whatever else runs in the process.

Every draw of a fit comes from a generator of its own: the initial weights
(``SequenceNetwork(seed=...)``), the batch order (``SequenceNet.random_state``)
and the dropout masks (``SeededDropout``). So fits in parallel threads, worker
processes or dask's threaded scheduler give bit-identical models (issue 12,
item 1), and torch's global random state is neither read nor changed.
"""

import functools
import pickle
import threading

import joblib
import numpy as np
import pytest
import torch
from _support import FAST, make_ragged, make_sequences
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._modules import SeededDropout, SequenceNetwork

# Dropout and several batches per epoch: every fit draws masks many times.
DRAWING = dict(FAST, dropout=0.3, batch_size=8)
ARCHITECTURES = {
    "stacked": dict(n_layers=2, bidirectional=False),
    "bidirectional": dict(n_layers=2, bidirectional=True),
    "truncated-attention": dict(
        n_layers=2, bidirectional=False, tbptt_steps=4, pooling="attention"
    ),
}
# Two stacked-layer shapes and both directions: fits of different lengths run side by side.
GRID = {"hidden_size": [4, 8], "bidirectional": [False, True]}
CV = KFold(3)
# A continuous score, so that a different model cannot give the same score by chance.
SCORING = "neg_log_loss"


def weights(estimator):
    return {
        name: tensor.detach().cpu().numpy().copy()
        for name, tensor in estimator.net_.module_.state_dict().items()
    }


def assert_identical(first, second, X):
    first_weights, second_weights = weights(first), weights(second)
    assert first_weights.keys() == second_weights.keys()
    for name, value in first_weights.items():
        np.testing.assert_array_equal(value, second_weights[name], err_msg=name)
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


def fit_in_threads(estimators, X, y):
    """Fit each estimator in its own thread, all starting together."""
    start = threading.Barrier(len(estimators))
    errors = []

    def fit(estimator):
        start.wait()
        try:
            estimator.fit(X, y)
        except BaseException as error:  # re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=fit, args=(estimator,)) for estimator in estimators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return estimators


# Threads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_two_estimators_fitted_at_once_match_their_sequential_fits(architecture):
    X, y = make_sequences(48)
    params = dict(DRAWING, **ARCHITECTURES[architecture])
    estimators = [RNNClassifier(**dict(params, random_state=seed)) for seed in (0, 1)]
    sequential = [clone(estimator).fit(X, y) for estimator in estimators]
    for _ in range(2):  # two rounds: the overlap differs from round to round
        concurrent = fit_in_threads([clone(estimator) for estimator in estimators], X, y)
        for alone, beside in zip(sequential, concurrent, strict=True):
            assert_identical(alone, beside, X)


def test_ragged_regressors_fitted_at_once_match_their_sequential_fits():
    X, y = make_ragged(48)
    estimator = RNNRegressor(**DRAWING, n_layers=2, bidirectional=False)
    sequential = clone(estimator).fit(X, y)
    for twin in fit_in_threads([clone(estimator), clone(estimator)], X, y):
        assert_identical(sequential, twin, X)


@functools.cache
def sequential_search_scores():
    return search_scores()


def search_scores(**search_params):
    X, y = make_sequences(48)
    estimator = RNNClassifier(**DRAWING, n_layers=2)
    search = GridSearchCV(estimator, GRID, cv=CV, scoring=SCORING, **search_params).fit(X, y)
    return split_scores(search.cv_results_)


def split_scores(cv_results):
    return np.array([cv_results[f"split{k}_test_score"] for k in range(CV.get_n_splits())])


def test_threaded_grid_search_matches_the_sequential_one():
    with joblib.parallel_backend("threading", n_jobs=2):
        threaded = search_scores(n_jobs=2)
    np.testing.assert_array_equal(threaded, sequential_search_scores())


@pytest.mark.slow  # starts two worker processes
def test_loky_grid_search_matches_the_sequential_one():
    # One torch thread per worker, as in this process (conftest.py): a fit is
    # bit-identical for a given number of intra-op threads.
    with joblib.parallel_config(backend="loky", inner_max_num_threads=1):
        workers = search_scores(n_jobs=2)
    np.testing.assert_array_equal(workers, sequential_search_scores())


def test_dask_ml_search_on_the_threaded_scheduler_matches_the_sequential_one():
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask_ml")
    from dask_ml.model_selection import GridSearchCV as DaskGridSearchCV

    X, y = make_sequences(48)
    estimator = RNNClassifier(**DRAWING, n_layers=2)
    with dask.config.set(scheduler="threads"):
        search = DaskGridSearchCV(estimator, GRID, cv=CV, scoring=SCORING, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(split_scores(search.cv_results_), sequential_search_scores())


@pytest.mark.slow  # starts an in-process dask cluster
def test_joblib_dask_backend_matches_the_sequential_search():
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    with (
        distributed.Client(processes=False, n_workers=1, threads_per_worker=2),
        joblib.parallel_backend("dask"),
    ):
        on_dask = search_scores(n_jobs=2)
    np.testing.assert_array_equal(on_dask, sequential_search_scores())


# The global generator, pickles and the modules -----------------------------------------


@pytest.mark.parametrize("architecture", ARCHITECTURES)
def test_fit_and_predict_leave_the_global_random_state_untouched(architecture):
    X, y = make_sequences(32)
    state = torch.random.get_rng_state()
    clf = RNNClassifier(**DRAWING, **ARCHITECTURES[architecture]).fit(X, y)
    clf.partial_fit(X, y)
    clf.predict_proba(X)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_fit_ignores_the_global_random_state():
    X, y = make_sequences(32)
    torch.manual_seed(1)
    first = RNNClassifier(**DRAWING, n_layers=2).fit(X, y)
    torch.manual_seed(2)
    assert_identical(first, clone(first).fit(X, y), X)


def test_training_continued_after_unpickling_matches_uninterrupted_training():
    """Each training call reseeds batch order and dropout from the estimator's own
    (pickled) RandomState, so pickles need no generator positions."""
    X, y = make_sequences(32)
    clf = RNNClassifier(**DRAWING, n_layers=2, bidirectional=False, warm_start=True).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    for estimator in (clf, restored):
        estimator.fit(X, y).partial_fit(X, y)
    assert_identical(clf, restored, X)


def test_seeded_dropout_draws_from_its_own_stream():
    X = torch.ones(4, 50)
    layer = SeededDropout(0.5)
    layer.seed(7)
    torch.manual_seed(0)
    first = layer(X)
    second = layer(X)  # the stream goes on
    layer.seed(7)
    torch.manual_seed(1)
    np.testing.assert_array_equal(layer(X), first)  # the seed alone decides
    assert not torch.equal(first, second)
    assert set(first.unique().tolist()) == {0.0, 2.0}  # kept units are scaled by 1 / (1 - p)
    torch.testing.assert_close(layer.eval()(X), X)


def test_unpickled_dropout_restarts_its_stream_from_its_seed():
    layer = SeededDropout(0.5)
    layer.seed(3)
    X = torch.ones(2, 40)
    first = layer(X)
    restored = pickle.loads(pickle.dumps(layer))
    np.testing.assert_array_equal(restored(X), first)


def test_a_network_seed_gives_the_same_weights_and_leaves_the_global_generator():
    params = dict(n_features=3, n_outputs=2, dropout=0.2, n_layers=2, pooling="attention")
    state = torch.random.get_rng_state()
    first, second = SequenceNetwork(**params, seed=5), SequenceNetwork(**params, seed=5)
    other = SequenceNetwork(**params, seed=6)
    assert torch.equal(torch.random.get_rng_state(), state)
    for (name, value), twin, different in zip(
        first.state_dict().items(), second.state_dict().values(), other.state_dict().values(),
        strict=True,
    ):
        assert torch.equal(value, twin), name
        if name.endswith("weight"):
            assert not torch.equal(value, different), name
