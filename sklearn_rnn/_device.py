"""Devices and numeric precision: where the network runs and in which dtype.

Resolves ``device="auto"``, wraps ``torch.autocast`` for mixed precision
(probing once per device and cell that the lower-precision kernels exist),
and sizes inference batches to the device.
"""

import contextlib
import functools

import numpy as np
import torch

from ._modules import recurrent_layers
from ._warnings import warn

# Inference batches hold about this many values (sequences x steps x the
# network's step width) in their widest activation. On the CPU, 2**22 float32
# (16 MB) keeps it near the size of the caches: a 64-unit LSTM on 50 steps
# predicted 1.3-1.6x faster than in batches of 4096 (docs/benchmarks.md).
# On a GPU, large batches keep the device busy; the bound is memory (64 MB).
INFERENCE_ELEMENTS = {"cpu": 2**22, "accelerator": 2**24}


MAX_INFERENCE_BATCH = 4096


def resolve_device(device):
    """The torch device behind ``device``: "auto" picks CUDA when available."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        resolved = torch.device(device)
    except (RuntimeError, ValueError, TypeError):
        raise ValueError(
            f"device={device!r} is not a valid torch device; use 'auto', 'cpu', "
            "'cuda' or 'cuda:N'."
        ) from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available; use "
            "device='auto' or device='cpu'."
        )
    return str(resolved)


def autocast_dtype(device):
    """Lower precision of mixed-precision runs: float16 on CUDA, bfloat16 on the CPU."""
    return torch.float16 if torch.device(device).type == "cuda" else torch.bfloat16


def autocast(device, enabled):
    """``torch.autocast`` for ``device`` in its mixed precision, when enabled.

    When disabled, a caller's own autocast region is switched off too, so that
    ``mixed_precision=False`` always means float32.
    """
    device_type = torch.device(device).type
    if not enabled and not torch.is_autocast_enabled(device_type):
        return contextlib.nullcontext()  # already float32; entering autocast costs a few us
    return torch.autocast(device_type, dtype=autocast_dtype(device), enabled=enabled)


def grad_scaler(device, mixed_precision):
    """Scales float16 losses so that small gradients do not vanish; a no-op
    unless float16 autocast runs (CUDA)."""
    return torch.amp.GradScaler(
        "cuda", enabled=mixed_precision and autocast_dtype(device) == torch.float16
    )


def supports_mixed_precision(device, cell):
    """Whether ``cell`` trains and predicts under autocast on ``device``; warns if not.

    Some CPUs lack lower-precision kernels (oneDNN's bfloat16 LSTM needs
    AVX-512), and torch then fails deep inside the forward pass. The answer is
    probed once per device and cell, and cached.
    """
    reason = mixed_precision_failure(str(device), cell)
    if reason is not None:
        dtype = str(autocast_dtype(device)).removeprefix("torch.")
        warn(
            f"mixed_precision=True is not supported for cell={cell!r} on device "
            f"{str(device)!r} ({dtype} kernels are missing: {reason}); the network runs in "
            "float32 instead."
        )
    return reason is None


@functools.cache
def mixed_precision_failure(device, cell):
    """Why a small ``cell`` network fails under autocast on ``device``; None if it runs.

    Runs a forward and backward pass (training) and an inference pass on a
    tiny two-layer network, whose weights come from a generator of its own
    (torch's global random state is left untouched).
    """
    try:
        generator = torch.Generator().manual_seed(0)
        network = recurrent_layers(cell, 3, 4, n_layers=2, generator=generator).to(device)
        X = torch.ones(2, 5, 3, device=device)
        with autocast(device, True):
            outputs, _ = network(X)
        outputs.float().sum().backward()
        with torch.inference_mode(), autocast(device, True):
            network.eval()(X)
    except RuntimeError as error:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def inference_batch_size(n_steps, step_width, device):
    """Sequences per inference batch for ``n_steps`` steps of a network whose
    widest activation holds ``step_width`` values per sequence and step."""
    budget = INFERENCE_ELEMENTS["cpu" if torch.device(device).type == "cpu" else "accelerator"]
    return int(np.clip(budget // (n_steps * step_width), 1, MAX_INFERENCE_BATCH))


def network_inference_batch_size(net, dataset):
    """Sequences per inference batch of ``dataset`` for ``net``'s network and device."""
    return inference_batch_size(
        dataset.values.shape[1], net.module_.encoder.step_width, net.device
    )
