"""What each of the forecaster's accuracy levers brings, and what it costs (issue 15).

Every lever is switched off on its own from today's defaults, and the old defaults (before
issue 15) are run too, on the real-series protocol of ``bench_forecast.py`` in validation
mode (the data cut before the test spans: the figures the defaults were chosen on). The
table gives the relative MAE (model MAE / seasonal-naive MAE, geometric mean over the series
of a dataset) per dataset, its geometric mean over datasets, and the fit CPU seconds summed
over datasets (mean over seeds).

Run ``make bench-forecast-levers`` (``python benchmarks/bench_forecast_levers.py --out
docs/forecasting.md``), in the benchmark venv of ``make bench-forecast``; one torch thread.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import time

from _common import environment
from bench_forecast import SEEDS, ForecastReport, evaluate_rnn
from forecast_data import DATASETS

VARIANTS = {
    "defaults": {},
    'strategy="direct" (one output per step, no feedback)': {"strategy": "direct"},
    'normalize="seasonal_naive" (the anchor also without a season)': {
        "normalize": "seasonal_naive"
    },
    'normalize="window" (no seasonal naive anchor)': {"normalize": "window"},
    "autoregressive=False (no linear skip)": {"autoregressive": False},
    "early_stopping=False (200 epochs on every window)": {"early_stopping": False},
    "bidirectional=True": {"bidirectional": True},
    "0.1 defaults (direct, window, no skip, bidirectional, no early stopping)": {
        "strategy": "direct",
        "normalize": "window",
        "autoregressive": False,
        "bidirectional": True,
        "early_stopping": False,
    },
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=list(SEEDS))
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=list(DATASETS))
    parser.add_argument("--out", help="page whose bench-forecast-levers section is replaced")
    args = parser.parse_args(argv)
    report = ForecastReport("bench_forecast_levers.py", "levers")
    report.check_page(args.out)
    start = time.perf_counter()
    report("# The forecaster's levers, one at a time")
    report()
    report("Written by `make bench-forecast-levers` (benchmarks/bench_forecast_levers.py).")
    report()
    report.extend(environment("pandas", "statsforecast"))
    report(
        f"Validation mode of the real-series protocol, seeds {', '.join(map(str, args.seeds))}; "
        "relative MAE (below 1 beats seasonal naive), geometric mean over each dataset's series "
        "and, last, over datasets; fit CPU s summed over datasets."
    )
    report()
    results = {}
    for label, params in VARIANTS.items():
        results[label] = evaluate_rnn(params, args.datasets, "validation", args.seeds)
        print(f"  {label}: {results[label]['geometric_mean']:.3f}", flush=True)
    report("| variant | " + " | ".join(args.datasets) + " | geometric mean | fit CPU s |")
    report("|---|" + "---|" * (len(args.datasets) + 2))
    for label, result in results.items():
        cells = [f"{result['datasets'][name]['relative_mae']:.3f}" for name in args.datasets]
        seconds = sum(result["datasets"][name]["fit_cpu_s"] for name in args.datasets)
        report(
            f"| {label} | {' | '.join(cells)} | **{result['geometric_mean']:.3f}** | "
            f"{seconds:.1f} |"
        )
    report()
    report(f"Run time: {time.perf_counter() - start:.0f} s wall.")
    report.save(args.out)


if __name__ == "__main__":
    main()
