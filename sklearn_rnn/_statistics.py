"""Statistics shared by the estimators: standardization and the point quantile.

One rule for a standard deviation that is (numerically) zero, used by the
input standardization, the target scaler and the forecaster's per-window
normalization; one rule for which quantile level is the point forecast.
"""

import numpy as np

# A spread at or below this fraction of the values' magnitude (1 + |location|)
# is rounding noise of a constant: its scale becomes 1, so constants pass
# through centred instead of being blown up.
RELATIVE_SPREAD_FLOOR = 1e-12

# Steps per chunk when accumulating squared deviations of large inputs.
STATISTICS_CHUNK = 2**16


def nonzero_scale(spread, location):
    """``spread`` where it is meaningful relative to ``location``, 1 where it is zero."""
    spread = np.asarray(spread, dtype=np.float64)
    floor = RELATIVE_SPREAD_FLOOR * (1.0 + np.abs(location))
    return np.where(spread > floor, spread, 1.0)


def step_statistics(sequences):
    """Mean and scale of every feature over all real time steps, float32.

    Accumulates in float64 without a float64 copy of the data (equal-length
    data is not copied at all).
    """
    steps = sequences.steps()
    mean = steps.mean(axis=0, dtype=np.float64)
    squares = np.zeros_like(mean)
    for chunk in np.array_split(steps, max(1, len(steps) // STATISTICS_CHUNK)):
        squares += ((chunk - mean) ** 2).sum(axis=0)
    scale = nonzero_scale(np.sqrt(squares / len(steps)), mean)
    return mean.astype(np.float32), scale.astype(np.float32)


class TargetScaler:
    """Standardize regression targets of shape (n_samples, n_outputs) and back.

    Statistics are computed on targets divided by their largest magnitude, so
    that values near the float64 limit do not overflow when squared. NaN
    (a missing target) is left out of them and stays NaN; a column without
    any value gets mean 0 and scale 1.
    """

    def __init__(self, targets):
        known = ~np.isnan(targets)
        values = np.where(known, targets, 0.0)
        magnitude = np.abs(values).max(axis=0)
        magnitude = np.where(magnitude > 0, magnitude, 1.0)
        unit = values / magnitude
        counts = np.maximum(known.sum(axis=0), 1)
        mean = unit.sum(axis=0) / counts
        spread = np.sqrt((((unit - mean) * known) ** 2).sum(axis=0) / counts)
        self.mean = mean * magnitude
        self.scale = nonzero_scale(spread * magnitude, self.mean)
        if not (np.all(np.isfinite(self.mean)) and np.all(np.isfinite(self.scale))):
            raise ValueError(
                "Input y has values too large to standardize in float64; rescale y first."
            )

    def transform(self, targets):
        return ((targets - self.mean) / self.scale).astype(np.float32)

    def inverse_transform(self, scaled):
        return scaled.astype(np.float64) * self.scale + self.mean


def point_quantile(quantiles):
    """Position of the point forecast among sorted quantile levels: the level
    nearest the median (the first of two equally near); 0 without quantiles."""
    if quantiles is None:
        return 0
    return int(np.argmin(np.abs(np.asarray(quantiles, dtype=np.float64) - 0.5)))
