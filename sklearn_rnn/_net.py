"""The skorch net that trains a ``SequenceNetwork``, and how it is built.

The estimators hold a :class:`SequenceNet` in ``net_``; they never inherit
from a skorch class. The net is fed :class:`~sklearn_rnn._sequences.SequenceDataset`
objects, from which whole batches are sliced (no per-sample ``__getitem__``).
"""

import copy

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import (
    EpochTimer,
    GradientNormClipping,
    PassthroughScoring,
    PrintLog,
    ProgressBar,
)
from skorch.dataset import unpack_data
from skorch.utils import TeeGenerator

from ._callbacks import LastCompleteEpoch, Stopping, ValidationScore
from ._device import autocast, grad_scaler, network_inference_batch_size, supports_mixed_precision
from ._modules import CRITERIA, SequenceNetwork, real_steps
from ._sequences import BatchIterator
from ._skorch_overrides import LeanEpochMixin

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

class SequenceNet(LeanEpochMixin, NeuralNet):
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
        self.grad_scaler_ = grad_scaler(self.device, self.mixed_precision)
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
            self.grad_scaler_ = grad_scaler(self.device, enabled)

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
        state.pop("_mean_criterion_cache_", None)  # rebuilt on first use
        return state

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
            batch_size = network_inference_batch_size(self, dataset)
            return BatchIterator(dataset, batch_size, shuffle=False)
        rng = np.random.default_rng(self.random_state)
        return BatchIterator(
            dataset,
            min(self.batch_size, len(dataset)),
            shuffle=True,
            rng=rng,
            pin_memory=self.device != "cpu",
        )

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
        missing = torch.isnan(y_true)
        if missing.any():
            return self._loss_of_known(y_pred, y_true, missing, weight)
        if weight is None:  # every sample has as many loss terms: their plain mean
            return self._mean_criterion()(y_pred, y_true)
        loss = self.criterion_(y_pred, y_true)
        per_sample = loss.reshape(len(loss), -1).mean(dim=1)
        return (per_sample * weight).sum() / weight.sum()


    def _loss_of_known(self, y_pred, y_true, missing, weight):
        """The loss without the terms of missing (NaN) targets, e.g. a forecaster's gaps.

        Every known target counts once (times its sample's weight); a sample
        without any known target counts for nothing.
        """
        loss = self.criterion_(y_pred, torch.where(missing, torch.zeros_like(y_true), y_true))
        loss = loss.reshape(len(loss), -1)
        known = (~missing).reshape(len(missing), -1)
        known = known.repeat_interleave(loss.shape[1] // known.shape[1], dim=1).to(loss.dtype)
        if weight is not None:
            known = known * weight.reshape(-1, 1)
        return (loss * known).sum() / known.sum().clamp(min=1e-12)


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
    seed=0,
):
    """A ready-to-initialize :class:`SequenceNet` for a ``SequenceNetwork``.

    ``seed`` draws the initial weights (``_training.initialize`` sets it per
    fit); it is never None, so that building a net never draws from torch's
    global generator, not even when weights are loaded over the drawn ones.
    """
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
        module__seed=seed,
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
