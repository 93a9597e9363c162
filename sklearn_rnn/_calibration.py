"""Conformal calibration of quantile forecasts on windows the network did not train on.

A network trained with the pinball loss on a small or changing series gives
bands that are too narrow (it fits its training windows closely). Each
quantile level ``tau`` is recalibrated on held-out windows (the latest ones
of every series, which the forecaster keeps out of training): the forecast
of that level is shifted by the ``tau``-quantile of the held-out errors
``truth - forecast``, so that on those windows a share ``tau`` of the truth
lies below it. This is the split-conformal correction of conformalized
quantile regression (Romano, Patterson & Candes, 2019), applied to every
level on its own (one-sided) and to every forecast step on its own when
there are enough held-out windows, else to all steps together.

The errors are taken in the network's units (each window's targets scaled
by the window's spread), so that windows of large and small series, or of a
series before and after it grew, count alike.
"""

import numpy as np

# Held-out windows needed per step to shift each step on its own; fewer pool the steps.
MIN_WINDOWS_PER_STEP = 20


def quantile_shifts(forecasts, truth, levels):
    """Shifts that calibrate quantile forecasts on held-out windows.

    Parameters
    ----------
    forecasts : ndarray of shape (n_windows, n_steps, n_targets, n_levels)
        The network's quantile forecasts of the held-out windows.
    truth : ndarray of shape (n_windows, n_steps, n_targets)
        What followed those windows, in the same units.
    levels : array-like of shape (n_levels,)
        The quantile levels in (0, 1).

    Returns
    -------
    shifts : ndarray of shape (n_steps, n_targets, n_levels)
        To add to the forecasts of every window. Zero without held-out windows.
    """
    levels = np.asarray(levels, dtype=float)
    n_windows, n_steps, n_targets, n_levels = forecasts.shape
    if n_windows == 0:
        return np.zeros((n_steps, n_targets, n_levels))
    errors = truth[..., None] - forecasts  # (n_windows, n_steps, n_targets, n_levels)
    if n_windows < MIN_WINDOWS_PER_STEP:
        pooled = errors.reshape(n_windows * n_steps, n_targets, n_levels)
        shifts = _level_quantiles(pooled, levels)  # (n_targets, n_levels)
        return np.broadcast_to(shifts, (n_steps, n_targets, n_levels)).copy()
    return np.stack([_level_quantiles(errors[:, step], levels) for step in range(n_steps)])


def _level_quantiles(errors, levels):
    """Shifts of every level from errors ``truth - forecast`` over windows: (n_targets, n_levels).

    Levels in symmetric pairs (``tau`` and ``1 - tau``) form a central band,
    widened or narrowed by one amount on both sides so that it covers a
    share ``1 - 2 tau`` of the held-out truth (two-sided CQR; a bias of the
    held-out period does not move the band). Other levels are shifted on
    their own; the median (0.5) is not shifted.
    """
    shifts = np.zeros(errors.shape[1:])
    n_levels = len(levels)
    for t in range(errors.shape[1]):
        for j, level in enumerate(levels):
            partner = n_levels - 1 - j
            if np.isclose(level, 0.5):
                continue
            if np.isclose(level + levels[partner], 1.0) and j < partner:
                outside = np.maximum(-errors[:, t, j], errors[:, t, partner])
                outside = outside[np.isfinite(outside)]
                if len(outside):
                    coverage = min(1.0, (1 - 2 * level) * (1 + 1 / len(outside)))
                    width = np.quantile(outside, coverage)
                    shifts[t, j], shifts[t, partner] = -width, width
            elif not np.isclose(level + levels[partner], 1.0):
                values = errors[:, t, j][np.isfinite(errors[:, t, j])]
                if len(values):
                    shifts[t, j] = np.quantile(values, level)
    return shifts
