"""Training engine: the skorch glue. The only module that imports skorch.

The estimators hold a :class:`SequenceNet` in ``net_``; they never inherit
from a skorch class. The net is fed :class:`~sklearn_rnn._sequences.SequenceDataset`
objects, from which whole batches are sliced (no per-sample ``__getitem__``).
"""

import contextlib
import copy
import functools

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    EpochTimer,
    GradientNormClipping,
    PassthroughScoring,
    PrintLog,
    ProgressBar,
)
from skorch.dataset import unpack_data
from skorch.helper import predefined_split
from skorch.history import History
from skorch.utils import TeeGenerator

from ._modules import CELLS, CRITERIA, SequenceNetwork, step_mask
from ._sequences import BatchIterator, batch_indices
from ._statistics import point_quantile
from ._warnings import warn

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}

# The fastest implementation of each optimizer's update: one fused kernel over
# all parameters where torch has it (about 3x faster per step than the default
# per-tensor loop for small networks on the CPU), else the multi-tensor one.
OPTIMIZER_IMPLEMENTATION = {
    "adam": {"fused": True},
    "adamw": {"fused": True},
    "sgd": {"fused": True},
    "rmsprop": {"foreach": True},
}

# Inference batches hold about this many values (sequences x steps x the
# network's step width) in their widest activation. On the CPU, 2**22 float32
# (16 MB) keeps it near the size of the caches: a 64-unit LSTM on 50 steps
# predicted 1.3-1.6x faster than in batches of 4096 (docs/benchmarks.md).
# On a GPU, large batches keep the device busy; the bound is memory (64 MB).
INFERENCE_ELEMENTS = {"cpu": 2**22, "accelerator": 2**24}
MAX_INFERENCE_BATCH = 4096


def resolve_device(device):
    """The torch device behind ``device``: "auto" picks CUDA when available."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        resolved = torch.device(device)
    except (RuntimeError, ValueError, TypeError):
        raise ValueError(
            f"device={device!r} is not a valid torch device; use 'auto', 'cpu', "
            "'cuda' or 'cuda:N'."
        ) from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available; use "
            "device='auto' or device='cpu'."
        )
    return str(resolved)


def _accuracy(y_true, y_pred, point=0):
    return (y_pred.argmax(dim=1) == y_true).double().mean().item()


def _r2(y_true, y_pred, point=0):
    y_true = y_true.reshape(len(y_true), -1).double()
    # Quantile outputs hold several values per target: score the point forecast's.
    y_pred = y_pred.reshape(len(y_pred), y_true.shape[1], -1).double()
    y_pred = y_pred[:, :, point]
    residual = ((y_true - y_pred) ** 2).sum(dim=0)
    total = ((y_true - y_true.mean(dim=0)) ** 2).sum(dim=0)
    safe_total = torch.where(total > 0, total, torch.ones_like(total))
    r2 = torch.where(total > 0, 1 - residual / safe_total, torch.zeros_like(total))
    return r2.mean().item()


SCORES = {"accuracy": _accuracy, "r2": _r2}


class ValidationScore(Callback):
    """Record the score (accuracy or R^2) on the validation batches of an epoch."""

    def __init__(self, score):
        self.score = score

    def on_epoch_begin(self, net, **kwargs):
        self.y_true_, self.y_pred_ = [], []

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if not training:
            inputs, y_true = unpack_data(batch)
            y_pred = y_pred.detach().cpu()
            if net.module_.step_outputs:  # score every real step, never padding
                y_true, y_pred = real_steps(inputs["lengths"], y_true, y_pred)
            self.y_true_.append(y_true)
            self.y_pred_.append(y_pred)

    def on_epoch_end(self, net, **kwargs):
        if self.y_true_:
            quantiles = getattr(net.criterion_, "quantiles", None)
            point = point_quantile(None if quantiles is None else quantiles.cpu().numpy())
            score = SCORES[self.score](
                torch.cat(self.y_true_), torch.cat(self.y_pred_), point=point
            )
            net.history.record("valid_score", score)


class LastCompleteEpoch(Callback):
    """Keep the weights of the last finished, finite epoch; restore them when needed.

    * ``KeyboardInterrupt`` mid-epoch (skorch then ends ``fit`` quietly): the
      half-updated weights and the partial history row are replaced by those
      of the last finished epoch, so the model stays usable.
    * Divergence (a non-finite training loss): training stops, the weights of
      the last finite epoch come back and the diverged epoch leaves the history.
    """

    def on_train_begin(self, net, **kwargs):
        self.weights_ = _cpu_state_dict(net.module_)
        self.in_epoch_ = False
        self.interrupted_ = False
        self.diverged_ = False

    def on_epoch_begin(self, net, **kwargs):
        self.in_epoch_ = True

    def on_epoch_end(self, net, **kwargs):
        self.in_epoch_ = False
        weights = _cpu_state_dict(net.module_)
        # The epoch's loss is measured before each step: a last bad step shows
        # only in the weights.
        finite = all(torch.isfinite(value).all() for value in weights.values())
        if finite and np.isfinite(net.history[-1, "train_loss"]):
            self.weights_ = weights
            return
        net.module_.load_state_dict(self.weights_)
        del net.history[-1]
        self.diverged_ = True
        raise KeyboardInterrupt  # skorch's way to end training

    def on_train_end(self, net, **kwargs):
        if self.in_epoch_:
            net.module_.load_state_dict(self.weights_)
            del net.history[-1]
            self.in_epoch_ = False
            self.interrupted_ = True


class Stopping(EarlyStopping):
    """skorch's EarlyStopping, for a monitor chosen per call.

    Monitors the validation loss when a validation set is held out, the
    training loss otherwise (convergence, as ``MLPClassifier`` does with
    ``tol`` and ``n_iter_no_change``), and restores the weights of the best
    epoch, so a late divergence does not cost the model.
    """

    def on_train_end(self, net, **kwargs):
        if len(net.history) and self.best_model_weights_ is not None:
            super().on_train_end(net, **kwargs)


# The net's own callbacks, which read the history only at the end of an epoch
# (the progress bar and user callbacks may read batch losses as they come).
EPOCH_END_READERS = frozenset({
    EpochTimer, PassthroughScoring, ValidationScore, PrintLog, LastCompleteEpoch, Stopping,
    GradientNormClipping,
})


def _handles(callback, method_name):
    """Whether ``callback`` does something at ``method_name`` (not Callback's no-op)."""
    if method_name in vars(callback):
        return True
    return getattr(type(callback), method_name, None) is not getattr(Callback, method_name, None)


def _cpu_state_dict(module):
    return {key: value.detach().to("cpu", copy=True) for key, value in module.state_dict().items()}


class SequenceNet(NeuralNet):
    """A skorch net that slices whole batches from a ``SequenceDataset``.

    Parameters beyond skorch's
    --------------------------
    score : {"accuracy", "r2"}
        What ``ValidationScore`` records on the validation set.
    random_state : int
        Seed of the batch order.
    mixed_precision : bool
        Run the module under ``torch.autocast`` (float16 with gradient scaling
        on CUDA, bfloat16 on the CPU); losses are computed in float32.
    """

    def __init__(self, *args, score="accuracy", random_state=0, mixed_precision=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.score = score
        self.random_state = random_state
        self.mixed_precision = mixed_precision

    def initialize(self):
        super().initialize()
        self.grad_scaler_ = _grad_scaler(self.device, self.mixed_precision)
        return self

    def set_mixed_precision(self, requested):
        """Switch autocast (and loss scaling, on CUDA) for the calls that follow.

        Where the device has no lower-precision kernels for the network's
        cell, the net stays in float32 and a warning says why.
        """
        enabled = bool(requested) and supports_mixed_precision(
            self.device, getattr(self, "module__cell", "lstm")
        )
        if enabled != self.mixed_precision:
            self.mixed_precision = enabled
            self.grad_scaler_ = _grad_scaler(self.device, enabled)

    def notify(self, method_name, **cb_kwargs):
        # skorch calls every callback at every event, three times per batch;
        # most callbacks leave most events to Callback's no-op. Only those that
        # define the event are called here, in skorch's order.
        getattr(self, method_name)(self, **cb_kwargs)
        for listener in self._listeners(method_name):
            listener(self, **cb_kwargs)

    def _listeners(self, method_name):
        """The bound ``method_name`` of every callback that defines it."""
        callbacks = self.callbacks_
        cache = self.__dict__.get("_listener_cache_")
        if cache is None or cache[0] is not callbacks or cache[1] != len(callbacks):
            # skorch replaces callbacks_ (initialize, set_params) or clears it.
            cache = self._listener_cache_ = (callbacks, len(callbacks), {})
        listeners = cache[2].get(method_name)
        if listeners is None:
            listeners = cache[2][method_name] = [
                getattr(callback, method_name)
                for _, callback in callbacks
                if _handles(callback, method_name)
            ]
        return listeners

    def _mean_criterion(self):
        """``criterion_`` with ``reduction="mean"``: the mean of its per-term losses
        in one kernel, whose backward costs about half that of ``"none"`` + mean."""
        cache = self.__dict__.get("_mean_criterion_cache_")
        if cache is None or cache[0] is not self.criterion_:
            mean = copy.copy(self.criterion_)  # shares the criterion's buffers
            mean.reduction = "mean"
            cache = self._mean_criterion_cache_ = (self.criterion_, mean)
        return cache[1]

    def __getstate__(self):
        state = super().__getstate__()
        for cache in ("_listener_cache_", "_mean_criterion_cache_"):
            state.pop(cache, None)
        return state

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """skorch's epoch loop with the same events and history, less work per batch.

        The batch size is read from the lengths. On an accelerator, unless the
        progress bar or a user callback may read them per batch, the batch
        losses stay on the device and reach the history at the end of the
        epoch: one synchronisation per epoch instead of one per batch.
        """
        if iterator is None:
            return
        deferred = [] if self._defers_batch_losses() else None
        batch_count = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            loss = step["loss"].detach()
            if deferred is None:
                self.history.record_batch(prefix + "_loss", loss.item())
            else:
                deferred.append(loss)
            self.history.record_batch(prefix + "_batch_size", len(batch[0]["lengths"]))
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        if deferred:
            rows = self.history[-1]["batches"][-batch_count:]
            for row, value in zip(rows, torch.stack(deferred).tolist(), strict=True):
                row[prefix + "_loss"] = value
        self.history.record(prefix + "_batch_count", batch_count)

    def _defers_batch_losses(self):
        if torch.device(self.device).type == "cpu":
            return False  # reading a CPU scalar costs nothing
        return all(type(callback) in EPOCH_END_READERS for _, callback in self.callbacks_)

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        inputs, y = unpack_data(batch)
        y_pred = self.infer(inputs, **fit_params)
        loss = self.get_loss(y_pred, y, X=inputs, training=True)
        self.grad_scaler_.scale(loss).backward()
        return {"loss": loss, "y_pred": y_pred}

    def train_step(self, batch, **fit_params):
        # One optimizer step without a closure, so that the gradient scaler can
        # unscale the gradients before clipping and skip steps with inf/NaN ones.
        self._zero_grad_optimizer()
        step = self.train_step_single(batch, **fit_params)
        self.grad_scaler_.unscale_(self.optimizer_)
        self.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(self.get_all_learnable_params()),
            batch=batch,
            training=True,
        )
        self.grad_scaler_.step(self.optimizer_)
        self.grad_scaler_.update()
        return step

    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("valid_score", ValidationScore(self.score)),
            ("print_log", PrintLog()),
        ]

    def get_iterator(self, dataset, training=False):
        if not training:
            return BatchIterator(dataset, _inference_batch_size(self, dataset), shuffle=False)
        rng = np.random.default_rng(self.random_state)
        return BatchIterator(
            dataset,
            min(self.batch_size, len(dataset)),
            shuffle=True,
            rng=rng,
            pin_memory=self.device != "cpu",
        )

    def _set_training(self, training=True):
        # skorch sets the mode of every module at every batch; once is enough.
        if self.module_.training != training or self.criterion_.training != training:
            super()._set_training(training)

    def infer(self, x, **fit_params):
        with autocast(self.device, self.mixed_precision):
            outputs = self.module_(*module_inputs(x, self.device))
        return outputs.float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = y_true.to(self.device, non_blocking=True)
        weight = None if X is None else X.get("sample_weight")
        if weight is not None:
            weight = weight.to(self.device, non_blocking=True)
        if self.module_.step_outputs:
            # Per-step targets: every real step is a term of the loss, padding none.
            y_true, y_pred, weight = real_steps(X["lengths"], y_true, y_pred, weight)
        if weight is None:  # every sample has as many loss terms: their plain mean
            return self._mean_criterion()(y_pred, y_true)
        loss = self.criterion_(y_pred, y_true)
        per_sample = loss.reshape(len(loss), -1).mean(dim=1)
        return (per_sample * weight).sum() / weight.sum()


def real_steps(lengths, *padded):
    """Keep the rows of real time steps of (batch, steps, ...) tensors: (n_real_steps, ...)."""
    reference = next(tensor for tensor in padded if tensor is not None)
    mask = step_mask(lengths, reference.shape[1], reference.device)
    return tuple(None if tensor is None else tensor[mask] for tensor in padded)


def _grad_scaler(device, mixed_precision):
    """Scales float16 losses so that small gradients do not vanish; a no-op
    unless float16 autocast runs (CUDA)."""
    return torch.amp.GradScaler(
        "cuda", enabled=mixed_precision and autocast_dtype(device) == torch.float16
    )


def autocast_dtype(device):
    """Lower precision of mixed-precision runs: float16 on CUDA, bfloat16 on the CPU."""
    return torch.float16 if torch.device(device).type == "cuda" else torch.bfloat16


def supports_mixed_precision(device, cell):
    """Whether ``cell`` trains and predicts under autocast on ``device``; warns if not.

    Some CPUs lack lower-precision kernels (oneDNN's bfloat16 LSTM needs
    AVX-512), and torch then fails deep inside the forward pass. The answer is
    probed once per device and cell, and cached.
    """
    reason = mixed_precision_failure(str(device), cell)
    if reason is not None:
        dtype = str(autocast_dtype(device)).removeprefix("torch.")
        warn(
            f"mixed_precision=True is not supported for cell={cell!r} on device "
            f"{str(device)!r} ({dtype} kernels are missing: {reason}); the network runs in "
            "float32 instead."
        )
    return reason is None


@functools.cache
def mixed_precision_failure(device, cell):
    """Why a small ``cell`` network fails under autocast on ``device``; None if it runs.

    Runs a forward and backward pass (training) and an inference pass on a
    tiny two-layer network, leaving torch's global random state untouched.
    """
    devices = [torch.device(device)] if torch.device(device).type == "cuda" else []
    try:
        with torch.random.fork_rng(devices=devices, device_type="cuda" if devices else "cpu"):
            network = CELLS[cell](
                input_size=3, hidden_size=4, num_layers=2, batch_first=True
            ).to(device)
        X = torch.ones(2, 5, 3, device=device)
        with autocast(device, True):
            outputs, _ = network(X)
        outputs.float().sum().backward()
        with torch.inference_mode(), autocast(device, True):
            network.eval()(X)
    except RuntimeError as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def autocast(device, enabled):
    """``torch.autocast`` for ``device`` in its mixed precision, when enabled.

    When disabled, a caller's own autocast region is switched off too, so that
    ``mixed_precision=False`` always means float32.
    """
    device_type = torch.device(device).type
    if not enabled and not torch.is_autocast_enabled(device_type):
        return contextlib.nullcontext()  # already float32; entering autocast costs a few us
    return torch.autocast(device_type, dtype=autocast_dtype(device), enabled=enabled)


def module_inputs(inputs, device):
    """Positional module arguments of a batch: X and static on the device, lengths on the CPU."""
    X = inputs["X"].to(device, non_blocking=True)
    static = inputs.get("static")
    if static is not None:
        static = static.to(device, non_blocking=True)
    return X, inputs["lengths"], static


def build_net(
    module_params,
    *,
    criterion,
    criterion_params,
    score,
    optimizer,
    learning_rate,
    weight_decay,
    batch_size,
    max_grad_norm,
    n_iter_no_change,
    tol,
    device,
    verbose,
    callbacks,
    mixed_precision=False,
):
    """A ready-to-initialize :class:`SequenceNet` for a ``SequenceNetwork``."""
    net_callbacks = [
        ("last_complete_epoch", LastCompleteEpoch()),
        (
            "stopping",
            Stopping(
                monitor="train_loss",
                patience=n_iter_no_change,
                threshold=tol,
                threshold_mode="abs",
                load_best=True,
                sink=_silent,
            ),
        ),
    ]
    if verbose:
        net_callbacks.append(("progress_bar", ProgressBar()))
    net_callbacks.extend(_named_user_callbacks(callbacks))
    if max_grad_norm is not None:
        clipping = GradientNormClipping(gradient_clip_value=max_grad_norm)
        net_callbacks.insert(0, ("gradient_clipping", clipping))
    return SequenceNet(
        SequenceNetwork,
        criterion=CRITERIA[criterion],
        criterion__reduction="none",
        **{f"criterion__{key}": value for key, value in criterion_params.items()},
        optimizer=OPTIMIZERS[optimizer],
        lr=learning_rate,
        optimizer__weight_decay=weight_decay,
        **{f"optimizer__{key}": on for key, on in OPTIMIZER_IMPLEMENTATION[optimizer].items()},
        batch_size=batch_size,
        max_epochs=1,
        train_split=None,
        callbacks=net_callbacks,
        device=device,
        verbose=verbose,
        score=score,
        mixed_precision=mixed_precision,
        **{f"module__{key}": value for key, value in module_params.items()},
    )


def _silent(*args, **kwargs):
    return None


def _named_user_callbacks(callbacks):
    named = []
    for index, callback in enumerate(callbacks or ()):
        if isinstance(callback, tuple):
            named.append(callback)
        else:
            named.append((f"user_{index}_{type(callback).__name__}", callback))
    return named


@contextlib.contextmanager
def seeded(seed, device):
    """Seed torch for the block and restore the caller's global RNG afterwards."""
    devices = [torch.device(device)] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=devices, device_type="cuda" if devices else "cpu"):
        torch.manual_seed(seed)
        yield


def initialize(net, seed):
    """Build module, criterion and optimizer with seeded weights."""
    with seeded(seed, net.device):
        net.initialize()
    return net


def train(net, train_data, valid_data, *, epochs, seed):
    """Run ``epochs`` epochs (fewer if stopped early).

    Returns the :class:`LastCompleteEpoch` callback, which tells whether
    training was interrupted or diverged.

    With ``valid_data``, stopping monitors the validation loss, otherwise the
    training loss; either way the weights of the best epoch are restored.
    """
    validating = valid_data is not None
    net.set_params(
        train_split=predefined_split(valid_data) if validating else None,
        random_state=seed,
        callbacks__stopping__monitor="valid_loss" if validating else "train_loss",
    )
    with seeded(seed, net.device):
        net.partial_fit(train_data, epochs=epochs)
    # Inference mode from now on: predict never switches modes, so concurrent
    # predictions cannot see one another's dropout.
    net.module_.eval()
    return net.get_params()["callbacks__last_complete_epoch"]


def kept_epoch(net):
    """The epoch whose weights the module holds after :func:`train`."""
    stopping = net.get_params()["callbacks__stopping"]
    if stopping.best_model_weights_ is not None:
        return stopping.best_epoch_
    return len(net.history)


def split_validation(n_samples, validation_fraction, *, stratify, seed):
    """Train and validation indices; stratified when ``stratify`` is given and possible."""
    indices = np.arange(n_samples)
    n_valid = max(1, round(validation_fraction * n_samples))
    if stratify is not None:
        _, counts = np.unique(stratify, return_counts=True)
        if counts.min() < 2 or n_valid < len(counts):
            stratify = None
    return train_test_split(
        indices, test_size=n_valid, stratify=stratify, random_state=seed
    )


def inference_batch_size(n_steps, step_width, device):
    """Sequences per inference batch for ``n_steps`` steps of a network whose
    widest activation holds ``step_width`` values per sequence and step."""
    budget = INFERENCE_ELEMENTS["cpu" if torch.device(device).type == "cpu" else "accelerator"]
    return int(np.clip(budget // (n_steps * step_width), 1, MAX_INFERENCE_BATCH))


def _inference_batch_size(net, dataset):
    return inference_batch_size(
        dataset.values.shape[1], net.module_.encoder.step_width, net.device
    )


def predict_outputs(net, dataset, *, encode=False):
    """Module outputs (or pooled representations) for every sample, in input order.

    Runs in large batches, sorted by length, without autograd.
    """
    module = net.module_
    if module.training:  # only right after loading: training leaves the module in eval mode
        module.eval()
    forward = module.encode if encode else module.forward
    order = batch_indices(
        dataset.lengths.numpy(), _inference_batch_size(net, dataset), shuffle=False
    )
    outputs = []
    max_length = dataset.values.shape[1]
    with torch.inference_mode(), autocast(net.device, net.mixed_precision):
        for indices in order:
            inputs, _ = dataset.batch(indices)
            output = forward(*module_inputs(inputs, net.device)).float().cpu()
            if output.ndim == 3:  # per-step outputs: pad to the longest sequence
                output = torch.nn.functional.pad(output, (0, 0, 0, max_length - output.shape[1]))
            outputs.append(output)
    result = torch.cat(outputs).numpy()
    positions = np.concatenate(order)
    if np.array_equal(positions, np.arange(len(positions))):  # equal lengths: input order
        return result
    restored = np.empty_like(result)
    restored[positions] = result
    return restored


def export_net(net):
    """The trained state of a net as numpy arrays and plain Python values."""
    return {
        "module": _to_numpy(net.module_.state_dict()),
        "optimizer": _to_numpy(net.optimizer_.state_dict()),
        "history": [dict(row) for row in net.history],
    }


def import_net(exported, config):
    """Rebuild a net from ``build_net`` arguments and an :func:`export_net` state.

    A net trained on CUDA comes back on the CPU, with a warning, where CUDA is
    not available.
    """
    device = config["device"]
    if device.startswith("cuda") and not torch.cuda.is_available():
        warn(
            f"The model was trained on {device!r}, but no CUDA devices are available; "
            "it is loaded on the CPU instead."
        )
        device = "cpu"
    net = build_net(**dict(config, device=device))
    net.initialize()
    net.module_.load_state_dict(_to_tensors(exported["module"]))
    net.optimizer_.load_state_dict(_to_tensors(exported["optimizer"]))
    net.history = History(exported["history"])
    return net


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {key: _to_numpy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_numpy(item) for item in value)
    return value


def _to_tensors(value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value))
    if isinstance(value, dict):
        return {key: _to_tensors(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_tensors(item) for item in value)
    return value
