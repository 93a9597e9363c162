"""A generator of short film reviews whose sentiment depends on word order."""

import numpy as np
from sklearn.utils import check_random_state

SUBJECTS = (
    "the movie", "this film", "the plot", "the acting", "the soundtrack", "the ending",
    "the cast", "the script", "the dialogue", "the camera work", "the story", "the pacing",
)
VERBS = ("was", "is", "felt", "seemed", "looked")
INTENSIFIERS = ("really", "very", "quite", "truly", "rather", "pretty", "so")
POSITIVE = (
    "good", "great", "wonderful", "brilliant", "enjoyable", "moving", "clever", "fun",
    "superb", "charming", "gripping", "beautiful",
)
NEGATIVE = (
    "bad", "awful", "boring", "dull", "terrible", "weak", "predictable", "clumsy",
    "tedious", "bland", "messy", "painful",
)
NEGATIONS = ("not", "never", "hardly")
FILLERS = (
    "i saw it on a sunday .", "my friend picked it .", "we went to the late show .",
    "it runs two hours .", "the cinema was full .", "i had read the book first .",
)
LABELS = np.array(["negative", "positive"])


def make_reviews(n_samples=1000, *, random_state=None):
    """Short film reviews labelled positive or negative, where word order matters.

    Every review holds one or two clauses such as "the plot was really not
    good", and sometimes a neutral sentence. A negation ("not", "never",
    "hardly") flips the sentiment of its clause's adjective. In a review of
    two clauses of opposite sentiment the second one, after "but" (or the
    main clause after an "although" clause), decides the label; clauses joined
    by "and" agree. Sentiment words occur in both classes, so a bag of words
    that ignores order cannot get every review right, while the label is a
    fixed function of the text (the answer is known).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of reviews.

    random_state : int, RandomState instance or None, default=None
        Seeds the generator.

    Returns
    -------
    texts : list of str
        The reviews, lowercase, tokens separated by spaces.

    labels : ndarray of str of shape (n_samples,)
        "positive" or "negative", about half each.

    Examples
    --------
    >>> from sklearn_rnn.datasets import make_reviews
    >>> texts, labels = make_reviews(3, random_state=0)
    >>> texts[1]
    'the ending is very terrible , but the acting was hardly awful .'
    >>> labels
    array(['negative', 'positive', 'positive'], dtype='<U8')
    """
    rng = check_random_state(random_state)
    texts, labels = [], []
    for _ in range(n_samples):
        label = int(rng.randint(2))
        texts.append(_review(rng, label))
        labels.append(label)
    return texts, LABELS[labels]


def _review(rng, label):
    """One review of sentiment ``label`` (1 positive, 0 negative)."""
    shape = rng.randint(4)
    if shape == 0:
        words = _clause(rng, label)
    elif shape == 1:
        words = [*_clause(rng, label), "and", *_clause(rng, label)]
    elif shape == 2:
        words = [*_clause(rng, 1 - label), ",", "but", *_clause(rng, label)]
    else:
        words = ["although", *_clause(rng, 1 - label), ",", *_clause(rng, label)]
    sentence = " ".join(words) + " ."
    if rng.rand() < 0.3:
        filler = FILLERS[rng.randint(len(FILLERS))]
        sentence = f"{filler} {sentence}" if rng.rand() < 0.5 else f"{sentence} {filler}"
    return sentence


def _clause(rng, sentiment):
    """Words of a clause such as "the plot was not really good", of the given sentiment."""
    negated = rng.rand() < 0.4
    adjectives = POSITIVE if bool(sentiment) != negated else NEGATIVE
    words = [_pick(rng, SUBJECTS), _pick(rng, VERBS)]
    if negated:
        words.append(_pick(rng, NEGATIONS))
    if rng.rand() < 0.4:
        words.append(_pick(rng, INTENSIFIERS))
    words.append(_pick(rng, adjectives))
    return " ".join(words).split()


def _pick(rng, words):
    return words[rng.randint(len(words))]
