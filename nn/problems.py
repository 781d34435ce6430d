"""Ready-made training problems: data made, split, standardised and scaled for a network."""

from . import data

DATASETS = ("regression", "xor", "circles")


def load(dataset="regression", seed=None):
    """(train_x, train_y, test_x, test_y) for a named data set.

    "regression" is the original project's problem: make_regression(750, 2, noise 0.01),
    75/25 split (562/188), X standardised on the training split, y min-max scaled to
    [0, 1] for a sigmoid output. "xor" and "circles" are 0/1 classification sets for
    loss "bce" (X standardised as well).
    """
    if dataset == "regression":
        X, y = data.make_regression(750, 2, noise=0.01, seed=seed)
    elif dataset == "xor":
        X, y = data.make_xor(400, seed=seed)
    elif dataset == "circles":
        X, y = data.make_circles(400, seed=seed)
    else:
        raise ValueError("unknown dataset %r; choose one of %s" % (dataset, ", ".join(DATASETS)))
    x_train, x_test, y_train, y_test = data.train_test_split(X, y, 0.25, copy=False)
    data.standardise(x_train, x_test)
    if dataset == "regression":
        data.minmax_scale(y_train, y_test)
    return x_train, y_train, x_test, y_test
