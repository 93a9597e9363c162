"""output="sequence": one prediction per time step, padding never in the loss or the results."""

import pickle

import numpy as np
import pytest
import torch
from _support import FAST, make_sequences
from sklearn.metrics import accuracy_score

from sklearn_rnn import RNNClassifier, RNNRegressor

TAGGER = dict(output="sequence", hidden_size=8, max_iter=40, random_state=0)


def make_latch(n_samples, seed, min_length=5, max_length=30):
    """A flip-flop: "set" and "reset" pulses on two channels; the label is the state.

    The state at a step depends on the last pulse, however far back: memory is needed.
    """
    rng = np.random.RandomState(seed)
    X, y = [], []
    for length in rng.randint(min_length, max_length + 1, size=n_samples):
        events = rng.choice(3, size=length, p=[0.7, 0.15, 0.15])  # none, set, reset
        state, labels = 0, []
        for event in events:
            state = {1: 1, 2: 0}.get(event, state)
            labels.append(state)
        X.append(np.eye(3)[events][:, 1:])
        y.append(np.array(labels))
    return X, y


def running_sums(X):
    return [np.cumsum(seq[:, 0]) for seq in X]


@pytest.mark.slow
@pytest.mark.parametrize("bidirectional", [False, True])
def test_tagger_learns_a_per_step_answer_on_ragged_input(bidirectional):
    X, y = make_latch(200, seed=0)
    X_test, y_test = make_latch(200, seed=1)
    tagger = RNNClassifier(**TAGGER, bidirectional=bidirectional).fit(X, y)
    predicted = tagger.predict(X_test)
    assert isinstance(predicted, list)
    assert [len(labels) for labels in predicted] == [len(seq) for seq in X_test]
    steps = accuracy_score(np.concatenate(y_test), np.concatenate(predicted))
    assert steps >= 0.95
    assert tagger.score(X_test, y_test) == pytest.approx(steps)
    proba = tagger.predict_proba(X_test)
    assert [p.shape for p in proba] == [(len(seq), 2) for seq in X_test]
    np.testing.assert_allclose(np.concatenate(proba).sum(axis=1), 1.0)
    log_proba = tagger.predict_log_proba(X_test[:3])
    np.testing.assert_allclose(np.exp(log_proba[0]), proba[0], rtol=1e-6)


@pytest.mark.slow
def test_regressor_per_step_on_ragged_input():
    X, _ = make_latch(150, seed=0)
    X = [seq - 0.5 for seq in X]
    y = running_sums(X)
    reg = RNNRegressor(**dict(TAGGER, max_iter=60)).fit(X, y)
    X_test, _ = make_latch(60, seed=1)
    X_test = [seq - 0.5 for seq in X_test]
    predicted = reg.predict(X_test)
    assert [p.shape for p in predicted] == [(len(seq),) for seq in X_test]
    assert reg.score(X_test, running_sums(X_test)) > 0.9


def test_multi_output_per_step_and_equal_length_arrays():
    X, _ = make_sequences(n_samples=30, n_timesteps=6)
    y = np.stack([np.cumsum(X[:, :, 0], axis=1), X[:, :, 1]], axis=-1)  # (30, 6, 2)
    reg = RNNRegressor(**FAST, output="sequence").fit(X, y)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (30, 6, 2)  # an array in, an array out
    labels = (X[:, :, 0] > 0).astype(int)  # (30, 6)
    clf = RNNClassifier(**FAST, output="sequence").fit(X, labels)
    assert clf.predict(X).shape == (30, 6)
    assert clf.predict_proba(X).shape == (30, 6, 2)
    assert clf.transform(X).shape == (30, 6, 16)  # hidden state at every step


def test_string_labels_per_step():
    X, y = make_latch(40, seed=0)
    names = [np.where(labels == 1, "on", "off") for labels in y]
    tagger = RNNClassifier(**dict(TAGGER, max_iter=3)).fit(X, names)
    np.testing.assert_array_equal(tagger.classes_, ["off", "on"])
    assert tagger.predict(X[:1])[0].dtype.kind == "U"


def test_padding_never_changes_predictions():
    X, y = make_latch(60, seed=0)
    for bidirectional in (False, True):
        tagger = RNNClassifier(**dict(TAGGER, max_iter=3), bidirectional=bidirectional)
        tagger.fit(X, y)
        alone = tagger.predict_proba([X[0]])
        padded = tagger.predict_proba([X[0], np.zeros((80, 2))])[0]
        np.testing.assert_allclose(np.asarray(alone)[0], padded, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_padding_never_enters_the_loss(Estimator):
    X, y = make_latch(20, seed=0)
    est = Estimator(**dict(TAGGER, max_iter=1)).fit(X, y)
    net = est.net_
    lengths = torch.tensor([3, 5])
    y_pred = torch.randn(2, 5, 2 if Estimator is RNNClassifier else 1, requires_grad=True)
    target_shape = (2, 5) if Estimator is RNNClassifier else (2, 5, 1)
    y_true = torch.zeros(target_shape, dtype=torch.long if Estimator is RNNClassifier else None)
    loss = net.get_loss(y_pred, y_true, X={"lengths": lengths})
    # Padding rows (steps 3 and 4 of the first sequence) hold garbage of any size ...
    garbage = y_pred.detach().clone()
    garbage[0, 3:] = 1e6
    y_garbage = y_true.clone()
    y_garbage[0, 3:] = 1
    same = net.get_loss(garbage, y_garbage, X={"lengths": lengths})
    assert same.item() == pytest.approx(loss.item(), rel=1e-6)
    # ... and get no gradient.
    loss.backward()
    assert torch.all(y_pred.grad[0, 3:] == 0)
    assert torch.any(y_pred.grad[0, :3] != 0)


def test_sample_and_class_weights_hold_per_step():
    X, y = make_latch(60, seed=0)
    # Class 1 weighs nothing: the tagger learns class 0 only (10 steps of a fast optimizer:
    # 60 sequences make one batch per epoch).
    tagger = RNNClassifier(
        **dict(TAGGER, max_iter=10), learning_rate_init=0.1, class_weight={0: 1.0, 1: 0.0}
    ).fit(X, y)
    assert set(np.concatenate(tagger.predict(X))) == {0}
    weights = np.linspace(0.1, 1.0, len(X))
    accuracy = tagger.score(X, y, sample_weight=weights)
    per_step = np.repeat(weights, [len(labels) for labels in y])
    expected = accuracy_score(np.concatenate(y), np.concatenate(tagger.predict(X)),
                              sample_weight=per_step)
    assert accuracy == pytest.approx(expected)
    RNNClassifier(**dict(TAGGER, max_iter=2)).fit(X, y, sample_weight=weights)


def test_early_stopping_scores_real_steps():
    X, y = make_latch(60, seed=0)
    tagger = RNNClassifier(**dict(TAGGER, max_iter=5), early_stopping=True).fit(X, y)
    assert len(tagger.validation_scores_) == tagger.n_iter_
    assert all(0 <= score <= 1 for score in tagger.validation_scores_)


def test_partial_fit_truncation_and_pickle_per_step():
    X, y = make_latch(40, seed=0)
    tagger = RNNClassifier(**dict(TAGGER, bidirectional=False, tbptt_steps=4))
    for _ in range(3):
        tagger.partial_fit(X, y, classes=[0, 1])
    assert tagger.n_iter_ == 3
    copy = pickle.loads(pickle.dumps(tagger))
    for left, right in zip(copy.predict_proba(X), tagger.predict_proba(X), strict=True):
        np.testing.assert_array_equal(left, right)


@pytest.mark.parametrize(
    "y, match",
    [
        (np.zeros(4), "one target per time step: y must hold an array per sequence"),
        ([np.zeros(3), np.zeros(4), np.zeros(2), np.zeros(3)], "sequence 1 has 3 steps"),
        ([np.zeros(3)] * 3, "inconsistent numbers of samples"),
        ([np.zeros(3), np.zeros(3), np.zeros(2), np.float64(1)], "sequence 2 has 3 steps"),
        ([np.zeros((3, 1)), np.zeros((3, 2)), np.zeros(3), np.zeros(3)], "same number of"),
    ],
)
def test_targets_that_are_not_per_step_are_rejected(y, match):
    X = [np.ones((3, 2))] * 4
    with pytest.raises(ValueError, match=match):
        RNNRegressor(**FAST, output="sequence").fit(X, y)


def test_pandas_output_of_per_step_features_is_refused_clearly():
    X, y = make_latch(20, seed=0)
    tagger = RNNClassifier(**dict(TAGGER, max_iter=1)).set_output(transform="pandas").fit(X, y)
    with pytest.raises(ValueError, match="features per time step"):
        tagger.transform(X)


def test_validation_score_counts_real_steps_only():
    from types import SimpleNamespace

    from skorch.history import History

    from sklearn_rnn._callbacks import ValidationScore

    net = SimpleNamespace(
        module_=SimpleNamespace(step_outputs=True),
        criterion_=torch.nn.CrossEntropyLoss(),
        history=History(),
    )
    net.history.new_epoch()
    lengths = torch.tensor([2, 4])
    y_true = torch.zeros((2, 4), dtype=torch.long)
    y_true[0, 2:] = 1  # padding of the first sequence: labels never seen
    logits = torch.tensor([[5.0, 0.0]]).repeat(2, 4, 1)  # class 0 everywhere
    score = ValidationScore("accuracy")
    score.on_epoch_begin(net)
    score.on_batch_end(net, batch=({"lengths": lengths}, y_true), training=False, y_pred=logits)
    score.on_epoch_end(net)
    assert net.history[-1, "valid_score"] == 1.0  # 6 real steps, all right; padding ignored
