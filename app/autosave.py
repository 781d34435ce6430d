"""Keep training across power cuts: checkpoints in microcontroller.nvm, written rarely.

Flash wears out, so a checkpoint is written only when the best loss has improved and
at most once every CHECKPOINT_MINUTES (the first one right away). A failed write
(e.g. OSError errno 30) is reported once and training goes on.
"""

from adafruit_ticks import ticks_diff

from nn import checkpoint

# The settings that shape training, sorted: the fingerprint walks this tuple, never a dict.
# (NN_SEED is not among them: the record keeps the seed itself.)
TRAINING_KEYS = (
    "NN_ACTIVATION",
    "NN_BATCH_SIZE",
    "NN_DATASET",
    "NN_LAYERS",
    "NN_LEARNING_RATE",
    "NN_LOSS",
    "NN_MOMENTUM",
    "NN_OPTIMIZER",
    "NN_OUTPUT_ACTIVATION",
    "NN_SCHEDULE",
    "NN_SCHEDULE_EPOCHS",
    "NN_SCHEDULE_FACTOR",
)


def fingerprint(settings):
    """The text that names a training set-up: ``KEY=value`` lines, floats to 6 digits.

    A checkpoint resumes only under an equal fingerprint."""
    lines = []
    for key in TRAINING_KEYS:
        value = settings[key]
        if isinstance(value, (list, tuple)):
            value = ",".join([str(item) for item in value])
        elif isinstance(value, float):
            value = "%.6g" % value
        lines.append("%s=%s" % (key, value))
    return "\n".join(lines)


class Autosave:
    """Saves and restores a Trainer in ``storage`` (nvm-like bytes; None: nothing is kept)."""

    def __init__(self, storage, settings, *, log=print):
        self.nvm = storage
        self.log = log
        self.fingerprint = fingerprint(settings)
        self.wanted_seed = settings["NN_SEED"]
        self.sizes = settings["NN_LAYERS"]
        self.every_ms = settings["CHECKPOINT_MINUTES"] * 60000
        self.seed = 0
        self._saved_at = None
        self._saved_best = None
        self._failed = False

    def find(self):
        """(Checkpoint, None) to resume from, or (None, why not)."""
        if self.nvm is None:
            return None, "this board has no nvm"
        # Each seed's record is kept apart: NN_SEED = 0 resumes the newest of any seed.
        state, reason = checkpoint.load(
            self.nvm, self.fingerprint, self.sizes, self.wanted_seed or None
        )
        if state is None and self.wanted_seed:
            state, reason = checkpoint.load(self.nvm, self.fingerprint, self.sizes)
        if state is not None and self.wanted_seed not in (0, state.seed):
            return None, "checkpoint is for seed %d, settings ask for %d" % (
                state.seed,
                self.wanted_seed,
            )
        return state, reason

    def load(self, trainer):
        """Put the newest matching checkpoint back into ``trainer``; False if there is none."""
        state, _ = self.find()
        if state is None:
            return False
        checkpoint.restore(trainer, state)
        self._saved_best = state.best_loss
        return True

    def maybe_save(self, trainer, now):
        """After a batch: save if the best loss improved and the interval has passed."""
        best = trainer.best_loss
        if self.nvm is None or self.every_ms <= 0 or best is None or trainer.diverged:
            return
        if self._saved_best is not None and best >= self._saved_best:
            return
        if self._saved_at is not None and ticks_diff(now, self._saved_at) < self.every_ms:
            return
        saved = self._guarded(checkpoint.save, self.nvm, trainer, self.seed, self.fingerprint)
        self._saved_at = now  # a failed write, too, waits the interval before the next try
        if saved:
            self._saved_best = best

    def clear(self):
        """Forget the checkpoints find() would resume (a restart by the buttons); those of
        other settings are kept."""
        if self.nvm is not None:
            self._guarded(checkpoint.forget, self.nvm, self.fingerprint, self.wanted_seed or None)
        self._saved_at = None
        self._saved_best = None

    def _guarded(self, write, *args):
        try:
            write(*args)
            return True
        except OSError as error:
            if not self._failed:
                self.log("cannot write the checkpoint (%s); training goes on" % error)
                self._failed = True
            return False
