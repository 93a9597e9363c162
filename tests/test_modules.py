"""Torch modules: truncated backpropagation through time."""

import numpy as np
import pytest
import torch
from _support import FAST

from sklearn_rnn import RNNClassifier
from sklearn_rnn._modules import RecurrentEncoder


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_truncated_backpropagation_reaches_only_the_last_steps(cell):
    torch.manual_seed(0)
    encoder = RecurrentEncoder(
        3, cell=cell, hidden_size=4, n_layers=2, pooling="mean", tbptt_steps=5
    )
    X = torch.randn(2, 20, 3, requires_grad=True)
    encoder(X, torch.full((2,), 20)).sum().backward()
    reached = X.grad.abs().sum(dim=(0, 2))
    assert torch.all(reached[:15] == 0)
    assert torch.all(reached[15:] > 0)


def test_without_truncation_or_in_eval_mode_every_step_is_reached():
    torch.manual_seed(0)
    encoder = RecurrentEncoder(3, hidden_size=4, tbptt_steps=None)
    X = torch.randn(2, 20, 3, requires_grad=True)
    encoder(X, torch.full((2,), 20)).sum().backward()
    assert torch.all(X.grad.abs().sum(dim=(0, 2)) > 0)
    truncated = RecurrentEncoder(3, hidden_size=4, tbptt_steps=5)
    truncated.load_state_dict(encoder.state_dict())
    truncated.eval()
    lengths = torch.full((2,), 20)
    torch.testing.assert_close(truncated(X, lengths), encoder.eval()(X, lengths))


@pytest.mark.slow
def test_truncated_training_learns_a_late_signal():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 60, 2))
    y = (X[:, -4:, 0].sum(axis=1) > 0).astype(int)
    clf = RNNClassifier(
        hidden_size=16, max_iter=30, bidirectional=False, tbptt_steps=10, random_state=0
    ).fit(X[:200], y[:200])
    assert clf.score(X[200:], y[200:]) > 0.85


def test_truncation_needs_a_forward_only_network():
    X = np.random.RandomState(0).normal(size=(20, 8, 2))
    with pytest.raises(ValueError, match="needs bidirectional=False"):
        RNNClassifier(**FAST, tbptt_steps=4).fit(X, np.arange(20) % 2)
