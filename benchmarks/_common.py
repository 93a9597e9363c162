"""What every benchmark script shares: the report, the environment header, CPU accounting.

**Report.** ``Report`` prints markdown lines as they come and keeps them; ``save(path)``
writes them to ``path``. When ``path`` is a page that holds this script's markers,
``<!-- bench_speed.py output: begin -->`` ... ``<!-- bench_speed.py output: end -->``,
only the text between the markers is replaced, without the report's title and with every
heading one level deeper, so that ``make bench-...`` writes its figures into
``docs/benchmarks.md`` and the prose around them stays.

**CPU accounting.** One rule for every script (Linux ``/proc``; elsewhere the readings
are 0):

* the machine's busy CPU time is user + nice + system + irq + softirq from the first
  line of ``/proc/stat``. Steal (time the hypervisor gave to other virtual machines)
  is *not* busy: no process on this machine used it, and counting it would credit it
  to "other processes" here. Idle and iowait are not busy either;
* this benchmark's own CPU time is the user + system time of this process and all its
  live descendants, plus the time of the descendants they have reaped (``utime``,
  ``stime``, ``cutime``, ``cstime`` of ``/proc/<pid>/stat``), so worker processes
  (joblib's, a memory subprocess) count as the benchmark's own;
* other processes' CPU time over a block is the change in busy time minus the change
  in own time, floored at 0.
"""

import argparse
import datetime
import gc
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
import skorch
import torch

import sklearn_rnn

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPOSITORY = Path(__file__).resolve().parents[1]
HEADING = re.compile(r"^(#{1,5}) ")


# Report -----------------------------------------------------------------------------


class Report:
    """Markdown lines, printed as they come (flushed) and kept for ``save``.

    ``name`` (the script's file name) names the markers of its section in a page.
    """

    def __init__(self, name):
        self.name = name
        self.lines = []

    def __call__(self, line=""):
        print(line, flush=True)
        self.lines.append(line)

    def extend(self, lines):
        for line in lines:
            self(line)

    def markers(self):
        return (f"<!-- {self.name} output: begin -->", f"<!-- {self.name} output: end -->")

    def check_page(self, path):
        """Refuse to overwrite an existing page that lacks this report's markers."""
        if path and Path(path).is_file():
            page = Path(path).read_text()
            missing = [marker for marker in self.markers() if marker not in page]
            if missing:
                raise SystemExit(
                    f"{path} has no {' / '.join(missing)}: add the markers where the "
                    "report belongs, or pass another --out."
                )

    def save(self, path):
        """Write the report to ``path``, or into its section of ``path`` (see module doc)."""
        if not path:
            return
        path = Path(path)
        begin, end = self.markers()
        page = path.read_text() if path.is_file() else ""
        if begin in page and end in page:
            head, rest = page.split(begin, 1)
            _, tail = rest.split(end, 1)
            text = "\n".join([head.rstrip("\n") + "\n", begin, "", *self.section(), "", end])
            path.write_text(text + tail)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(self.lines) + "\n")

    def section(self):
        """The lines without a leading title, every heading one level deeper."""
        lines = list(self.lines)
        if lines and lines[0].startswith("# "):
            lines = lines[1:]
        while lines and not lines[0].strip():
            lines = lines[1:]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        return [HEADING.sub(r"#\1 ", line) for line in lines]


# CPU accounting -----------------------------------------------------------------------


def machine_busy_seconds():
    """Busy CPU seconds of the whole machine since boot (steal, idle, iowait excluded)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n")[0].split()[1:8]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields)
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def process_table():
    """{pid: (parent pid, CPU seconds of the process, of its reaped descendants)}."""
    table = {}
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return table
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        rest = text[text.rindex(")") + 2 :].split()
        utime, stime, cutime, cstime = (int(value) for value in rest[11:15])
        table[int(entry.name)] = (
            int(rest[1]), (utime + stime) / CLOCK_TICKS, (cutime + cstime) / CLOCK_TICKS
        )
    return table


def process_tree(table, root):
    """``root`` and all its live descendants."""
    tree = {root}
    while True:
        children = {pid for pid, (parent, *_) in table.items() if parent in tree} - tree
        if not children:
            return tree
        tree |= children


def own_cpu_seconds():
    """CPU seconds of this process, its live descendants and those they have reaped."""
    table = process_table()
    if os.getpid() not in table:
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system
    return sum(sum(table[pid][1:]) for pid in process_tree(table, os.getpid()))


class OtherCPU:
    """CPU seconds that processes outside this benchmark used while the block ran."""

    def __enter__(self):
        self.start = machine_busy_seconds(), own_cpu_seconds()
        return self

    def __exit__(self, *exc):
        busy, own = machine_busy_seconds(), own_cpu_seconds()
        self.seconds = max(0.0, (busy - self.start[0]) - (own - self.start[1]))
        return False


def timed(function, *args):
    """(result, wall seconds, other processes' CPU seconds meanwhile), after a collection."""
    gc.collect()
    with OtherCPU() as other:
        start = time.perf_counter()
        result = function(*args)
        wall = time.perf_counter() - start
    return result, wall, other.seconds


# Environment header -------------------------------------------------------------------


def load_average():
    try:
        return ", ".join(f"{load:.2f}" for load in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def load_reading(seconds=2.0):
    """Other processes' CPU seconds during ``seconds`` of sleep, and the load average."""
    with OtherCPU() as other:
        time.sleep(seconds)
    return (f"other processes used {other.seconds:.2f} CPU s in {seconds:.0f} s; "
            f"1/5/15-minute load average {load_average()}")


def _git(*args):
    try:
        done = subprocess.run(["git", "-C", str(REPOSITORY), *args], capture_output=True,
                              text=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def git_commit():
    """``git rev-parse --short HEAD`` of this checkout, and whether tracked files differ."""
    head = _git("rev-parse", "--short", "HEAD")
    if head is None:
        return "unknown (not a git checkout)"
    status = _git("status", "--porcelain", "--untracked-files=no") or ""
    changed = [line[3:] for line in status.splitlines() if line.strip()]
    if not changed:
        return f"{head.strip()} (clean)"
    shown = ", ".join(changed[:5]) + (", ..." if len(changed) > 5 else "")
    return f"{head.strip()} (dirty: {len(changed)} modified tracked files: {shown})"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def versions(*modules):
    """``name version`` of python, the libraries every benchmark uses and ``modules``."""
    named = {"torch": torch, "scikit-learn": sklearn, "skorch": skorch, "numpy": np,
             "sklearn_rnn": sklearn_rnn}
    for name in modules:
        try:
            named[name] = __import__(name)
        except ImportError:
            named[name] = None
    parts = [f"python {platform.python_version()}"]
    parts += [f"{name} {getattr(module, '__version__', 'not installed')}"
              for name, module in named.items()]
    return ", ".join(parts)


def environment(*modules, notes=()):
    """The header of every report: a markdown list (then a blank line).

    ``modules``: more libraries whose version matters; ``notes``: more list items.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    package = Path(sklearn_rnn.__file__).resolve().parent
    origin = "" if package.is_relative_to(REPOSITORY) else f" (imported from {package}!)"
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        f"- date: {now.strftime('%Y-%m-%d %H:%M')} UTC",
        f"- git commit: {git_commit()}{origin}",
        f"- {versions(*modules)}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores ({cores} usable), "
        f"{platform.platform()}",
        f"- threads: torch {torch.get_num_threads()} intra-op, "
        f"{torch.get_num_interop_threads()} inter-op; "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}",
        *(f"- {note}" for note in notes),
        f"- load before the start: {load_reading()}",
        f"- command: `{' '.join([Path(sys.executable).name, *sys.argv])}`",
        "",
    ]
    return lines


# Experiment arguments ---------------------------------------------------------------------

QUICK_MAX_ITER = 3


def experiment_parser(description, *, datasets, seeds, estimator):
    """An argument parser with the options every accuracy benchmark takes.

    ``--datasets`` (choices and default ``datasets``), ``--seeds``, ``--rnn-params`` (a
    JSON object merged into the ``estimator``'s parameters), ``--max-iter`` and
    ``--quick``; :func:`parse_experiment_args` applies ``--quick``.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--datasets", nargs="+", choices=list(datasets), default=list(datasets))
    parser.add_argument("--seeds", nargs="+", type=int, default=list(seeds))
    parser.add_argument(
        "--rnn-params",
        type=json.loads,
        default=None,
        help=f"JSON object merged into the {estimator} parameters",
    )
    parser.add_argument("--max-iter", type=int, default=None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke test: max_iter={QUICK_MAX_ITER}, first seed only",
    )
    return parser


def parse_experiment_args(parser, argv=None):
    """Parse ``argv``; ``--quick`` keeps the first seed and ``QUICK_MAX_ITER`` epochs."""
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds = args.seeds[:1]
        args.max_iter = QUICK_MAX_ITER
    return args
