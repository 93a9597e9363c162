"""Regression losses: what each one needs from the targets and how its outputs are read.

One :class:`Loss` per scikit-learn loss name (the values of ``RNNRegressor(loss=...)``,
as in ``HistGradientBoostingRegressor``): the criterion that trains it (a key of
``_modules.CRITERIA``), how targets are scaled before training, which targets it
accepts, and how a network output becomes a prediction. An estimator with its own
target normalization (the forecaster's per-window one) reads ``centred``,
``non_negative`` and ``decode`` from here.
"""

from dataclasses import dataclass

import numpy as np

from ._statistics import TargetScaler, nonzero_scale

# The median absolute deviation of normal data times this is its standard deviation.
MAD_TO_STD = 1.4826


@dataclass(frozen=True)
class Loss:
    """A regression loss, by scikit-learn's name.

    Parameters
    ----------
    name : str
        scikit-learn's name of the loss, also its key in ``_modules.CRITERIA``.
    scaling : {"standard", "robust", "mean"}
        How targets are scaled before training: "standard", minus the mean and
        divided by the standard deviation; "robust", minus the median and divided
        by the normalized median absolute deviation, so that a few huge outliers
        move neither; "mean", divided by the mean only (no centring: the zero of a
        count stays zero, as a log link needs).
    link : {"identity", "log"}
        What a network output is: the (scaled) prediction, or its logarithm.
    """

    name: str
    scaling: str = "standard"
    link: str = "identity"

    @property
    def criterion(self):
        """The key of the criterion in ``_modules.CRITERIA``."""
        return self.name

    @property
    def centred(self):
        """Whether targets may be shifted before training (not under a log link)."""
        return self.scaling != "mean"

    @property
    def non_negative(self):
        """Whether the loss needs non-negative targets."""
        return self.link == "log"

    def check_targets(self, targets):
        """Raise a ValueError naming the loss for targets it cannot train on."""
        if self.non_negative and np.any(targets < 0):
            raise ValueError(
                f"loss={self.name!r} requires non-negative y (counts, or other amounts "
                f"that cannot be negative); y has {np.count_nonzero(targets < 0)} negative "
                f"value(s), the smallest {float(targets.min())!r}. Use loss='squared_error', "
                "'absolute_error' or 'huber' for targets that can be negative."
            )

    def target_scaler(self, targets):
        """A :class:`TargetScaler` of ``targets`` (n_samples, n_outputs) for this loss.

        It stays a plain ``TargetScaler`` (the type that pickles and skops files
        already hold); its location (``mean``) and ``scale`` follow ``scaling``.
        """
        scaler = TargetScaler(targets)  # also refuses targets too large to scale
        if self.scaling == "robust":
            scaler.mean, scaler.scale = _robust_statistics(targets, scaler.scale)
        elif self.scaling == "mean":
            _check_positive_means(self.name, scaler.mean)
            scaler.mean, scaler.scale = np.zeros_like(scaler.mean), scaler.mean
        return scaler

    def decode(self, outputs):
        """Network outputs as scaled predictions, float64 (the inverse link)."""
        outputs = np.asarray(outputs, dtype=np.float64)
        if self.link == "log":
            return np.exp(outputs)
        return outputs


LOSSES = {
    loss.name: loss
    for loss in (
        Loss("squared_error"),
        Loss("absolute_error", scaling="robust"),
        Loss("huber", scaling="robust"),
        Loss("poisson", scaling="mean", link="log"),
    )
}


def _robust_statistics(targets, standard_scale):
    """Median and normalized median absolute deviation of every column.

    Where more than half of a column's values are equal (a zero deviation), the
    standard deviation ``standard_scale`` is its scale instead.
    """
    median = np.median(targets, axis=0)
    deviation = MAD_TO_STD * np.median(np.abs(targets - median), axis=0)
    spread = np.where(deviation > 0, deviation, standard_scale)
    return median, nonzero_scale(spread, median)


def _check_positive_means(name, means):
    if np.any(means <= 0):
        column = "" if len(means) == 1 else f" (output {int(np.argmax(means <= 0))})"
        raise ValueError(
            f"loss={name!r} requires y with a positive sum: y{column} is all zeros, so "
            "there is no rate to learn."
        )
