"""Speed and memory of RNNClassifier against a lean torch loop and plain skorch.

Three ways to train the *same* network (``sklearn_rnn._modules.SequenceNetwork``:
one unidirectional LSTM layer, ``pooling="last"``, a linear head) on the same
synthetic data, with Adam (lr 1e-3, no weight decay), cross-entropy, batch
size 64, a fixed number of epochs and no gradient clipping:

* **lean**: a hand-written loop: ``torch.randperm`` + tensor slicing per batch,
  no DataLoader, no per-batch ``.item()``; inference under
  ``torch.inference_mode()`` in the batches RNNClassifier itself picks for
  inference on the CPU (about 2**22 values in the LSTM's gate pre-activations,
  at most 4096 sequences: 3276 for small, 327 for medium, 16 for long).
* **RNNClassifier**: ``RNNClassifier(cell="lstm", bidirectional=False,
  pooling="last", max_iter=EPOCHS, batch_size=64, learning_rate_init=1e-3,
  alpha=0.0, max_grad_norm=None, early_stopping=False, n_iter_no_change=10**6,
  tol=0.0, device="cpu", random_state=0)``; ``n_iter_ == EPOCHS`` is checked.
  It standardizes every feature inside the module (``(X - mean) / scale``);
  the lean loop and skorch run the same module with mean 0 and scale 1, so the
  same operations run in all three.
  RNNClassifier's optimizers use torch's fused implementation (``fused=True``);
  the fixed-length configurations therefore also time **lean, fused Adam**, the
  lean loop with ``torch.optim.Adam(..., fused=True)``, so that the wrapper's
  cost can be told apart from the optimizer kernel.
* **skorch**: plain ``skorch.NeuralNetClassifier`` around the module (wrapped so
  that ``forward`` takes one X tensor and passes full lengths),
  ``criterion=nn.CrossEntropyLoss``, ``train_split=None``,
  ``iterator_train__shuffle=True`` (skorch's default is no shuffling; set for a
  like-for-like comparison with ``randperm``), otherwise skorch defaults: its
  DataLoader and, at inference, ``batch_size=64``.

The ``tasks`` section runs the same comparison for **RNNRegressor** (MSE, one
target) and **RNNForecaster** (a long series, direct multi-step forecasts from
windows normalized by their own mean and standard deviation), against the lean
loop and plain ``skorch.NeuralNetRegressor`` on the same network; lean and skorch
build and normalize the windows themselves inside their timed ``fit``.

Timing: ``time.perf_counter`` around ``fit`` (from numpy arrays to a trained
model, including each method's input conversion) and around ``predict_proba``
on the training set. The methods are interleaved (lean, RNNClassifier, skorch,
lean, ...; each round in a new random order), after one untimed warm-up of every
method on tiny data. Every run
is listed, with medians and the ratio of medians to the lean loop. For every
timed run the CPU seconds used by *other* processes (the rule in
``benchmarks/_common.py``: machine-wide busy time from ``/proc/stat``, steal
excluded, minus this benchmark's own) are recorded; the largest is printed per
section.

Memory: each method's peak resident set size in a fresh subprocess
(``--rss-child``), measured from ``/proc/self/status``: ``VmHWM`` is reset
(``/proc/self/clear_refs``) after the data are built and the libraries
imported, so "fit peak" is the highest RSS reached during ``fit`` minus the RSS
just before it; the same for ``predict_proba``. One epoch per fit (the peak
does not grow with epochs).

Run from the repository root (``make bench-speed ARGS="..."`` writes the report into
docs/benchmarks.md)::

    .venv/bin/python benchmarks/bench_speed.py --out /tmp/bench_speed.md
    .venv/bin/python benchmarks/bench_speed.py --quick          # smoke run, seconds
    .venv/bin/python benchmarks/bench_speed.py --sections configs,mixed --configs small --reps 9
    .venv/bin/python benchmarks/bench_speed.py --profile [small|medium]  # cProfile one fit

Linux only (``/proc``).
"""

import argparse
import cProfile
import functools
import gc
import io
import json
import pstats
import re
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _common import Report, environment, timed
from skorch import NeuralNetClassifier, NeuralNetRegressor
from torch import nn

from sklearn_rnn import RNNClassifier, RNNForecaster, RNNRegressor
from sklearn_rnn._device import inference_batch_size as library_inference_batch_size
from sklearn_rnn._modules import SequenceNetwork

N_FEATURES = 8
N_CLASSES = 2
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
METHODS = ("lean", "RNNClassifier", "skorch")
# The fixed-length configurations also run the lean loop with torch's fused Adam, the
# implementation RNNClassifier uses, to separate the optimizer kernel from the wrapper.
CONFIG_METHODS = ("lean", "lean, fused Adam", "RNNClassifier", "skorch")

# name, hidden_size, n_timesteps, n_samples, epochs, repetitions
FULL_CONFIGS = [
    ("small", 16, 20, 20_000, 5, 5),
    ("medium", 64, 50, 20_000, 5, 3),
    ("long", 64, 1000, 2_000, 2, 3),
]
FULL_SWEEP = dict(hidden=16, timesteps=20, sizes=(10_000, 30_000, 100_000), epochs=1, reps=2)
FULL_RAGGED = dict(n=6_000, low=10, high=90, equal=50, hidden=64, epochs=5, reps=3,
                   default_epochs=3)
QUICK_CONFIGS = [
    ("small", 16, 10, 512, 1, 1),
    ("medium", 64, 20, 512, 1, 1),
    ("long", 64, 100, 128, 1, 1),
]
QUICK_SWEEP = dict(hidden=16, timesteps=10, sizes=(256, 512), epochs=1, reps=1)
QUICK_RAGGED = dict(n=256, low=10, high=90, equal=50, hidden=16, epochs=1, reps=1,
                    default_epochs=1)
FULL_MIXED = dict(hidden=64, timesteps=50, n=10_000, epochs=2, reps=3)
QUICK_MIXED = dict(hidden=16, timesteps=10, n=512, epochs=1, reps=1)
FULL_TASKS = dict(hidden=16, timesteps=20, n=20_000, lookback=20, horizon=3, epochs=5, reps=5)
QUICK_TASKS = dict(hidden=8, timesteps=10, n=512, lookback=10, horizon=3, epochs=1, reps=1)
ROUND_ORDER_SEED = 0
SECTIONS = ("threads", "configs", "tasks", "sweep", "ragged", "memory", "mixed")

DISTURBED_NOTE = ("Runs marked * had other processes using more than 0.05 CPU s + 5% of "
                  "their wall time.")
emit = Report("bench_speed.py")


# Data -------------------------------------------------------------------------


def make_data(n, timesteps, seed=0):
    """Standard normal sequences (n, T, 8); label: sign of the sum of all values."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, timesteps, N_FEATURES), dtype=np.float32)
    y = (X.sum(axis=(1, 2)) > 0).astype(np.int64)
    return X, y


def make_ragged(n, low, high, seed=0):
    """A list of n arrays (L_i, 8), L_i uniform in [low, high]; label as in make_data."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(low, high + 1, size=n)
    X = [rng.standard_normal((length, N_FEATURES), dtype=np.float32) for length in lengths]
    y = np.array([seq.sum() > 0 for seq in X], dtype=np.int64)
    return X, y, lengths.astype(np.int64)


def pad(sequences, max_length):
    padded = np.zeros((len(sequences), max_length, N_FEATURES), dtype=np.float32)
    for row, seq in enumerate(sequences):
        padded[row, : len(seq)] = seq
    return padded


def inference_batch_size(timesteps, hidden):
    """The inference batch RNNClassifier picks on the CPU (sklearn_rnn._training), reused
    by lean: about 2**22 values in the widest activation (the LSTM's 4 x hidden gates)."""
    return library_inference_batch_size(timesteps, network(hidden).encoder.step_width, "cpu")


# The three methods --------------------------------------------------------------


def network(hidden, n_features=N_FEATURES, n_outputs=N_CLASSES):
    return SequenceNetwork(
        n_features, n_outputs, cell="lstm", hidden_size=hidden, n_layers=1,
        bidirectional=False, dropout=0.0, pooling="last",
    )


def lean_fit(X, y, hidden, epochs, lengths=None, seed=0, fused=False):
    """Train ``network(hidden)``; ``lengths`` None means every sequence is full length."""
    torch.manual_seed(seed)
    return lean_train(network(hidden), X, y, epochs, nn.CrossEntropyLoss(), lengths, fused)


def lean_train(module, X, y, epochs, criterion, lengths=None, fused=False):
    """The hand-written loop: randperm, slicing, Adam; returns the trained module."""
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    n, timesteps, _ = Xt.shape
    if lengths is None:
        lengths_t = torch.full((n,), timesteps, dtype=torch.int64)
    else:
        lengths_t = torch.from_numpy(lengths)
    module.train()
    optimizer = torch.optim.Adam(module.parameters(), lr=LEARNING_RATE, fused=fused or None)
    for _ in range(epochs):
        order = torch.randperm(n)
        total = torch.zeros(())
        for start in range(0, n, BATCH_SIZE):
            index = order[start : start + BATCH_SIZE]
            loss = criterion(module(Xt[index], lengths_t[index]), yt[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(index)
    module.final_loss_ = float(total) / n
    return module


def lean_outputs(module, X, activation=None):
    """The module's outputs in the inference batches RNNClassifier uses."""
    Xt = torch.from_numpy(X)
    n, timesteps, _ = Xt.shape
    batch = library_inference_batch_size(timesteps, module.encoder.step_width, "cpu")
    module.eval()
    outputs = []
    with torch.inference_mode():
        for start in range(0, n, batch):
            chunk = Xt[start : start + batch]
            lengths = torch.full((len(chunk),), timesteps, dtype=torch.int64)
            output = module(chunk, lengths)
            outputs.append(output if activation is None else activation(output))
    return torch.cat(outputs).numpy()


def lean_predict_proba(module, X):
    return lean_outputs(module, X, functools.partial(torch.softmax, dim=1))


def estimator_params(hidden, epochs):
    return dict(
        cell="lstm", hidden_size=hidden, bidirectional=False, pooling="last",
        max_iter=epochs, batch_size=BATCH_SIZE, learning_rate_init=LEARNING_RATE,
        alpha=0.0, max_grad_norm=None, early_stopping=False, n_iter_no_change=10**6,
        tol=0.0, device="cpu", random_state=0,
    )


def checked(est, epochs):
    if est.n_iter_ != epochs:
        raise RuntimeError(f"{type(est).__name__} ran {est.n_iter_} epochs, not {epochs}")
    est.final_loss_ = est.loss_curve_[-1]
    return est


def rnn_fit(X, y, hidden, epochs):
    return checked(RNNClassifier(**estimator_params(hidden, epochs)).fit(X, y), epochs)


class FullLengthNetwork(nn.Module):
    """SequenceNetwork whose forward takes one X tensor (every sequence full length)."""

    def __init__(self, hidden, n_features=N_FEATURES, n_outputs=N_CLASSES):
        super().__init__()
        self.network = network(hidden, n_features, n_outputs)

    def forward(self, X):
        lengths = torch.full((X.shape[0],), X.shape[1], dtype=torch.int64)
        return self.network(X, lengths)


def skorch_net(net_class, criterion, X, y, hidden, epochs, n_features=N_FEATURES,
               n_outputs=N_CLASSES):
    """Plain skorch around ``FullLengthNetwork``, shuffled batches, no validation split."""
    torch.manual_seed(0)
    net = net_class(
        FullLengthNetwork, module__hidden=hidden, module__n_features=n_features,
        module__n_outputs=n_outputs, criterion=criterion, optimizer=torch.optim.Adam,
        lr=LEARNING_RATE, batch_size=BATCH_SIZE, max_epochs=epochs, train_split=None,
        iterator_train__shuffle=True, device="cpu", verbose=0,
    ).fit(X, y)
    if len(net.history) != epochs:
        raise RuntimeError(f"skorch ran {len(net.history)} epochs, not {epochs}")
    net.final_loss_ = net.history[-1, "train_loss"]
    return net


def skorch_fit(X, y, hidden, epochs):
    return skorch_net(NeuralNetClassifier, nn.CrossEntropyLoss, X, y, hidden, epochs)


FIT = {
    "lean": lean_fit,
    "lean, fused Adam": functools.partial(lean_fit, fused=True),
    "RNNClassifier": rnn_fit,
    "skorch": skorch_fit,
}


def predict_proba(method, model, X):
    if method.startswith("lean"):
        return lean_predict_proba(model, X)
    return model.predict_proba(X)


# Measurement helpers ------------------------------------------------------------


def fmt(seconds):
    return f"{seconds:.3f}" if seconds < 10 else f"{seconds:.2f}"


def disturbed(wall, foreign):
    """Whether other processes used more than 5% of a core-second per second of the run."""
    return foreign > 0.05 * wall + 0.05


def runs(values, marks=None):
    marks = marks or [False] * len(values)
    return ", ".join(fmt(v) + ("*" if mark else "") for v, mark in zip(values, marks, strict=True))


class Section:
    """Interleaved timings of several methods, fit and predict, with all runs kept."""

    def __init__(self):
        self.fit = {}
        self.predict = {}
        self.fit_disturbed = {}
        self.predict_disturbed = {}
        self.loss = {}
        self.foreign = 0.0

    def add(self, kind, method, wall, foreign):
        getattr(self, kind).setdefault(method, []).append(wall)
        getattr(self, kind + "_disturbed").setdefault(method, []).append(disturbed(wall, foreign))
        self.foreign = max(self.foreign, foreign)

    def runs(self, kind, method):
        marks = getattr(self, kind + "_disturbed")[method]
        return runs(getattr(self, kind)[method], marks)

    def median(self, kind, method):
        return statistics.median(getattr(self, kind)[method])

    def paired_ratios(self, kind, method, reference):
        """method / reference within each round."""
        ours, theirs = getattr(self, kind)[method], getattr(self, kind)[reference]
        return np.array([a / b for a, b in zip(ours, theirs, strict=True)])

    def paired(self, kind, method, reference):
        """The paired ratio with a bootstrap 95% interval of that median, as text."""
        ratios = self.paired_ratios(kind, method, reference)
        low, high = bootstrap_interval(ratios)
        return f"{np.median(ratios):.2f}x [{low:.2f}-{high:.2f}]"


def bootstrap_interval(values, resamples=2000, seed=0):
    """Percentile bootstrap 95% interval of the median of ``values``."""
    rng = np.random.default_rng(seed)
    draws = rng.choice(values, size=(resamples, len(values)), replace=True)
    return tuple(np.percentile(np.median(draws, axis=1), [2.5, 97.5]))


def run_interleaved(methods, reps, fit_args, X_predict, with_predict=True, predictors=None):
    """``fit_args[method]``: (function, args). Rounds of all methods, each round
    in a new random order, so that no method always runs after the same one
    (on 2 vCPUs a run's time depends on what ran just before)."""
    section = Section()
    order_rng = np.random.default_rng(ROUND_ORDER_SEED)
    for rep in range(reps):
        for method in [methods[i] for i in order_rng.permutation(len(methods))]:
            function, args = fit_args[method]
            model, wall, foreign = timed(function, *args)
            section.add("fit", method, wall, foreign)
            section.loss.setdefault(method, []).append(getattr(model, "final_loss_", np.nan))
            line = f"  round {rep + 1} {method:<22} fit {fmt(wall)} s"
            if with_predict:
                if predictors is None:
                    _, pwall, pforeign = timed(predict_proba, method, model, X_predict[method])
                else:
                    _, pwall, pforeign = timed(predictors[method], model, X_predict[method])
                section.add("predict", method, pwall, pforeign)
                line += f", predict {fmt(pwall)} s"
            print(line + f" (other processes: {foreign:.2f} CPU s)", flush=True)
            del model
    return section


def ratio(value, reference):
    return value / reference if reference > 0 else float("nan")


def section_table(section, methods, reference="lean", with_predict=True,
                  predict="predict_proba"):
    emit(f"| method | fit median (s) | fit / {reference} | paired fit / {reference} [95%] "
         f"| fit runs (s) | {predict} median (s) | predict / {reference} "
         f"| paired predict / {reference} [95%] | predict runs (s) "
         "| final-epoch train loss |")
    emit("|---|---|---|---|---|---|---|---|---|---|")
    for method in methods:
        fit_median = section.median("fit", method)
        cells = [method, fmt(fit_median),
                 f"{ratio(fit_median, section.median('fit', reference)):.2f}x",
                 section.paired("fit", method, reference),
                 section.runs("fit", method)]
        if with_predict:
            pred_median = section.median("predict", method)
            cells += [fmt(pred_median),
                      f"{ratio(pred_median, section.median('predict', reference)):.2f}x",
                      section.paired("predict", method, reference),
                      section.runs("predict", method)]
        else:
            cells += ["-", "-", "-", "-"]
        cells.append(f"{statistics.median(section.loss[method]):.4f}")
        emit("| " + " | ".join(cells) + " |")
    emit()
    emit(f"Largest CPU time used by other processes during one timed run: "
         f"{section.foreign:.2f} s. {DISTURBED_NOTE} The paired ratio is the median over "
         f"rounds of a run divided by the {reference} run of the same round; in brackets "
         "a bootstrap 95% interval of that median. Runs are listed in round order; "
         "within a round the methods ran in a random order.")
    emit()


# Sections -----------------------------------------------------------------------


def warm_up():
    X, y = make_data(256, 10, seed=99)
    for method in METHODS:
        model = FIT[method](X, y, 8, 1)
        predict_proba(method, model, X)


def thread_check(quick):
    """Lean fit, one epoch, with 1 and 2 intra-op threads, interleaved."""
    n = 512 if quick else 5_000
    saved = torch.get_num_threads()
    emit(f"## Thread check (lean loop, {n} sequences, 1 epoch, 3 interleaved rounds)")
    emit()
    emit("| network | torch threads | median (s) | runs (s) |")
    emit("|---|---|---|---|")
    for name, hidden, timesteps in (("small", 16, 20), ("medium", 64, 50), ("long", 64, 1000)):
        X, y = make_data(n // 10 if name == "long" else n, timesteps)
        walls = {1: [], 2: []}
        marks = {1: [], 2: []}
        for _ in range(3):
            for threads in (1, 2):
                torch.set_num_threads(threads)
                _, wall, foreign = timed(lean_fit, X, y, hidden, 1)
                walls[threads].append(wall)
                marks[threads].append(disturbed(wall, foreign))
        for threads, values in walls.items():
            emit(f"| {name} (hidden {hidden}, T={timesteps}, N={len(X)}) | {threads} "
                 f"| {fmt(statistics.median(values))} | {runs(values, marks[threads])} |")
    torch.set_num_threads(saved)
    emit()


def fixed_length_configs(configs):
    results = {}
    for name, hidden, timesteps, n, epochs, reps in configs:
        X, y = make_data(n, timesteps)
        emit(f"## {name}: hidden_size={hidden}, T={timesteps}, {n} sequences, "
             f"{epochs} epochs, batch {BATCH_SIZE}, {reps} interleaved rounds")
        emit()
        emit("Inference batch (lean and RNNClassifier): "
             f"{inference_batch_size(timesteps, hidden)}; skorch: {BATCH_SIZE}.")
        emit()
        fit_args = {method: (FIT[method], (X, y, hidden, epochs)) for method in CONFIG_METHODS}
        section = run_interleaved(CONFIG_METHODS, reps, fit_args,
                                  dict.fromkeys(CONFIG_METHODS, X))
        section_table(section, CONFIG_METHODS)
        results[name] = section
    return results


def sweep(spec):
    hidden, timesteps, epochs = spec["hidden"], spec["timesteps"], spec["epochs"]
    emit(f"## Data-size sweep: hidden_size={hidden}, T={timesteps}, {epochs} epoch(s), "
         f"{spec['reps']} interleaved rounds per size")
    emit()
    sections = {}
    for n in spec["sizes"]:
        X, y = make_data(n, timesteps)
        print(f"  N={n}", flush=True)
        fit_args = {method: (FIT[method], (X, y, hidden, epochs)) for method in METHODS}
        sections[n] = run_interleaved(METHODS, spec["reps"], fit_args,
                                      dict.fromkeys(METHODS, X))
    emit("| N | method | fit median (s) | fit / lean | fit runs (s) | fit ms per 1000 seq "
         "| predict median (s) | predict / lean | predict runs (s) "
         "| predict ms per 1000 seq |")
    emit("|---|---|---|---|---|---|---|---|---|---|")
    for n, section in sections.items():
        for method in METHODS:
            fit_median = section.median("fit", method)
            pred_median = section.median("predict", method)
            emit(f"| {n} | {method} | {fmt(fit_median)} "
                 f"| {ratio(fit_median, section.median('fit', 'lean')):.2f}x "
                 f"| {section.runs('fit', method)} | {1000 * fit_median / n * 1000:.1f} "
                 f"| {fmt(pred_median)} "
                 f"| {ratio(pred_median, section.median('predict', 'lean')):.2f}x "
                 f"| {section.runs('predict', method)} | {1000 * pred_median / n * 1000:.2f} |")
    emit()
    emit("Largest CPU time used by other processes during one timed run: "
         f"{max(s.foreign for s in sections.values()):.2f} s. {DISTURBED_NOTE}")
    emit()
    return sections


def mixed_fit(X, y, hidden, epochs, cell, mixed_precision):
    params = dict(estimator_params(hidden, epochs), cell=cell, mixed_precision=mixed_precision)
    return checked(RNNClassifier(**params).fit(X, y), epochs)


def mixed_precision(spec):
    """RNNClassifier with and without mixed_precision (bfloat16 autocast on the CPU)."""
    hidden, timesteps, n, epochs, reps = (
        spec["hidden"], spec["timesteps"], spec["n"], spec["epochs"], spec["reps"])
    X, y = make_data(n, timesteps)
    emit(f"## Mixed precision: RNNClassifier(mixed_precision=True) vs float32, hidden_size="
         f"{hidden}, T={timesteps}, {n} sequences, {epochs} epochs, {reps} interleaved rounds")
    emit()
    for cell in ("lstm", "gru"):
        methods = (f"{cell} float32", f"{cell} mixed_precision")
        fit_args = {
            method: (mixed_fit, (X, y, hidden, epochs, cell, method.endswith("precision")))
            for method in methods
        }
        predict_with = dict.fromkeys(methods, X)
        section = run_interleaved(methods, reps, fit_args, predict_with)
        section_table(section, methods, reference=methods[0])


def default_fit(X, y, epochs):
    est = RNNClassifier(max_iter=epochs, early_stopping=False, random_state=0, device="cpu")
    return checked(est.fit(X, y), epochs)


def ragged(spec):
    n, hidden, epochs, reps = spec["n"], spec["hidden"], spec["epochs"], spec["reps"]
    X_ragged, y_ragged, lengths = make_ragged(n, spec["low"], spec["high"], seed=1)
    X_equal, y_equal = make_data(n, spec["equal"], seed=1)
    X_padded = pad(X_ragged, spec["high"])
    emit(f"## Variable lengths: {n} sequences, lengths uniform in {spec['low']}..{spec['high']} "
         f"(mean {lengths.mean():.1f}, {lengths.sum()} steps) vs {n} of length "
         f"{spec['equal']} ({n * spec['equal']} steps)")
    emit()
    emit(f"(a) Unidirectional LSTM, hidden_size={hidden}, {epochs} epochs, batch {BATCH_SIZE}, "
         f"{reps} interleaved rounds. Ragged data go to RNNClassifier as a list of arrays; "
         f"the lean baseline pads them all to {spec['high']} steps (random batches, true "
         "lengths for the last-step readout, so every batch runs "
         f"{spec['high']} steps).")
    emit()
    methods = ("lean, equal 50", "lean, ragged padded to max", "RNNClassifier, equal 50",
               "RNNClassifier, ragged list")
    fit_args = {
        methods[0]: (lean_fit, (X_equal, y_equal, hidden, epochs)),
        methods[1]: (lean_fit, (X_padded, y_ragged, hidden, epochs, lengths)),
        methods[2]: (rnn_fit, (X_equal, y_equal, hidden, epochs)),
        methods[3]: (rnn_fit, (X_ragged, y_ragged, hidden, epochs)),
    }
    section = run_interleaved(methods, reps, fit_args, None, with_predict=False)
    section_table(section, methods, reference=methods[0], with_predict=False)
    lstm_ratio = ratio(section.median("fit", methods[3]), section.median("fit", methods[2]))
    emit(f"RNNClassifier ragged / equal-50 fit: **{lstm_ratio:.2f}x** (target <= 1.3x); "
         f"lean padded-to-max / lean equal-50: "
         f"{ratio(section.median('fit', methods[1]), section.median('fit', methods[0])):.2f}x.")
    emit()
    epochs = spec["default_epochs"]
    emit(f"(b) Library defaults: `RNNClassifier(max_iter={epochs}, early_stopping=False, "
         "random_state=0, device=\"cpu\")` (bidirectional GRU, hidden_size=64, batch 64, "
         f"max_grad_norm=1.0), {reps} interleaved rounds.")
    emit()
    defaults = ("defaults, equal 50", "defaults, ragged list")
    fit_args = {
        defaults[0]: (default_fit, (X_equal, y_equal, epochs)),
        defaults[1]: (default_fit, (X_ragged, y_ragged, epochs)),
    }
    default_section = run_interleaved(defaults, reps, fit_args, None, with_predict=False)
    section_table(default_section, defaults, reference=defaults[0], with_predict=False)
    default_ratio = ratio(default_section.median("fit", defaults[1]),
                          default_section.median("fit", defaults[0]))
    emit(f"Defaults ragged / equal-50 fit: **{default_ratio:.2f}x** (target <= 1.3x).")
    emit()
    return lstm_ratio, default_ratio


# Regression and forecasting ------------------------------------------------------
#
# The same comparison for RNNRegressor and RNNForecaster: lean loop (MSE), the
# estimator, and plain skorch NeuralNetRegressor, on the same network with one
# output per target value. Timed from numpy inputs to a trained model and to
# predictions in the caller's units.


def skorch_regressor(X, y, hidden, epochs, n_features, n_outputs):
    return skorch_net(NeuralNetRegressor, nn.MSELoss, X, y, hidden, epochs, n_features,
                      n_outputs)


def make_regression(n, timesteps, seed=0):
    """make_data's sequences; target: the sum of all values, scaled to unit variance."""
    X, _ = make_data(n, timesteps, seed)
    return X, (X.sum(axis=(1, 2)) / np.sqrt(timesteps * N_FEATURES)).astype(np.float32)


def regression_methods(hidden, epochs):
    """{method: (fit(X, y), predict(model, X))} for sequence regression."""

    def lean(X, y):
        torch.manual_seed(0)
        return lean_train(network(hidden, n_outputs=1), X, y[:, None], epochs, nn.MSELoss())

    def estimator(X, y):
        return checked(RNNRegressor(**estimator_params(hidden, epochs)).fit(X, y), epochs)

    def plain(X, y):
        return skorch_regressor(X, y[:, None], hidden, epochs, N_FEATURES, 1)

    return {
        "lean": (lean, lambda model, X: lean_outputs(model, X)[:, 0]),
        "RNNRegressor": (estimator, lambda model, X: model.predict(X)),
        "skorch": (plain, lambda model, X: model.predict(X)[:, 0]),
    }


def make_series(n_windows, lookback, horizon, seed=0):
    """A noisy seasonal series with a trend, long enough for ``n_windows`` training windows."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_windows + lookback + horizon - 1)
    return np.sin(t / 8.0) + 0.001 * t + 0.2 * rng.standard_normal(len(t))


def window_view(series, lookback):
    """Every full window of ``series`` normalized by its own mean and standard deviation
    (RNNForecaster's ``normalize="window"``): (n, lookback, 1) float32, loc, scale."""
    windows = np.lib.stride_tricks.sliding_window_view(series, lookback)
    loc = windows.mean(axis=1, keepdims=True)
    spread = windows.std(axis=1, keepdims=True)
    scale = np.where(spread > 1e-8 * (1.0 + np.abs(loc)), spread, 1.0)
    return ((windows - loc) / scale)[:, :, None].astype(np.float32), loc, scale


def training_windows(series, lookback, horizon):
    """Inputs and the next ``horizon`` values, both in each window's normalized units."""
    X, loc, scale = window_view(series[:-horizon], lookback)
    future = np.lib.stride_tricks.sliding_window_view(series[lookback:], horizon)
    return X, ((future - loc) / scale).astype(np.float32)


def forecasting_methods(hidden, epochs, lookback, horizon):
    """{method: (fit(series, None), predict(model, series))}: direct multi-step forecasts.

    RNNForecaster.predict(series) forecasts from every row (a rolling-origin backtest);
    lean and skorch forecast from every full window, i.e. ``lookback - 1`` fewer rows.
    """

    def backtest(outputs, series):
        _, loc, scale = window_view(series, lookback)
        return outputs * scale + loc

    def lean(series, _):
        X, y = training_windows(series, lookback, horizon)
        torch.manual_seed(0)
        module = network(hidden, n_features=1, n_outputs=horizon)
        return lean_train(module, X, y, epochs, nn.MSELoss())

    def lean_predict(model, series):
        return backtest(lean_outputs(model, window_view(series, lookback)[0]), series)

    def estimator(series, _):
        # The lean and skorch loops normalize every window by its mean and standard deviation
        # and have no linear skip: the forecaster is set to the same computation.
        params = dict(estimator_params(hidden, epochs), normalize="window", autoregressive=False)
        return checked(RNNForecaster(lookback=lookback, horizon=horizon, **params).fit(series),
                       epochs)

    def plain(series, _):
        return skorch_regressor(*training_windows(series, lookback, horizon), hidden, epochs,
                                1, horizon)

    def plain_predict(model, series):
        return backtest(model.predict(window_view(series, lookback)[0]), series)

    return {
        "lean": (lean, lean_predict),
        "RNNForecaster": (estimator, lambda model, series: model.predict(series)),
        "skorch": (plain, plain_predict),
    }


def run_task(methods, data, reps):
    """Interleaved rounds (random order per round) of fit and predict for a task."""
    fit_args = {name: (fit, data) for name, (fit, _) in methods.items()}
    predictors = {name: predict for name, (_, predict) in methods.items()}
    return run_interleaved(tuple(methods), reps, fit_args, dict.fromkeys(methods, data[0]),
                           predictors=predictors)


def regression_and_forecasting(spec):
    hidden, epochs, reps, n = spec["hidden"], spec["epochs"], spec["reps"], spec["n"]
    timesteps, lookback, horizon = spec["timesteps"], spec["lookback"], spec["horizon"]
    emit(f"## RNNRegressor: hidden_size={hidden}, T={timesteps}, {n} sequences, one target, "
         f"{epochs} epochs, batch {BATCH_SIZE}, {reps} interleaved rounds")
    emit()
    emit("Target: the sum of all values, scaled to unit variance. lean and skorch train with "
         "`nn.MSELoss` on the raw target; RNNRegressor standardizes it (and undoes that at "
         "predict). Predict: `predict` on the training set.")
    emit()
    regression = run_task(regression_methods(hidden, epochs), make_regression(n, timesteps),
                          reps)
    section_table(regression, ("lean", "RNNRegressor", "skorch"), predict="predict")
    emit(f"## RNNForecaster: hidden_size={hidden}, lookback={lookback}, horizon={horizon}, "
         f"a series of {n + lookback + horizon - 1} steps ({n} training windows), "
         f"{epochs} epochs, batch {BATCH_SIZE}, {reps} interleaved rounds")
    emit()
    emit("Every method builds the training windows from the series inside its timed fit and "
         "normalizes each window by its own mean and standard deviation (RNNForecaster's "
         "default `normalize=\"window\"`), direct strategy, one output per horizon step, "
         "`nn.MSELoss`. Predict: a rolling-origin backtest of the training series (forecasts "
         "from every full window, denormalized; RNNForecaster also forecasts from the first "
         f"{lookback - 1} rows with shorter windows).")
    emit()
    series = make_series(n, lookback, horizon)
    forecasting = run_task(forecasting_methods(hidden, epochs, lookback, horizon),
                           (series, None), reps)
    section_table(forecasting, ("lean", "RNNForecaster", "skorch"), predict="predict")
    return {"RNNRegressor": regression, "RNNForecaster": forecasting}


# Peak memory in subprocesses ------------------------------------------------------


def status_kib(field):
    return int(re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text())[1])


def reset_peak():
    Path("/proc/self/clear_refs").write_text("5")


def rss_child(method, hidden, timesteps, n, threads):
    """Run in a fresh process: peak RSS of one fit (1 epoch) and one predict_proba."""
    torch.set_num_threads(threads)
    X, y = make_data(n, timesteps)
    warm_up()
    gc.collect()
    reset_peak()
    before_fit = status_kib("VmRSS")
    model = FIT[method](X, y, hidden, 1)
    fit_peak = status_kib("VmHWM")
    gc.collect()
    reset_peak()
    before_predict = status_kib("VmRSS")
    predict_proba(method, model, X)
    predict_peak = status_kib("VmHWM")
    print(json.dumps(dict(
        before_fit=before_fit, fit_peak=fit_peak, before_predict=before_predict,
        predict_peak=predict_peak, data_mib=X.nbytes / 2**20,
    )))


def memory(configs, threads):
    emit("## Peak resident memory (one fresh subprocess per method and size, 1 epoch)")
    emit()
    emit("RSS in MiB from /proc/self/status. \"fit +\" = peak RSS during fit minus RSS just "
         "before fit (VmHWM reset with /proc/self/clear_refs); \"predict +\" likewise for "
         "predict_proba on the training set. \"process peak\" = the process's highest RSS "
         "in that phase (torch, libraries and the data included).")
    emit()
    emit("| config | X (MiB) | method | RSS before fit | fit + | process peak in fit "
         "| predict + | process peak in predict |")
    emit("|---|---|---|---|---|---|---|---|")
    for name, hidden, timesteps, n, _epochs, _reps in configs:
        for method in METHODS:
            command = [sys.executable, __file__, "--rss-child", method, str(hidden),
                       str(timesteps), str(n), "--threads", str(threads)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            mib = {key: value / 1024 for key, value in result.items() if key != "data_mib"}
            emit(f"| {name} | {result['data_mib']:.1f} | {method} | {mib['before_fit']:.0f} "
                 f"| {mib['fit_peak'] - mib['before_fit']:.1f} | {mib['fit_peak']:.0f} "
                 f"| {mib['predict_peak'] - mib['before_predict']:.1f} "
                 f"| {mib['predict_peak']:.0f} |")
    emit()


# Summary, environment, profile ----------------------------------------------------


def target_cells(section, estimator):
    """fit and predict of ``estimator`` against lean (<= 1.10x) and skorch (< 1)."""
    cells = []
    for kind in ("fit", "predict"):
        ours = section.median(kind, estimator)
        to_lean = ratio(ours, section.median(kind, "lean"))
        to_skorch = ratio(ours, section.median(kind, "skorch"))
        cells.append(f"{to_lean:.2f}x (paired {section.paired(kind, estimator, 'lean')}) "
                     f"{'PASS' if to_lean <= 1.10 else 'FAIL'}")
        cells.append(f"{to_skorch:.2f}x (paired {section.paired(kind, estimator, 'skorch')}) "
                     f"{'PASS' if to_skorch < 1 else 'FAIL'}")
    return cells


def summary(results, ragged_ratios, tasks=None):
    emit("## Targets")
    emit()
    emit("| config | estimator | fit / lean (<= 1.10x) | fit / skorch (< 1) "
         "| predict / lean (<= 1.10x) | predict / skorch (< 1) | fit / lean with fused Adam |")
    emit("|---|---|---|---|---|---|---|")
    fused = "lean, fused Adam"
    for name, section in results.items():
        to_fused = ratio(section.median("fit", "RNNClassifier"), section.median("fit", fused))
        cells = [name, "RNNClassifier", *target_cells(section, "RNNClassifier"),
                 f"{to_fused:.2f}x (paired {section.paired('fit', 'RNNClassifier', fused)})"]
        emit("| " + " | ".join(cells) + " |")
    for estimator, section in (tasks or {}).items():
        emit("| " + " | ".join(["small", estimator, *target_cells(section, estimator), "-"])
             + " |")
    if ragged_ratios is None:
        emit()
        return
    lstm_ratio, default_ratio = ragged_ratios
    emit()
    emit("| ragged fit / equal-length-50 fit (<= 1.3x) | ratio |")
    emit("|---|---|")
    emit(f"| RNNClassifier, unidirectional LSTM | {lstm_ratio:.2f}x "
         f"{'PASS' if lstm_ratio <= 1.3 else 'FAIL'} |")
    emit(f"| RNNClassifier, library defaults (bidirectional GRU) | {default_ratio:.2f}x "
         f"{'PASS' if default_ratio <= 1.3 else 'FAIL'} |")
    emit()
    emit("(The targets apply to small and medium; long is reported as measured.)")
    emit()


def profile(config, threads, quick, dump=None):
    """cProfile one RNNClassifier fit (small or medium); print the top functions."""
    torch.set_num_threads(threads)
    configs = {c[0]: c for c in (QUICK_CONFIGS if quick else FULL_CONFIGS)}
    name, hidden, timesteps, n, epochs, _ = configs[config]
    X, y = make_data(n, timesteps)
    warm_up()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    rnn_fit(X, y, hidden, epochs)
    profiler.disable()
    wall = time.perf_counter() - start
    print(f"cProfile of one {name} RNNClassifier fit (hidden_size={hidden}, T={timesteps}, "
          f"{n} sequences, {epochs} epochs): {wall:.2f} s under the profiler", flush=True)
    for key, restriction in (("tottime", ()), ("cumulative", ()),
                             ("tottime", (r"skorch/|sklearn_rnn/|sklearn/|numpy/",))):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(key).print_stats(*restriction, 30)
        print(stream.getvalue(), flush=True)
    if dump:
        profiler.dump_stats(dump)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--out", help="also write the markdown tables to this file "
                        "(with --profile: the pstats dump)")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--profile", nargs="?", const="medium", choices=("small", "medium"),
                        help="only cProfile one RNNClassifier fit (default: medium)")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated subset of {','.join(SECTIONS)} (default: all)")
    parser.add_argument("--configs", default=None,
                        help="comma-separated subset of small,medium,long (default: all)")
    parser.add_argument("--reps", type=int, default=None,
                        help="interleaved rounds per fixed-length configuration")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs per fit in the fixed-length configurations")
    parser.add_argument("--rss-child", nargs=4, metavar=("METHOD", "HIDDEN", "T", "N"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning, module="skorch")
    if args.rss_child:
        method, hidden, timesteps, n = args.rss_child
        rss_child(method, int(hidden), int(timesteps), int(n), args.threads)
        return
    if args.profile:
        if args.out and args.out.endswith(".md"):
            parser.error("with --profile, --out is the pstats dump: not a .md file")
        profile(args.profile, args.threads, args.quick, args.out)
        return
    torch.set_num_threads(args.threads)
    configs = QUICK_CONFIGS if args.quick else FULL_CONFIGS
    started = time.perf_counter()
    emit("# RNNClassifier speed: lean torch loop vs RNNClassifier vs plain skorch")
    emit()
    emit.extend(environment())
    sections = set(args.sections.split(","))
    unknown = sections - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    if args.configs:
        configs = [c for c in configs if c[0] in args.configs.split(",")]
    if args.reps:
        configs = [(*c[:5], args.reps) for c in configs]
    if args.epochs:
        configs = [(*c[:4], args.epochs, c[5]) for c in configs]
    warm_up()
    if "threads" in sections:
        thread_check(args.quick)
    torch.set_num_threads(args.threads)
    results = fixed_length_configs(configs) if "configs" in sections else {}
    tasks = {}
    if "tasks" in sections:
        tasks = regression_and_forecasting(QUICK_TASKS if args.quick else FULL_TASKS)
    if "sweep" in sections:
        sweep(QUICK_SWEEP if args.quick else FULL_SWEEP)
    ragged_ratios = None
    if "ragged" in sections:
        ragged_ratios = ragged(QUICK_RAGGED if args.quick else FULL_RAGGED)
    if "mixed" in sections:
        mixed_precision(QUICK_MIXED if args.quick else FULL_MIXED)
    if "memory" in sections:
        memory(configs, args.threads)
    summary({name: results[name] for name in ("small", "medium") if name in results},
            ragged_ratios, tasks)
    emit(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    emit.save(args.out)


if __name__ == "__main__":
    main()
