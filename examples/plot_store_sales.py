"""
Forecasting the daily sales of several stores
=============================================

A retail panel as it comes out of a sales database: one row per store and
day, with the items sold, whether the store ran a promotion and whether the
day was a public holiday, and a second table of store attributes (size and
region). Some days are missing, and one store opened late.
:func:`~sklearn_rnn.datasets.make_store_sales` generates such tables.

One global :class:`~sklearn_rnn.RNNForecaster` reads them as they are:
``series_id`` and ``time`` name the columns, ``gaps="fill"`` inserts masked
rows for the missing days, ``future_covariates`` marks the promotions and
holidays as known in advance, and ``fit(..., static=stores)`` adds the store
attributes. A backtest cut by time (:class:`~sklearn_rnn.model_selection.PanelTimeSplit`
in ``cross_validate``) scores it with the mean absolute scaled error (MASE),
and a table per store compares it with the seasonal naive forecast (the same
weekday one week earlier).
"""

# %%
# The tables
# ----------

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import cross_validate

from sklearn_rnn import RNNForecaster
from sklearn_rnn.datasets import make_store_sales
from sklearn_rnn.metrics import make_forecast_scorer, mean_absolute_scaled_error
from sklearn_rnn.model_selection import PanelTimeSplit

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

sales, stores = make_store_sales(n_stores=6, n_days=365, late_store_days=100, random_state=0)
print(sales.head())
print(stores)
days = sales.groupby("store")["date"].agg(["min", "max", "count"])
days["missing days"] = (days["max"] - days["min"]).dt.days + 1 - days["count"]
print(days)

# %%
# A backtest cut by time
# ----------------------
# ``PanelTimeSplit`` cuts every store at the same dates: each of the 3 folds
# trains on all rows up to a cutoff and tests on the next 4 weeks. The scorer
# forecasts the next 7 days from every day of the test fold, reading the
# history before it, and averages the MASE over the stores (each store weighs
# the same). ``m=7`` scales a store's errors by the mean absolute error of the
# seasonal naive forecast over the history the forecaster stored (its last
# ``lookback`` days before the cutoff). ``params`` passes the store table to
# every fit.
#
# The late store may have fewer than ``lookback + horizon`` days before the
# first cutoff: ``short_series="skip"`` then leaves it out of that fold's
# training with a warning (printed below, if any) instead of failing the fold,
# and the fold's forecasts of it read the shorter history it has.

forecaster = RNNForecaster(
    series_id="store",
    time="date",
    target="sales",
    future_covariates=["promo", "holiday"],
    gaps="fill",
    short_series="skip",
    lookback=28,
    horizon=7,
    hidden_size=16,
    max_iter=15,
    random_state=0,
)
cv = PanelTimeSplit(n_splits=3, test_size=28, series_id="store", time="date")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    results = cross_validate(
        forecaster,
        sales,
        cv=cv,
        scoring={"MASE": make_forecast_scorer(mean_absolute_scaled_error, m=7)},
        params={"static": stores},
        return_estimator=True,
    )
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
folds = pd.DataFrame(
    {
        "test from": [sales["date"].iloc[test].min().date() for _, test in cv.split(sales)],
        "MASE": -results["test_MASE"],
        "fit seconds": results["fit_time"],
    }
)
print(folds.round(3).to_string(index=False))

# %%
# MASE per store against the seasonal naive forecast
# --------------------------------------------------
# The forecaster of the last fold was trained on the rows up to its cutoff.
# ``historical_forecasts`` runs it, without refitting, from every 7th day of the
# last 4 weeks (each forecast reading the full history before its origin). The
# seasonal naive forecast of a day is the same weekday one week before its
# origin. Both are scored per store with the MASE (``m=7``, scaled over the
# store's training rows), on the days where both have a forecast and the truth
# is known.

fitted = results["estimator"][-1]
train_rows, _ = list(cv.split(sales))[-1]
train = sales.iloc[train_rows]
cutoff = train["date"].max()
backtest = fitted.historical_forecasts(sales, start=cutoff, stride=7)


def seasonal_naive(backtest, sales, season_days=7):
    """The truth ``season_days`` days before each forecast day (as seen from its origin)."""
    steps = (backtest["time"] - backtest["cutoff"]).dt.days
    lag = season_days * np.ceil(steps / season_days).astype(int)
    lookup = sales.set_index(["store", "date"])["sales"]
    keys = pd.MultiIndex.from_arrays(
        [backtest["store"], backtest["time"] - pd.to_timedelta(lag, unit="D")]
    )
    return lookup.reindex(keys).to_numpy(dtype=float)


backtest["seasonal naive"] = seasonal_naive(backtest, sales)
scored = backtest.dropna(subset=["y", "forecast", "seasonal naive"])


def store_mase(store, forecast):
    """MASE of one store's ``forecast`` column, scaled over its training rows."""
    rows = scored[scored["store"] == store]
    history = train.loc[train["store"] == store, "sales"]
    return mean_absolute_scaled_error(rows["y"], rows[forecast], y_train=history, m=7)


methods = {"RNNForecaster": "forecast", "seasonal naive": "seasonal naive"}
table = pd.DataFrame(
    {
        method: [store_mase(store, column) for store in stores.index]
        for method, column in methods.items()
    },
    index=stores.index,
)
table["days scored"] = scored.groupby("store").size()
print(table.round(3).to_string())
means = table[list(methods)].mean()
print(
    f"mean over the stores: RNNForecaster {means.iloc[0]:.3f}, seasonal naive {means.iloc[1]:.3f}"
)


# %%
# One store's forecasts
# ---------------------
# The store with the most promotion days after the cutoff: its last 8 weeks,
# the 7-day forecasts made from every origin of the backtest (one line each),
# and the promotion days and holidays, which the network read in advance.

after_cutoff = sales[sales["date"] > cutoff]
store = after_cutoff.groupby("store")["promo"].sum().idxmax()
history = sales[(sales["store"] == store) & (sales["date"] > cutoff - pd.Timedelta(days=28))]
fig, ax = plt.subplots(figsize=(10, 4))
ax.plot(history["date"], history["sales"], color="black", marker=".", label="sales")
for origin, forecast in scored[scored["store"] == store].groupby("cutoff"):
    first = origin == cutoff
    ax.plot(
        forecast["time"],
        forecast["forecast"],
        color="tab:orange",
        linewidth=2,
        label="RNNForecaster" if first else None,
    )
    ax.plot(
        forecast["time"],
        forecast["seasonal naive"],
        color="tab:blue",
        linestyle="--",
        label="seasonal naive" if first else None,
    )
for column, color in [("promo", "tab:green"), ("holiday", "tab:red")]:
    marked = history.loc[history[column] == 1, "date"]
    for position, day in enumerate(marked):
        ax.axvspan(
            day - pd.Timedelta(hours=12),
            day + pd.Timedelta(hours=12),
            color=color,
            alpha=0.15,
            linewidth=0,
            label=column if position == 0 else None,
        )
ax.axvline(cutoff, color="grey", linestyle=":")
region, size = stores.loc[store, ["region", "size"]]
ax.set_title(f"Store {store} ({region}, {size:.0f} m²): 7-day forecasts from every 7th day")
ax.set_ylabel("items sold")
ax.legend(loc="upper left")
fig.autofmt_xdate()
fig.tight_layout()
plt.show()
