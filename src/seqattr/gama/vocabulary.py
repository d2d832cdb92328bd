"""The GAMA scoring vocabulary: every name a scoring is made of, what each metric needs,
and the one grammar of a scoring string.

A **scoring** is one way of turning a trained model into a per-position importance:

    mode/readout/ig_start/metric/reduction      e.g. exact/mean_logit/zero/gama/input

always five parts, in the config (`gama.scorings`, `gama_grid.scorings`), in the rules and
in every table and figure label (`Scoring.parse`, `Scoring.format`). The gama section's IG
always starts from `GAMA_IG_START`, so its scorings name that start too: a string has one
reading wherever it is written.

- mode: how the IG of an output is taken. `exact`, the method as the paper describes it
  (each output's logits on their own); `authors_code`, what the authors' code computes
  (its input gradient accumulates over the (output, token) loop), for the mean-logit
  readout only.
- readout: what IG attributes at each output: `mean_logit` (the paper: the mean of the 22
  logits) or `log_prob` (the log-probability of the observed next token).
- ig_start: where the IG path starts: `zero` (the paper: the all-zero input) or
  `mean_residue` (each residue starts from the mean of the 20 residue embeddings).
- metric: how the trained model's IG is compared with a reference (`METRIC_NEEDS` says
  what each reads).
- reduction: how the (output, input) matrix becomes a per-position profile.

A **baseline** is a comparison scorer that reads no IG: the trained model's own
information per position (`information`, a model baseline) and the model-free baselines
computed from the sequences alone (`MODEL_FREE_BASELINES`). Its rows carry `NO_SETTING`
in the fields it does not read; it is reported beside the listed scorings, never listed.

Torch-free and importing nothing of seqattr but its errors: the Snakefile reads it while
parsing, and `seqattr.gama.checks` checks a config with it.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

from seqattr.errors import ConfigError

MODES = ("exact", "authors_code")
AUTHORS_CODE = "authors_code"
# The authors' loop accumulates the mean-logit gradient; it has no other readout.
AUTHORS_CODE_READOUTS = ("mean_logit",)
READOUTS = ("mean_logit", "log_prob")
IG_STARTS = ("zero", "mean_residue")
# The gama section's IG path start (the paper's); only the grid compares starts (`gama_grid.ig_starts`).
GAMA_IG_START = "zero"
# input, output, both: the mean over a role's partners (`metric.importance_profile`); max, sum:
# the larger of a position's two roles, each the max or the sum over its partners
# (`gama.edges.position_scores`), which weigh an edge the same at both of its ends.
REDUCTIONS = ("input", "output", "both", "max", "sum")
EDGE_REDUCTIONS = ("max", "sum")
# A baseline's key fields for the settings it does not read, in every table.
NO_SETTING = "-"
# What each metric is, in every table (`kind` column) and figure: a GAMA scoring reads the IG
# of the trained model against a reference model; a baseline reads no IG; the two
# combinations add the information baseline to the null_spread GAMA scoring, so they are
# labelled as containing a baseline and never reported as GAMA alone.
KINDS = ("gama", "gama+baseline", "baseline")
MODEL_FREE_BASELINES = ("logo", "mi_apc", "potts_apc")
# Names a config may still carry from before the vocabulary, and what they are now.
RENAMED_VALUES = {"published": AUTHORS_CODE}
# What the information baseline is measured against (`gama.information_background`) when
# not a reference set's spec.
INFORMATION_BACKGROUNDS = ("uniform", "negatives")


@dataclass(frozen=True)
class MetricNeeds:
    """What a metric reads besides the set: the IG of the trained and reference models
    (`ig`), their medians and variances (`moments`), the IG of a null model trained on the
    column-shuffled set (`null_model`), the trained model itself on the attributed
    sequences (`trained_model`: the information term, measured against
    `gama.information_background`, which may be the set's non-binders), and its kind."""

    kind: str
    ig: bool = True
    moments: bool = False
    null_model: bool = False
    trained_model: bool = False


METRIC_NEEDS = {
    "gama": MetricNeeds("gama", moments=True),
    "effect_size": MetricNeeds("gama", moments=True),
    "spread": MetricNeeds("gama"),
    "null_spread": MetricNeeds("gama", null_model=True),
    "information": MetricNeeds("baseline", ig=False, trained_model=True),
    "null_spread_information": MetricNeeds("gama+baseline", null_model=True, trained_model=True),
    "null_spread_or_information": MetricNeeds("gama+baseline", null_model=True, trained_model=True),
}
METRICS = tuple(METRIC_NEEDS)
MOMENT_METRICS = tuple(m for m, needs in METRIC_NEEDS.items() if needs.moments)
NULL_METRICS = tuple(m for m, needs in METRIC_NEEDS.items() if needs.null_model)
INFORMATION_METRICS = tuple(m for m, needs in METRIC_NEEDS.items() if needs.trained_model)
BASELINE_METRICS = tuple(m for m, needs in METRIC_NEEDS.items() if not needs.ig)
COMBINED_METRICS = tuple(m for m, needs in METRIC_NEEDS.items() if needs.kind == "gama+baseline")


def metric_kind(metric: str) -> str:
    """`gama`, `gama+baseline` (null_spread plus the information baseline) or `baseline`
    (the information metric and the model-free baselines)."""
    if metric in MODEL_FREE_BASELINES:
        return "baseline"
    if metric not in METRIC_NEEDS:
        raise ValueError(f"metric {metric!r}: allowed {METRICS + MODEL_FREE_BASELINES}")
    return METRIC_NEEDS[metric].kind


def kind_label(kind: str, label: str) -> str:
    """A scoring's label in a figure: prefixed "baseline: " or "GAMA + baseline: " unless GAMA."""
    return {"gama": label, "baseline": f"baseline: {label}", "gama+baseline": f"GAMA + baseline: {label}"}[kind]


def needs_null_model(metrics) -> bool:
    return bool(set(metrics) & set(NULL_METRICS))


def needs_trained_model(metrics) -> bool:
    return bool(set(metrics) & set(INFORMATION_METRICS))


def needs_negatives(metrics, background) -> bool:
    """Whether the metrics read each set's non-binders: an information metric measured
    against the `negatives` background."""
    return needs_trained_model(metrics) and background == "negatives"


def mode_has_readout(mode: str, readout: str) -> bool:
    return mode != AUTHORS_CODE or readout in AUTHORS_CODE_READOUTS


def ig_pairs(modes, readouts) -> list[tuple[str, str]]:
    """The (mode, readout) pairs that exist, readout by readout: `authors_code` is the
    authors' mean-logit loop only."""
    return [(mode, readout) for readout in readouts for mode in modes if mode_has_readout(mode, readout)]


@dataclass(frozen=True)
class Scoring:
    """One scoring, mode/readout/ig_start/metric/reduction (the module docstring). A
    baseline's row holds `NO_SETTING` in the fields it does not read (`Scoring.of_baseline`)."""

    mode: str
    readout: str
    ig_start: str
    metric: str
    reduction: str

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The five parts in order: a table's scoring columns."""
        return tuple(field.name for field in fields(cls))

    @classmethod
    def parse(cls, text: str, key: str = "scorings") -> "Scoring":
        """The scoring a config lists: five parts, each one of the vocabulary's names, a
        GAMA scoring (baselines are always reported, never listed). ConfigError naming
        `key` and the allowed values otherwise."""
        parts = str(text).split("/")
        if len(parts) != len(cls.field_names()):
            raise ConfigError(f"{key}: {text!r} has {len(parts)} parts; a scoring is {GRAMMAR} "
                              f"(e.g. {PAPER_SCORING.format()})")
        scoring = cls(*parts)
        for name, value in zip(cls.field_names(), parts):
            allowed = ALLOWED[name]
            if value in RENAMED_VALUES and RENAMED_VALUES[value] in allowed:
                raise ConfigError(f"{key}: {text!r}: {name} {value!r} is now named {RENAMED_VALUES[value]!r}")
            if value not in allowed:
                raise ConfigError(f"{key}: {text!r} has {name} {value!r}; allowed: {', '.join(allowed)}")
        if METRIC_NEEDS[scoring.metric].kind == "baseline":
            raise ConfigError(f"{key}: {text!r}: {scoring.metric} is a baseline (it reads no IG) and is always "
                              f"reported; list GAMA scorings only")
        if not mode_has_readout(scoring.mode, scoring.readout):
            raise ConfigError(f"{key}: {text!r}: mode {AUTHORS_CODE} exists for readout "
                              f"{', '.join(AUTHORS_CODE_READOUTS)} only")
        return scoring

    @classmethod
    def of_baseline(cls, metric: str, reduction: str = NO_SETTING) -> "Scoring":
        """A baseline's row: no mode, readout or IG start (it reads no IG)."""
        return cls(NO_SETTING, NO_SETTING, NO_SETTING, metric, reduction)

    @classmethod
    def of_row(cls, row, ig_start: str | None = None) -> "Scoring":
        """The scoring of a table row (a mapping with the scoring columns); `ig_start` for
        a table without that column (the gama section's: `GAMA_IG_START`), NO_SETTING for a
        baseline's row."""
        start = row["ig_start"] if ig_start is None else (NO_SETTING if row["mode"] == NO_SETTING else ig_start)
        return cls(str(row["mode"]), str(row["readout"]), str(start), str(row["metric"]), str(row["reduction"]))

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return astuple(self)

    @property
    def kind(self) -> str:
        return metric_kind(self.metric)

    def format(self) -> str:
        return "/".join(self.key)

    def label(self) -> str:
        """The scoring named by its kind (`kind_label`): a baseline is one row, "baseline:
        <metric>", whatever the IG settings it does not read."""
        if self.kind == "baseline":
            return kind_label(self.kind, self.metric)
        return kind_label(self.kind, self.format())


GRAMMAR = "/".join(Scoring.field_names())
ALLOWED = {"mode": MODES, "readout": READOUTS, "ig_start": IG_STARTS, "metric": METRICS, "reduction": REDUCTIONS}
# The paper's scoring: its method, its readout, its IG start, its metric and reduction.
PAPER_SCORING = Scoring("exact", "mean_logit", "zero", "gama", "input")
# The config key a section lists each part's values under (the gama section has no
# ig_starts key: its IG starts from GAMA_IG_START).
SECTION_KEYS = {name: f"{name}s" for name in Scoring.field_names()}
