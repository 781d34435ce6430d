"""Read and validate the visualiser's settings (settings.toml via os.getenv on the board).

Pure logic, runs under MicroPython. CircuitPython's settings.toml holds strings and
integers only (no floats, no booleans), and newer releases return every value as a
string, so each key accepts both and parses it here. A bad value never stops the
board: it is replaced by that key's default and reported in one short line.
"""

from nn import activations, losses, optim, schedules
from nn.problems import DATASETS  # the names only: nn.problems itself is released after set-up

# The choices are nn's own registries, read when settings are checked: a new activation,
# loss, optimiser, schedule or data set in nn is a valid setting with no edit here.
SPECS = (
    # key, default, kind, check (a container of choices, or (lo, hi)), what it sets
    ("NN_LAYERS", "2,3,3,1", "layers", (1, 5), "layer sizes, inputs first"),
    ("NN_ACTIVATION", "sigmoid", "choice", activations.ACTIVATIONS, "hidden-layer activation"),
    ("NN_OUTPUT_ACTIVATION", "sigmoid", "choice", activations.ACTIVATIONS, "output activation"),
    ("NN_LOSS", "mse", "choice", losses.LOSSES, "mse = half squared error, bce = cross-entropy"),
    ("NN_OPTIMIZER", "momentum", "choice", optim.OPTIMIZERS, "SGD with or without momentum"),
    ("NN_MOMENTUM", "0.9", "float", (0.0, 0.99), "momentum factor"),
    ("NN_LEARNING_RATE", "0.5", "float", (1e-6, 1e6), "learning rate at epoch 0"),
    (
        "NN_SCHEDULE",
        "constant",
        "choice",
        schedules.SCHEDULES,
        "learning-rate schedule (per epoch)",
    ),
    ("NN_SCHEDULE_FACTOR", "0.5", "float", (0.01, 1.0), "step factor / exponential decay"),
    ("NN_SCHEDULE_EPOCHS", 10, "int", (1, 100000), "step every N epochs / cosine length"),
    ("NN_BATCH_SIZE", 32, "int", (1, 256), "samples per mini-batch"),
    ("NN_DATASET", "regression", "choice", DATASETS, "training data"),
    ("NN_SEED", 0, "int", (0, 2**30 - 1), "random seed, 0 = a new one every boot"),
    ("PULSE_MS", 300, "int", (20, 60000), "forward pulse per sample (ms)"),
    ("BACKWARD_PULSE_MS", 900, "int", (20, 60000), "backward pulse per batch (ms)"),
    ("FAST_FORWARD_BATCHES", 15, "int", (0, 100000), "batches trained unseen between shown ones"),
    ("LED_BIT_DEPTH", 5, "int", (1, 6), "colour bits per channel on the panel"),
    ("LED_GAMMA", "2.2", "float", (1.0, 4.0), "brightness curve"),
    ("SHOW_LOSS", 1, "bool", None, "best-loss readout at start (1 on, 0 off)"),
    ("SHOW_COLOURS", 1, "bool", None, "red/blue weight colours at start (1 on, 0 off)"),
    ("CHECKPOINT_MINUTES", 10, "int", (0, 10080), "least minutes between saves, 0 = never"),
)


def _parse(kind, value, check):
    """The parsed value, or raise ValueError with a short reason."""
    text = str(value).strip()
    if kind == "choice":
        if text not in check:
            raise ValueError("is not one of " + "/".join(sorted(check)))
        return text
    if kind == "bool":
        if text not in ("0", "1"):
            raise ValueError("is not 1 or 0")
        return text == "1"
    if kind == "int":
        try:
            number = int(text)
        except ValueError:
            raise ValueError("is not a whole number") from None
    elif kind == "float":
        try:
            number = float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if number != number:
            raise ValueError("is not a number")
    else:  # layers
        try:
            number = [int(part) for part in text.split(",")]
        except ValueError:
            raise ValueError("is not sizes like 2,3,3,1") from None
        if len(number) < 2:
            raise ValueError("has fewer than 2 layers")
        lo, hi = check
        for size in number:
            if not lo <= size <= hi:
                raise ValueError("has a size outside %d..%d" % (lo, hi))
        return number
    lo, hi = check
    if not lo <= number <= hi:
        raise ValueError("is outside %s..%s" % (lo, hi))
    return number


OUR_PREFIXES = ("NN_", "PULSE_", "BACKWARD_", "FAST_", "LED_", "SHOW_", "CHECKPOINT_")


def _scan(path, problems):
    """Read the settings file line by line as the board's os.getenv does and report each line
    of ours it ignores; {key: line number} of the lines it reads, the first for each key.

    Keys of CircuitPython itself (CIRCUITPY_*) or of other programs are left alone. A missing
    or unreadable file has none. Read as bytes: text mode would also end lines at a lone CR,
    which the board does not.
    """
    read = {}
    header = 0  # the [table] line that ends the file for the board
    number = 0
    try:
        with open(path, "rb") as lines:
            for line in lines:
                number += 1
                line = line.strip()
                if line.startswith(b"[") and not header:
                    header = number
                at = line.find(b"=")
                key = line[:at].strip()
                bom = key.startswith(b"\xef\xbb\xbf")  # part of the key to the board
                if bom:
                    key = key[3:].strip()
                try:
                    key = key.decode()  # only the key: the board never decodes comments
                except UnicodeError:
                    continue
                if at < 0 or not key.upper().startswith(OUR_PREFIXES):
                    continue
                why = _ignored(key, number, header, bom, read)
                if why:
                    problems.append("%s: %s" % (key, why))
                else:
                    read[key] = number
    except OSError:
        pass
    return read


def _ignored(key, number, header, bom, read):
    """Why the board does not read line ``number``, which sets ``key``, or None."""
    if not any(spec[0] == key.upper() for spec in SPECS):
        return "unknown setting, ignored (see README)"
    if header:
        return "line %d ignored, the board stops at the [section] on line %d" % (number, header)
    if bom:
        return "line %d ignored, it starts with a BOM (save the file without one)" % number
    if key != key.upper():
        return "line %d ignored, keys are case-sensitive (%s)" % (number, key.upper())
    if key in read:
        return "line %d ignored, the board reads line %d (the first)" % (number, read[key])
    return None


def read(getenv, path=None):
    """(settings, problems): every key's parsed value, and one "KEY: why" line per bad key.

    ``getenv(key)`` returns the raw value or None (``os.getenv`` on the board); ``path``
    names the settings file, checked for lines the board ignores or cannot read.
    """
    settings = {}
    problems = []
    lines = {} if path is None else _scan(path, problems)
    for key, default, kind, check, _ in SPECS:
        raw = getenv(key)
        settings[key] = _parse(kind, default, check)
        if raw is None:
            if key in lines:  # the board found the line but not a value it can read
                problems.append(
                    "%s: line %d unreadable to the board (check its quotes); using %s"
                    % (key, lines[key], default)
                )
            continue
        try:
            settings[key] = _parse(kind, raw, check)
        except ValueError as error:
            problems.append("%s: %r %s; using %s" % (key, raw, error, default))
    _check_combinations(settings, problems)
    return settings, problems


def _check_combinations(settings, problems):
    """Keys that are fine alone but not together fall back to the defaults."""
    if settings["NN_LOSS"] == "bce" and settings["NN_OUTPUT_ACTIVATION"] != "sigmoid":
        problems.append("NN_OUTPUT_ACTIVATION: loss bce needs sigmoid; using sigmoid")
        settings["NN_OUTPUT_ACTIVATION"] = "sigmoid"
    from render.layout import Layout  # the shape must fit the 64x32 panel

    try:
        Layout(settings["NN_LAYERS"])
    except ValueError as error:
        problems.append("NN_LAYERS: %s; using 2,3,3,1" % error)
        settings["NN_LAYERS"] = [2, 3, 3, 1]
    layers = settings["NN_LAYERS"]
    if layers[0] != 2 or layers[-1] != 1:  # every data set has 2 features and 1 target
        problems.append("NN_LAYERS: the data has 2 inputs and 1 output; using 2,...,1")
        layers[0] = 2
        layers[-1] = 1
