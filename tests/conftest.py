"""Session set-up. Shared settings, data makers and malformed input live in ``_support.py``."""

import torch

# Tests run on 2 cores, often two test processes at once: one torch thread each.
torch.set_num_threads(1)
