"""The net's own callbacks (validation score, last complete epoch, early
stopping) and the scores they record.
"""


import numpy as np
import torch
from skorch.callbacks import (
    Callback,
    EarlyStopping,
)
from skorch.dataset import unpack_data

from ._modules import real_steps
from ._statistics import point_quantile


def _accuracy(y_true, y_pred, point=0):
    return (y_pred.argmax(dim=1) == y_true).double().mean().item()


def _r2(y_true, y_pred, point=0):
    y_true = y_true.reshape(len(y_true), -1).double()
    # Quantile outputs hold several values per target: score the point forecast's.
    y_pred = y_pred.reshape(len(y_pred), y_true.shape[1], -1).double()
    y_pred = y_pred[:, :, point]
    known = ~torch.isnan(y_true)  # missing targets (a forecaster's gaps) do not count
    y_true = torch.where(known, y_true, torch.zeros_like(y_true))
    y_pred = torch.where(known, y_pred, torch.zeros_like(y_pred))
    counts = known.sum(dim=0).clamp(min=1)
    mean = y_true.sum(dim=0) / counts
    residual = ((y_true - y_pred) ** 2).sum(dim=0)
    total = (((y_true - mean) * known) ** 2).sum(dim=0)
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
            y_pred = torch.cat(self.y_pred_)
            inverse_link = getattr(net.criterion_, "inverse_link", None)
            if inverse_link is not None:  # a log link: score the mean, not its logarithm
                y_pred = inverse_link(y_pred)
            score = SCORES[self.score](torch.cat(self.y_true_), y_pred, point=point)
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


def _cpu_state_dict(module):
    return {key: value.detach().to("cpu", copy=True) for key, value in module.state_dict().items()}
