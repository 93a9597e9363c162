"""
Forecasting airline passengers with prediction intervals
=========================================================

Fit an :class:`~sklearn_rnn.RNNForecaster` with three quantile levels (10 %, 50 %
and 90 %) on the monthly airline passengers of 1949-1957, forecast the 12 months of
1958, and plot the median forecast with its 10-90 % band next to what happened.

Run ``python examples/plot_airline_forecast.py [--out FILE.png]``; the figure is
saved to ``--out`` (default ``airline_forecast.png`` in the current directory) and
shown in a window only when a display is available.
"""

# %%
# Data
# ----
# 144 monthly totals (thousands of passengers), shipped with the package. Rows are
# time steps; the model is trained on 1949-01..1957-12 only.

import argparse
import os
import sys

import matplotlib

if sys.platform.startswith("linux") and not (
    os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
):
    matplotlib.use("Agg")  # no display: draw to files only

import matplotlib.pyplot as plt

from sklearn_rnn import RNNForecaster
from sklearn_rnn.datasets import load_airline

y = load_airline()
train = y[:"1957-12"]
test = y["1958-01":"1958-12"]

# %%
# Model
# -----
# ``quantiles`` trains the network with the pinball loss, one output per horizon
# step and quantile level; the point forecast (``predict``, ``forecast()``) is the
# median. ``forecast(quantiles=True)`` returns every level as a column, indexed by
# the 12 months that follow the training data.

forecaster = RNNForecaster(lookback=24, horizon=12, quantiles=[0.1, 0.5, 0.9], random_state=0)
forecaster.fit(train)
forecast = forecaster.forecast(quantiles=True)
print(forecast.round(1))

# %%
# Plot
# ----
# History (1955 onwards for readability), the true 1958 values, the median
# forecast and the 10-90 % band. The band is calibrated on the training windows
# only: out of sample it is often too narrow (see ``docs/forecasting.md``).


def plot(history, truth, forecast):
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(history.index, history, color="black", label="history (training data)")
    ax.plot(
        truth.index,
        truth,
        color="black",
        linestyle="--",
        marker="o",
        markersize=3,
        label="true 1958",
    )
    ax.fill_between(
        forecast.index,
        forecast["passengers_q0.1"],
        forecast["passengers_q0.9"],
        color="tab:blue",
        alpha=0.25,
        label="10-90% interval",
    )
    ax.plot(
        forecast.index,
        forecast["passengers_q0.5"],
        color="tab:blue",
        marker="o",
        markersize=3,
        label="median forecast",
    )
    ax.set_xlabel("month")
    ax.set_ylabel("passengers (thousands)")
    ax.set_title("RNNForecaster: 12-month forecast of airline passengers from 1957-12")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


fig = plot(train["1955-01":], test, forecast)

# %%
# Save the figure (and show it when there is a display).

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Airline passengers forecast with intervals.")
    parser.add_argument("--out", default="airline_forecast.png", help="PNG file to write")
    args = parser.parse_args()
    fig.savefig(args.out, dpi=100)
    print(f"saved {args.out}")
    if matplotlib.get_backend().lower() != "agg":
        plt.show()
