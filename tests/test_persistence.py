"""Persistence, threads and recovery after interruption."""

import pickle
import threading

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from _support import FAST, make_sequences
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
    """Simulated: the pickle records device 'cuda'; unpickled without CUDA it maps to the CPU.

    Pickles hold the weights as numpy arrays, so only the recorded device differs
    from a real CUDA model.
    """
    est, X = fitted(RNNClassifier)
    expected = est.predict_proba(X)
    est._net_config_["device"] = "cuda"
    est.device_ = "cuda"
    blob = pickle.dumps(est)
    assert not torch.cuda.is_available()
    with pytest.warns(UserWarning, match="no CUDA devices are available"):
        restored = pickle.loads(blob)
    assert restored.device_ == "cpu"
    assert restored.net_.device == "cpu"
    np.testing.assert_array_equal(restored.predict_proba(X), expected)


def test_concurrent_predictions_never_apply_dropout():
    X, y = make_sequences()
    clf = RNNClassifier(hidden_size=8, max_iter=2, dropout=0.5, random_state=0).fit(X, y)
    assert not clf.net_.module_.training, "fit leaves the network in inference mode"
    big = np.random.RandomState(1).normal(size=(5000, 10, 2))
    expected = clf.predict_proba(big)
    results = []

    def work():
        results.append(clf.predict_proba(big))

    for _ in range(3):
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 12
    assert not clf.net_.module_.training
    for result in results:
        np.testing.assert_allclose(result, expected, rtol=1e-5)


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


def test_pickles_hold_no_torch_objects():
    est, X = fitted(RNNClassifier)
    blob = pickle.dumps(est)
    assert b"torch" not in blob
    restored = pickle.loads(blob)
    np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    assert restored.n_iter_ == est.n_iter_
    assert len(restored.net_.history) == len(est.net_.history)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_training_continues_identically_after_a_round_trip(Estimator):
    """Optimizer state travels too: partial_fit after loading equals partial_fit without."""
    est, X = fitted(Estimator)
    y = est.predict(X)
    restored = pickle.loads(pickle.dumps(est))
    est.partial_fit(X, y)
    restored.partial_fit(X, y)
    np.testing.assert_allclose(restored.transform(X), est.transform(X), rtol=1e-6)


# Every type that skops.io must be told to trust: this package's own, nothing else.
SKOPS_TRUSTED = {
    "sklearn_rnn._classifier.RNNClassifier",
    "sklearn_rnn._regressor.RNNRegressor",
    "sklearn_rnn._forecaster.RNNForecaster",
    "sklearn_rnn._statistics.TargetScaler",
    "sklearn_rnn._tables.Table",
    "sklearn_rnn._forecast_columns.ColumnLayout",
}


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor, RNNForecaster])
def test_skops_round_trip_trusts_only_this_package(Estimator):
    sio = pytest.importorskip("skops.io")
    est, X = fitted(Estimator)
    blob = sio.dumps(est)
    untrusted = set(sio.get_untrusted_types(data=blob))
    assert untrusted <= SKOPS_TRUSTED
    restored = sio.loads(blob, trusted=sorted(untrusted))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2001-01", periods=40, freq="MS", name="month"),
        pd.date_range("2001-01-01", periods=40, freq="h", tz="Europe/Paris"),
        pd.period_range("2001-01", periods=40, freq="M", name="month"),
        pd.RangeIndex(100, 140),
    ],
)
def test_forecaster_index_survives_skops_and_pickle(index):
    sio = pytest.importorskip("skops.io")
    series = pd.Series(np.sin(np.arange(40.0)), index=index)
    fc = RNNForecaster(lookback=6, horizon=3, **FAST).fit(series)
    expected = fc.forecast()
    blob = sio.dumps(fc)
    for restored in (
        sio.loads(blob, trusted=sio.get_untrusted_types(data=blob)),
        pickle.loads(pickle.dumps(fc)),
    ):
        pd.testing.assert_series_equal(restored.forecast(), expected)
