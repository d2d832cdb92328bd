"""The smallest sets and sequences the workflow accepts, and why (one home of the floors).

Checked twice: at validation where the size is in the config (synthetic sets,
`gama.max_sequences` and `gama.min_stratum` with a bootstrap; the schema's minimum of
`generative.sets.*.min_size` is MIN_BOOTSTRAP_SEQUENCES), and at import where a real file
is read. The reasons are measured by a tiny LSTM through the whole GAMA chain on sets of a
few sequences (record: gama_small_sets.importance.n1, gama_small_sets.interval_ratio.n2,
gama_small_sets.interval_ratio.n3, gama_small_sets.interval_ratio.n10,
gama_small_sets.interval_ratio.n20, gama_small_sets.importance.one_residue): one sequence
gives NaN importances, two give bootstrap intervals of zero width, a few give intervals many
times the largest importance, and one-residue sequences run the whole chain to a NaN
importance.
"""

from __future__ import annotations

from seqattr.errors import ConfigError, InputError

# GAMA's score divides by the spread of IG over the attributed sequences: one sequence has
# none (NaN importances). A bootstrap over two resamples them into intervals of zero width,
# a certainty the data do not have.
MIN_BOOTSTRAP_SEQUENCES = 3
BOOTSTRAP_REASON = ("a bootstrap over 2 sequences gives intervals of zero width and 1 sequence NaN importances "
                    "(docs/results.md#gama_small_sets.interval_ratio.n2)")
# Why a set has a configured minimum at all (generative.sets.*.min_size).
SMALL_SET_REASON = ("GAMA's bootstrap intervals are several times the largest importance at 3 and at 10 sequences "
                    "(docs/results.md#gama_small_sets.interval_ratio.n10)")
# A one-residue sequence has no other position for GAMA to attribute to: the chain ran
# to a NaN importance.
MIN_RESIDUES = 2
# Each class on each side of a classifier's train/test data: a class with one test
# sequence gets an accuracy of 0 or 1, no spread to compare models on.
MIN_PER_CLASS = 2


def check_gama_sizes(config: dict) -> None:
    """With a bootstrap, the attributed sequences (`max_sequences`) and a CDR3 length
    stratum (`min_stratum`) hold at least MIN_BOOTSTRAP_SEQUENCES."""
    gama = config.get("gama") or {}
    if not gama.get("bootstrap"):
        return
    for key in ("max_sequences", "min_stratum"):
        value = gama.get(key)
        if value is not None and value < MIN_BOOTSTRAP_SEQUENCES:
            raise ConfigError(f"gama.{key}: {value} sequences are too few for gama.bootstrap = {gama['bootstrap']}: "
                              f"{BOOTSTRAP_REASON}; use at least {MIN_BOOTSTRAP_SEQUENCES} or bootstrap: 0")


def check_synthetic_set(key: str, spec: dict, validation_fraction: float) -> None:
    """A synthetic positive set is at least its `min_size` and leaves sequences on both
    sides of the LSTM's held-out split."""
    if spec["n"] < spec.get("min_size", 0):
        raise ConfigError(f"{key}.n: {spec['n']} sequences, fewer than {key}.min_size = {spec['min_size']}: "
                          f"{SMALL_SET_REASON}")
    check_held_out(key + ".n", spec["n"], validation_fraction, ConfigError)


def check_held_out(source: str, n: int, fraction: float, error=InputError) -> None:
    """round(fraction * n) held-out sequences must be at least one and leave one to train on."""
    held = round(fraction * n)
    if held < 1 or held > n - 1:
        raise error(f"{source}: {n} sequences with generative.training.validation_fraction {fraction} hold out "
                    f"{held}; the LSTM's held-out split needs at least 1 held out and 1 to train on (early stopping "
                    f"would watch the training NLL); raise the fraction or give more sequences")


def check_positive_sequences(frame, source: str) -> None:
    """InputError for a positive set GAMA cannot score: a sequence shorter than MIN_RESIDUES
    (named by id and number), or every sequence a copy of one (no held-out split)."""
    lengths = frame["sequence"].str.len()
    short = (lengths < MIN_RESIDUES).to_numpy().nonzero()[0]
    if len(short):
        row = int(short[0])
        raise InputError(f"{source}: record {frame['id'].iloc[row]!r} (number {row + 1}) has {int(lengths.iloc[row])} "
                         f"residue{'s' if lengths.iloc[row] != 1 else ''} ({len(short)} such records); GAMA needs at "
                         f"least {MIN_RESIDUES}: a one-residue sequence has no other position to attribute to, and the "
                         f"chain ran to a NaN importance (docs/results.md#gama_small_sets.importance.one_residue)")
    if len(frame) > 1 and frame["sequence"].str.upper().nunique() < 2:
        raise InputError(f"{source}: all {len(frame)} sequences are copies of {frame['sequence'].iloc[0]!r}; the "
                         f"LSTM's held-out split keeps copies on one side, so nothing could be held out, and GAMA "
                         f"needs varied sequences")


def check_class_sizes(train, test, source: str) -> None:
    """InputError for a class with fewer than MIN_PER_CLASS sequences in train or test."""
    reasons = {"training": "one training sequence of a class is all the model learns it from, and the "
                           "validation split can take it whole",
               "test": "a class with one test sequence gets an accuracy of 0 or 1, no spread to compare models on"}
    for name, frame in (("training", train), ("test", test)):
        counts = frame["label"].value_counts()
        small = counts[counts < MIN_PER_CLASS]
        if len(small):
            label, n = small.index[0], int(small.iloc[0])
            raise InputError(f"{source}: class {label!r} has {n} {name} sequence{'s' if n != 1 else ''}, fewer than "
                             f"{MIN_PER_CLASS}: {reasons[name]}; add sequences")
