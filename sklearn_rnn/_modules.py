"""PyTorch modules: a recurrent encoder that reads a sequence out, and a head.

Pure torch: nothing here knows about scikit-learn, skorch or numpy input.
Who moves a module to a device: the skorch net in ``_training`` (``net.device``).
"""

import torch
from torch import nn

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}

POOLINGS = ("last", "mean", "max", "attention")


def step_mask(lengths, max_length, device):
    """Boolean mask (batch, max_length), True on real (non-padding) time steps."""
    steps = torch.arange(max_length, device=device)
    return steps[None, :] < lengths.to(device)[:, None]


def real_steps(lengths, *padded):
    """Keep the rows of real time steps of (batch, steps, ...) tensors: (n_real_steps, ...)."""
    reference = next(tensor for tensor in padded if tensor is not None)
    mask = step_mask(lengths, reference.shape[1], reference.device)
    return tuple(None if tensor is None else tensor[mask] for tensor in padded)


class RecurrentEncoder(nn.Module):
    """Standardize inputs, run a recurrent network, and pool it to one vector.

    Parameters
    ----------
    n_features : int
        Features per time step.
    cell : {"lstm", "gru", "rnn"}
    hidden_size, n_layers, bidirectional, dropout
        As in :class:`torch.nn.LSTM`; ``dropout`` acts between stacked layers.
    tbptt_steps : int or None
        In training, backpropagate through the last ``tbptt_steps`` steps only
        (forward-only networks).
    pooling : {"last", "mean", "max", "attention"}
        How the per-step outputs become one vector. Padding is masked.
    input_mean, input_scale : tensor of shape (n_features,), default=None
        Standardization applied to the input (kept as buffers, so it travels
        with the weights and runs on the module's device).
    n_tokens : int or None, default=None
        When set, the input holds one token id per step (``n_features`` is 1)
        and a trainable embedding of ``embedding_dim`` features per token
        (id 0, padding, maps to zeros) feeds the recurrent layers.
    embedding_dim : int or None, default=None
        Size of the token embedding (with ``n_tokens``).
    """

    def __init__(
        self,
        n_features,
        cell="lstm",
        hidden_size=64,
        n_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="last",
        tbptt_steps=None,
        input_mean=None,
        input_scale=None,
        n_tokens=None,
        embedding_dim=None,
    ):
        super().__init__()
        self.pooling = pooling
        self.tbptt_steps = tbptt_steps
        self.n_directions = 2 if bidirectional else 1
        self.output_size = hidden_size * self.n_directions
        # Copies: the buffers are written when weights are loaded, and the given
        # arrays may be read-only (memory-mapped models).
        self.register_buffer(
            "input_mean",
            torch.zeros(n_features) if input_mean is None else torch.tensor(input_mean),
        )
        self.register_buffer(
            "input_scale",
            torch.ones(n_features) if input_scale is None else torch.tensor(input_scale),
        )
        self.embedding = None
        if n_tokens is not None:
            self.embedding = nn.Embedding(n_tokens, embedding_dim, padding_idx=0)
            n_features = embedding_dim
        if bidirectional:
            self.rnn = BidirectionalStack(cell, n_features, hidden_size, n_layers, dropout)
        else:
            self.rnn = CELLS[cell](
                input_size=n_features,
                hidden_size=hidden_size,
                num_layers=n_layers,
                dropout=dropout if n_layers > 1 else 0.0,
                batch_first=True,
            )
            reset_recurrent_parameters(self.rnn, cell)
        self.attention = nn.Linear(self.output_size, 1) if pooling == "attention" else None

    @property
    def step_width(self):
        """Values per sequence and step of the widest activation: a layer's input
        (features or token embeddings), its gate pre-activations (4 x hidden for an
        LSTM) or the concatenated directions."""
        layers = max(
            max(weight.shape)  # (gates, layer input)
            for name, weight in self.rnn.named_parameters()
            if name.rsplit(".", 1)[-1].startswith("weight_ih")
        )
        return max(layers, self.output_size)

    def forward(self, X, lengths):
        """Pooled representation of shape (batch, output_size).

        ``lengths`` stays on the CPU. See :meth:`steps` for how padding is kept
        out; the pooling masks it or reads each sequence's last real step.
        """
        outputs = self.steps(X, lengths)
        if self.pooling == "last":
            return self._last_state(outputs, lengths)
        max_length = X.shape[1]
        ragged = bool(lengths.min() < max_length)
        mask = step_mask(lengths, max_length, X.device) if ragged else None
        return self._pool(outputs, lengths, mask)

    def steps(self, X, lengths):
        """Outputs at every time step, shape (batch, steps, output_size).

        Batches are right-padded and never packed: a forward-direction output
        at a real step does not depend on the padding after it, and the
        backward direction reads every sequence reversed within its own length
        (``BidirectionalStack``), so the outputs at real steps are exact and
        padding is always read last. This keeps the fast padded kernels
        (packed sequences cost several times more per step on the CPU, see
        docs/defaults.md).
        """
        X = self._inputs(X)
        max_length = X.shape[1]
        if self.n_directions == 2:
            ragged = bool(lengths.min() < max_length)
            return self.rnn(X, lengths if ragged else None)
        if self._truncates(max_length):
            return self._run_truncated(X)
        outputs, _ = self.rnn(X)
        return outputs

    def _inputs(self, X):
        """Token embeddings, or standardized features."""
        if self.embedding is not None:
            return self.embedding(X[..., 0].long())
        return (X - self.input_mean) / self.input_scale

    def _truncates(self, max_length):
        return (
            self.tbptt_steps is not None
            and self.training
            and torch.is_grad_enabled()
            and max_length > self.tbptt_steps
        )

    def _run_truncated(self, X):
        """Steps before the last ``tbptt_steps`` without autograd; their state goes on.

        The early steps run in chunks of ``tbptt_steps`` too, so that the
        kernels' workspace does not grow with the sequence length.
        """
        split = X.shape[1] - self.tbptt_steps
        outputs, state = [], None
        with torch.no_grad():
            for start in range(0, split, self.tbptt_steps):
                chunk, state = self.rnn(X[:, start : min(start + self.tbptt_steps, split)], state)
                outputs.append(chunk)
        late, _ = self.rnn(X[:, split:], state)
        return torch.cat([*outputs, late], dim=1)

    def _last_state(self, outputs, lengths):
        # The whole sequence read: the forward state after the last real step
        # and, when bidirectional, the backward state after step 0.
        hidden_size = outputs.shape[-1] // self.n_directions
        forward = _at_last_step(outputs[..., :hidden_size], lengths)
        if self.n_directions == 1:
            return forward
        return torch.cat([forward, outputs[:, 0, hidden_size:]], dim=-1)

    def _pool(self, outputs, lengths, mask):
        if self.pooling == "mean":
            if mask is None:
                return outputs.mean(dim=1)
            summed = (outputs * mask.unsqueeze(-1)).sum(dim=1)
            return summed / lengths.to(outputs.device).unsqueeze(-1)
        if self.pooling == "max":
            if mask is not None:
                outputs = outputs.masked_fill(~mask.unsqueeze(-1), float("-inf"))
            return outputs.max(dim=1).values
        scores = self.attention(outputs).squeeze(-1)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1).unsqueeze(-1)
        return (weights * outputs).sum(dim=1)


class BidirectionalStack(nn.Module):
    """Stacked bidirectional recurrent layers that are exact on right-padded batches.

    Each layer runs a forward and a backward one-direction network; the
    backward one reads every sequence reversed within its own length, so its
    padding comes last too and no packing is needed. Between layers, the two
    directions' outputs are concatenated (and dropped out, as in ``nn.LSTM``).
    """

    def __init__(self, cell, input_size, hidden_size, n_layers, dropout):
        super().__init__()
        sizes = [input_size] + [2 * hidden_size] * (n_layers - 1)
        self.forward_layers = nn.ModuleList(_one_layer(cell, size, hidden_size) for size in sizes)
        self.backward_layers = nn.ModuleList(_one_layer(cell, size, hidden_size) for size in sizes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, X, lengths=None):
        """Outputs (batch, steps, 2 * hidden_size); ``lengths`` None for equal lengths."""
        order = None if lengths is None else _reversal_index(lengths, X.shape[1], X.device)
        for depth, (forward, backward) in enumerate(
            zip(self.forward_layers, self.backward_layers, strict=True)
        ):
            if depth:
                X = self.dropout(X)
            ahead, _ = forward(X)
            behind, _ = backward(_reverse(X, order))
            X = torch.cat([ahead, _reverse(behind, order)], dim=-1)
        return X


def _one_layer(cell, input_size, hidden_size):
    layer = CELLS[cell](input_size=input_size, hidden_size=hidden_size, batch_first=True)
    reset_recurrent_parameters(layer, cell)
    return layer


def _reversal_index(lengths, max_length, device):
    """Index (batch, steps) that reverses every sequence within its length, padding in place."""
    steps = torch.arange(max_length)[None, :]
    lengths = lengths.cpu()[:, None]
    index = torch.where(steps < lengths, lengths - 1 - steps, steps)
    return index.to(device)


def _reverse(X, order):
    if order is None:
        return X.flip(1)
    return X.gather(1, order.unsqueeze(-1).expand_as(X))


def _at_last_step(outputs, lengths):
    """Output at every sequence's last real step, shape (batch, width)."""
    rows = torch.arange(outputs.shape[0], device=outputs.device)
    return outputs[rows, (lengths - 1).to(outputs.device)]


def reset_recurrent_parameters(rnn, cell):
    """Initialization that keeps gradients alive through time.

    Orthogonal recurrent weights (eigenvalues on the unit circle), Xavier input
    weights, zero biases, and for LSTMs a forget-gate bias of 1 so that the cell
    remembers by default (Jozefowicz et al., 2015).
    """
    for name, param in rnn.named_parameters():
        if name.startswith("weight_hh"):
            for gate in param.data.chunk(_n_gates(cell)):
                nn.init.orthogonal_(gate)
        elif name.startswith("weight_ih"):
            nn.init.xavier_uniform_(param.data)
        elif name.startswith("bias"):
            param.data.zero_()
            if cell == "lstm" and name.startswith("bias_ih"):
                hidden_size = param.shape[0] // 4
                param.data[hidden_size : 2 * hidden_size] = 1.0


def _n_gates(cell):
    return {"lstm": 4, "gru": 3, "rnn": 1}[cell]


class SequenceNetwork(nn.Module):
    """Recurrent encoder followed by dropout and a linear head.

    ``forward`` returns raw outputs (logits for classification, standardized
    values for regression); ``encode`` returns what the head reads. With
    ``step_outputs`` both are per time step, shape (batch, steps, width);
    otherwise they are per sequence (the pooled representation). ``n_static``
    extra features per sample (e.g. covariates known over the forecast
    horizon) join the pooled representation in front of the head.
    """

    def __init__(
        self, n_features, n_outputs, dropout=0.0, n_static=0, step_outputs=False,
        **encoder_params,
    ):
        super().__init__()
        self.encoder = RecurrentEncoder(n_features, dropout=dropout, **encoder_params)
        self.step_outputs = step_outputs
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(self.encoder.output_size + n_static, n_outputs)

    def encode(self, X, lengths, static=None):
        if self.step_outputs:
            return self.encoder.steps(X, lengths)
        return self.encoder(X, lengths)

    def forward(self, X, lengths, static=None):
        features = self.dropout(self.encode(X, lengths))
        if static is not None:
            features = torch.cat([features, static], dim=1)
        return self.head(features)


class PinballLoss(nn.Module):
    """Quantile (pinball) loss; outputs hold ``len(quantiles)`` values per target value.

    ``y_pred`` has shape (batch, n_values * n_quantiles), quantiles last;
    ``y_true`` has shape (batch, n_values).
    """

    def __init__(self, quantiles, reduction="mean"):
        super().__init__()
        self.register_buffer("quantiles", torch.as_tensor(quantiles, dtype=torch.float32))
        self.reduction = reduction

    def forward(self, y_pred, y_true):
        y_pred = y_pred.reshape(len(y_pred), -1, len(self.quantiles))
        error = y_true.reshape(len(y_true), -1, 1) - y_pred
        loss = torch.maximum(self.quantiles * error, (self.quantiles - 1) * error)
        if self.reduction == "none":
            return loss.reshape(len(loss), -1)
        return loss.mean()


CRITERIA = {"cross_entropy": nn.CrossEntropyLoss, "mse": nn.MSELoss, "pinball": PinballLoss}
