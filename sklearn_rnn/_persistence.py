"""Persistence of a trained net as numpy arrays and plain Python values.

Pickles of the estimators hold no torch objects: ``export_net`` turns the
net's state into arrays, ``import_net`` rebuilds the net from them.
"""


import numpy as np
import torch
from skorch.history import History

from ._net import build_net
from ._warnings import warn


def export_net(net):
    """The trained state of a net as numpy arrays and plain Python values."""
    return {
        "module": _to_numpy(net.module_.state_dict()),
        "optimizer": _to_numpy(net.optimizer_.state_dict()),
        "history": [dict(row) for row in net.history],
    }


def import_net(exported, config):
    """Rebuild a net from ``build_net`` arguments and an :func:`export_net` state.

    A net trained on CUDA comes back on the CPU, with a warning, where CUDA is
    not available.
    """
    device = config["device"]
    if device.startswith("cuda") and not torch.cuda.is_available():
        warn(
            f"The model was trained on {device!r}, but no CUDA devices are available; "
            "it is loaded on the CPU instead."
        )
        device = "cpu"
    net = build_net(**dict(config, device=device))
    net.initialize()
    net.module_.load_state_dict(_to_tensors(exported["module"]))
    net.optimizer_.load_state_dict(_to_tensors(exported["optimizer"]))
    net.history = History(exported["history"])
    return net


def _to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {key: _to_numpy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_numpy(item) for item in value)
    return value


def _to_tensors(value):
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value))
    if isinstance(value, dict):
        return {key: _to_tensors(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_tensors(item) for item in value)
    return value
