"""Thread use and oversubscription of RNNClassifier in a parallel GridSearchCV.

Data: scikit-learn's digits read as sequences (``load_digits().images``, shape
(1797, 8, 8): 8 time steps of 8 features), labels ``.target``.

The script measures

1. **Threads per fit.** ``ThreadProbe``, a skorch callback, writes
   ``torch.get_num_threads()``, ``os.getpid()`` and ``OMP_NUM_THREADS`` to a
   file at the start of every fit (GridSearchCV's workers are separate
   processes, so the records go to files in a temporary directory). It runs in
   ``GridSearchCV(RNNClassifier(hidden_size=32, max_iter=5, random_state=0,
   callbacks=[ThreadProbe()]), {"cell": ["gru", "lstm"]}, cv=2)`` with
   ``n_jobs=1`` (fits in this process) and ``n_jobs=2`` (joblib's loky workers).
2. **Search wall time.** A 4-candidate x 3-fold search (``cell`` x
   ``pooling``, ``hidden_size=32``, ``max_iter=10``) with ``n_jobs=1``,
   ``n_jobs=2`` (joblib's default: loky sets ``OMP_NUM_THREADS`` to
   ``cpu_count() // n_jobs`` in its workers) and ``n_jobs=2`` inside
   ``joblib.parallel_config(backend="loky", inner_max_num_threads=2)`` (two
   torch threads per worker: oversubscribed on 2 cores). The three variants are
   interleaved, ``--reps`` times each (rotating their order); every run is
   listed, with the median. The probe rides along to record the threads. A
   parallel search still going after ``--cap`` seconds (default 20) is stopped
   by killing this script's own loky workers (by pid) and reported as
   ``>cap``: on 2 cores the oversubscribed variant otherwise runs for minutes.
3. **Intra-op threads for one fit.** ``RNNClassifier(random_state=0).fit`` on
   all of digits with ``torch.set_num_threads(1)`` and ``(2)``, interleaved,
   ``--reps`` times each.
4. **A busy core.** The same comparison for a short fit while a process
   started by the script spins on one core: what a second torch thread costs
   when its core is taken (by another worker, another job or another user).

Each timed run also records the CPU seconds that processes outside this
benchmark (this process and its workers) used meanwhile, by the rule in
``benchmarks/_common.py`` (``/proc``; Linux only), to flag runs disturbed by
other work on a shared machine.

Run ``python benchmarks/bench_threads.py [--reps 3] [--cap 20] [--out FILE]`` with
``OMP_NUM_THREADS`` *unset* (otherwise joblib passes it on to its workers and
torch reads it here too). Prints markdown tables; ``--out`` also writes them
(``make bench-threads`` writes them into docs/benchmarks.md).
"""

import argparse
import hashlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import joblib
import torch
from _common import OtherCPU, Report, environment, process_table, process_tree
from joblib import parallel_config
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier

PROBE_GRID = {"cell": ["gru", "lstm"]}
SEARCH_GRID = {"cell": ["gru", "lstm"], "pooling": ["last", "attention"]}
SEARCH_VARIANTS = (
    ("n_jobs=1", 1, None),
    ("n_jobs=2 (joblib default)", 2, None),
    ("n_jobs=2, inner_max_num_threads=2", 2, 2),
)


class Watchdog:
    """Stop a parallel search that runs past ``seconds`` by killing its loky workers.

    Only this process's own loky worker processes are killed (by pid); the search
    then raises, and the run is reported as longer than the cap.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.fired = False

    def _fire(self):
        self.fired = True
        table = process_table()
        for pid in process_tree(table, os.getpid()) - {os.getpid()}:
            try:
                if b"popen_loky_posix" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def __enter__(self):
        self.timer = None
        if self.seconds is not None:
            self.timer = threading.Timer(self.seconds, self._fire)
            self.timer.start()
        return self

    def __exit__(self, *exc):
        if self.timer is not None:
            self.timer.cancel()
        return False


class ThreadProbe(Callback):
    """Record torch's intra-op thread count, the process id and OMP_NUM_THREADS per fit."""

    def __init__(self, directory=None):
        self.directory = directory

    def on_train_begin(self, net, **kwargs):
        if self.directory is None:
            return
        record = {
            "pid": os.getpid(),
            "torch_threads": torch.get_num_threads(),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "time": time.time(),
        }
        name = f"{os.getpid()}-{time.time_ns()}.json"
        Path(self.directory, name).write_text(json.dumps(record))


def read_probes(directory):
    return [json.loads(path.read_text()) for path in sorted(Path(directory).glob("*.json"))]


def search(X, y, grid, *, n_jobs, inner_threads, directory, hidden_size=32, max_iter=10, cv=3):
    estimator = RNNClassifier(
        hidden_size=hidden_size,
        max_iter=max_iter,
        random_state=0,
        callbacks=[ThreadProbe(directory)],
    )
    grid_search = GridSearchCV(estimator, grid, cv=cv, n_jobs=n_jobs)
    if inner_threads is None:
        return grid_search.fit(X, y)
    with parallel_config(backend="loky", inner_max_num_threads=inner_threads):
        return grid_search.fit(X, y)


def describe_fits(records, main_pid, *, finished=True):
    """Where the cross-validation fits ran, their threads and OMP_NUM_THREADS, and the refit's.

    The refit is the last fit of a finished search; a stopped search has none.
    """
    records = sorted(records, key=lambda r: r["time"])
    cv_fits, refit = (records[:-1], records[-1:]) if finished else (records, [])

    def threads(group):
        if not group:
            return "-"
        values = sorted({r["torch_threads"] for r in group})
        omp = sorted({str(r["omp_num_threads"]) for r in group})
        return f"{', '.join(map(str, values))} ({', '.join(omp)})"

    workers = {r["pid"] for r in cv_fits if r["pid"] != main_pid}
    where = f"{len(workers)} worker(s)" if workers else "main process"
    return where, threads(cv_fits), threads(refit)


def fmt_run(seconds, capped):
    return f">{seconds:.0f}" if capped else f"{seconds:.2f}"


def search_times(X, y, reps, cap, report):
    main_pid = os.getpid()
    runs = {label: [] for label, _, _ in SEARCH_VARIANTS}
    log = []
    for rep in range(reps):
        shift = rep % len(SEARCH_VARIANTS)
        order = SEARCH_VARIANTS[shift:] + SEARCH_VARIANTS[:shift]
        for label, n_jobs, inner in order:
            with (
                tempfile.TemporaryDirectory() as directory,
                OtherCPU() as other,
                Watchdog(cap if n_jobs > 1 else None) as watchdog,
            ):
                start_wall = time.time()
                start = time.perf_counter()
                try:
                    grid_search = search(
                        X, y, SEARCH_GRID, n_jobs=n_jobs, inner_threads=inner, directory=directory
                    )
                except Exception:
                    if not watchdog.fired:
                        raise
                    grid_search = None
                seconds = time.perf_counter() - start
                records = read_probes(directory)
            capped = grid_search is None
            runs[label].append((cap if capped else seconds, capped))
            if records:
                first = f"{min(r['time'] for r in records) - start_wall:.2f}"
                where, cv_threads, refit_threads = describe_fits(
                    records, main_pid, finished=grid_search is not None
                )
            else:
                first, where, cv_threads, refit_threads = "-", "-", "-", "-"
            if capped:
                fits, score = f"{len(records)} began, stopped at {cap:.0f} s", "-"
            else:
                fits, score = str(len(records)), f"{grid_search.best_score_:.4f}"
            log.append(
                f"| {rep + 1} | {label} | {fmt_run(seconds, capped)} | {first} | {where} | "
                f"{cv_threads} | {refit_threads} | {fits} | {score} | "
                f"{other.seconds:.1f} |"
            )
            print(log[-1], flush=True)
    baseline = statistics.median(s for s, _ in runs["n_jobs=1"])
    report.extend([
        "## 2. GridSearchCV wall time",
        "",
        "4 candidates (`cell` in gru, lstm x `pooling` in last, attention) x 3 folds = 12 fits "
        "plus the refit, `RNNClassifier(hidden_size=32, max_iter=10, random_state=0)`, 1797 "
        f"digits (each cross-validation fit: 1198 sequences). {reps} interleaved repetitions "
        f"per variant; a parallel run still going after {cap:.0f} s is stopped (its workers "
        f"killed) and shown as >{cap:.0f}.",
        "",
        "| variant | median s | runs (s) | n_jobs=1 median / this median |",
        "|---|---|---|---|",
    ])
    for label, _, _ in SEARCH_VARIANTS:
        values = sorted(runs[label])
        median_seconds, median_capped = values[(len(values) - 1) // 2]
        if len(values) % 2 == 0 and not median_capped:
            median_seconds = statistics.median(s for s, _ in values)
        ratio = (
            f"<{baseline / median_seconds:.2f}"
            if median_capped
            else (f"{baseline / median_seconds:.2f}")
        )
        report(
            f"| {label} | {fmt_run(median_seconds, median_capped)} | "
            f"{', '.join(fmt_run(s, c) for s, c in runs[label])} | {ratio} |"
        )
    report.extend([
        "",
        "Every run, in the order run. first fit: seconds from the start of `fit` to the first "
        "fit's `on_train_begin` (worker start-up, data transfer). threads: "
        "`torch.get_num_threads()` seen in the fits (their `OMP_NUM_THREADS` in brackets). "
        "other CPU-s: CPU seconds used by processes outside this benchmark during the run "
        "(machine-wide busy time minus this process tree's; approximate).",
        "",
        "| rep | variant | s | first fit s | cv fits ran in | threads, cv fits | "
        "threads, refit | fits | best cv score | other CPU-s |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *log,
        "",
    ])


def fmt_list(values, digits=1):
    return ", ".join(f"{v:.{digits}f}" for v in values)


def thread_use(X, y, report):
    main_pid = os.getpid()
    report.extend([
        "## 1. torch intra-op threads per fit",
        "",
        "`GridSearchCV(RNNClassifier(hidden_size=32, max_iter=5, random_state=0, "
        'callbacks=[ThreadProbe()]), {"cell": ["gru", "lstm"]}, cv=2, n_jobs=...)`; '
        "one row per fit (2 candidates x 2 folds, then the refit of the best candidate).",
        "",
        "| n_jobs | fit | process | pid | torch.get_num_threads() | OMP_NUM_THREADS |",
        "|---|---|---|---|---|---|",
    ])
    for n_jobs in (1, 2):
        with tempfile.TemporaryDirectory() as directory:
            search(
                X,
                y,
                PROBE_GRID,
                n_jobs=n_jobs,
                inner_threads=None,
                directory=directory,
                max_iter=5,
                cv=2,
            )
            records = sorted(read_probes(directory), key=lambda r: r["time"])
        for index, record in enumerate(records, 1):
            process = "main" if record["pid"] == main_pid else "worker"
            fit = "refit" if index == len(records) else f"cv {index}"
            report(
                f"| {n_jobs} | {fit} | {process} | {record['pid']} | "
                f"{record['torch_threads']} | {record['omp_num_threads']} |"
            )
    report()


def single_fit_times(X, y, reps, report):
    default_threads = torch.get_num_threads()
    rows = {1: [], 2: []}
    digests = {}
    for rep in range(reps):
        for threads in (1, 2) if rep % 2 == 0 else (2, 1):
            torch.set_num_threads(threads)
            with OtherCPU() as other:
                start = time.perf_counter()
                clf = RNNClassifier(random_state=0).fit(X, y)
                seconds = time.perf_counter() - start
            load = other.seconds
            proba = clf.predict_proba(X)
            digest = hashlib.sha256(proba.tobytes()).hexdigest()[:12]
            digests.setdefault(threads, set()).add(digest)
            rows[threads].append((seconds, clf.n_iter_, digest, load))
            print(
                f"set_num_threads({threads}) rep {rep + 1}: {seconds:.2f} s, "
                f"{clf.n_iter_} epochs, proba {digest}, other CPU-s {load:.1f}",
                flush=True,
            )
    torch.set_num_threads(default_threads)
    base = statistics.median([s / n for s, n, _, _ in rows[1]])
    report.extend([
        "## 3. One fit: torch intra-op threads 1 vs 2",
        "",
        "`RNNClassifier(random_state=0).fit(X, y)` on all 1797 digits (defaults: bidirectional "
        "GRU, hidden_size=64, early stopping on a 10 % hold-out), "
        f"{reps} interleaved repetitions per setting.",
        "",
        "| torch.set_num_threads | median s | runs (s) | epochs per run | median ms / epoch |"
        " vs 1 thread (per epoch) | predict_proba sha256[:12] | other CPU-s per run |",
        "|---|---|---|---|---|---|---|---|",
    ])
    for threads in (1, 2):
        seconds = [s for s, _, _, _ in rows[threads]]
        epochs = [n for _, n, _, _ in rows[threads]]
        per_epoch = statistics.median([s / n for s, n, _, _ in rows[threads]])
        loads = [ld for _, _, _, ld in rows[threads]]
        report(
            f"| {threads} | {statistics.median(seconds):.2f} | {fmt_list(seconds, 2)} | "
            f"{', '.join(map(str, epochs))} | {1000 * per_epoch:.0f} | "
            f"{base / per_epoch:.2f}x | {', '.join(sorted(digests[threads]))} | "
            f"{fmt_list(loads, 1)} |"
        )
    same = digests[1] == digests[2] and len(digests[1]) == 1
    report.extend([
        "",
        "Predictions identical across runs and thread counts: "
        f"{'yes' if same else 'no'} (one digest per setting means run-to-run identical).",
        "",
    ])


def one_busy_core(X, y, reps, report):
    """1 vs 2 torch threads in one fit while another process keeps one core busy."""
    default_threads = torch.get_num_threads()
    X, y = X[:1198], y[:1198]
    params = dict(hidden_size=32, max_iter=2, early_stopping=False, random_state=0)
    RNNClassifier(**{**params, "max_iter": 1}).fit(X[:64], y[:64])  # warm-up
    rows = {1: [], 2: []}
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        for rep in range(reps):
            for threads in (1, 2) if rep % 2 == 0 else (2, 1):
                torch.set_num_threads(threads)
                start = time.perf_counter()
                RNNClassifier(**params).fit(X, y)
                rows[threads].append(time.perf_counter() - start)
                print(f"one busy core, {threads} thread(s): {rows[threads][-1]:.2f} s", flush=True)
    finally:
        busy.kill()
        busy.wait()
        torch.set_num_threads(default_threads)
    base = statistics.median(rows[1])
    report.extend([
        "## 4. One fit while another process keeps one core busy",
        "",
        "A `while True: pass` process started by the script occupies one of the cores; "
        "`RNNClassifier(hidden_size=32, max_iter=2, early_stopping=False, random_state=0)` "
        f"fits 1198 digits, {reps} interleaved repetitions per setting.",
        "",
        "| torch.set_num_threads | median s | runs (s) | slow-down vs 1 thread |",
        "|---|---|---|---|",
    ])
    for threads in (1, 2):
        median = statistics.median(rows[threads])
        report(
            f"| {threads} | {median:.2f} | {fmt_list(rows[threads], 2)} | {median / base:.1f}x |"
        )
    report()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions per variant")
    parser.add_argument("--out", help="also write the markdown tables to this file")
    parser.add_argument(
        "--cap", type=float, default=20.0, help="stop a parallel search after this many seconds"
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=(),
        choices=("probe", "search", "single", "busy"),
        help="parts to leave out",
    )
    args = parser.parse_args()
    if os.environ.get("OMP_NUM_THREADS"):
        print(
            "warning: OMP_NUM_THREADS is set; joblib passes it on to its workers", file=sys.stderr
        )
    warnings.filterwarnings("ignore", category=FutureWarning)
    digits = load_digits()
    X, y = digits.images, digits.target
    report = Report("bench_threads.py")
    report("# Thread use of RNNClassifier in GridSearchCV")
    report()
    report.extend(environment("joblib", notes=[f"joblib.cpu_count() = {joblib.cpu_count()}"]))
    if "probe" not in args.skip:
        thread_use(X, y, report)
    if "search" not in args.skip:
        search_times(X, y, args.reps, args.cap, report)
    if "single" not in args.skip:
        single_fit_times(X, y, args.reps, report)
    if "busy" not in args.skip:
        one_busy_core(X, y, args.reps, report)
    report.save(args.out)


if __name__ == "__main__":
    main()
