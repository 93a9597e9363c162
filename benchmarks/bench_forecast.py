"""Forecast accuracy of the untuned RNNForecaster against statistical models (issue 15).

Two sections; ``make bench-forecast`` runs both (test mode, seeds 0, 1, 2) and writes the
report into ``docs/forecasting.md`` between ``<!-- bench-forecast:start -->`` and
``<!-- bench-forecast:end -->``.

**Airline** (issue 15's protocol): fit once on 1949-01..1957-12 (108 months); 12-step
forecasts from every origin 1957-12..1960-11 (36 origins), each reading the true history up
to its origin, never refitting (one ``fc.predict(y)``, the origin rows picked); MAE over the
366 (origin, step) pairs whose truth exists; ratio = MAE / seasonal-naive MAE on the same
pairs. Holt-Winters and SARIMA are refitted at every origin. Also one 36-step forecast
from 1957-12 (``horizon=36``) and the 10-90 % band of ``quantiles=[0.1, 0.5, 0.9]``.

**Real series** (``forecast_data.py``): per dataset the horizon ``h`` and season ``m`` come
from its frequency (``FREQUENCIES``, M4-style), the test span is the last ``T`` points
(``T = 3h``, or ``h`` when the shortest series has fewer than ``10h`` points), and
``lookback = max(2h, 2m)``, capped at half of what the shortest validation training span
leaves after one horizon (so both modes use the same lookback). The RNN is fitted once per
dataset and seed on everything before the test span (one global model with ``series_id``
for panels) and forecasts from every origin of the test span (the last training point to
the next-to-last point). Seasonal naive and AutoETS (statsforecast, ``season_length=m``)
are refitted at every origin on the history up to it; AutoARIMA (same) chooses its orders
and coefficients once on the training span and is run on the true history up to every
origin (``forward``): refitting it at every origin took minutes per dataset; for m > 24
(weekly) it is non-seasonal, since a seasonal search with m=52 takes minutes per fit. Per
series: MAE, MASE (scale: in-sample seasonal-naive MAE of the training span) and relative
MAE (model MAE / seasonal-naive MAE on the same pairs); per dataset the geometric mean
over its series; overall the geometric mean over datasets.

``--mode validation`` runs the same code on the data cut before the test span: the last
``T`` points of the training span play the test span. Choose defaults there, never on the
test spans. The baselines' errors are cached (``--cache FILE``), so a repeated run only
fits the RNN.

For experiments::

    python benchmarks/bench_forecast.py --mode validation --sections real \\
        --rnn-params '{"cell": "lstm"}' --cache .venv-bench/forecast-baselines.json

or from Python: ``evaluate_rnn({"cell": "lstm"}, ["nile", "airline"], "validation",
[0, 1, 2])``.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _common import Report, environment, experiment_parser, parse_experiment_args
from forecast_data import DATASETS, load

from sklearn_rnn import RNNForecaster
from sklearn_rnn.datasets import load_airline

torch.set_num_threads(1)

FREQUENCIES = {"yearly": (6, 1), "quarterly": (8, 4), "monthly": (12, 12), "weekly": (13, 52)}
SEEDS = (0, 1, 2)
QUANTILES = [0.1, 0.5, 0.9]
SECTIONS = ("airline", "real")
BASELINES = ("ets", "arima", "snaive")
# Seasonal AutoARIMA with m=52 takes minutes per fit; longer seasons get a non-seasonal
# ARIMA, as R's forecast package does for ETS (and M4's benchmarks for weekly data).
MAX_ARIMA_SEASON = 24
BASELINE_PROTOCOL = {
    "ets": "refit per origin",
    "arima": f"fit once, forward per origin, seasonal m<={MAX_ARIMA_SEASON}",
    "snaive": "per origin",
}

AIRLINE_TRAIN = 108
AIRLINE_TEST = 36
AIRLINE_LOOKBACK = 24
AIRLINE_HORIZON = 12
AIRLINE_SEASON = 12
AIRLINE_LONG_HORIZON = 36
QUOTED_PEERS = [
    ("neuralforecast 3.3 LSTM (its quickstart)", 27.4, 0.69, 24.5),
    ("darts 0.48 BlockRNNModel LSTM (its tutorial)", 24.6, 0.62, 14.1),
    ("neuralforecast NHITS (its quickstart)", 22.5, 0.57, 35.1),
    ("darts RNNModel LSTM + calendar covariates", 16.5, 0.42, 15.3),
]
QUOTE_SOURCE = "quoted from issue 15, measured on this VM with neuralforecast 3.3 / darts 0.48"


class ForecastReport(Report):
    """The shared report, written between this benchmark's own markers (one pair per mode)."""

    def __init__(self, name, mode):
        super().__init__(name)
        self.mode = mode

    def markers(self):
        tag = "bench-forecast" if self.mode == "test" else f"bench-forecast-{self.mode}"
        return (f"<!-- {tag}:start -->", f"<!-- {tag}:end -->")


# Protocol ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """One dataset under one mode: the series, the fit length of each, h, m, T, lookback."""

    name: str
    freq: str
    note: str
    series: dict
    horizon: int
    season: int
    test: int
    lookback: int

    def fit_length(self, values):
        return len(values) - self.test

    @property
    def key(self):
        lengths = ",".join(str(len(v)) for v in self.series.values())
        return f"{self.name}|h={self.horizon}|m={self.season}|T={self.test}|n={lengths}"


def make_split(dataset, mode):
    """Apply the frequency, test-span and lookback rules; cut the test span in validation."""
    horizon, season = FREQUENCIES[dataset.freq]
    shortest = min(dataset.lengths)
    test = 3 * horizon if shortest >= 10 * horizon else horizon
    validation_fit = shortest - 2 * test
    lookback = min(max(2 * horizon, 2 * season), (validation_fit - horizon) // 2)
    series = dataset.series
    if mode == "validation":
        series = {name: values[:-test] for name, values in series.items()}
    return Split(dataset.name, dataset.freq, dataset.note, series, horizon, season, test, lookback)


def origins(n, test):
    """Origin positions of the test span: the last training point to the next-to-last."""
    return np.arange(n - test - 1, n - 1)


def truth_matrix(values, positions, horizon):
    """(n_origins, horizon) of the values after each origin, NaN past the end."""
    out = np.full((len(positions), horizon), np.nan)
    for row, origin in enumerate(positions):
        future = values[origin + 1 : origin + 1 + horizon]
        out[row, : len(future)] = future
    return out


def seasonal_naive(history, horizon, season):
    """The last season of the history repeated (the last value when ``season`` is 1)."""
    last = history[-season:] if len(history) >= season else history[-1:]
    return np.resize(last, horizon)


def mae(truth, forecast):
    mask = ~np.isnan(truth)
    return float(np.mean(np.abs(truth[mask] - forecast[mask])))


def in_sample_scale(values, season):
    """MASE scale: the in-sample seasonal-naive (naive when too short) MAE of ``values``."""
    lag = season if len(values) > season else 1
    scale = float(np.mean(np.abs(values[lag:] - values[:-lag])))
    return scale if scale > 0 else 1.0


def geometric_mean(values):
    values = np.asarray(values, dtype=float)
    return float(np.exp(np.mean(np.log(np.maximum(values, 1e-12)))))


# Baselines --------------------------------------------------------------------------


def refitted_forecasts(model, values, positions, horizon, season):
    """Forecasts from every origin, the model refitted on the history up to each one."""
    from statsforecast.models import AutoETS

    fit = {"snaive": None, "ets": AutoETS}[model]
    forecasts, fallbacks = [], 0
    for origin in positions:
        history = values[: origin + 1]
        forecast = (
            None
            if fit is None
            else guarded(lambda h=history: fit(season_length=season).forecast(y=h, h=horizon))
        )
        fallbacks += fit is not None and forecast is None
        forecasts.append(seasonal_naive(history, horizon, season) if forecast is None else forecast)
    return forecasts, fallbacks


def updated_forecasts(values, positions, horizon, season):
    """AutoARIMA fitted once on the training span, then run on the true history up to each
    origin with its orders and coefficients kept (statsforecast's ``forward``)."""
    model = fitted_arima(values[: positions[0] + 1], season)
    forecasts, fallbacks = [], 0
    for origin in positions:
        history = values[: origin + 1]
        forecast = (
            None if model is None else guarded(lambda h=history: model.forward(y=h, h=horizon))
        )
        fallbacks += forecast is None
        forecasts.append(seasonal_naive(history, horizon, season) if forecast is None else forecast)
    return forecasts, fallbacks


def fitted_arima(train, season):
    """AutoARIMA fitted on ``train``, or None when the automatic fit fails."""
    from statsforecast.models import AutoARIMA

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return AutoARIMA(season_length=season, seasonal=season <= MAX_ARIMA_SEASON).fit(train)
    except Exception:
        return None


def guarded(fit_and_forecast):
    """The finite ``mean`` forecast of a statsforecast call, or None when it fails (counted
    and scored as seasonal naive by the callers)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecast = np.asarray(fit_and_forecast()["mean"], dtype=float)
    except Exception:
        return None
    return forecast if np.all(np.isfinite(forecast)) else None


def baseline_errors(split, model):
    """{series: MAE} of ``model`` from every origin, and the number of fallbacks."""
    errors, fallbacks, start = {}, 0, time.process_time()
    for name, values in split.series.items():
        positions = origins(len(values), split.test)
        truth = truth_matrix(values, positions, split.horizon)
        if model == "arima":
            forecasts, failed = updated_forecasts(values, positions, split.horizon, split.season)
        else:
            forecasts, failed = refitted_forecasts(
                model, values, positions, split.horizon, split.season
            )
        errors[name] = mae(truth, np.array(forecasts))
        fallbacks += failed
    return {"mae": errors, "fallbacks": fallbacks, "cpu_s": time.process_time() - start}


class BaselineCache:
    """Baseline results in a JSON file keyed by dataset, mode, protocol and library version."""

    def __init__(self, path):
        self.path = Path(path) if path else None
        self.entries = {}
        if self.path and self.path.is_file():
            self.entries = json.loads(self.path.read_text())

    def get(self, key, compute):
        if key not in self.entries:
            self.entries[key] = compute()
            if self.path:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text(json.dumps(self.entries, indent=1, sort_keys=True))
        return self.entries[key]


def library_version():
    import statsforecast

    return f"statsforecast {statsforecast.__version__}"


def evaluate_baselines(split, mode, cache):
    """{model: baseline_errors(...)} for ETS, ARIMA and seasonal naive, cached."""
    prefix = f"real|{mode}|{split.key}|{library_version()}"
    return {
        model: cache.get(
            f"{prefix}|{model} {BASELINE_PROTOCOL[model]}",
            lambda m=model: baseline_errors(split, m),
        )
        for model in BASELINES
    }


# RNN --------------------------------------------------------------------------------


def rnn_parameters(base, params, seed, max_iter):
    """The forecaster's parameters: protocol values, then ``params``, then overrides."""
    merged = {**base, "random_state": seed, "device": "cpu", **(params or {})}
    if max_iter is not None:
        merged["max_iter"] = max_iter
    return merged


def fit_forecaster(parameters, data, label):
    """A fitted RNNForecaster and its fit CPU seconds; its warnings are printed once each."""
    forecaster = RNNForecaster(**parameters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.process_time()
        forecaster.fit(data)
        seconds = time.process_time() - start
    for message in sorted({f"{w.category.__name__}: {w.message}" for w in caught}):
        print(f"    [{label}] {message}", flush=True)
    return forecaster, seconds


# The forecaster reads a series' frequency from its time stamps, as a user's table gives
# it; the real dates do not matter here (the panels' series start at different times), so
# every series gets stamps of its dataset's frequency from a common start.
PANDAS_FREQUENCIES = {"yearly": "YS", "quarterly": "QS", "monthly": "MS", "weekly": "W-SUN"}


def stamps(n, freq):
    return pd.date_range("1800-01-05", periods=n, freq=PANDAS_FREQUENCIES[freq])


def dated(values, freq):
    return pd.Series(values, index=stamps(len(values), freq))


def long_table(series, freq, lengths=None):
    """One long DataFrame ('series', 'time', 'y'), each series cut to ``lengths[name]`` rows."""
    parts = []
    for name, values in series.items():
        values = values[: (lengths or {}).get(name)]
        parts.append(pd.DataFrame({"series": name, "time": stamps(len(values), freq), "y": values}))
    return pd.concat(parts, ignore_index=True)


def rnn_forecasts(split, params, seed, max_iter):
    """{series: (n_origins, h) forecasts} of one fit on the training spans, and fit CPU s."""
    base = {"lookback": split.lookback, "horizon": split.horizon}
    fit_lengths = {name: split.fit_length(values) for name, values in split.series.items()}
    panel = len(split.series) > 1
    if panel:
        base["series_id"], base["time"] = "series", "time"
        train = long_table(split.series, split.freq, fit_lengths)
        full = long_table(split.series, split.freq)
    else:
        (values,) = split.series.values()
        full = dated(values, split.freq)
        train = full.iloc[: split.fit_length(values)]
    parameters = rnn_parameters(base, params, seed, max_iter)
    forecaster, seconds = fit_forecaster(parameters, train, f"{split.name} seed={seed}")
    rows = np.asarray(forecaster.predict(full))
    forecasts, offset = {}, 0
    for name, values in split.series.items():
        block = rows[offset : offset + len(values)].reshape(len(values), -1)
        forecasts[name] = block[origins(len(values), split.test)]
        offset += len(values)
    return forecasts, seconds


def score_series(split, forecasts):
    """{series: (MAE, MASE)} of forecasts on the test span."""
    scores = {}
    for name, values in split.series.items():
        positions = origins(len(values), split.test)
        error = mae(truth_matrix(values, positions, split.horizon), forecasts[name])
        scale = in_sample_scale(values[: split.fit_length(values)], split.season)
        scores[name] = (error, error / scale)
    return scores


def snaive_errors(split):
    return baseline_errors(split, "snaive")["mae"]


def evaluate_rnn(params, datasets, mode="validation", seeds=SEEDS, max_iter=None):
    """Relative MAE and MASE of RNNForecaster(**params) on the real-series protocol.

    Parameters
    ----------
    params : dict or None
        RNNForecaster parameters merged over the protocol's ``lookback`` and ``horizon``.
    datasets : list of str
        Keys of ``forecast_data.DATASETS``.
    mode : {"validation", "test"}, default="validation"
    seeds : sequence of int, default=(0, 1, 2)
    max_iter : int or None, default=None
        Overrides ``max_iter``.

    Returns
    -------
    dict
        ``{"datasets": {name: {"relative_mae": mean over seeds of the geometric mean over
        series, "relative_mae_seeds": [...], "mase": ..., "fit_cpu_s": mean}},
        "geometric_mean": relative MAE's geometric mean over datasets, "mase": ...}``.

    Examples
    --------
    >>> result = evaluate_rnn({"cell": "lstm"}, ["nile"], "validation", [0])  # doctest: +SKIP
    >>> result["geometric_mean"]  # doctest: +SKIP
    0.9...
    """
    results = {}
    for name in datasets:
        split = make_split(load(name), mode)
        naive = snaive_errors(split)
        relative, mase, seconds = [], [], []
        for seed in seeds:
            forecasts, fit_seconds = rnn_forecasts(split, params, seed, max_iter)
            scores = score_series(split, forecasts)
            relative.append(geometric_mean([scores[s][0] / max(naive[s], 1e-12) for s in scores]))
            mase.append(geometric_mean([score[1] for score in scores.values()]))
            seconds.append(fit_seconds)
        results[name] = {
            "relative_mae": float(np.mean(relative)),
            "relative_mae_seeds": relative,
            "mase": float(np.mean(mase)),
            "fit_cpu_s": float(np.mean(seconds)),
        }
    return {
        "datasets": results,
        "geometric_mean": geometric_mean([r["relative_mae"] for r in results.values()]),
        "mase": geometric_mean([r["mase"] for r in results.values()]),
    }


# Real series section ----------------------------------------------------------------


def baseline_summary(split, errors):
    """Relative MAE and MASE geometric means over series of one baseline's errors."""
    naive = errors["snaive"]["mae"]
    scales = {
        name: in_sample_scale(values[: split.fit_length(values)], split.season)
        for name, values in split.series.items()
    }
    summary = {}
    for model in BASELINES:
        model_errors = errors[model]["mae"]
        summary[model] = {
            "relative_mae": geometric_mean(
                [model_errors[s] / max(naive[s], 1e-12) for s in model_errors]
            ),
            "mase": geometric_mean([model_errors[s] / scales[s] for s in model_errors]),
            "fallbacks": errors[model]["fallbacks"],
        }
    return summary


def real_section(report, args, cache):
    report("## Real series")
    report()
    report(
        f"Mode: **{args.mode}**. Seeds {', '.join(map(str, args.seeds))}. "
        f"RNNForecaster parameters: lookback and horizon from the rules below"
        + (f", plus `{json.dumps(args.rnn_params)}`" if args.rnn_params else "")
        + (f", max_iter={args.max_iter}" if args.max_iter is not None else "")
        + "."
    )
    report()
    rows, summaries = [], {}
    for name in args.datasets:
        split = make_split(load(name), args.mode)
        baselines = baseline_summary(split, evaluate_baselines(split, args.mode, cache))
        rnn = evaluate_rnn(args.rnn_params, [name], args.mode, args.seeds, args.max_iter)[
            "datasets"
        ][name]
        summaries[name] = (split, rnn, baselines)
        print(
            f"  {name}: rnn {rnn['relative_mae']:.3f} (seeds "
            f"{' / '.join(f'{v:.3f}' for v in rnn['relative_mae_seeds'])}), ets "
            f"{baselines['ets']['relative_mae']:.3f}, arima "
            f"{baselines['arima']['relative_mae']:.3f}; fit {rnn['fit_cpu_s']:.1f} CPU s",
            flush=True,
        )
        rows.append(split)
    report(
        "Relative MAE (model MAE / seasonal-naive MAE on the same pairs; geometric mean "
        "over the series of a dataset; below 1 beats seasonal naive). RNN: mean over "
        "seeds, their spread (max - min) in brackets."
    )
    report()
    report(
        "| dataset | freq | series | length | h | m | T | lookback | RNN | ETS | ARIMA | "
        "seasonal naive | RNN fit, CPU s |"
    )
    report("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, (split, rnn, baselines) in summaries.items():
        lengths = [len(v) for v in split.series.values()]
        length = (
            str(lengths[0]) if min(lengths) == max(lengths) else (f"{min(lengths)}-{max(lengths)}")
        )
        spread = max(rnn["relative_mae_seeds"]) - min(rnn["relative_mae_seeds"])
        report(
            f"| {name} | {split.freq} | {len(lengths)} | {length} | {split.horizon} | "
            f"{split.season} | {split.test} | {split.lookback} | "
            f"{rnn['relative_mae']:.3f} ({spread:.3f}) | "
            f"{baselines['ets']['relative_mae']:.3f} | "
            f"{baselines['arima']['relative_mae']:.3f} | 1.000 | {rnn['fit_cpu_s']:.1f} |"
        )
    overall = {
        model: geometric_mean([s[2][model]["relative_mae"] for s in summaries.values()])
        for model in BASELINES
    }
    rnn_overall = geometric_mean([s[1]["relative_mae"] for s in summaries.values()])
    total_fit = sum(s[1]["fit_cpu_s"] for s in summaries.values())
    report(
        f"| **geometric mean** | | | | | | | | **{rnn_overall:.3f}** | "
        f"**{overall['ets']:.3f}** | **{overall['arima']:.3f}** | 1.000 | "
        f"{total_fit:.1f} (sum) |"
    )
    report()
    mase = {
        model: geometric_mean([s[2][model]["mase"] for s in summaries.values()])
        for model in BASELINES
    }
    rnn_mase = geometric_mean([s[1]["mase"] for s in summaries.values()])
    report(
        f"MASE, geometric mean over datasets: RNN {rnn_mase:.3f}, ETS {mase['ets']:.3f}, "
        f"ARIMA {mase['arima']:.3f}, seasonal naive {mase['snaive']:.3f}."
    )
    report()
    verdict = "beats" if rnn_overall < overall["ets"] else "does not beat"
    report(
        f"**The RNN {verdict} ETS on the geometric mean** ({rnn_overall:.3f} against "
        f"{overall['ets']:.3f}; ARIMA {overall['arima']:.3f})."
    )
    fallbacks = {
        f"{name} {model}": s[2][model]["fallbacks"]
        for name, s in summaries.items()
        for model in ("ets", "arima")
        if s[2][model]["fallbacks"]
    }
    if fallbacks:
        report()
        report(
            "Automatic fits that failed and were scored as seasonal naive: "
            + ", ".join(f"{key} {count}" for key, count in fallbacks.items())
            + "."
        )
    report()
    report("Datasets:")
    report()
    for name, (split, _, _) in summaries.items():
        report(f"* **{name}**: {split.note}.")
    report()


# Airline section --------------------------------------------------------------------


def airline_truth(y, positions, horizon=AIRLINE_HORIZON):
    return truth_matrix(y, positions, horizon)


def holt_winters(history, horizon):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(
            history, trend="add", seasonal="mul", seasonal_periods=AIRLINE_SEASON
        ).fit()
    return np.asarray(model.forecast(horizon))


def sarima(history, horizon):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = SARIMAX(
            np.log(history), order=(0, 1, 1), seasonal_order=(0, 1, 1, AIRLINE_SEASON)
        ).fit(disp=False)
    return np.exp(np.asarray(model.forecast(horizon)))


AIRLINE_BASELINES = {
    "seasonal naive": lambda history, horizon: seasonal_naive(history, horizon, AIRLINE_SEASON),
    "Holt-Winters (statsmodels, add trend, mul season, refit per origin)": holt_winters,
    "SARIMA (0,1,1)(0,1,1)12 on log y (refit per origin)": sarima,
}


def airline_series(mode):
    y = load_airline().to_numpy(float)
    return y if mode == "test" else y[:-AIRLINE_TEST]


def airline_baselines(y, positions, mode, cache):
    """{name: MAE} of the refitted baselines on the rolling protocol, cached."""
    truth = airline_truth(y, positions)

    def compute(model):
        forecasts = [model(y[: origin + 1], AIRLINE_HORIZON) for origin in positions]
        return mae(truth, np.array(forecasts))

    return {
        name: cache.get(f"airline|{mode}|rolling|n={len(y)}|{name}", lambda m=model: compute(m))
        for name, model in AIRLINE_BASELINES.items()
    }


def airline_rnn(y, positions, parameters, label, quantiles=False):
    """(forecasts or quantile bands at the origins, fit CPU s) of one fit on the train span."""
    series = dated(y, "monthly")
    forecaster, seconds = fit_forecaster(parameters, series.iloc[: len(y) - AIRLINE_TEST], label)
    if quantiles:
        return np.asarray(forecaster.predict_quantiles(series))[positions], seconds
    return np.asarray(forecaster.predict(series))[positions], seconds


def seed_summary(values):
    values = np.asarray(values)
    return f"{values.mean():.1f} (seeds {' / '.join(f'{v:.1f}' for v in values)})"


def airline_section(report, args, cache):
    y = airline_series(args.mode)
    positions = origins(len(y), AIRLINE_TEST)
    truth = airline_truth(y, positions)
    pairs = int(np.sum(~np.isnan(truth)))
    baselines = airline_baselines(y, positions, args.mode, cache)
    naive = baselines["seasonal naive"]
    base = {"lookback": AIRLINE_LOOKBACK, "horizon": AIRLINE_HORIZON}
    errors, seconds = [], []
    for seed in args.seeds:
        parameters = rnn_parameters(base, args.rnn_params, seed, args.max_iter)
        forecasts, fit_seconds = airline_rnn(y, positions, parameters, f"airline seed={seed}")
        errors.append(mae(truth, forecasts))
        seconds.append(fit_seconds)
    print(f"  airline rolling: rnn {seed_summary(errors)}, seasonal naive {naive:.1f}", flush=True)

    report("## Airline")
    report()
    span = (
        "1949-01..1957-12 (108 months), origins 1957-12..1960-11"
        if args.mode == "test"
        else "1949-01..1954-12 (72 months), origins 1954-12..1957-11 (validation: the "
        "last 36 months are cut)"
    )
    report(
        f"Mode: **{args.mode}**. Fit once on {span}: {len(positions)} origins, 12 steps, "
        f"{pairs} (origin, step) pairs; ratio = MAE / seasonal-naive MAE "
        f"({naive:.1f}) on the same pairs."
    )
    report()
    report("| model | MAE | ratio | fit, CPU s |")
    report("|---|---|---|---|")
    label = "RNNForecaster(lookback=24, horizon=12)" + (
        f" + `{json.dumps(args.rnn_params)}`" if args.rnn_params else ""
    )
    for seed, error, fit in zip(args.seeds, errors, seconds, strict=True):
        report(f"| {label}, seed {seed} | {error:.1f} | {error / naive:.3f} | {fit:.1f} |")
    ratios = np.array(errors) / naive
    report(
        f"| {label}, mean | {np.mean(errors):.1f} | {ratios.mean():.3f} (spread "
        f"{np.ptp(ratios):.3f}) | {np.mean(seconds):.1f} |"
    )
    for name, error in baselines.items():
        report(f"| {name} | {error:.1f} | {error / naive:.3f} | — |")
    quoted = QUOTED_PEERS if args.mode == "test" else []  # measured on the test span only
    for name, error, ratio, fit in quoted:
        report(f"| {name} ({QUOTE_SOURCE}) | {error:.1f} | {ratio:.2f} | {fit:.1f} |")
    report()
    airline_quantiles(report, args, y, positions, truth, errors)
    airline_long_horizon(report, args, y, cache)


def airline_quantiles(report, args, y, positions, truth, point_errors):
    base = {"lookback": AIRLINE_LOOKBACK, "horizon": AIRLINE_HORIZON, "quantiles": QUANTILES}
    coverages, errors, seconds = [], [], []
    for seed in args.seeds:
        parameters = rnn_parameters(base, args.rnn_params, seed, args.max_iter)
        bands, fit_seconds = airline_rnn(
            y, positions, parameters, f"airline quantiles seed={seed}", quantiles=True
        )
        mask = ~np.isnan(truth)
        inside = (truth >= bands[..., 0]) & (truth <= bands[..., -1])
        coverages.append(float(np.mean(inside[mask])))
        errors.append(mae(truth, bands[..., QUANTILES.index(0.5)]))
        seconds.append(fit_seconds)
    report(
        f"Quantiles `{QUANTILES}` on the same protocol: coverage of the 10-90 % band over "
        f"the pairs {np.mean(coverages):.1%} (seeds "
        f"{' / '.join(f'{c:.1%}' for c in coverages)}; nominal 80 %); the median's MAE "
        f"{seed_summary(errors)} against the point model's {np.mean(point_errors):.1f}; "
        f"fit {np.mean(seconds):.1f} CPU s."
    )
    report()


def airline_long_horizon(report, args, y, cache):
    train = len(y) - AIRLINE_TEST
    needed = AIRLINE_LOOKBACK + AIRLINE_LONG_HORIZON
    if train < needed:
        report(
            f"The {AIRLINE_LONG_HORIZON}-step forecast: not run in this mode (its "
            f"{train}-month training span is shorter than lookback + horizon = {needed})."
        )
        report()
        return
    truth = y[train : train + AIRLINE_LONG_HORIZON]
    history = y[:train]
    naive = mae(truth, seasonal_naive(history, AIRLINE_LONG_HORIZON, AIRLINE_SEASON))
    hw = cache.get(
        f"airline|{args.mode}|direct36|n={len(y)}|holt-winters",
        lambda: mae(truth, holt_winters(history, AIRLINE_LONG_HORIZON)),
    )
    base = {"lookback": AIRLINE_LOOKBACK, "horizon": AIRLINE_LONG_HORIZON}
    errors, seconds = [], []
    for seed in args.seeds:
        parameters = rnn_parameters(base, args.rnn_params, seed, args.max_iter)
        forecaster, fit_seconds = fit_forecaster(
            parameters, dated(history, "monthly"), f"airline 36 steps seed={seed}"
        )
        errors.append(mae(truth, np.asarray(forecaster.forecast()).ravel()))
        seconds.append(fit_seconds)
    report(
        f"One {AIRLINE_LONG_HORIZON}-step forecast from the last training month "
        f"(`RNNForecaster(lookback={AIRLINE_LOOKBACK}, horizon={AIRLINE_LONG_HORIZON})`): "
        f"MAE {seed_summary(errors)}, fit {np.mean(seconds):.1f} CPU s; seasonal naive "
        f"{naive:.1f}, Holt-Winters {hw:.1f}."
    )
    report()


# Report -----------------------------------------------------------------------------


def protocol_lines():
    rules = ", ".join(f"{freq} h={h} m={m}" for freq, (h, m) in FREQUENCIES.items())
    return [
        "## Protocol",
        "",
        "* Airline (issue 15): one fit on the first 108 months, 12-step forecasts from each of "
        "the 36 origins of the last 36 months reading the true history, no refitting; MAE over "
        "the 366 pairs whose truth exists, ratio to seasonal naive. Holt-Winters and SARIMA "
        "are refitted at every origin.",
        f"* Real series: {rules}; test span T = 3h (h when the shortest series has fewer "
        "than 10h points); lookback = max(2h, 2m), capped at (shortest validation training "
        "span - h) // 2, the same in both modes. The RNN (today's defaults, only lookback and "
        "horizon set; one global model with `series_id` for panels) is fitted once on all "
        "points before the test span and forecasts from every origin of the test span. "
        "Seasonal naive and statsforecast AutoETS (season_length=m) are refitted at every "
        "origin; statsforecast AutoARIMA (season_length=m) is fitted once on the training "
        "span and run on the true history up to every origin (`forward`, coefficients kept); "
        f"it is non-seasonal when m > {MAX_ARIMA_SEASON} (weekly), where a seasonal search "
        "takes minutes per fit.",
        "* Metrics per series: MAE over the (origin, step) pairs whose truth exists; relative "
        "MAE = model MAE / seasonal-naive MAE on the same pairs; MASE scale = in-sample "
        "seasonal-naive MAE of the training span. Geometric means over the series of a "
        "dataset, then over datasets.",
        "* `--mode validation` cuts the last T points first (airline: 36 months); defaults "
        "are chosen there, never on the test spans.",
        "",
    ]


def parse_args(argv=None):
    parser = experiment_parser(
        __doc__.split("\n\n")[0], datasets=DATASETS, seeds=SEEDS, estimator="RNNForecaster"
    )
    parser.add_argument("--mode", choices=("test", "validation"), default="test")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--out", help="page whose bench-forecast section is replaced")
    parser.add_argument("--cache", help="JSON cache of the baselines' results")
    return parse_experiment_args(parser, argv)


def main(argv=None):
    args = parse_args(argv)
    report = ForecastReport("bench_forecast.py", args.mode)
    report.check_page(args.out)
    start = time.perf_counter()
    report("# Forecast accuracy: RNNForecaster against statistical models")
    report()
    report(
        "Written by `make bench-forecast` (benchmarks/bench_forecast.py; options after `ARGS=`)."
    )
    report()
    report.extend(environment("pandas", "statsmodels", "statsforecast", "aeon"))
    report.extend(protocol_lines())
    cache = BaselineCache(args.cache)
    if "airline" in args.sections:
        airline_section(report, args, cache)
    if "real" in args.sections:
        real_section(report, args, cache)
    report(
        f"Run time: {time.perf_counter() - start:.0f} s wall, "
        f"{time.process_time():.0f} CPU s (baselines from the cache where present)."
    )
    report.save(args.out)


if __name__ == "__main__":
    main()
