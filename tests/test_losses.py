"""RNNRegressor(loss=...): the losses, their criteria and their target handling."""

import pickle

import numpy as np
import pytest
import torch
from _support import FAST, TINY, make_ragged
from sklearn.base import clone
from sklearn.metrics import (
    mean_absolute_error,
    mean_poisson_deviance,
    mean_squared_error,
    r2_score,
)
from sklearn.utils._param_validation import InvalidParameterError
from torch import nn

from sklearn_rnn import RNNRegressor
from sklearn_rnn._losses import LOSSES
from sklearn_rnn._modules import CRITERIA, PoissonLoss

LOSS_NAMES = sorted(LOSSES)

# Enough training for a small network to learn the tasks below.
TRAINED = dict(hidden_size=8, max_iter=30, learning_rate_init=0.01, random_state=0)


def signal(n_samples=200, seed=0):
    """Sequences whose target is the mean of feature 0 over the first 3 steps, plus noise."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 6, 2))
    mean = X[:, :3, 0].mean(axis=1)
    return X, mean, mean + 0.1 * rng.normal(size=n_samples)


def with_outliers(y, n_outliers=10, size=1000.0):
    """``y`` with its first ``n_outliers`` values raised by ``size``."""
    y = y.copy()
    y[:n_outliers] += size
    return y


def counts(n_samples=200, seed=0):
    """Poisson counts whose log rate is linear in the mean of feature 0 over 3 steps."""
    X, mean, _ = signal(n_samples, seed)
    rate = np.exp(1.0 + 1.5 * mean)
    return X, rate, np.random.RandomState(seed).poisson(rate).astype(float)


def targets_for(loss, size):
    """Non-negative counts for the Poisson loss, real values for the others."""
    rng = np.random.RandomState(1)
    return rng.poisson(3.0, size=size).astype(float) if loss == "poisson" else rng.normal(size=size)


# The default --------------------------------------------------------------------


def test_default_is_squared_error_bit_for_bit():
    X, _, y = signal(n_samples=40)
    default = RNNRegressor(**FAST).fit(X, y)
    explicit = RNNRegressor(loss="squared_error", **FAST).fit(X, y)
    np.testing.assert_array_equal(default.predict(X), explicit.predict(X))
    assert default.loss_curve_ == explicit.loss_curve_
    assert type(default.net_.criterion_) is nn.MSELoss
    # Standardized targets, as before losses could be chosen.
    np.testing.assert_allclose(default._target_scaler_.mean, [y.mean()])
    np.testing.assert_allclose(default._target_scaler_.scale, [y.std()])


# Each loss learns its task ---------------------------------------------------------

TASKS = {
    # loss: (data, metric, best constant prediction under that metric)
    "squared_error": (signal, mean_squared_error, np.mean),
    "absolute_error": (signal, mean_absolute_error, np.median),
    "huber": (signal, mean_squared_error, np.mean),
    "poisson": (counts, mean_poisson_deviance, np.mean),
}


@pytest.mark.slow
@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_each_loss_beats_the_constant_predictor(loss):
    make_data, metric, constant = TASKS[loss]
    X, _, y = make_data()
    reg = RNNRegressor(loss=loss, **TRAINED).fit(X, y)
    baseline = metric(y, np.full_like(y, constant(y)))
    assert metric(y, reg.predict(X)) < 0.5 * baseline


@pytest.mark.slow
@pytest.mark.parametrize("loss", ["absolute_error", "huber"])
def test_robust_losses_ignore_a_few_huge_outliers(loss):
    X, mean, y = signal()
    y_train = with_outliers(y)
    inliers = slice(10, None)
    robust = RNNRegressor(loss=loss, **TRAINED).fit(X, y_train).predict(X)
    squared = RNNRegressor(**TRAINED).fit(X, y_train).predict(X)
    robust_error = np.median(np.abs(robust[inliers] - mean[inliers]))
    squared_error = np.median(np.abs(squared[inliers] - mean[inliers]))
    assert robust_error < 0.2 * squared_error
    assert robust_error < 0.5 * np.median(np.abs(mean - np.median(mean)))


@pytest.mark.slow
def test_poisson_predicts_positive_rates_whose_mean_is_the_counts_mean():
    X, rate, y = counts()
    # Full batches: where the gradient of the log link's bias, the sum of mean
    # minus count, is near zero, the means agree (minibatch noise moves them).
    reg = RNNRegressor(loss="poisson", **{**TRAINED, "batch_size": len(X)}).fit(X, y)
    y_pred = reg.predict(X)
    assert np.all(y_pred > 0)
    np.testing.assert_allclose(y_pred.mean(), y.mean(), rtol=0.05)
    assert np.corrcoef(np.log(y_pred), np.log(rate))[0, 1] > 0.9
    assert reg.score(X, y) == pytest.approx(r2_score(y, y_pred))


# Shapes: several outputs, per-step outputs, sample weights --------------------------


@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_every_loss_fits_several_outputs_with_sample_weights(loss):
    X, _, _ = signal(n_samples=30)
    y = targets_for(loss, (30, 2))
    weights = np.linspace(0.5, 2.0, 30)
    reg = RNNRegressor(loss=loss, **TINY).fit(X, y, sample_weight=weights)
    y_pred = reg.predict(X)
    assert y_pred.shape == (30, 2)
    assert np.all(np.isfinite(y_pred))
    if loss == "poisson":
        assert np.all(y_pred > 0)


@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_every_loss_fits_per_step_targets(loss):
    X, _ = make_ragged(n_samples=20)
    y = [targets_for(loss, len(seq)) for seq in X]
    reg = RNNRegressor(loss=loss, output="sequence", **TINY).fit(X, y)
    y_pred = reg.predict(X)
    assert [len(steps) for steps in y_pred] == [len(seq) for seq in X]
    assert np.all(np.isfinite(np.concatenate(y_pred)))
    assert np.isfinite(reg.score(X, y))


# Target scaling and decoding per loss ---------------------------------------------


def test_robust_losses_scale_targets_by_median_and_mad():
    y = with_outliers(np.arange(11.0), n_outliers=2)
    scaler = LOSSES["huber"].target_scaler(y[:, None])
    np.testing.assert_allclose(scaler.mean, [np.median(y)])
    mad = np.median(np.abs(y - np.median(y)))
    np.testing.assert_allclose(scaler.scale, [1.4826 * mad])


def test_robust_scale_falls_back_to_the_standard_deviation_when_most_values_are_equal():
    y = np.array([0.0, 0.0, 0.0, 0.0, 5.0, 9.0])[:, None]
    scaler = LOSSES["absolute_error"].target_scaler(y)
    np.testing.assert_allclose(scaler.mean, [0.0])
    np.testing.assert_allclose(scaler.scale, [y.std()])


def test_poisson_divides_by_the_mean_and_decodes_with_exp():
    loss = LOSSES["poisson"]
    y = np.array([[0.0, 1.0], [2.0, 4.0], [4.0, 1.0]])
    scaler = loss.target_scaler(y)
    np.testing.assert_allclose(scaler.transform(y), y / y.mean(axis=0))
    assert (loss.centred, loss.non_negative) == (False, True)
    np.testing.assert_allclose(loss.decode(np.log([[2.0, 0.5]])), [[2.0, 0.5]])


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber"])
def test_real_valued_losses_are_centred_identity_links(loss):
    description = LOSSES[loss]
    assert (description.centred, description.non_negative) == (True, False)
    outputs = np.array([[-1.5, 2.0]], dtype=np.float32)
    np.testing.assert_array_equal(description.decode(outputs), outputs)


# The criteria ----------------------------------------------------------------------


def test_criteria_are_keyed_by_the_loss_names():
    assert {loss.criterion for loss in LOSSES.values()} <= set(CRITERIA)
    assert CRITERIA["squared_error"] is nn.MSELoss
    assert CRITERIA["absolute_error"] is nn.L1Loss
    assert CRITERIA["huber"] is nn.HuberLoss


def test_poisson_criterion_is_half_the_deviance_with_the_gradient_of_poisson_nll():
    rng = np.random.RandomState(0)
    y_true = torch.tensor(rng.poisson(2.0, size=(8, 2)), dtype=torch.float32)
    outputs = torch.tensor(rng.normal(size=(8, 2)), dtype=torch.float32, requires_grad=True)
    per_term = PoissonLoss(reduction="none")(outputs, y_true)
    assert per_term.shape == (8, 2)
    expected = mean_poisson_deviance(
        y_true.numpy().ravel(), np.exp(outputs.detach().numpy()).ravel()
    )
    assert PoissonLoss()(outputs, y_true).item() == pytest.approx(expected / 2, rel=1e-5)
    (gradient,) = torch.autograd.grad(per_term.sum(), outputs)
    (reference,) = torch.autograd.grad(
        nn.PoissonNLLLoss(log_input=True, reduction="sum")(outputs, y_true), outputs
    )
    torch.testing.assert_close(gradient, reference)


def test_huber_epsilon_is_the_criterion_delta():
    X, _, y = signal(n_samples=20)
    reg = RNNRegressor(loss="huber", epsilon=0.5, **TINY).fit(X, y)
    assert isinstance(reg.net_.criterion_, nn.HuberLoss)
    assert reg.net_.criterion_.delta == 0.5


# Bad input and parameters -------------------------------------------------------------


def test_poisson_refuses_negative_targets_naming_the_loss():
    X, _, y = signal(n_samples=20)
    with pytest.raises(ValueError, match=r"loss='poisson' requires non-negative y.*smallest -"):
        RNNRegressor(loss="poisson", **TINY).fit(X, y)
    reg = RNNRegressor(loss="poisson", **TINY).fit(X, np.abs(y))
    with pytest.raises(ValueError, match="loss='poisson' requires non-negative y"):
        reg.partial_fit(X, y)


def test_poisson_refuses_targets_that_are_all_zero():
    X, _, _ = signal(n_samples=20)
    y = np.column_stack([np.ones(20), np.zeros(20)])
    with pytest.raises(
        ValueError, match=r"loss='poisson' requires y with a positive sum.*output 1"
    ):
        RNNRegressor(loss="poisson", **TINY).fit(X, y)


@pytest.mark.parametrize(
    "params", [dict(loss="mse"), dict(loss="quantile"), dict(epsilon=0.0), dict(epsilon=-1.0)]
)
def test_invalid_loss_parameters_are_refused_by_the_constraints(params):
    X, _, y = signal(n_samples=20)
    name = next(iter(params))
    with pytest.raises(InvalidParameterError, match=f"The '{name}' parameter"):
        RNNRegressor(**params, **TINY).fit(X, y)


def test_continued_training_refuses_a_changed_loss():
    X, _, y = signal(n_samples=20)
    reg = RNNRegressor(loss="absolute_error", warm_start=True, **TINY).fit(X, y)
    reg.set_params(loss="huber")
    with pytest.raises(ValueError, match="fitted with loss='absolute_error'"):
        reg.fit(X, y)
    with pytest.raises(ValueError, match="fitted with loss='absolute_error'"):
        reg.partial_fit(X, y)


def test_predict_decodes_with_the_fitted_loss_after_set_params():
    X, _, y = counts(n_samples=20)
    reg = RNNRegressor(loss="poisson", **TINY).fit(X, y)
    y_pred = reg.predict(X)
    reg.set_params(loss="squared_error")
    np.testing.assert_array_equal(reg.predict(X), y_pred)


# Parameters and persistence ---------------------------------------------------------


def test_loss_parameters_survive_clone_and_get_params():
    reg = RNNRegressor(loss="huber", epsilon=2.0)
    assert reg.get_params()["loss"] == "huber"
    assert reg.get_params()["epsilon"] == 2.0
    cloned = clone(reg)
    assert (cloned.loss, cloned.epsilon) == ("huber", 2.0)
    assert RNNRegressor().get_params()["loss"] == "squared_error"


@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_pickle_round_trip_keeps_every_loss(loss):
    X, _, _ = signal(n_samples=20)
    y = targets_for(loss, 20)
    reg = RNNRegressor(loss=loss, **TINY).fit(X, y)
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))
    assert type(restored.net_.criterion_) is type(reg.net_.criterion_)


@pytest.mark.parametrize("loss", ["huber", "poisson"])
def test_skops_trusts_the_same_types_for_every_loss(loss):
    sio = pytest.importorskip("skops.io")
    X, _, _ = signal(n_samples=20)
    reg = RNNRegressor(loss=loss, **TINY).fit(X, targets_for(loss, 20))
    untrusted = set(sio.get_untrusted_types(data=sio.dumps(reg)))
    assert untrusted <= {
        "sklearn_rnn._regressor.RNNRegressor",
        "sklearn_rnn._statistics.TargetScaler",
    }


def test_poisson_validation_score_is_the_r2_of_the_predicted_mean():
    from types import SimpleNamespace

    from sklearn_rnn._callbacks import ValidationScore

    y_true = torch.tensor([[1.0], [3.0], [0.0], [6.0]])
    outputs = torch.log(torch.tensor([[1.5], [2.5], [0.5], [5.0]]))
    recorded = {}
    net = SimpleNamespace(
        module_=SimpleNamespace(step_outputs=False),
        criterion_=PoissonLoss(),
        history=SimpleNamespace(record=recorded.__setitem__),
    )
    callback = ValidationScore("r2")
    callback.on_epoch_begin(net)
    callback.on_batch_end(net, batch=({"X": None}, y_true), training=False, y_pred=outputs)
    callback.on_epoch_end(net)
    expected = r2_score(y_true.numpy(), torch.exp(outputs).numpy())
    assert recorded["valid_score"] == pytest.approx(expected)
