"""
Calibrated prediction intervals
===============================

A network trained with the pinball loss fits its training windows closely, so its
quantile forecasts alone make bands that are too narrow. :class:`~sklearn_rnn.RNNForecaster`
keeps the latest windows of the training series out of training and calibrates the
bands on them (split-conformal, as conformalized quantile regression): the band between
two symmetric levels is widened or narrowed until it covers its nominal share of those
held-out windows.

This example forecasts a monthly series with a known noise level and measures how
often the 10-90 % band holds the truth on 20 years that the model never saw, step by
step of the horizon.
"""

# %%
# Data
# ----
# 50 years of a monthly series: a yearly season, a slow trend and Gaussian noise of
# standard deviation 1. The first 30 years train the model; the last 20 test it.

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from sklearn_rnn import RNNForecaster
from sklearn_rnn.metrics import interval_coverage

torch.set_num_threads(1)

rng = np.random.RandomState(0)
t = np.arange(600)
index = pd.date_range("1970-01", periods=600, freq="MS")
y = pd.Series(20 + 3 * np.sin(2 * np.pi * t / 12) + t / 60 + rng.normal(size=600), index=index)
train, test_start = y[:"1999-12"], 360

# %%
# Model
# -----
# ``quantiles`` trains one output per step and level with the pinball loss; the
# calibration shifts of every step are fitted after training on the held-out windows.

horizon = 6
forecaster = RNNForecaster(
    lookback=36, horizon=horizon, quantiles=[0.1, 0.5, 0.9], hidden_size=16, random_state=0
).fit(train)
print(f"{forecaster.n_iter_} epochs, the best kept: {forecaster.best_epoch_}")

# %%
# Coverage out of sample
# ----------------------
# ``predict_quantiles`` forecasts from every row of the table; the origins from the
# end of training on are scored against the rows that follow them.

bands = forecaster.predict_quantiles(y)[test_start - 1 : len(y) - horizon]
values = y.to_numpy()
truth = np.stack(
    [values[test_start + k : len(y) - horizon + 1 + k] for k in range(horizon)], axis=1
)
overall = interval_coverage(truth, bands[..., 0], bands[..., 2])
print(f"10-90 % band: {overall:.1%} of {truth.size} true values inside (nominal 80 %)")
for step in range(horizon):
    share = interval_coverage(truth[:, step], bands[:, step, 0], bands[:, step, 2])
    width = np.mean(bands[:, step, 2] - bands[:, step, 0])
    print(f"  step {step + 1}: {share:.1%} inside, mean width {width:.2f}")
print(f"A normal noise of sd 1 has a 10-90 % band of width {2 * 1.2816:.2f}.")

# %%
# The bands of the one-step forecasts over the last five years
# ------------------------------------------------------------

last = 60
fig, ax = plt.subplots(figsize=(9, 3.5))
stamps = y.index[len(y) - horizon - last + 1 : len(y) - horizon + 1]
ax.fill_between(stamps, bands[-last:, 0, 0], bands[-last:, 0, 2], alpha=0.3, label="10-90 % band")
ax.plot(stamps, bands[-last:, 0, 1], label="median forecast")
ax.plot(stamps, truth[-last:, 0], "k.", markersize=4, label="truth")
ax.set_title("One-step-ahead forecasts and their calibrated band")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
