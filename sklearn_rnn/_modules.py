"""PyTorch modules: a recurrent encoder that reads a sequence out, and a head.

Pure torch: nothing here knows about scikit-learn, skorch or numpy input.
Who moves a module to a device: the skorch net in ``_training`` (``net.device``).

Randomness never comes from torch's process-wide generators: the initial
weights are drawn from a generator passed to the constructors (built on the
CPU, so a seed gives the same weights on every device), and dropout masks
from a generator of each :class:`SeededDropout` layer, on the input's device.
Fits in parallel threads therefore cannot interleave their draws.
"""

import math

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
    patch_size : int, default=1
        Time steps read per recurrent step: the standardized steps of each
        patch are concatenated into one input (the last patch of a sequence
        is zero-padded), so a sequence of ``n`` steps takes ``ceil(n /
        patch_size)`` recurrent steps.
    conv_filters : int or None, default=None
        When set, a convolutional front end (three 1-D convolutions with
        kernels 7, 5 and 3, ``conv_filters`` channels each, "same" padding and
        ReLU, as the FCN branch of LSTM-FCN, Karim et al. 2018) reads the
        (patched) steps and feeds the recurrent layers. Padding stays zero
        between layers, so outputs at real steps do not depend on it.
    generator : torch.Generator or None, default=None
        CPU generator the initial weights are drawn from; None draws from
        torch's global one, as torch's own modules do.
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
        patch_size=1,
        conv_filters=None,
        generator=None,
    ):
        super().__init__()
        self.pooling = pooling
        self.patch_size = patch_size
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
            self.embedding = _embedding(n_tokens, embedding_dim, generator)
            n_features = embedding_dim
        n_features *= patch_size
        self.conv = None
        if conv_filters is not None:
            self.conv = ConvFrontEnd(n_features, conv_filters, generator)
            n_features = conv_filters
        layers = (cell, n_features, hidden_size, n_layers, dropout)
        if bidirectional:
            self.rnn = BidirectionalStack(*layers, generator=generator)
        elif n_layers > 1 and dropout > 0:
            # nn.LSTM's own dropout draws from torch's global generator in its kernel.
            self.rnn = UnidirectionalStack(*layers, generator=generator)
        else:
            self.rnn = recurrent_layers(cell, n_features, hidden_size, n_layers, generator)
        self.attention = _linear(self.output_size, 1, generator) if pooling == "attention" else None

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
        X, lengths = self._front(X, lengths)
        outputs = self._recurrent_steps(X, lengths)
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
        docs/defaults.md). With ``patch_size`` > 1 there is one output per patch.
        """
        return self._recurrent_steps(*self._front(X, lengths))

    def _front(self, X, lengths):
        """Standardized (or embedded) inputs, read in patches and by the convolutional
        front end when there are, with the lengths in patches."""
        X = self._inputs(X)
        if self.patch_size == 1 and self.conv is None:
            return X, lengths
        ragged = bool(lengths.min() < X.shape[1])
        if ragged:  # padding reads as zero in the patches and the convolutions
            X = X * step_mask(lengths, X.shape[1], X.device).unsqueeze(-1)
        if self.patch_size > 1:
            X, lengths = _patched(X, lengths, self.patch_size)
        if self.conv is not None:
            mask = step_mask(lengths, X.shape[1], X.device) if ragged else None
            X = self.conv(X, mask)
        return X, lengths

    def _recurrent_steps(self, X, lengths):
        """The recurrent layers' outputs at every (patched) step."""
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


class ConvFrontEnd(nn.Module):
    """Three 1-D convolutions (kernels 7, 5, 3, "same" padding, ReLU) over the steps.

    Reads and returns (batch, steps, channels). ``mask`` (batch, steps), True
    at real steps, zeroes the padding after every layer, so that a real
    step's output is what the unpadded sequence gives.
    """

    kernels = (7, 5, 3)

    def __init__(self, n_features, n_filters, generator=None):
        super().__init__()
        widths = (n_features, *[n_filters] * len(self.kernels))
        self.layers = nn.ModuleList(
            _conv(width, n_filters, kernel, generator)
            for width, kernel in zip(widths, self.kernels, strict=False)
        )

    def forward(self, X, mask=None):
        X = X.transpose(1, 2)
        keep = None if mask is None else mask.unsqueeze(1).to(X.dtype)
        for layer in self.layers:
            X = torch.relu(layer(X))
            if keep is not None:
                X = X * keep
        return X.transpose(1, 2)


def _conv(in_channels, out_channels, kernel, generator):
    """A "same"-padded Conv1d with torch's default initialization drawn from ``generator``."""
    layer = _allocated(nn.Conv1d, in_channels, out_channels, kernel, padding=kernel // 2)
    return _uniform_initialized(layer, in_channels * kernel, generator)


def _patched(X, lengths, patch_size):
    """(batch, steps, features) read in patches: (batch, ceil(steps / p), p * features),
    with the lengths in patches; the last patch is zero-padded."""
    batch, steps, features = X.shape
    n_patches = -(-steps // patch_size)
    X = nn.functional.pad(X, (0, 0, 0, n_patches * patch_size - steps))
    patches = X.reshape(batch, n_patches, patch_size * features)
    return patches, -(-lengths // patch_size)


class UnidirectionalStack(nn.Module):
    """Stacked forward-only recurrent layers with dropout between them.

    What ``nn.LSTM(num_layers=n_layers, dropout=dropout)`` computes, with the
    masks drawn from a :class:`SeededDropout`. Called as ``nn.LSTM`` is:
    ``(outputs, state) = stack(X, state)``, the state one entry per layer, so
    that truncated backpropagation carries every layer's state on.
    """

    def __init__(self, cell, input_size, hidden_size, n_layers, dropout, generator=None):
        super().__init__()
        sizes = [input_size] + [hidden_size] * (n_layers - 1)
        self.layers = nn.ModuleList(
            recurrent_layers(cell, size, hidden_size, 1, generator) for size in sizes
        )
        self.dropout = SeededDropout(dropout)

    def forward(self, X, state=None):
        states = []
        for depth, layer in enumerate(self.layers):
            if depth:
                X = self.dropout(X)
            X, layer_state = layer(X, None if state is None else state[depth])
            states.append(layer_state)
        return X, states

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # Up to 0.1.0 these layers were one torch network, whose "weight_ih_l1"
        # is "layers.1.weight_ih_l0" here: models saved then still load.
        for key in [key for key in state_dict if key.startswith(prefix)]:
            name = key.removeprefix(prefix)
            if "." not in name:
                parameter, _, depth = name.rpartition("_l")
                state_dict[f"{prefix}layers.{depth}.{parameter}_l0"] = state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


class BidirectionalStack(nn.Module):
    """Stacked bidirectional recurrent layers that are exact on right-padded batches.

    Each layer runs a forward and a backward one-direction network; the
    backward one reads every sequence reversed within its own length, so its
    padding comes last too and no packing is needed. Between layers, the two
    directions' outputs are concatenated (and dropped out, as in ``nn.LSTM``).
    """

    def __init__(self, cell, input_size, hidden_size, n_layers, dropout, generator=None):
        super().__init__()
        sizes = [input_size] + [2 * hidden_size] * (n_layers - 1)
        self.forward_layers = nn.ModuleList(
            recurrent_layers(cell, size, hidden_size, 1, generator) for size in sizes
        )
        self.backward_layers = nn.ModuleList(
            recurrent_layers(cell, size, hidden_size, 1, generator) for size in sizes
        )
        self.dropout = SeededDropout(dropout)

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


def _allocated(module_class, *args, **kwargs):
    """``module_class(*args, **kwargs)`` on the CPU with its parameters allocated but
    not drawn: torch's constructors would draw them from the global generator."""
    return module_class(*args, **kwargs, device="meta").to_empty(device="cpu")


def recurrent_layers(cell, input_size, hidden_size, n_layers=1, generator=None):
    """A batch-first ``cell`` network initialized by :func:`reset_recurrent_parameters`."""
    rnn = _allocated(
        CELLS[cell],
        input_size=input_size,
        hidden_size=hidden_size,
        num_layers=n_layers,
        batch_first=True,
    )
    reset_recurrent_parameters(rnn, cell, generator)
    return rnn


def _linear(in_features, out_features, generator):
    """``nn.Linear`` with its default initialization: weights and bias uniform
    in +-1/sqrt(in_features)."""
    layer = _allocated(nn.Linear, in_features, out_features)
    return _uniform_initialized(layer, in_features, generator)


def _uniform_initialized(layer, fan_in, generator):
    """``layer`` with weight and bias drawn uniform in +-1/sqrt(fan_in), in that order."""
    bound = 1 / math.sqrt(fan_in)
    with torch.no_grad():
        layer.weight.uniform_(-bound, bound, generator=generator)
        layer.bias.uniform_(-bound, bound, generator=generator)
    return layer


def _embedding(n_tokens, embedding_dim, generator):
    """``nn.Embedding`` with its default initialization: standard normal, and zeros
    for the padding id 0."""
    embedding = _allocated(nn.Embedding, n_tokens, embedding_dim, padding_idx=0)
    with torch.no_grad():
        embedding.weight.normal_(generator=generator)
        embedding.weight[0].zero_()
    return embedding


def reset_recurrent_parameters(rnn, cell, generator=None):
    """Initialization that keeps gradients alive through time.

    Orthogonal recurrent weights (eigenvalues on the unit circle), Xavier input
    weights, zero biases, and for LSTMs a forget-gate bias of 1 so that the cell
    remembers by default (Jozefowicz et al., 2015). Random values come from
    ``generator`` (torch's global one if None).
    """
    for name, param in rnn.named_parameters():
        if name.startswith("weight_hh"):
            for gate in param.data.chunk(_n_gates(cell)):
                nn.init.orthogonal_(gate, generator=generator)
        elif name.startswith("weight_ih"):
            nn.init.xavier_uniform_(param.data, generator=generator)
        elif name.startswith("bias"):
            param.data.zero_()
            if cell == "lstm" and name.startswith("bias_ih"):
                hidden_size = param.shape[0] // 4
                param.data[hidden_size : 2 * hidden_size] = 1.0


def _n_gates(cell):
    return {"lstm": 4, "gru": 3, "rnn": 1}[cell]


class SeededDropout(nn.Module):
    """``nn.Dropout`` whose masks come from a generator of its own.

    :meth:`seed` starts a mask stream; the generator is created on the
    input's device at the first training call after it (a CUDA input draws
    from a CUDA generator). Unseeded, masks come from torch's global
    generator, as with ``nn.Dropout``. Pickles keep the seed, not the
    generator's position: an unpickled layer starts its stream again.
    """

    def __init__(self, p=0.0):
        super().__init__()
        self.p = p
        self.stream_seed = None
        self._generator = None

    def seed(self, seed):
        self.stream_seed = seed
        self._generator = None

    def forward(self, X):
        if not self.training or self.p == 0:
            return X
        keep = torch.empty_like(X).bernoulli_(1 - self.p, generator=self._generator_for(X))
        return X * keep.div_(1 - self.p)

    def _generator_for(self, X):
        if self.stream_seed is None:
            return None
        if self._generator is None or self._generator.device != X.device:
            self._generator = torch.Generator(X.device).manual_seed(self.stream_seed)
        return self._generator

    def __getstate__(self):
        return {**super().__getstate__(), "_generator": None}

    def extra_repr(self):
        return f"p={self.p}"


class SequenceNetwork(nn.Module):
    """Recurrent encoder followed by dropout and a linear head.

    ``forward`` returns raw outputs (logits for classification, standardized
    values for regression); ``encode`` returns what the head reads. With
    ``step_outputs`` both are per time step, shape (batch, steps, width);
    otherwise they are per sequence (the pooled representation). ``n_static``
    extra features per sample (e.g. covariates known over the forecast
    horizon) join the pooled representation in front of the head.
    ``skip_window`` > 0 adds a linear map of the last ``skip_window``
    (standardized) input steps to the outputs, beside the recurrent path: the
    autoregressive "highway" of LSTNet (Lai et al., 2018); shorter sequences
    read zeros before their first step. See :func:`fit_linear_skip`.

    ``seed`` (an int) draws the initial weights and the first dropout seeds
    from a generator of their own, leaving torch's global one untouched;
    None draws from the global one. :meth:`seed_dropout` reseeds the masks.
    """

    def __init__(
        self, n_features, n_outputs, dropout=0.0, n_static=0, step_outputs=False,
        seed=None, skip_window=0, **encoder_params,
    ):
        super().__init__()
        generator = None if seed is None else torch.Generator().manual_seed(seed)
        self.encoder = RecurrentEncoder(
            n_features, dropout=dropout, generator=generator, **encoder_params
        )
        self.step_outputs = step_outputs
        self.dropout = SeededDropout(dropout)
        self.head = _linear(self.encoder.output_size + n_static, n_outputs, generator)
        self.skip_window = skip_window
        self.skip = None
        if skip_window:
            self.skip = nn.Linear(skip_window * n_features, n_outputs)
            nn.init.zeros_(self.skip.weight)
            nn.init.zeros_(self.skip.bias)
        if generator is not None:
            self._seed_dropout(generator)

    def seed_dropout(self, seed):
        """Give every dropout layer a mask stream of its own, derived from ``seed``."""
        self._seed_dropout(torch.Generator().manual_seed(seed))

    def _seed_dropout(self, generator):
        layers = [module for module in self.modules() if isinstance(module, SeededDropout)]
        seeds = torch.randint(2**62, (len(layers),), generator=generator)
        for layer, seed in zip(layers, seeds.tolist(), strict=True):
            layer.seed(seed)

    def encode(self, X, lengths, static=None):
        if self.step_outputs:
            return self.encoder.steps(X, lengths)
        return self.encoder(X, lengths)

    def forward(self, X, lengths, static=None):
        features = self.dropout(self.encode(X, lengths))
        if static is not None:
            features = torch.cat([features, static], dim=1)
        outputs = self.head(features)
        if self.skip is not None:
            outputs = outputs + self.skip(self.skip_inputs(X, lengths))
        return outputs

    def skip_inputs(self, X, lengths):
        """What the linear skip reads: the last ``skip_window`` standardized steps, flat."""
        return last_steps(self.encoder._inputs(X), lengths, self.skip_window).flatten(1)


def last_steps(X, lengths, window):
    """The last ``window`` real steps of right-padded sequences, right-aligned.

    Of shape (batch, window, features); zeros before the first step of
    sequences shorter than ``window``.
    """
    lengths = torch.as_tensor(lengths, dtype=torch.long)
    positions = torch.arange(window)[None, :] - (window - lengths)[:, None]
    rows = X[torch.arange(len(X))[:, None], positions.clamp(min=0).to(X.device)]
    return rows * (positions >= 0).to(device=X.device, dtype=X.dtype)[:, :, None]


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


class PoissonLoss(nn.Module):
    """Half the Poisson deviance of a log-link output, as scikit-learn's ``HalfPoissonLoss``.

    ``y_pred`` is the log of the predicted mean, ``y_true`` non-negative
    (counts, or counts divided by a positive scale). Per term,
    ``y_true * log(y_true / mu) - (y_true - mu)`` with ``mu = exp(y_pred)``:
    zero where the mean is the target, and the same gradients as
    ``nn.PoissonNLLLoss(log_input=True)``, whose terms differ from these by
    a constant.
    """

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def forward(self, y_pred, y_true):
        loss = torch.exp(y_pred) - y_true * y_pred + torch.xlogy(y_true, y_true) - y_true
        if self.reduction == "none":
            return loss
        return loss.mean()

    @staticmethod
    def inverse_link(y_pred):
        """The predicted mean of an output."""
        return torch.exp(y_pred)


# Keyed by scikit-learn's loss names (HistGradientBoostingRegressor's ``loss``;
# what each needs from the targets is in ``_losses.LOSSES``). "mse" is the older
# name of "squared_error", which the forecaster still uses.
CRITERIA = {
    "cross_entropy": nn.CrossEntropyLoss,
    "squared_error": nn.MSELoss,
    "absolute_error": nn.L1Loss,
    "huber": nn.HuberLoss,
    "poisson": PoissonLoss,
    "pinball": PinballLoss,
    "mse": nn.MSELoss,
}
