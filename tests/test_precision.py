"""mixed_precision: autocast in training and inference, float32 weights and losses."""

import warnings

import numpy as np
import pytest
import torch
from _support import FAST, make_sequences

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor
from sklearn_rnn._device import mixed_precision_failure

# oneDNN's bfloat16 LSTM needs AVX-512: elsewhere the bfloat16 path cannot run
# (the float32 fallback is tested everywhere, below).
needs_cpu_bfloat16 = pytest.mark.skipif(
    mixed_precision_failure("cpu", "lstm") is not None,
    reason="this CPU has no bfloat16 LSTM kernels",
)


def fitted(mixed_precision, cell="lstm", Estimator=RNNClassifier):
    X, y = make_sequences(n_samples=80)
    if Estimator is RNNRegressor:
        y = X[:, :3, 0].sum(axis=1)
    params = dict(FAST, hidden_size=16, max_iter=20)
    est = Estimator(**params, cell=cell, mixed_precision=mixed_precision).fit(X, y)
    return est, X, y


@needs_cpu_bfloat16
@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_mixed_precision_trains_in_bfloat16_on_the_cpu(Estimator):
    mixed, X, y = fitted(True, Estimator=Estimator)
    full, _, _ = fitted(False, Estimator=Estimator)
    # Autocast ran: the results differ from float32 ...
    assert not np.array_equal(mixed.predict(X), full.predict(X)) or not np.array_equal(
        mixed.loss_curve_, full.loss_curve_
    )
    # ... the weights, optimizer state and losses stay float32, and the model learns.
    assert all(p.dtype == torch.float32 for p in mixed.net_.module_.parameters())
    assert all(np.isfinite(mixed.loss_curve_))
    assert mixed.loss_curve_[-1] < mixed.loss_curve_[0]
    assert mixed.score(X, y) > full.score(X, y) - 0.1
    assert not mixed.net_.grad_scaler_.is_enabled()  # bfloat16 needs no loss scaling


@needs_cpu_bfloat16
def test_mixed_precision_runs_the_lstm_in_bfloat16():
    est, X, _ = fitted(True)
    seen = []
    hook = est.net_.module_.encoder.rnn.forward_layers[0].register_forward_hook(
        lambda module, inputs, outputs: seen.append(outputs[0].dtype)
    )
    est.predict_proba(X[:4])
    hook.remove()
    assert seen == [torch.bfloat16]
    assert est.predict_proba(X[:4]).dtype == np.float64


def test_float32_model_stays_float32_inside_a_callers_autocast():
    est, X, _ = fitted(False)
    seen = []
    hook = est.net_.module_.encoder.rnn.forward_layers[0].register_forward_hook(
        lambda module, inputs, outputs: seen.append(outputs[0].dtype)
    )
    with torch.autocast("cpu", dtype=torch.bfloat16):
        inside = est.predict_proba(X[:4])
    outside = est.predict_proba(X[:4])
    hook.remove()
    assert seen == [torch.float32, torch.float32]
    np.testing.assert_array_equal(inside, outside)


@needs_cpu_bfloat16
def test_mixed_precision_forecaster_and_pickle():
    import pickle

    series = np.sin(np.arange(120) / 4.0)
    fc = RNNForecaster(**FAST, lookback=8, horizon=2, mixed_precision=True).fit(series)
    copy = pickle.loads(pickle.dumps(fc))
    np.testing.assert_array_equal(copy.predict(series), fc.predict(series))
    assert copy.net_.mixed_precision


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_mixed_precision_uses_float16_and_loss_scaling_on_cuda():
    est, X, y = fitted(True)
    assert est.device_ == "cuda"
    assert est.net_.grad_scaler_.is_enabled()
    assert all(np.isfinite(est.loss_curve_))
    assert est.score(X, y) > 0.8


@needs_cpu_bfloat16
def test_mixed_precision_can_be_switched_after_fit():
    est, X, _ = fitted(False)
    full = est.predict_proba(X)
    est.set_params(mixed_precision=True)
    mixed = est.predict_proba(X)
    assert est.net_.mixed_precision
    assert not np.array_equal(full, mixed)
    np.testing.assert_allclose(mixed, full, atol=0.05)
    est.set_params(mixed_precision=False)
    np.testing.assert_array_equal(est.predict_proba(X), full)


@pytest.fixture
def no_bfloat16_lstm(monkeypatch):
    """An LSTM that fails under CPU autocast as oneDNN does without bfloat16 kernels."""
    forward = torch.nn.LSTM.forward

    def failing_forward(self, *args, **kwargs):
        if torch.is_autocast_enabled("cpu"):
            raise RuntimeError(
                "could not create a primitive descriptor for the LSTM forward "
                "propagation primitive"
            )
        return forward(self, *args, **kwargs)

    mixed_precision_failure.cache_clear()
    monkeypatch.setattr(torch.nn.LSTM, "forward", failing_forward)
    yield
    mixed_precision_failure.cache_clear()


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_mixed_precision_falls_back_to_float32_without_kernels(no_bfloat16_lstm, Estimator):
    with pytest.warns(
        UserWarning, match=r"not supported for cell='lstm'.*primitive descriptor"
    ) as record:
        mixed, X, _ = fitted(True, Estimator=Estimator)
    assert record[0].filename == __file__  # points at the caller's fit, not inside
    full, _, _ = fitted(False, Estimator=Estimator)
    assert mixed.mixed_precision  # the parameter stays as given ...
    assert not mixed.net_.mixed_precision  # ... the network runs in float32
    assert mixed.loss_curve_ == full.loss_curve_
    with pytest.warns(UserWarning, match="runs in float32 instead"):
        predictions = mixed.predict(X)
    np.testing.assert_array_equal(predictions, full.predict(X))


def test_mixed_precision_probe_is_cached_per_device_and_cell(no_bfloat16_lstm):
    assert mixed_precision_failure("cpu", "lstm").startswith("could not create")
    assert mixed_precision_failure("cpu", "gru") is None  # other cells keep autocast
    assert mixed_precision_failure.cache_info().currsize == 2
    mixed_precision_failure("cpu", "lstm")
    assert mixed_precision_failure.cache_info().hits == 1


def test_mixed_precision_probe_leaves_the_global_random_state(no_bfloat16_lstm):
    state = torch.random.get_rng_state()
    mixed_precision_failure("cpu", "rnn")
    assert torch.equal(torch.random.get_rng_state(), state)


def test_fallback_forecaster_and_pickle(no_bfloat16_lstm):
    import pickle

    series = np.sin(np.arange(120) / 4.0)
    with pytest.warns(UserWarning, match="runs in float32 instead"):
        fc = RNNForecaster(
            **FAST, cell="lstm", lookback=8, horizon=2, mixed_precision=True
        ).fit(series)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        copy = pickle.loads(pickle.dumps(fc))
        np.testing.assert_array_equal(copy.predict(series), fc.predict(series))
    assert not copy.net_.mixed_precision
