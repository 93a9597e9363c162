"""Reading sequences in patches and through a convolutional front end (issue 16)."""

import pickle

import numpy as np
import pytest
import torch
from _support import FAST, TINY
from sklearn.base import clone

from sklearn_rnn import RNNClassifier, RNNRegressor


def sine_classes(n_per_class=20, length=120, seed=0):
    """Noisy sines of two frequencies, at random phases: a shape to find anywhere."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for label, period in enumerate((12, 30)):
        phase = rng.uniform(0, 2 * np.pi, size=(n_per_class, 1))
        steps = np.arange(length)[None, :]
        X.append(np.sin(2 * np.pi * steps / period + phase))
        y += [label] * n_per_class
    X = np.vstack(X) + rng.normal(scale=0.3, size=(2 * n_per_class, length))
    return X[:, :, None], np.array(y)


@pytest.mark.parametrize("patch_size, expected_steps", [(1, 20), (4, 5), (6, 4), (20, 1)])
def test_a_patch_is_one_recurrent_step(patch_size, expected_steps):
    X = np.random.RandomState(0).normal(size=(6, 20, 2))
    clf = RNNClassifier(patch_size=patch_size, bidirectional=False, **TINY)
    clf.fit(X, [0, 1] * 3)
    assert clf.patch_size_ == patch_size
    inputs = torch.as_tensor(X, dtype=torch.float32)
    steps = clf.net_.module_.encoder.steps(inputs, torch.full((6,), 20))
    assert steps.shape == (6, expected_steps, 4)
    assert clf.net_.module_.encoder.rnn.input_size == 2 * patch_size


@pytest.mark.parametrize("lengths, expected", [((24, 10), 1), ((150, 64), 5), ((2000,), 63)])
def test_auto_patch_size_reads_the_longest_sequence_in_at_most_32_steps(lengths, expected):
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 1)) for n in lengths] * 2
    clf = RNNClassifier(patch_size="auto", **TINY).fit(X, [0, 1] * len(lengths))
    assert clf.patch_size_ == expected
    assert clf.get_params()["patch_size"] == "auto"


@pytest.mark.parametrize("conv_filters", [None, 4])
def test_padding_never_reaches_the_outputs_of_patched_convolved_steps(conv_filters):
    rng = np.random.RandomState(0)
    sequences = [rng.normal(size=(n, 2)) for n in (7, 12, 20, 5)]
    clf = RNNClassifier(patch_size=3, conv_filters=conv_filters, pooling="mean", **TINY).fit(
        sequences * 3, [0, 1, 0, 1] * 3
    )
    together = clf.predict_proba(sequences)
    alone = np.vstack([clf.predict_proba([sequence]) for sequence in sequences])
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_conv_front_end_has_three_layers_of_the_given_width():
    X, y = sine_classes(n_per_class=4, length=30)
    clf = RNNClassifier(conv_filters=6, patch_size=2, bidirectional=False, **TINY).fit(X, y)
    conv = clf.net_.module_.encoder.conv
    assert [layer.out_channels for layer in conv.layers] == [6, 6, 6]
    assert [layer.kernel_size[0] for layer in conv.layers] == [7, 5, 3]
    assert conv.layers[0].in_channels == 2  # one channel, two steps per patch
    assert clf.net_.module_.encoder.rnn.input_size == 6


def test_per_step_outputs_refuse_patches_and_auto_reads_every_step():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(n, 1)) for n in (8, 5, 12)] * 4
    y = [(sequence[:, 0] > 0).astype(int) for sequence in X]
    with pytest.raises(ValueError, match="output='sequence' gives one output per time step"):
        RNNClassifier(output="sequence", patch_size=2, **TINY).fit(X, y)
    tagger = RNNClassifier(output="sequence", patch_size="auto", **TINY).fit(X, y)
    assert tagger.patch_size_ == 1
    assert [len(labels) for labels in tagger.predict(X[:3])] == [8, 5, 12]


@pytest.mark.parametrize("name, value", [("patch_size", 4), ("conv_filters", 8)])
def test_patches_and_convolutions_cannot_change_on_a_warm_start(name, value):
    X, y = sine_classes(n_per_class=4, length=30)
    clf = RNNClassifier(warm_start=True, **TINY).fit(X, y)
    clf.set_params(**{name: value})
    with pytest.raises(ValueError, match=name):
        clf.fit(X, y)


@pytest.mark.parametrize(
    "params", [dict(patch_size=0), dict(conv_filters=0), dict(patch_size="big")]
)
def test_bad_patch_parameters_are_clear_errors(params):
    X, y = sine_classes(n_per_class=4, length=30)
    with pytest.raises(ValueError, match=f"'{next(iter(params))}' parameter"):
        RNNClassifier(**params, **TINY).fit(X, y)


def test_patches_with_convolutions_learn_a_long_periodic_shape():
    X, y = sine_classes(n_per_class=20, length=120)
    X_test, y_test = sine_classes(n_per_class=20, length=120, seed=1)
    clf = RNNClassifier(
        patch_size=6,
        conv_filters=8,
        bidirectional=False,
        cell="lstm",
        **{**FAST, "max_iter": 30},
    ).fit(X, y)
    assert clf.score(X_test, y_test) >= 0.9


def test_regressor_reads_patches_too():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 40, 1))
    reg = RNNRegressor(patch_size=8, conv_filters=4, **TINY).fit(X, X[:, :, 0].mean(axis=1))
    assert reg.patch_size_ == 8
    assert reg.predict(X[:3]).shape == (3,)
    assert clone(reg).get_params()["conv_filters"] == 4


def test_a_patched_convolutional_model_round_trips_through_pickle_and_skops():
    sio = pytest.importorskip("skops.io")
    X, y = sine_classes(n_per_class=4, length=30)
    clf = RNNClassifier(patch_size="auto", conv_filters=4, **TINY).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    blob = sio.dumps(clf)
    restored = sio.loads(blob, trusted=sio.get_untrusted_types(data=blob))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    assert restored.patch_size_ == clf.patch_size_
