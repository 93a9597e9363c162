"""Sequence input: formats, padding, lengths, batching by length, and every bad input."""

import numpy as np
import pandas as pd
import pytest
from _support import BAD_X

from sklearn_rnn._sequences import (
    LENGTH_POOL_BATCHES,
    SequenceDataset,
    batch_indices,
    check_sequences,
)
from sklearn_rnn._validation import check_n_features


def check(X):
    return check_sequences(X, estimator_name="RNNClassifier")


def test_3d_array_is_kept_as_is():
    X = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    seqs = check(X)
    assert seqs.values.dtype == np.float32
    np.testing.assert_array_equal(seqs.values, X)
    np.testing.assert_array_equal(seqs.lengths, [3, 3])
    assert not seqs.is_ragged


def test_2d_array_is_univariate():
    seqs = check(np.ones((5, 7)))
    assert seqs.values.shape == (5, 7, 1)
    assert seqs.n_features == 1


def test_dataframe_reads_like_its_values():
    df = pd.DataFrame(np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(check(df).values[..., 0], df.to_numpy())


def object_array(items):
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


@pytest.mark.parametrize("container", [list, tuple, pd.Series, object_array])
def test_ragged_collections_are_padded(container):
    items = [np.ones((2, 3)), 2 * np.ones((4, 3)), 3 * np.ones((1, 3))]
    seqs = check(container(items))
    assert seqs.values.shape == (3, 4, 3)
    np.testing.assert_array_equal(seqs.lengths, [2, 4, 1])
    assert seqs.is_ragged
    assert seqs.values[0, 2:].sum() == 0
    np.testing.assert_array_equal(seqs.values[1], 2 * np.ones((4, 3)))


def test_ragged_1d_items_are_univariate():
    seqs = check([[1.0, 2.0], [3.0, 4.0, 5.0]])
    assert seqs.values.shape == (2, 3, 1)
    np.testing.assert_array_equal(seqs.lengths, [2, 3])


def test_equal_length_list_is_an_array():
    seqs = check([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert seqs.values.shape == (2, 3, 1)
    assert not seqs.is_ragged


@pytest.mark.parametrize("X, error, match", BAD_X)
def test_bad_input_is_rejected_clearly(X, error, match):
    with pytest.raises(error, match=match):
        check(X)


def test_object_array_of_numbers_is_accepted():
    X = np.ones((3, 4)).astype(object)
    assert check(X).values.dtype == np.float32


def test_feature_count_change_is_named():
    seqs = check(np.ones((2, 3, 2)))
    with pytest.raises(ValueError, match="X has 2 features per time step, but Est is"):
        check_n_features(seqs.n_features, 3, "Est")


def test_batches_cover_every_sample_once():
    lengths = np.random.RandomState(0).randint(1, 50, size=1000)
    rng = np.random.default_rng(0)
    for shuffle in (True, False):
        batches = batch_indices(lengths, 32, shuffle=shuffle, rng=rng)
        np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(1000))
        assert max(len(b) for b in batches) == 32


def test_ragged_batches_group_similar_lengths():
    lengths = np.random.RandomState(0).randint(10, 91, size=3200)
    batches = batch_indices(lengths, 64, shuffle=True, rng=np.random.default_rng(0))
    padded_steps = sum(len(b) * lengths[b].max() for b in batches)
    assert LENGTH_POOL_BATCHES > 1
    # Padding to the batch maximum wastes little once batches are grouped by length;
    # random batches of these lengths would pad to ~89 steps, about 78% waste.
    assert padded_steps / lengths.sum() < 1.1


def test_shuffled_batches_change_between_epochs():
    rng = np.random.default_rng(0)
    first = batch_indices(np.full(100, 5), 10, shuffle=True, rng=rng)
    second = batch_indices(np.full(100, 5), 10, shuffle=True, rng=rng)
    assert not all(np.array_equal(a, b) for a, b in zip(first, second, strict=False))


def test_inference_batches_are_sorted_by_length():
    lengths = np.array([5, 1, 3, 2])
    batches = batch_indices(lengths, 2, shuffle=False)
    np.testing.assert_array_equal(np.concatenate(batches), [1, 3, 2, 0])


def test_dataset_batch_is_trimmed_to_its_longest_sequence():
    seqs = check([np.ones((2, 1)), np.ones((6, 1)), np.ones((3, 1))])
    data = SequenceDataset.from_sequences(seqs, y=np.arange(3), sample_weight=np.ones(3))
    inputs, y = data.batch(np.array([0, 2]))
    assert inputs["X"].shape == (2, 3, 1)
    assert inputs["lengths"].tolist() == [2, 3]
    assert inputs["sample_weight"].shape == (2,)
    assert y.tolist() == [0, 2]


@pytest.mark.parametrize("indices", [[4, 0, 3], [1, 2, 3], [2]])
def test_dataset_batch_gathers_the_rows_of_every_tensor(indices):
    # Shuffled (a gather) and consecutive (a slice) indices, per-step targets.
    rng = np.random.default_rng(0)
    lengths = [3, 7, 2, 5, 4]
    seqs = check([rng.standard_normal((n, 2)) for n in lengths])
    y = [rng.standard_normal(n) for n in lengths]
    padded_y = np.zeros((5, 7))
    for row, values in enumerate(y):
        padded_y[row, : len(values)] = values
    static = rng.standard_normal((5, 3))
    weights = padded_y + 2.0  # per step, like the targets
    data = SequenceDataset(seqs.values, seqs.lengths, padded_y, weights, static, step_targets=True)
    inputs, targets = data.batch(np.array(indices))
    longest = max(lengths[i] for i in indices)
    np.testing.assert_array_equal(inputs["X"], seqs.values[indices, :longest])
    np.testing.assert_array_equal(inputs["lengths"], np.array(lengths)[indices])
    np.testing.assert_array_equal(inputs["static"], static[indices])
    np.testing.assert_array_equal(inputs["sample_weight"], weights[indices, :longest])
    np.testing.assert_array_equal(targets, padded_y[indices, :longest])
    mask = np.isin(np.arange(5), indices)
    for selection, rows in ((np.array(indices), indices), (mask, np.flatnonzero(mask)),
                            (np.array(indices) - 5, indices)):  # masks and negative indices too
        subset = data.subset(selection)
        np.testing.assert_array_equal(subset.values, seqs.values[rows])
        np.testing.assert_array_equal(subset.lengths, np.array(lengths)[rows])
        np.testing.assert_array_equal(subset.y, padded_y[rows])
        np.testing.assert_array_equal(subset.sample_weight, weights[rows])
        np.testing.assert_array_equal(subset.static, static[rows])


def test_finite_values_whose_sum_overflows_are_accepted():
    big = np.full((2, 3, 1), 3e38, dtype=np.float32)  # finite, but their float32 sum is inf
    assert check_sequences(big, estimator_name="RNNClassifier").n_samples == 2
    big[1, 2, 0] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        check_sequences(big, estimator_name="RNNClassifier")
