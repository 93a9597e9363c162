"""Behaviour shared by RNNClassifier and RNNRegressor, and each one's own."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from _support import BAD_X, FAST, make_ragged, make_sequences
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor

ESTIMATORS = [RNNClassifier, RNNRegressor]


def data_for(Estimator, n_samples=40, seed=0):
    X, y = make_sequences(n_samples=n_samples, seed=seed)
    if Estimator is RNNRegressor:
        y = X[:, :3, 0].sum(axis=1)
    return X, y


# Input formats -----------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_accepts_3d_2d_ragged_and_series(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST)
    assert est.fit(X, y).predict(X).shape == (40,)
    assert est.n_features_in_ == 2
    assert est.fit(X[:, :, 0], y).predict(X[:, :, 0]).shape == (40,)
    assert est.n_features_in_ == X.shape[1]  # a table: one feature per column
    ragged = [seq[: 3 + i % 7] for i, seq in enumerate(X)]
    assert est.fit(ragged, y).predict(ragged).shape == (40,)
    assert est.predict(pd.Series(ragged)).shape == (40,)
    assert est.predict(X.astype(np.float32)).shape == (40,)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predicts_sequences_of_other_lengths(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST).fit(X, y)
    assert est.predict(X[:, :4]).shape == (40,)
    assert est.predict([X[0, :2], X[1]]).shape == (2,)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predictions_do_not_depend_on_the_other_samples(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST).fit(X, y)
    for method in (est.predict, est.transform):
        alone = np.concatenate([np.atleast_1d(method(X[i : i + 1])) for i in range(len(X))])
        np.testing.assert_allclose(alone.ravel(), method(X).ravel(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_does_not_change_predictions(Estimator, bidirectional):
    """A sequence predicts the same alone, or padded in a batch with longer ones."""
    X, y = make_ragged()
    if Estimator is RNNClassifier:
        y = (y > 0).astype(int)
    for pooling in ("last", "mean", "max", "attention"):
        est = Estimator(**FAST, pooling=pooling, bidirectional=bidirectional).fit(X, y)
        together = est.transform(X)
        alone = np.vstack([est.transform([seq]) for seq in X])
        np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-6)


# Classifier --------------------------------------------------------------------


def test_classifier_string_labels_and_probabilities():
    X, y = make_sequences(n_samples=60)
    labels = np.array(["cat", "dog", "eel"])[y + (X[:, -1, 1] > 1)]
    clf = RNNClassifier(**FAST).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "eel"])
    assert set(clf.predict(X)) <= set(labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-6)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))


@pytest.mark.slow
def test_classifier_learns_a_sequence_task():
    X, y = make_sequences(n_samples=300, n_timesteps=15)
    clf = RNNClassifier(hidden_size=16, max_iter=30, random_state=0).fit(X[:200], y[:200])
    assert clf.score(X[200:], y[200:]) > 0.85


@pytest.mark.slow
def test_classifier_learns_the_estimator_checks_blobs():
    """What check_classifiers_train checks, on 2-D X read as sequences of 2 steps."""
    from sklearn.datasets import make_blobs
    from sklearn.preprocessing import StandardScaler

    X, y = make_blobs(n_samples=300, random_state=0)
    X = StandardScaler().fit_transform(X)
    clf = RNNClassifier(hidden_size=16, max_iter=100, pooling="last", random_state=0)
    assert clf.fit(X, y).score(X, y) > 0.83
    assert clf.fit(X.tolist(), y.tolist()).predict(X).shape == (300,)


def test_class_weight_balanced_favours_the_rare_class():
    X, y = make_sequences(n_samples=200, n_timesteps=6)
    keep = (y == 0) | (np.arange(200) % 6 == 0)
    X, y = X[keep], y[keep]
    plain = RNNClassifier(hidden_size=8, max_iter=15, random_state=0).fit(X, y)
    balanced = clone(plain).set_params(class_weight="balanced").fit(X, y)
    assert balanced.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean()


def test_sample_weight_changes_the_fit_and_ones_do_not():
    X, y = make_sequences(n_samples=60)
    base = RNNClassifier(**FAST).fit(X, y)
    ones = clone(base).fit(X, y, sample_weight=np.ones(60))
    np.testing.assert_allclose(base.predict_proba(X), ones.predict_proba(X), rtol=1e-5)
    weights = np.where(y == 1, 10.0, 0.1)
    weighted = clone(base).fit(X, y, sample_weight=weights)
    assert weighted.predict_proba(X)[:, 1].mean() > base.predict_proba(X)[:, 1].mean()


@pytest.mark.parametrize(
    "y, match",
    [
        (np.linspace(0, 1, 40), "Unknown label type"),
        (np.zeros(40), "at least 2 classes"),
        (np.zeros(39), "inconsistent numbers of samples"),
        (np.where(np.arange(40) == 3, np.nan, np.arange(40) % 2), "Input y contains NaN"),
        (np.arange(80).reshape(40, 2) % 2, "y should be a 1d array"),
    ],
)
def test_classifier_rejects_bad_targets(y, match):
    X, _ = make_sequences()
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**FAST).fit(X, y)


def test_partial_fit_needs_classes_first_and_rejects_unknown_labels():
    X, y = make_sequences()
    clf = RNNClassifier(**FAST)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X, y + 5)


# Regressor ---------------------------------------------------------------------


@pytest.mark.slow
def test_regressor_predicts_in_the_targets_units():
    X, y = make_ragged(n_samples=200)
    y = 1000.0 + 50.0 * y
    reg = RNNRegressor(hidden_size=16, max_iter=40, random_state=0).fit(X, y)
    prediction = reg.predict(X)
    assert abs(prediction.mean() - y.mean()) < 0.1 * y.std()
    assert reg.score(X, y) > 0.8


def test_regressor_multi_output():
    X, _y = make_sequences()
    Y = np.column_stack([X[:, 0, 0], 100 * X[:, 1, 1]])
    reg = RNNRegressor(**FAST).fit(X, Y)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (40, 2)
    assert reg.fit(X, Y[:, :1]).predict(X).shape == (40, 1)


def test_regressor_rejects_nan_targets():
    X, _ = make_sequences()
    with pytest.raises(ValueError, match="Input y contains NaN"):
        RNNRegressor(**FAST).fit(X, np.full(40, np.nan))


# transform ---------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("bidirectional, width", [(False, 8), (True, 16)])
def test_transform_returns_the_pooled_representation(Estimator, bidirectional, width):
    X, y = data_for(Estimator)
    est = Estimator(**FAST, bidirectional=bidirectional).fit(X, y)
    features = est.transform(X)
    assert features.shape == (40, width)
    names = est.get_feature_names_out()
    assert len(names) == width
    assert names[0] == f"{Estimator.__name__.lower()}0"
    head = est.net_.module_.head
    logits = features @ head.weight.detach().numpy().T + head.bias.detach().numpy()
    np.testing.assert_allclose(logits, est._outputs(X)[0], rtol=1e-4, atol=1e-5)


def test_transform_pandas_output():
    X, y = make_sequences()
    clf = RNNClassifier(**FAST).set_output(transform="pandas").fit(X, y)
    frame = clf.transform(X)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(clf.get_feature_names_out())


# Ecosystem ---------------------------------------------------------------------


def test_pipeline_and_clone():
    X, y = make_sequences()
    pipe = make_pipeline(FunctionTransformer(lambda X: X * 2.0), RNNClassifier(**FAST))
    assert pipe.fit(X, y).score(X, y) >= 0.5
    fresh = clone(pipe)
    assert not hasattr(fresh[-1], "net_")


@pytest.mark.slow
def test_grid_search_in_parallel():
    X, y = make_sequences(n_samples=60)
    grid = GridSearchCV(
        RNNClassifier(**FAST),
        {"cell": ["lstm", "gru", "rnn"], "hidden_size": [4, 8]},
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 6
    assert grid.best_estimator_.predict(X).shape == (60,)


def test_cross_val_score_on_ragged_lists():
    X, y = make_ragged(n_samples=50)
    scores = cross_val_score(RNNRegressor(**FAST), X, y, cv=5)
    assert scores.shape == (5,)
    assert np.all(np.isfinite(scores))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pickle_round_trip(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    np.testing.assert_array_equal(restored.transform(X), est.transform(X))


# Training ----------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_random_state_gives_identical_results(Estimator):
    X, y = data_for(Estimator)
    params = dict(FAST, dropout=0.3, n_layers=2)
    torch.manual_seed(123)
    expected_next = torch.rand(1)
    torch.manual_seed(123)
    first = Estimator(**params).fit(X, y)
    assert torch.rand(1) == expected_next, "fit must not consume the global torch RNG"
    second = clone(first).fit(X, y)
    np.testing.assert_array_equal(first.transform(X), second.transform(X))
    other = clone(first).set_params(random_state=1).fit(X, y)
    assert not np.array_equal(first.transform(X), other.transform(X))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_runs_one_epoch_per_call(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST)
    kwargs = {"classes": [0, 1]} if Estimator is RNNClassifier else {}
    est.partial_fit(X, y, **kwargs)
    assert est.n_iter_ == 1
    weights = est.transform(X)
    est.partial_fit(X, y)
    assert est.n_iter_ == 2
    assert len(est.loss_curve_) == 2
    assert not np.array_equal(weights, est.transform(X))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_warm_start_continues_and_guards_the_architecture(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST, warm_start=True).fit(X, y)
    assert est.n_iter_ == 5
    net = est.net_
    est.fit(X, y)
    assert est.net_ is net
    assert est.n_iter_ == 10
    est.set_params(hidden_size=16)
    with pytest.raises(ValueError, match="hidden_size=8, which cannot change to 16"):
        est.fit(X, y)
    cold = Estimator(**FAST).fit(X, y)
    net = cold.net_
    cold.fit(X, y)
    assert cold.net_ is not net
    assert cold.n_iter_ == 5


def test_best_epoch_is_the_last_improvement_beyond_tol():
    X, y = make_sequences(n_samples=120)
    clf = RNNClassifier(
        hidden_size=8, max_iter=15, early_stopping=True, n_iter_no_change=20, tol=0.05,
        random_state=0,
    ).fit(X, y)
    losses = [row["valid_loss"] for row in clf.net_.history]
    improved, best = [], np.inf
    for epoch, loss in enumerate(losses, start=1):
        if loss < best - 0.05:
            best = loss
            improved.append(epoch)
    assert clf.best_epoch_ == improved[-1]
    assert clf.best_validation_score_ == clf.validation_scores_[clf.best_epoch_ - 1]


def test_early_stopping_restores_the_best_epoch():
    X, y = make_sequences(n_samples=120)
    y = np.random.RandomState(1).randint(0, 2, size=120)  # pure noise: overfits at once
    params = dict(
        hidden_size=32, max_iter=200, early_stopping=True, n_iter_no_change=3,
        learning_rate_init=0.01, random_state=0,
    )
    clf = RNNClassifier(**params).fit(X, y)
    assert clf.n_iter_ < 200
    history = clf.net_.history
    losses = [row["valid_loss"] for row in history]
    best = int(np.argmin(losses))
    assert clf.n_iter_ - 1 - best == 3
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == clf.validation_scores_[best]
    assert clf.best_epoch_ == best + 1
    # The kept weights are those of the best epoch: a fit that ends there (the
    # same split, weights and batches, epoch for epoch) predicts exactly the same.
    ends_at_best = RNNClassifier(**dict(params, max_iter=best + 1)).fit(X, y)
    assert ends_at_best.n_iter_ == best + 1
    np.testing.assert_array_equal(clf.predict_proba(X), ends_at_best.predict_proba(X))


def test_early_stopping_auto_depends_on_the_data_size():
    clf = RNNClassifier()
    assert clf._uses_early_stopping(999) is False
    assert clf._uses_early_stopping(1000) is True
    assert RNNClassifier(early_stopping=False)._uses_early_stopping(10**6) is False


def test_training_loss_convergence_stops_without_validation():
    X, y = make_sequences()
    clf = RNNClassifier(hidden_size=8, max_iter=500, tol=10.0, n_iter_no_change=2).fit(X, y)
    assert clf.n_iter_ == 3
    assert clf.validation_scores_ is None


class GradientNorms(Callback):
    def initialize(self):
        self.norms_ = []
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad.norm() for _, p in named_parameters if p.grad is not None]
        self.norms_.append(float(torch.norm(torch.stack(grads))))


@pytest.mark.parametrize("max_grad_norm", [None, 0.01])
def test_gradient_clipping(max_grad_norm):
    X, y = make_sequences()
    recorder = GradientNorms()
    RNNClassifier(**FAST, max_grad_norm=max_grad_norm, callbacks=[recorder]).fit(X, y)
    if max_grad_norm is None:
        assert max(recorder.norms_) > 0.01
    else:
        assert max(recorder.norms_) <= 0.01 * 1.001


class InterruptAt(Callback):
    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_keyboard_interrupt_keeps_the_last_finished_epoch():
    X, y = make_sequences()
    with pytest.warns(UserWarning, match="interrupted after 2 finished epoch"):
        interrupted = RNNClassifier(**FAST, callbacks=[InterruptAt(3)]).fit(X, y)
    assert interrupted.n_iter_ == 2
    two_epochs = RNNClassifier(**dict(FAST, max_iter=2)).fit(X, y)
    np.testing.assert_array_equal(interrupted.predict_proba(X), two_epochs.predict_proba(X))


def test_verbose_prints_a_table_and_silence_prints_nothing(capsys):
    X, y = make_sequences()
    RNNClassifier(**FAST).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    RNNClassifier(**FAST, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "dur" in out


# Errors ------------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("X, error, match", BAD_X)
def test_bad_input_is_rejected_by_fit_and_predict(Estimator, X, error, match):
    n_samples = len(X) if isinstance(X, list) else max(X.shape[:1], default=1)
    y = np.arange(max(n_samples, 2))[:n_samples] % 2
    with pytest.raises(error, match=match):
        Estimator(**FAST).fit(X, y)
    fitted = Estimator(**FAST).fit(*data_for(Estimator))
    with pytest.raises(error, match=match):
        fitted.predict(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_before_fit(Estimator):
    X, _ = data_for(Estimator)
    with pytest.raises(NotFittedError):
        Estimator().predict(X)
    with pytest.raises(NotFittedError):
        Estimator().transform(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_feature_count_change_at_predict(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features per time step, but"):
        est.predict(np.ones((2, 4, 3)))
    with pytest.raises(ValueError, match="X has 1 features per time step, but"):
        est.transform([np.ones(4)])
    kwargs = {"classes": [0, 1]} if Estimator is RNNClassifier else {}
    with pytest.raises(ValueError, match="X has 3 features per time step"):
        est.partial_fit(np.ones((2, 4, 3)), y[:2], **kwargs)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "params, match",
    [
        ({"cell": "transformer"}, "'cell' parameter"),
        ({"hidden_size": 0}, "'hidden_size' parameter"),
        ({"dropout": 1.5}, "'dropout' parameter"),
        ({"pooling": "sum"}, "'pooling' parameter"),
        ({"learning_rate_init": 0}, "'learning_rate_init' parameter"),
        ({"max_grad_norm": -1}, "'max_grad_norm' parameter"),
        ({"optimizer": "lbfgs"}, "'optimizer' parameter"),
        ({"device": "tpu9"}, "not a valid torch device"),
    ],
)
def test_invalid_parameters(Estimator, params, match):
    X, y = data_for(Estimator)
    with pytest.raises(ValueError, match=match):
        Estimator(**{**FAST, **params}).fit(X, y)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_auto_device_uses_cuda(Estimator):
    X, y = data_for(Estimator)
    est = Estimator(**FAST).fit(X, y)
    assert est.device_ == "cuda"
    assert next(est.net_.module_.parameters()).is_cuda
    assert est.predict(X).shape == (40,)


def test_feature_names_from_sequences_of_dataframes():
    X, y = make_sequences()
    frames = [pd.DataFrame(seq, columns=["speed", "heat"]) for seq in X]
    clf = RNNClassifier(**FAST).fit(frames, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["speed", "heat"])
    np.testing.assert_array_equal(clf.predict(frames), clf.predict(X[:, :, :]))
    with pytest.warns(UserWarning, match="does not have valid feature names") as record:
        clf.predict(X)
    assert record[0].filename == __file__  # the warning points at the caller's line
    renamed = [frame.rename(columns={"heat": "cold"}) for frame in frames]
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(renamed)
    assert not hasattr(RNNClassifier(**FAST).fit(X, y), "feature_names_in_")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_divergence_stops_and_keeps_the_last_finite_weights(Estimator):
    X, y = data_for(Estimator)
    params = dict(FAST, max_iter=20, learning_rate_init=1e20, max_grad_norm=None, optimizer="sgd")
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est = Estimator(**params).fit(X, y)
    assert est.n_iter_ < 20
    assert np.all(np.isfinite(est.loss_curve_))
    # Divergence costs nothing: the model is the one a fit that ends before it keeps.
    ends_there = Estimator(**dict(params, max_iter=est.n_iter_)).fit(X, y)
    kept, expected = est.net_.module_.state_dict(), ends_there.net_.module_.state_dict()
    assert all(torch.equal(kept[name], expected[name]) for name in expected)
    assert np.all(np.isfinite(est.transform(X)))
    outputs = est.predict_proba(X) if Estimator is RNNClassifier else est.predict(X)
    assert np.all(np.isfinite(outputs))


class NaNGradientOnce(Callback):
    """A bad last step: every gradient becomes NaN once, in the last batch of epoch 2."""

    def initialize(self):
        self.done = False
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        if len(net.history) == 2 and not self.done:
            self.done = True
            for _, param in named_parameters:
                if param.grad is not None:
                    param.grad.fill_(float("nan"))


def test_nan_weights_after_the_last_step_count_as_divergence():
    X, y = make_sequences()  # 40 samples: one batch per epoch, so it is the last one
    with pytest.warns(ConvergenceWarning, match="weights became NaN"):
        clf = RNNClassifier(**FAST, max_grad_norm=None, callbacks=[NaNGradientOnce()]).fit(X, y)
    assert clf.n_iter_ == 1
    assert np.all(np.isfinite(clf.predict_proba(X)))


def test_warnings_name_the_epoch_whose_weights_are_kept():
    X, y = make_sequences()
    with pytest.warns(UserWarning, match="keeps the weights of epoch 1"):
        # tol=10: no epoch improves on the first by 10, so the first epoch is the best.
        RNNClassifier(**dict(FAST, tol=10.0), callbacks=[InterruptAt(3)]).fit(X, y)


def test_early_stopping_after_epochs_without_validation():
    X, y = make_sequences(n_samples=60)
    clf = RNNClassifier(**FAST)
    clf.partial_fit(X, y, classes=[0, 1])
    clf.set_params(warm_start=True, early_stopping=True, max_iter=2).fit(X, y)
    assert np.isnan(clf.validation_scores_[0])  # the partial_fit epoch had no validation
    assert len(clf.validation_scores_) == clf.n_iter_ == 3
    assert np.all(np.isfinite(clf.validation_scores_[1:]))


@pytest.mark.parametrize(
    "optimizer, implementation",
    [("adam", "fused"), ("adamw", "fused"), ("sgd", "fused"), ("rmsprop", "foreach")],
)
def test_optimizers_use_torch_fastest_update(optimizer, implementation):
    X, y = make_sequences(n_samples=20)
    clf = RNNClassifier(**FAST, optimizer=optimizer).fit(X, y)
    assert clf.net_.optimizer_.defaults[implementation] is True
    loaded = pickle.loads(pickle.dumps(clf))
    assert loaded.net_.optimizer_.defaults[implementation] is True
