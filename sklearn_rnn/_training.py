"""Training and inference drivers: seeding, the training run, prediction.

Build a net with :func:`sklearn_rnn._net.build_net`, then :func:`initialize`,
:func:`train` and :func:`predict_outputs` it.

Seeds reach generators that belong to the fit (the initial weights, the
batch order, every dropout layer's masks); torch's process-wide generators are
neither read nor reseeded, so fits in parallel threads give the results they
give alone, and a fit leaves the caller's global random state as it was.
"""

import numpy as np
import torch
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from skorch.helper import predefined_split

from ._device import autocast, network_inference_batch_size
from ._net import module_inputs
from ._sequences import batch_indices


def initialize(net, seed):
    """Build module, criterion and optimizer; the initial weights are drawn from
    a generator seeded with ``seed`` (on the CPU, so every device starts alike)."""
    net.set_params(module__seed=seed)
    return net.initialize()


def train(net, train_data, valid_data, *, epochs, seed):
    """Run ``epochs`` epochs (fewer if stopped early).

    Returns the :class:`LastCompleteEpoch` callback, which tells whether
    training was interrupted or diverged.

    With ``valid_data``, stopping monitors the validation loss, otherwise the
    training loss; either way the weights of the best epoch are restored.
    ``seed`` sets the batch order and restarts every dropout layer's mask
    stream, so a call's randomness depends on its seed alone (also after
    unpickling, which keeps no generator positions).
    """
    validating = valid_data is not None
    net.set_params(
        train_split=predefined_split(valid_data) if validating else None,
        random_state=seed,
        callbacks__stopping__monitor="valid_loss" if validating else "train_loss",
    )
    net.module_.seed_dropout(seed)
    net.partial_fit(train_data, epochs=epochs)
    # Inference mode from now on: predict never switches modes, so concurrent
    # predictions cannot see one another's dropout.
    net.module_.eval()
    return net.get_params()["callbacks__last_complete_epoch"]


def kept_epoch(net):
    """The epoch whose weights the module holds after :func:`train`."""
    stopping = net.get_params()["callbacks__stopping"]
    if stopping.best_model_weights_ is not None:
        return stopping.best_epoch_
    return len(net.history)


def split_validation(n_samples, validation_fraction, *, stratify, seed):
    """Train and validation indices; stratified when ``stratify`` is given and possible."""
    indices = np.arange(n_samples)
    n_valid = max(1, round(validation_fraction * n_samples))
    if stratify is not None:
        _, counts = np.unique(stratify, return_counts=True)
        if counts.min() < 2 or n_valid < len(counts):
            stratify = None
    return train_test_split(
        indices, test_size=n_valid, stratify=stratify, random_state=seed
    )


def predict_outputs(net, dataset, *, encode=False):
    """Module outputs (or pooled representations) for every sample, in input order.

    Runs in large batches, sorted by length, without autograd.
    """
    module = net.module_
    if module.training:  # only right after loading: training leaves the module in eval mode
        module.eval()
    forward = module.encode if encode else module.forward
    order = batch_indices(
        dataset.lengths.numpy(), network_inference_batch_size(net, dataset), shuffle=False
    )
    outputs = []
    max_length = dataset.values.shape[1]
    with torch.inference_mode(), autocast(net.device, net.mixed_precision):
        for indices in order:
            inputs, _ = dataset.batch(indices)
            output = forward(*module_inputs(inputs, net.device)).float().cpu()
            if output.ndim == 3:  # per-step outputs: pad to the longest sequence
                output = torch.nn.functional.pad(output, (0, 0, 0, max_length - output.shape[1]))
            outputs.append(output)
    result = torch.cat(outputs).numpy()
    positions = np.concatenate(order)
    if np.array_equal(positions, np.arange(len(positions))):  # equal lengths: input order
        return result
    restored = np.empty_like(result)
    restored[positions] = result
    return restored


def fit_linear_skip(module, data, alpha=1.0):
    """Start a network's linear skip at the ridge regression of the targets on its inputs.

    The recurrent path then learns what the linear autoregression leaves
    (its head starts near zero), which keeps small training sets from
    pulling the forecast away from the linear fit before the network has
    found structure beyond it. Targets and inputs are in the network's own
    (standardized) units; ``alpha`` is ridge's penalty on that scale.
    """
    with torch.no_grad():
        device = module.skip.weight.device
        values = data.values.to(device=device, dtype=torch.float32)
        inputs = module.skip_inputs(values, data.lengths).double().cpu().numpy()
        targets = data.y.double().numpy().reshape(len(inputs), -1)
        targets = np.nan_to_num(targets)  # a missing target starts at its mean; training masks it
        ridge = Ridge(alpha=alpha).fit(inputs, targets)
        # Several outputs per target (quantile levels, adjacent) all start at its fit.
        repeats = module.skip.out_features // targets.shape[1]
        weight = np.repeat(np.atleast_2d(ridge.coef_), repeats, axis=0)
        bias = np.repeat(np.atleast_1d(ridge.intercept_), repeats)
        module.skip.weight.copy_(torch.as_tensor(weight, dtype=torch.float32))
        module.skip.bias.copy_(torch.as_tensor(bias, dtype=torch.float32))
