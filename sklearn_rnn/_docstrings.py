"""The docstring sections the estimators share, and the decorator that fills them in.

Parameters, attributes and method sections common to the three estimators are
written once here; ``fill_doc`` formats them into a class's docstring and its
methods' docstrings (``{shared_parameters}``, ``{X_sequences}``, ...).
"""

import re

SHARED_PARAMETERS_DOC = """cell : {"lstm", "gru", "rnn"}, default="gru"
        Recurrent cell: long short-term memory, gated recurrent unit, or an
        Elman RNN with tanh. Gated cells keep gradients alive over long spans.

    hidden_size : int, default=64
        Number of features in the hidden state of each layer and direction.

    n_layers : int, default=1
        Number of stacked recurrent layers.

    bidirectional : bool, default=True
        Whether to also read every sequence backwards, so that the beginning
        of a long sequence is as close to the output as its end; doubles the
        width of the representation returned by ``transform``.

    dropout : float in [0, 1), default=0.0
        Dropout probability between stacked layers and before the output layer.

    pooling : {"last", "mean", "max", "attention"}, default="last"
        How the per-step outputs are read out into one vector: the final
        hidden state, the mean or the maximum over time steps, or a learned
        attention-weighted mean. Padding of variable-length input is masked.

    tbptt_steps : int or None, default=None
        Truncated backpropagation through time: in training, gradients flow
        through the last ``tbptt_steps`` steps of each batch only; the steps
        before run without autograd and hand their hidden state on, so memory
        no longer grows with the sequence length (for very long sequences).
        The price: dependencies further back than ``tbptt_steps`` are not
        learned through the recurrence. Needs ``bidirectional=False``.
        None backpropagates through every step.

    max_iter : int, default=200
        Maximum number of epochs (passes over the training data).

    batch_size : int or "auto", default="auto"
        Size of minibatches; "auto" means ``min(64, n_samples)``.

    learning_rate_init : float, default=0.003
        Initial learning rate of the optimizer.

    alpha : float, default=0.0001
        Strength of the L2 penalty, as in ``MLPClassifier``: the loss gains
        ``alpha * ||W||^2 / (2 * n_samples)``, i.e. the optimizer's weight decay
        is ``alpha / n_samples`` (fixed at the first fit).

    optimizer : {"adam", "adamw", "sgd", "rmsprop"}, default="adam"
        The torch optimizer.

    max_grad_norm : float or None, default=1.0
        Gradients are rescaled so that their global norm is at most this value
        (against exploding gradients). None disables clipping.

    early_stopping : bool or "auto", default="auto"
        Whether to hold out ``validation_fraction`` of the training data and
        stop when the validation loss has not improved by ``tol`` for
        ``n_iter_no_change`` epochs; the weights of the best epoch are kept.
        "auto" enables it when there are at least 1000 training samples.
        Without it, training stops when the training loss stops improving;
        either way the weights of the best epoch are kept.

    validation_fraction : float in (0, 1), default=0.1
        Proportion of the training data held out for early stopping
        (stratified for classifiers).

    n_iter_no_change : int, default=10
        Number of epochs without improvement before training stops.

    tol : float, default=1e-4
        Minimum improvement of the monitored loss that counts as improvement.

    warm_start : bool, default=False
        Whether ``fit`` continues training the existing network instead of
        starting from new weights.

    device : str, default="auto"
        Torch device to train and predict on; "auto" picks CUDA when available.

    mixed_precision : bool, default=False
        Run the network under ``torch.autocast``: float16 with gradient
        scaling on CUDA, bfloat16 on the CPU; weights, optimizer state and
        losses stay float32. Faster where the hardware has fast half-precision
        kernels (tensor-core GPUs; LSTM layers on CPUs with bfloat16 support,
        while CPU autocast leaves GRU layers in float32; see docs/gpu.md), at
        the price of less precise activations.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, dropout, batch order and the validation
        split. With an int, results on the CPU are identical from run to run.

    verbose : int, default=0
        0 prints nothing; 1 or more shows a progress bar and a per-epoch table
        of training and validation loss.

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra callbacks for the skorch net that trains the network.
"""

SHARED_ATTRIBUTES_DOC = """net_ : skorch.NeuralNet
        The skorch net that trains the torch module (``net_.module_``).

    n_features_in_ : int
        Number of features per time step seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features per time step, when the training sequences were
        DataFrames sharing string column names.

    loss_curve_ : list of float
        Training loss at the end of every epoch.

    validation_scores_ : list of float or None
        Score on the held-out validation set at every epoch (accuracy for
        classifiers, R^2 for regressors); None without early stopping.

    best_validation_score_ : float or None
        Validation score of the epoch whose weights were kept (``best_epoch_``:
        the last epoch that lowered the validation loss by more than ``tol``);
        None without early stopping.

    n_iter_ : int
        Number of epochs run.

    best_epoch_ : int
        The epoch (counted from 1) whose weights the model keeps: the last
        one that lowered the monitored loss (validation loss with early
        stopping, else training loss) by more than ``tol``; 0 for the
        initial weights.

    device_ : str
        Torch device the network lives on.
"""


SEQUENCE_PARAMETERS_DOC = """output : {"last", "sequence"}, default="last"
        What is predicted: "last", one output per sequence (read out by
        ``pooling``); "sequence", one output per time step (tagging every
        frame or word), for ``y`` given per step: one array per sequence, as
        long as the sequence (or an array of shape (n_samples, n_timesteps)
        for equal lengths). The loss and ``score`` cover every real step and
        never the padding; ``predict`` returns an array of shape
        (n_samples, n_timesteps, ...), or a list of arrays for sequences of
        different lengths. ``pooling`` is not used.

    embedding_dim : int, "auto" or None, default="auto"
        How a time step is read. None reads it as numeric features. An int
        reads it as a token id (a non-negative integer, 0 for padding, as
        produced by :class:`~sklearn_rnn.preprocessing.SequenceTokenizer`)
        and puts a trainable embedding of this size in front of the recurrent
        layers; the vocabulary size ``n_tokens_`` is ``n_tokens``, or the
        largest id in the training data plus one. "auto" embeds the output of
        a ``SequenceTokenizer`` (which marks its ids as tokens), with
        ``n_tokens_`` the tokenizer's ``vocabulary_size_`` (or ``n_tokens``)
        and ``round(1.6 * n_tokens_ ** 0.56)`` dimensions, at most 64; any
        other input, integer arrays included, is read as numeric features.
        ``embedding_dim_`` records the choice.

    n_tokens : int or None, default=None
        Vocabulary size of the token embedding (ids 0 to ``n_tokens - 1``),
        with ``embedding_dim``. None takes the largest id of the first fit plus
        one, which is enough when a tokenizer in the same pipeline learned
        the vocabulary from the same data. Set it, e.g. to a tokenizer's
        ``vocabulary_size_``, when later data (``partial_fit``, other folds of
        pre-tokenized ids) may hold ids that the first fit did not see.

    missing : {"error", "mask"}, default="error"
        What a NaN (a missing reading) in ``X`` does. "error" raises, naming
        the features that hold it. "mask" fills it with the feature's mean
        over the training steps (0 once standardized) and gives the network
        one indicator channel (1 where missing, else 0) for every feature per
        time step with missing values in the first fit; the channels are
        fixed then, so later data gets the same ones. A NaN at predict in a
        feature that had none in fit is filled without an indicator.
        Infinity is an error either way; token ids cannot be missing.

    patch_size : int or "auto", default=1
        Time steps read per recurrent step. The (standardized or embedded)
        steps of each patch are concatenated into one input, so a sequence
        of ``n`` steps takes ``ceil(n / patch_size)`` recurrent steps: long
        series train several times faster and the network sees local shapes
        at once (as the patches of PatchTST, Nie et al. 2023). "auto" reads
        the longest training sequence in at most 32 recurrent steps;
        ``patch_size_`` records the size. ``tbptt_steps`` counts patches.
        ``output="sequence"`` needs 1 ("auto" is then 1).

    conv_filters : int or None, default=None
        When set, a convolutional front end reads the (patched) steps before
        the recurrent layers: three 1-D convolutions with kernels 7, 5 and 3,
        ``conv_filters`` channels each, "same" padding and ReLU (the FCN
        branch of LSTM-FCN, Karim et al. 2018, without batch normalization,
        which padded batches would skew). Padding never reaches the outputs
        at real steps.
"""

SEQUENCE_ATTRIBUTES_DOC = """patch_size_ : int
        Time steps per recurrent step (``patch_size``, or the one "auto"
        chose).

    embedding_dim_ : int or None
        Size of the token embedding the network reads its input through;
        None for numeric input (see ``embedding_dim``).

    n_tokens_ : int
        Vocabulary size of the token embedding (when ``embedding_dim_`` is set).

    missing_indicators_ : ndarray of int
        Positions of the features per time step that have a missing-value
        indicator channel (``missing="mask"``); empty otherwise.
"""

# Descriptions of X shared by the methods' docstrings.
METHOD_DOCS = {
    "{X_sequences}": (
        "X : array-like of shape (n_samples, n_timesteps[, n_features]) or list of arrays\n"
        "            Sequences: a 3-D array, a 2-D array of univariate sequences, or a list\n"
        "            of arrays (n_timesteps_i, n_features) of different lengths."
    ),
    "{X_table}": (
        "X : array-like of shape (n_rows,) or (n_rows, n_columns), Series or DataFrame\n"
        "            Time-ordered table, one row per time step (per series with\n"
        "            ``series_id``), with the columns seen in fit."
    ),
}


def fill_doc(cls):
    """Insert the shared sections into the class docstring and its methods' docstrings."""
    cls.__doc__ = cls.__doc__.replace("{shared_parameters}", SHARED_PARAMETERS_DOC)
    cls.__doc__ = cls.__doc__.replace("{shared_attributes}", SHARED_ATTRIBUTES_DOC)
    cls.__doc__ = cls.__doc__.replace("{sequence_parameters}", SEQUENCE_PARAMETERS_DOC)
    cls.__doc__ = cls.__doc__.replace("{sequence_attributes}", SEQUENCE_ATTRIBUTES_DOC)
    for name, default in getattr(cls, "_documented_defaults", {}).items():
        # A shared parameter whose default differs in this class.
        cls.__doc__ = re.sub(
            rf"(\n    {name} : [^\n]*, default=)[^\n]*", rf"\g<1>{default}", cls.__doc__
        )
    for attribute in vars(cls).values():
        if callable(attribute) and attribute.__doc__:
            for token, text in METHOD_DOCS.items():
                attribute.__doc__ = attribute.__doc__.replace(token, text)
    return cls
