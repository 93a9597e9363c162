"""
Forecasting airline passengers with prediction intervals
=========================================================

Fit an :class:`~sklearn_rnn.RNNForecaster` with three quantile levels (10 %, 50 %
and 90 %) on the monthly airline passengers of 1949-1957, forecast the 12 months
of 1958, and plot the median forecast with its 10-90 % band next to what
happened, with :class:`~sklearn_rnn.ForecastDisplay`. The same model then
forecasts 1960 from the history up to 1959-12, without refitting.
"""

# %%
# Data
# ----
# 144 monthly totals (thousands of passengers), shipped with the package. Rows are
# time steps; the model is trained on 1949-01..1957-12 only.

import matplotlib.pyplot as plt
import torch

from sklearn_rnn import ForecastDisplay, RNNForecaster, TrainingHistoryDisplay
from sklearn_rnn.datasets import load_airline

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

y = load_airline()
train = y[:"1957-12"]
print(f"{len(y)} months from {y.index[0]:%Y-%m} to {y.index[-1]:%Y-%m}; training on {len(train)}")

# %%
# Model
# -----
# ``quantiles`` trains the network with the pinball loss, one output per horizon
# step and quantile level; the point forecast (``predict``, ``forecast()``) is the
# median. ``forecast(quantiles=True)`` returns every level as a column, indexed by
# the 12 months that follow the history.

forecaster = RNNForecaster(lookback=24, horizon=12, quantiles=[0.1, 0.5, 0.9], random_state=0)
forecaster.fit(train)
print(forecaster.forecast(quantiles=True).round(1).head())

# %%
# Forecasts with intervals
# ------------------------
# ``ForecastDisplay.from_estimator(forecaster, X)`` plots the history ``X``, the
# forecast of the ``horizon`` months after its end (the model reads its last
# ``lookback`` rows) and the band between the lowest and the highest quantile
# level. The displays draw on the axes they are given, so the true values can be
# added to the same axes.
#
# Left: from the end of the training data. Right: the same model, fed the history
# up to 1959-12, forecasts 1960. The band is calibrated on the training windows
# only: out of sample it is often too narrow (see the forecasting user guide).

fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
for ax, origin in zip(axes, ["1957-12", "1959-12"], strict=True):
    history = y["1955-01":origin]
    display = ForecastDisplay.from_estimator(forecaster, history, ax=ax)
    truth = y[display.forecast_index]
    ax.plot(truth.index, truth, color="black", linestyle="--", label="true values")
    ax.set_title(f"Forecast from {origin}")
    ax.set_ylabel("passengers (thousands)")
    ax.legend(loc="upper left")
fig.tight_layout()

# %%
# Training history
# ----------------
# 73 training windows are fewer than the 1000 from which ``early_stopping="auto"``
# holds out a validation set: training stopped when the pinball loss on the
# training windows stopped improving, and the best epoch's weights were kept.

display = TrainingHistoryDisplay.from_estimator(forecaster)
display.ax_.set_yscale("log")
display.ax_.set_title("Pinball loss of the training windows")
display.figure_.tight_layout()
plt.show()
