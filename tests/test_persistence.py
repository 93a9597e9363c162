"""Persistence, threads and recovery after interruption."""

import pickle
import threading

import joblib
import numpy as np
import pytest
import torch
from conftest import FAST, make_sequences
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor


def fitted(Estimator):
    X, y = make_sequences()
    if Estimator is RNNForecaster:
        X = np.cumsum(X[:, 0, :], axis=0)
        return Estimator(lookback=5, horizon=2, **FAST).fit(X), X
    if Estimator is RNNRegressor:
        y = X[:, 0, 0]
    return Estimator(**FAST).fit(X, y), X


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor, RNNForecaster])
def test_joblib_round_trip(Estimator, tmp_path):
    est, X = fitted(Estimator)
    joblib.dump(est, tmp_path / "model.joblib")
    restored = joblib.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))


def test_model_pickled_on_cuda_loads_on_a_cpu_machine():
    """Simulated: the pickle records device 'cuda'; unpickled without CUDA it maps to the CPU."""
    est, X = fitted(RNNClassifier)
    expected = est.predict_proba(X)
    est.net_.device = "cuda"
    est.device_ = "cuda"
    blob = pickle.dumps(est)
    assert not torch.cuda.is_available()
    with pytest.warns(UserWarning, match="no CUDA devices are available"):
        restored = pickle.loads(blob)
    assert restored.device_ == "cpu"
    np.testing.assert_array_equal(restored.predict_proba(X), expected)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor, RNNForecaster])
def test_predict_from_several_threads(Estimator):
    est, X = fitted(Estimator)
    expected = est.predict(X)
    results = [None] * 8

    def work(slot):
        results[slot] = est.predict(X)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        np.testing.assert_allclose(result, expected, rtol=1e-6)


class InterruptOnceAt(Callback):
    """Ctrl-C pressed once, during the given epoch."""

    def __init__(self, epoch):
        self.epoch = epoch
        self.pressed = False

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch and not self.pressed:
            self.pressed = True
            raise KeyboardInterrupt


def test_partial_fit_continues_after_an_interrupted_fit():
    X, y = make_sequences()
    with pytest.warns(UserWarning, match="interrupted"):
        clf = RNNClassifier(**FAST, callbacks=[InterruptOnceAt(3)]).fit(X, y)
    assert clf.n_iter_ == 2
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 3
    assert np.all(np.isfinite(clf.predict_proba(X)))
