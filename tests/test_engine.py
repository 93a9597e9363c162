"""The training engine's per-batch loop: events, history and loss, as skorch's."""

import pickle

import numpy as np
import pytest
import torch
from _support import FAST, make_ragged, make_sequences
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor
from sklearn_rnn._net import SequenceNet
from sklearn_rnn._sequences import SequenceDataset


class BatchCounter(Callback):
    """Counts the batch events it sees and records their arguments."""

    def initialize(self):
        self.batches_ = []
        self.epochs_ = 0
        return self

    def on_batch_end(self, net, batch=None, training=False, loss=None, **kwargs):
        self.batches_.append((training, len(batch[0]["lengths"]), float(loss.detach())))

    def on_epoch_end(self, net, **kwargs):
        self.epochs_ += 1


def test_callbacks_get_every_batch_event_they_define():
    X, y = make_sequences(n_samples=50)
    instance_level = []
    plain = Callback()
    plain.on_batch_begin = lambda net, **kwargs: instance_level.append(kwargs["training"])
    est = RNNClassifier(
        **FAST, batch_size=16, early_stopping=True, validation_fraction=0.2,
        callbacks=[BatchCounter(), ("plain", plain)],
    ).fit(X, y)
    counter = dict(est.net_.callbacks_)["user_0_BatchCounter"]
    train = [size for training, size, _ in counter.batches_ if training]
    valid = [size for training, size, _ in counter.batches_ if not training]
    assert train == [16, 16, 8] * est.n_iter_  # 40 training sequences per epoch
    assert valid == [10] * est.n_iter_
    assert counter.epochs_ == est.n_iter_
    # A callback overriding an event on the instance is called too.
    assert instance_level == [True, True, True, False] * est.n_iter_


def test_listeners_skip_no_op_callbacks_and_follow_new_callback_lists():
    X, y = make_sequences(n_samples=30)
    net = RNNClassifier(**FAST, callbacks=[BatchCounter()]).fit(X, y).net_
    listeners = net._listeners("on_batch_end")
    owners = [type(listener.__self__).__name__ for listener in listeners]
    assert owners == ["ValidationScore", "BatchCounter"]  # in skorch's order
    assert net._listeners("on_batch_begin") == []  # no callback acts there
    # skorch builds a new list of callbacks (set_params, initialize): new listeners.
    net.initialize_callbacks()
    fresh = net._listeners("on_batch_end")[0].__self__
    assert fresh is dict(net.callbacks_)["valid_score"]
    assert fresh is not listeners[0].__self__
    net.callbacks_.clear()  # as skorch's trim_for_prediction does
    assert net._listeners("on_batch_end") == []


def fit_history(monkeypatch, defer):
    monkeypatch.setattr(SequenceNet, "_defers_batch_losses", lambda self: defer)
    X, y = make_ragged(n_samples=45)
    est = RNNRegressor(**FAST, batch_size=8, early_stopping=True, validation_fraction=0.2)
    return est.fit(X, y)


def test_batch_losses_reach_the_history_as_floats_deferred_or_not(monkeypatch):
    # On an accelerator the batch losses are read once per epoch; the history
    # and the model are the same as when each is read at once.
    at_once = fit_history(monkeypatch, defer=False)
    deferred = fit_history(monkeypatch, defer=True)
    assert deferred.loss_curve_ == at_once.loss_curve_
    assert deferred.validation_scores_ == at_once.validation_scores_
    for row, other in zip(deferred.net_.history, at_once.net_.history, strict=True):
        batches = row["batches"]
        assert batches == other["batches"]
        assert all(isinstance(b.get("train_loss", b.get("valid_loss")), float) for b in batches)
        sizes = [b["train_batch_size"] for b in batches if "train_batch_size" in b]
        assert sum(sizes) == 36 and row["train_batch_count"] == 5
        losses = [b["train_loss"] for b in batches if "train_loss" in b]
        assert row["train_loss"] == pytest.approx(np.average(losses, weights=sizes))


def test_batch_losses_are_deferred_only_on_accelerators_without_readers():
    X, y = make_sequences(n_samples=30)
    net = RNNClassifier(**FAST).fit(X, y).net_
    assert not net._defers_batch_losses()  # CPU: reading a scalar costs nothing
    net.device = "cuda"  # only the decision is checked; nothing runs
    assert net._defers_batch_losses()
    user_named_like_ours = [("gradient_clipping", BatchCounter())]  # max_grad_norm=None
    for params in (dict(verbose=1), dict(callbacks=[BatchCounter()]),
                   dict(callbacks=user_named_like_ours, max_grad_norm=None)):
        other = RNNClassifier(**FAST, **params).fit(X, y).net_
        other.device = "cuda"  # a progress bar or user callback may read them per batch
        assert not other._defers_batch_losses()


@pytest.mark.parametrize(
    "Estimator, y",
    [
        (RNNClassifier, np.arange(30) % 2),
        (RNNRegressor, np.random.default_rng(0).standard_normal((30, 3)).astype(np.float32)),
    ],
    ids=["cross-entropy", "multi-output mse"],
)
def test_unweighted_loss_is_the_mean_of_the_per_term_losses(Estimator, y):
    X, _ = make_sequences(n_samples=30)
    net = Estimator(**FAST).fit(X, y).net_
    inputs, y_true = SequenceDataset(X.astype(np.float32), np.full(30, 10), y).batch(
        np.arange(30)
    )
    with torch.no_grad():
        y_pred = net.infer(inputs)
        mean = net.get_loss(y_pred, y_true, X=inputs)  # reduction="mean" in one kernel
        terms = net.criterion_(y_pred, y_true)  # the net's own criterion keeps "none"
        weighted = net.get_loss(y_pred, y_true, X={**inputs, "sample_weight": torch.ones(30)})
    assert net.criterion_.reduction == "none"
    assert terms.shape[0] == 30
    assert float(mean) == pytest.approx(float(terms.mean()), rel=1e-6)
    assert float(weighted) == pytest.approx(float(mean), rel=1e-6)


def test_quantile_loss_mean_matches_its_terms():
    series = np.sin(np.arange(80) / 3.0)
    fc = RNNForecaster(**FAST, lookback=6, horizon=2, quantiles=[0.1, 0.5, 0.9]).fit(series)
    net = fc.net_
    y_pred = torch.randn(5, 6)
    y_true = torch.randn(5, 2)
    mean = net._mean_criterion()(y_pred, y_true)
    assert float(mean) == pytest.approx(float(net.criterion_(y_pred, y_true).mean()), rel=1e-6)


def test_engine_caches_are_not_pickled_and_rebuild():
    X, y = make_sequences(n_samples=30)
    est = RNNClassifier(**FAST, warm_start=True).fit(X, y)
    assert "_mean_criterion_cache_" in est.net_.__dict__
    assert "_listener_cache_" in est.net_.__dict__
    # The net pickled on its own (an estimator's pickle exports the weights instead).
    net_copy = pickle.loads(pickle.dumps(est.net_))
    assert "_mean_criterion_cache_" not in net_copy.__dict__
    assert "_listener_cache_" not in net_copy.__dict__
    copy = pickle.loads(pickle.dumps(est))
    assert "_mean_criterion_cache_" not in copy.net_.__dict__
    assert "_listener_cache_" not in copy.net_.__dict__
    np.testing.assert_array_equal(copy.predict_proba(X), est.predict_proba(X))
    copy.fit(X, y)  # trains on: the caches come back for the unpickled net
    assert copy.net_._mean_criterion() is not est.net_._mean_criterion()
    assert copy.n_iter_ == est.n_iter_ + FAST["max_iter"]  # warm start adds epochs


@pytest.mark.parametrize(
    "cell, bidirectional, width",
    [("lstm", False, 4 * 16), ("gru", True, 3 * 16), ("rnn", False, 16), ("rnn", True, 2 * 16)],
)
def test_step_width_is_the_widest_activation_per_step(cell, bidirectional, width):
    from sklearn_rnn._modules import RecurrentEncoder

    encoder = RecurrentEncoder(3, cell=cell, hidden_size=16, n_layers=2,
                               bidirectional=bidirectional)
    assert encoder.step_width == width  # gates, or both directions' outputs if wider


def test_step_width_counts_wide_inputs_and_embeddings():
    from sklearn_rnn._modules import RecurrentEncoder

    assert RecurrentEncoder(2000, cell="gru", hidden_size=16).step_width == 2000
    tokens = RecurrentEncoder(1, hidden_size=8, n_tokens=50, embedding_dim=300)
    assert tokens.step_width == 300


def test_inference_batches_fit_the_cpu_caches_and_the_gpu_memory():
    from sklearn_rnn._device import inference_batch_size, network_inference_batch_size

    assert inference_batch_size(20, 64, "cpu") == 2**22 // (20 * 64)
    assert inference_batch_size(50, 256, "cpu") == 327  # a 64-unit LSTM, 50 steps
    assert inference_batch_size(50, 256, "cuda") == 2**24 // (50 * 256)  # larger on a GPU
    assert inference_batch_size(5, 64, "cpu") == 4096  # at most
    assert inference_batch_size(10**6, 256, "cuda:1") == 1  # at least one sequence
    X, y = make_sequences(n_samples=30)
    est = RNNClassifier(**FAST, cell="lstm", bidirectional=False).fit(X, y)
    dataset = SequenceDataset(X.astype(np.float32), np.full(30, 10))
    assert network_inference_batch_size(est.net_, dataset) == inference_batch_size(10, 32, "cpu")
