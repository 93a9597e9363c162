"""
Sentiment classification of raw text, where word order matters
===============================================================

:class:`~sklearn_rnn.preprocessing.SequenceTokenizer` turns raw strings into
sequences of token ids, and ``RNNClassifier(embedding_dim=...)`` reads them
through a trainable word embedding. Chained with ``make_pipeline`` they form a
text classifier that takes a list of strings, like a scikit-learn pipeline
built on ``CountVectorizer``.

The reviews of :func:`~sklearn_rnn.datasets.make_reviews` are made so that the
order of the words decides the label: "not" flips the adjective that follows
it, and in "X, but Y" or "although X, Y" the clause Y wins. A bag of words
loses that order; the recurrent network reads it.
"""

# %%
# The reviews
# -----------
# Two independent draws of the generator give the training and the test reviews.

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, TrainingHistoryDisplay
from sklearn_rnn.datasets import make_reviews
from sklearn_rnn.preprocessing import SequenceTokenizer

# Small networks train fastest on one thread (and leave the other cores free).
torch.set_num_threads(1)

texts_train, y_train = make_reviews(2000, random_state=0)
texts_test, y_test = make_reviews(1000, random_state=1)
for text, label in zip(texts_train[:6], y_train[:6], strict=True):
    print(f"{label:>8}: {text}")

# %%
# Bag-of-words baselines
# ----------------------
# ``CountVectorizer`` counts every token (with the same token pattern as the
# tokenizer: words, and punctuation marks as tokens of their own), and a
# logistic regression weighs the counts. With unigrams the model sees that a
# review holds "good" and "boring", but not which one was negated or which came
# after "but": every sentiment word occurs in both classes, so it does little
# better than chance. Bigrams recover "not good" and "but the", which helps, yet
# which clause follows "but" still spans more than two words.

token_pattern = r"(?u)\w+|[^\w\s]"
accuracies = {}
for name, ngram_range in [("unigrams", (1, 1)), ("uni+bigrams", (1, 2))]:
    bag_of_words = make_pipeline(
        CountVectorizer(token_pattern=token_pattern, ngram_range=ngram_range),
        LogisticRegression(max_iter=1000),
    )
    bag_of_words.fit(texts_train, y_train)
    accuracy = bag_of_words.score(texts_test, y_test)
    accuracies[f"bag of words, {name}"] = accuracy
    print(f"bag of words, {name}: test accuracy {accuracy:.3f}")

# %%
# A recurrent network on token ids
# --------------------------------
# The tokenizer maps every word to an id (0 is padding, 1 an unknown word); the
# classifier embeds every id in 16 dimensions and reads the review word by word
# with a GRU of 32 units. A forward-only network (``bidirectional=False``) with
# ``pooling="last"`` decides from its state after the last word, so its
# prediction for a prefix of a review is what it believes after reading that far
# (used in the next section). With 2000 training reviews ``early_stopping="auto"``
# holds out 10 % of them and keeps the epoch of lowest validation loss; 15 epochs
# are enough here.

pipe = make_pipeline(
    SequenceTokenizer(),
    RNNClassifier(
        embedding_dim=16, hidden_size=32, bidirectional=False, max_iter=15, random_state=0
    ),
)
pipe.fit(texts_train, y_train)
accuracy = pipe.score(texts_test, y_test)
accuracies["RNN, GRU on token ids"] = accuracy
print(f"vocabulary: {pipe[0].vocabulary_size_} ids, epochs run: {pipe[-1].n_iter_}")
print(f"RNN: test accuracy {accuracy:.3f}")

fig, ax = plt.subplots(figsize=(6, 3))
labels = [name.replace(", ", "\n") for name in accuracies]
bars = ax.barh(labels, list(accuracies.values()), color=["C7", "C7", "C0"])
ax.bar_label(bars, fmt="%.3f", padding=3)
ax.axvline(0.5, color="k", linestyle=":", linewidth=1)
ax.set_xlim(0, 1.12)
ax.set_xlabel("accuracy on 1000 test reviews (dotted: chance)")
ax.invert_yaxis()
fig.tight_layout()

# %%
# What the network reads
# ----------------------
# ``pipe[0].transform`` gives the token ids of a review. Feeding the classifier
# every prefix of them (the first word, the first two words, ...) shows how its
# belief that the review is positive moves as it reads. We take the first test
# reviews joined by "but" and by "although" that the bigram model gets wrong.
#
# The network was trained on complete reviews only, so its output in the middle
# of one is not a trained prediction, and it need not commit early. In the
# "although" review it is low after the concession ("painful ,") and settles on
# positive in the main clause. In the "but" review the output stays positive through
# "hardly quite gripping" and flips only at the final period: the negation was
# kept in the recurrent state, and read out when the review ended.

positive = list(pipe[-1].classes_).index("positive")
bag_of_words_predictions = bag_of_words.predict(texts_test)  # the uni+bigram model


def first_review(word):
    """The first test review holding ``word`` that the bag of bigrams misclassifies."""
    return next(
        index
        for index, text in enumerate(texts_test)
        if word in text.split() and bag_of_words_predictions[index] != y_test[index]
    )


fig, axes = plt.subplots(2, 1, figsize=(9, 6))
for ax, index in zip(axes, [first_review("but"), first_review("although")], strict=True):
    ids = pipe[0].transform([texts_test[index]])[0]
    words = pipe[0].inverse_transform([ids])[0]
    prefixes = [ids[:stop] for stop in range(1, len(ids) + 1)]
    proba = pipe[-1].predict_proba(prefixes)[:, positive]
    steps = np.arange(len(words))
    ax.plot(steps, proba, marker="o", color="C0")
    ax.axhline(0.5, color="k", linestyle=":", linewidth=1)
    ax.set_xticks(steps, words, rotation=60, ha="right")
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("P(positive)")
    ax.set_title(
        f"true: {y_test[index]}, RNN: {pipe.predict([texts_test[index]])[0]}, "
        f"bag of uni+bigrams: {bag_of_words_predictions[index]}",
        fontsize=10,
    )
axes[-1].set_xlabel("after reading this word")
fig.tight_layout()

# %%
# Training history
# ----------------
# The display takes the classifier, the last step of the pipeline. The
# validation loss drops sharply once the embedding has separated positive,
# negative and negating words.

display = TrainingHistoryDisplay.from_estimator(pipe[-1], name="GRU")
display.ax_.set_title("Cross-entropy per epoch")
plt.show()
