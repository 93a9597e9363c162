"""Backtest RNNForecaster against classical baselines on the airline passengers series.

Data: ``sklearn_rnn.datasets.load_airline()``, 144 monthly totals 1949-01..1960-12
(shipped with the package, nothing is downloaded).

Protocol (12-step rolling origin over the last 36 months):

* Origins: every month from 1957-12 to 1959-12 (25 origins). From each origin
  every model forecasts the next 12 months, all inside 1958-01..1960-12, reading
  the true history up to the origin.
* The RNN models are trained once, on 1949-01..1957-12 (108 rows), and are not
  refitted per origin: one ``fc.predict(y)`` call gives the forecasts from every
  row, and the rows of the origins are picked (the script checks that they equal
  ``fc.forecast(y[:origin])``).
* The statistical models are refitted at every origin on all data up to it.
* Table 1 scores all 25 origins (300 forecast points); table 2 only the three
  non-overlapping yearly origins 1957-12, 1958-12, 1959-12 (36 points, each month
  of 1958-1960 forecast once). A single 36-step forecast is not possible with
  ``horizon=12``; table 3 adds, for comparison with figures quoted for that
  protocol, one 36-step forecast from 1957-12: the statistical models forecast 36
  steps, the RNN chains three 12-step forecasts (its own forecasts become history).

Models:

* ``RNNForecaster(lookback=24, horizon=12, cell=...)``, cell "lstm" and "gru",
  every other parameter at its default, seeds 0, 1, 2 (each seed and the mean).
* The same (gru) with ``quantiles=[0.1, 0.5, 0.9]``: the point forecast is the
  median; "80% cov." is the share of true values inside the 10-90% interval.
* Seasonal naive: the value 12 months earlier.
* Holt-Winters: ``statsmodels`` ``ExponentialSmoothing(trend="add", seasonal="mul",
  seasonal_periods=12)``, default fit.
* SARIMA airline model: ``SARIMAX(log y, order=(0, 1, 1), seasonal_order=(0, 1, 1,
  12))``, forecast ``exp`` of the mean of log y (the median); "80% cov." from its
  80% prediction interval.

Metrics, averaged over all forecast points: MAE, RMSE and sMAPE (%) =
``100 * mean(2 |y - f| / (|y| + |f|))``. "fit s": seconds spent fitting, for the
refitted models the sum over the origins of the table.

Run ``python benchmarks/bench_airline.py [--quick] [--out FILE]`` (``make bench-airline``
writes the report into docs/benchmarks.md). Everything runs
on one torch thread (``OMP_NUM_THREADS=1``, ``torch.set_num_threads(1)``), on the CPU.
``--quick`` is a smoke run: 5 epochs, seed 0 only.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch
from _common import Report, environment

from sklearn_rnn import RNNForecaster
from sklearn_rnn.datasets import load_airline

torch.set_num_threads(1)

LOOKBACK = 24
HORIZON = 12
TRAIN_END = "1957-12"
FIRST_ORIGIN, LAST_ORIGIN = "1957-12", "1959-12"
YEARLY_ORIGINS = ("1957-12", "1958-12", "1959-12")
SEEDS = (0, 1, 2)
QUANTILES = [0.1, 0.5, 0.9]


# Metrics ------------------------------------------------------------------------


def metrics(truth, forecast):
    truth, forecast = np.ravel(truth), np.ravel(forecast)
    error = truth - forecast
    smape = 200.0 * np.mean(np.abs(error) / (np.abs(truth) + np.abs(forecast)))
    return {
        "mae": float(np.mean(np.abs(error))),
        "rmse": float(np.sqrt(np.mean(error**2))),
        "smape": float(smape),
    }


def coverage(truth, low, high):
    truth = np.ravel(truth)
    return float(np.mean((truth >= np.ravel(low)) & (truth <= np.ravel(high))))


# Models -------------------------------------------------------------------------
# Every model returns, for each origin position ``i`` (row of the origin in y), the
# forecasts of rows i+1..i+HORIZON: a dict with "point" (n_origins, HORIZON),
# optionally "low"/"high" (80% interval), and "fit_times" (per origin, or one value).


def rnn_forecasts(y, positions, *, cell, seed, max_iter, quantiles=None):
    extra = {} if max_iter is None else {"max_iter": max_iter}
    fc = RNNForecaster(
        lookback=LOOKBACK,
        horizon=HORIZON,
        cell=cell,
        quantiles=quantiles,
        random_state=seed,
        device="cpu",
        **extra,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        fc.fit(y[:TRAIN_END])
        fit_time = time.perf_counter() - start
    for message in sorted({f"{w.category.__name__}: {w.message}" for w in caught}):
        print(f"    [rnn {cell} seed={seed}] {message}", flush=True)
    result = {"point": fc.predict(y)[positions], "fit_times": [fit_time], "model": fc}
    if quantiles is not None:
        bands = fc.predict_quantiles(y)[positions]
        result["low"], result["high"] = bands[..., 0], bands[..., -1]
    return result


def consistency(fc, y, positions, point):
    """Largest |predict row - forecast(history up to the origin)| over the given origins."""
    worst = 0.0
    for row, i in enumerate(positions):
        direct = fc.forecast(y.iloc[: i + 1]).to_numpy()
        worst = max(worst, float(np.max(np.abs(direct - point[row]))))
    return worst


def seasonal_naive(y, positions):
    values = y.to_numpy()
    point = np.array([values[i + 1 - 12 : i + 1 - 12 + HORIZON] for i in positions])
    return {"point": point, "fit_times": [0.0] * len(positions)}


def holt_winters(y, positions, steps=HORIZON):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    point, fit_times, messages = [], [], {}
    for i in positions:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            model = ExponentialSmoothing(
                y.iloc[: i + 1], trend="add", seasonal="mul", seasonal_periods=12
            ).fit()
            fit_times.append(time.perf_counter() - start)
        for message in {f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught}:
            messages[message] = messages.get(message, 0) + 1
        point.append(model.forecast(steps).to_numpy())
    for message, count in sorted(messages.items()):
        print(f"    [holt-winters] {count} of {len(positions)} fits: {message}", flush=True)
    return {"point": np.array(point), "fit_times": fit_times}


def sarima(y, positions, steps=HORIZON):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    point, low, high, fit_times, messages = [], [], [], [], {}
    log_y = np.log(y)
    for i in positions:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            model = SARIMAX(log_y.iloc[: i + 1], order=(0, 1, 1), seasonal_order=(0, 1, 1, 12)).fit(
                disp=False
            )
            fit_times.append(time.perf_counter() - start)
            prediction = model.get_forecast(steps)
        for message in {f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught}:
            messages[message] = messages.get(message, 0) + 1
        interval = np.exp(prediction.conf_int(alpha=0.2).to_numpy())
        point.append(np.exp(prediction.predicted_mean.to_numpy()))
        low.append(interval[:, 0])
        high.append(interval[:, 1])
    for message, count in sorted(messages.items()):
        print(f"    [sarima] {count} of {len(positions)} fits: {message}", flush=True)
    return {
        "point": np.array(point),
        "low": np.array(low),
        "high": np.array(high),
        "fit_times": fit_times,
    }


def chained_rnn(fc, y, origin_position, steps):
    """``steps`` forecasts from one origin by chaining ``forecast`` on its own output."""
    history = y.iloc[: origin_position + 1]
    pieces = []
    while sum(len(p) for p in pieces) < steps:
        piece = fc.forecast(history)
        pieces.append(piece)
        history = pd.concat([history, piece]).asfreq("MS")
    return pd.concat(pieces).to_numpy()[:steps]


# Reporting ----------------------------------------------------------------------


HEADER = (
    "| model | seed | fits | fit s | MAE | RMSE | sMAPE % | 80% cov. |\n"
    "|---|---|---|---|---|---|---|---|"
)


def row(name, seed, n_fits, fit_time, scores, cover=None):
    cover_text = "" if cover is None else f"{100 * cover:.0f}%"
    return (
        f"| {name} | {seed} | {n_fits} | {fit_time:.1f} | {scores['mae']:.1f} "
        f"| {scores['rmse']:.1f} | {scores['smape']:.2f} | {cover_text} |"
    )


def mean_row(name, entries):
    keys = ("mae", "rmse", "smape")
    scores = {k: float(np.mean([e["scores"][k] for e in entries])) for k in keys}
    fit_time = float(np.mean([e["fit_time"] for e in entries]))
    covers = [e["cover"] for e in entries]
    cover = None if covers[0] is None else float(np.mean(covers))
    return row(f"**{name}**", "mean", entries[0]["n_fits"], fit_time, scores, cover)


def score_model(result, y, positions, subset):
    """Scores of a model's forecasts over the origins ``subset`` (indices into positions)."""
    truth = np.array([y.to_numpy()[i + 1 : i + 1 + HORIZON] for i in positions[subset]])
    scores = metrics(truth, result["point"][subset])
    cover = None
    if "low" in result:
        cover = coverage(truth, result["low"][subset], result["high"][subset])
    fit_times = result["fit_times"]
    if len(fit_times) == 1:  # trained once
        n_fits, fit_time = 1, fit_times[0]
    else:
        n_fits, fit_time = len(subset), float(np.sum(np.asarray(fit_times)[subset]))
    return {"scores": scores, "cover": cover, "n_fits": n_fits, "fit_time": fit_time}


def report_table(report, results, y, positions, subset):
    report(HEADER)
    for name, runs in results:
        entries = []
        for seed, result in runs:
            entry = score_model(result, y, positions, subset)
            entries.append(entry)
            report(
                row(name, seed, entry["n_fits"], entry["fit_time"], entry["scores"], entry["cover"])
            )
        if len(runs) > 1:
            report(mean_row(name, entries))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 5 epochs, seed 0")
    parser.add_argument("--out", help="also write the report (markdown) to this file")
    args = parser.parse_args(argv)
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        parser.exit(1, "bench_airline.py needs statsmodels: pip install -e '.[bench]'\n")

    max_iter = 5 if args.quick else None
    seeds = (0,) if args.quick else SEEDS
    report = Report("bench_airline.py")
    started = time.perf_counter()

    y = load_airline()
    origins = pd.date_range(FIRST_ORIGIN, LAST_ORIGIN, freq="MS")
    positions = np.array([y.index.get_loc(t) for t in origins])
    yearly = np.array([list(origins.strftime("%Y-%m")).index(o) for o in YEARLY_ORIGINS])
    everything = np.arange(len(positions))

    report("# Airline passengers backtest")
    report()
    report.extend(environment("pandas", "statsmodels", notes=["device: cpu"])[:-1])
    report(
        f"- RNN: RNNForecaster(lookback={LOOKBACK}, horizon={HORIZON}, cell=..., "
        f"random_state=seed{'' if max_iter is None else f', max_iter={max_iter}'}), "
        f"trained once on 1949-01..{TRAIN_END} ({len(y[:TRAIN_END])} rows)"
    )
    report(
        f"- origins: {FIRST_ORIGIN}..{LAST_ORIGIN} ({len(origins)}), {HORIZON} steps each; "
        "statistical models refitted at every origin"
    )
    report()

    results = []
    checks = []

    def progress(line):  # printed, not part of the saved report
        print(line, flush=True)

    for cell in ("lstm", "gru"):
        runs = []
        for seed in seeds:
            result = rnn_forecasts(y, positions, cell=cell, seed=seed, max_iter=max_iter)
            runs.append((seed, result))
            checks.append(
                consistency(result["model"], y, positions[yearly], result["point"][yearly])
            )
            progress(
                f"    fitted rnn {cell} seed={seed}: {result['fit_times'][0]:.1f} s, "
                f"{result['model'].n_iter_} epochs"
            )
        results.append((f"RNN {cell}", runs))
    runs = []
    for seed in seeds:
        result = rnn_forecasts(
            y, positions, cell="gru", seed=seed, max_iter=max_iter, quantiles=QUANTILES
        )
        runs.append((seed, result))
        progress(
            f"    fitted rnn gru quantiles seed={seed}: {result['fit_times'][0]:.1f} s, "
            f"{result['model'].n_iter_} epochs"
        )
    results.append(("RNN gru, quantiles 0.1/0.5/0.9 (median)", runs))

    results.append(("seasonal naive", [("-", seasonal_naive(y, positions))]))
    results.append(("Holt-Winters (add trend, mul season)", [("-", holt_winters(y, positions))]))
    progress(f"    fitted holt-winters: {sum(results[-1][1][0][1]['fit_times']):.1f} s")
    results.append(("SARIMA(0,1,1)(0,1,1)12 on log y", [("-", sarima(y, positions))]))
    progress(f"    fitted sarima: {sum(results[-1][1][0][1]['fit_times']):.1f} s")

    report(
        f"## Rolling origin: {len(origins)} origins {FIRST_ORIGIN}..{LAST_ORIGIN}, "
        f"{HORIZON} steps each ({len(origins) * HORIZON} forecast points)"
    )
    report()
    report_table(report, results, y, positions, everything)
    report()
    report(
        f"## Yearly origins {', '.join(YEARLY_ORIGINS)} "
        f"({len(YEARLY_ORIGINS) * HORIZON} forecast points, 1958-01..1960-12 once each)"
    )
    report()
    report_table(report, results, y, positions, yearly)
    report()

    # One 36-step forecast from 1957-12 (the protocol of the reference figures).
    steps = 3 * HORIZON
    origin = positions[yearly[0]]
    truth = y.to_numpy()[origin + 1 : origin + 1 + steps]
    report(
        f"## One {steps}-step forecast from {YEARLY_ORIGINS[0]} (1958-01..1960-12); "
        "RNN: three chained 12-step forecasts"
    )
    report()
    report("| model | seed | MAE | RMSE | sMAPE % |\n|---|---|---|---|---|")
    long_rows = []
    for name, runs in results[:3]:
        for seed, result in runs:
            point = chained_rnn(result["model"], y, origin, steps)
            long_rows.append((name, seed, metrics(truth, point)))
    last_year = y.to_numpy()[origin - 11 : origin + 1]
    long_rows.append(("seasonal naive (1957 repeated)", "-", metrics(truth, np.tile(last_year, 3))))
    long_rows.append(
        ("Holt-Winters", "-", metrics(truth, holt_winters(y, [origin], steps)["point"][0]))
    )
    long_rows.append(
        ("SARIMA on log y", "-", metrics(truth, sarima(y, [origin], steps)["point"][0]))
    )
    for name, seed, scores in long_rows:
        report(
            f"| {name} | {seed} | {scores['mae']:.1f} | {scores['rmse']:.1f} "
            f"| {scores['smape']:.2f} |"
        )
    report()
    report(
        "Check: max |predict row - forecast(y[:origin])| over the yearly origins and RNN "
        f"point models: {max(checks):.2e}"
    )
    report(f"Total runtime: {time.perf_counter() - started:.0f} s")
    report.save(args.out)


if __name__ == "__main__":
    main()
