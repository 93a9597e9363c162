"""Torch modules: truncated backpropagation through time, stacked layers, initial weights."""

import math

import numpy as np
import pytest
import torch
from _support import FAST

from sklearn_rnn import RNNClassifier
from sklearn_rnn._modules import RecurrentEncoder, SequenceNetwork, UnidirectionalStack


@pytest.mark.parametrize("dropout", [0.0, 0.5])  # one nn.LSTM; a stack of one-layer networks
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_truncated_backpropagation_reaches_only_the_last_steps(cell, dropout):
    torch.manual_seed(0)
    encoder = RecurrentEncoder(
        3, cell=cell, hidden_size=4, n_layers=2, dropout=dropout, pooling="mean", tbptt_steps=5
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


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_stacked_layers_with_dropout_compute_what_one_torch_network_computes(cell):
    """Outside training, ``UnidirectionalStack`` is ``nn.LSTM(num_layers=...)`` and loads
    its weights (as saved up to 0.1.0); its state goes on from chunk to chunk, as
    truncated backpropagation needs."""
    network = RecurrentEncoder(3, cell=cell, hidden_size=4, n_layers=3).rnn.eval()
    stack = UnidirectionalStack(cell, 3, 4, n_layers=3, dropout=0.5).eval()
    stack.load_state_dict(network.state_dict())
    X = torch.randn(2, 9, 3)
    expected, _ = network(X)
    torch.testing.assert_close(stack(X)[0], expected)
    early, state = stack(X[:, :4])
    late, _ = stack(X[:, 4:], state)
    torch.testing.assert_close(torch.cat([early, late], dim=1), expected)


def test_initial_weights_follow_torch_defaults_and_the_recurrent_initialization():
    """Drawn from the network's generator, with the distributions of torch's layers
    (linear: uniform in +-1/sqrt(fan_in); embedding: standard normal, padding zero)
    and of ``reset_recurrent_parameters`` for the recurrent ones."""
    hidden = 32
    network = SequenceNetwork(
        1, n_outputs=3, n_tokens=500, embedding_dim=40, hidden_size=hidden, n_layers=2,
        bidirectional=False, dropout=0.2, pooling="attention", seed=0,
    )
    encoder = network.encoder
    for linear in (network.head, encoder.attention):
        bound = 1 / math.sqrt(linear.in_features)
        for values in (linear.weight, linear.bias):
            assert values.abs().max() <= bound
        assert linear.weight.abs().max() > 0.9 * bound
    embedding = encoder.embedding.weight.detach()
    assert torch.all(embedding[0] == 0)
    assert abs(embedding[1:].std().item() - 1) < 0.03
    assert abs(embedding[1:].mean().item()) < 0.03
    for layer in encoder.rnn.layers:
        for gate in layer.weight_hh_l0.detach().chunk(4):
            torch.testing.assert_close(gate @ gate.T, torch.eye(hidden), atol=1e-5, rtol=0)
        fan_in, fan_out = layer.weight_ih_l0.shape[1], layer.weight_ih_l0.shape[0]
        assert layer.weight_ih_l0.abs().max() <= math.sqrt(6 / (fan_in + fan_out))
        forget = layer.bias_ih_l0.detach()[hidden : 2 * hidden]
        assert torch.all(forget == 1) and torch.all(layer.bias_hh_l0 == 0)
