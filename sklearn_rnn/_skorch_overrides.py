"""Overrides of skorch internals: the same epoch, events and history, less work.

Review this file on every skorch upgrade. Each method of
:class:`LeanEpochMixin` replaces the ``NeuralNet`` method of the same name as
of skorch ``SKORCH_MIRRORED`` (``skorch/net.py``) and must keep its events,
their order and the history rows it writes.
"""


import torch
from skorch.callbacks import (
    Callback,
    EpochTimer,
    GradientNormClipping,
    PassthroughScoring,
    PrintLog,
)

from ._callbacks import LastCompleteEpoch, Stopping, ValidationScore

# The skorch release whose NeuralNet internals these overrides mirror.
SKORCH_MIRRORED = "1.4.0"

# The net's own callbacks, which read the history only at the end of an epoch
# (the progress bar and user callbacks may read batch losses as they come).
EPOCH_END_READERS = frozenset({
    EpochTimer, PassthroughScoring, ValidationScore, PrintLog, LastCompleteEpoch, Stopping,
    GradientNormClipping,
})


def _handles(callback, method_name):
    """Whether ``callback`` does something at ``method_name`` (not Callback's no-op)."""
    if method_name in vars(callback):
        return True
    return getattr(type(callback), method_name, None) is not getattr(Callback, method_name, None)

class LeanEpochMixin:
    """``NeuralNet``'s epoch loop and callback dispatch with less work per batch.

    List it before ``NeuralNet`` in the bases of a net.
    """

    def notify(self, method_name, **cb_kwargs):
        # skorch calls every callback at every event, three times per batch;
        # most callbacks leave most events to Callback's no-op. Only those that
        # define the event are called here, in skorch's order.
        getattr(self, method_name)(self, **cb_kwargs)
        for listener in self._listeners(method_name):
            listener(self, **cb_kwargs)

    def _listeners(self, method_name):
        """The bound ``method_name`` of every callback that defines it."""
        callbacks = self.callbacks_
        cache = self.__dict__.get("_listener_cache_")
        if cache is None or cache[0] is not callbacks or cache[1] != len(callbacks):
            # skorch replaces callbacks_ (initialize, set_params) or clears it.
            cache = self._listener_cache_ = (callbacks, len(callbacks), {})
        listeners = cache[2].get(method_name)
        if listeners is None:
            listeners = cache[2][method_name] = [
                getattr(callback, method_name)
                for _, callback in callbacks
                if _handles(callback, method_name)
            ]
        return listeners

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """skorch's epoch loop with the same events and history, less work per batch.

        The batch size is read from the lengths. On an accelerator, unless the
        progress bar or a user callback may read them per batch, the batch
        losses stay on the device and reach the history at the end of the
        epoch: one synchronisation per epoch instead of one per batch.
        """
        if iterator is None:
            return
        deferred = [] if self._defers_batch_losses() else None
        batch_count = 0
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            loss = step["loss"].detach()
            if deferred is None:
                self.history.record_batch(prefix + "_loss", loss.item())
            else:
                deferred.append(loss)
            self.history.record_batch(prefix + "_batch_size", len(batch[0]["lengths"]))
            self.notify("on_batch_end", batch=batch, training=training, **step)
            batch_count += 1
        if deferred:
            rows = self.history[-1]["batches"][-batch_count:]
            for row, value in zip(rows, torch.stack(deferred).tolist(), strict=True):
                row[prefix + "_loss"] = value
        self.history.record(prefix + "_batch_count", batch_count)

    def _defers_batch_losses(self):
        if torch.device(self.device).type == "cpu":
            return False  # reading a CPU scalar costs nothing
        return all(type(callback) in EPOCH_END_READERS for _, callback in self.callbacks_)

    def _set_training(self, training=True):
        # skorch sets the mode of every module at every batch; once is enough.
        if self.module_.training != training or self.criterion_.training != training:
            super()._set_training(training)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_listener_cache_", None)  # rebuilt on first use
        return state
