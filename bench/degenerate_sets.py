"""What GAMA gives on degenerate positive sets: a few sequences, or one-residue sequences
(the reasons behind the minimum set size and sequence length checked at import).

    .venv/bin/python bench/degenerate_sets.py [--sizes 1 2 3 5 10 20 50] [--length 8]

For each size n, a synthetic AND set of n sequences (positions 3 and 6, length 8) runs the
GAMA chain as the workflow's steps do: LSTM training (hidden 8, at most 5 epochs), IG of
the initial and trained models (8 Gauss-Legendre nodes), GAMA with 200 bootstrap draws,
and the replicate summary. One line per n: whether every importance is finite, the
widest bootstrap interval (ci_high - ci_low) relative to the largest |importance|, and the
largest ci_high. Then the same chain on 20 one-residue sequences. Tiny models on purpose:
what is measured is what the set size does to the statistics, not a trained model.
"""

import argparse
import tempfile
from pathlib import Path


def chain(sequences: list[str], folder: Path, bootstrap: int = 200) -> str:
    import numpy as np
    import pandas as pd

    from seqattr.schema import schema_defaults
    from seqattr.gama import steps as gama_steps
    from seqattr.generative import steps as generative_steps
    from seqattr.io import read_table, write_table

    folder.mkdir(parents=True, exist_ok=True)
    # What is measured is the chain without the floors it justifies (seqattr.minimums).
    generative_steps.check_held_out = lambda *args, **kwargs: None
    write_table(pd.DataFrame({"id": [f"s{i}" for i in range(len(sequences))], "sequence": sequences}),
                folder / "sequences.tsv.gz")
    model = {"hidden_size": 8}
    training = {**schema_defaults("generative.training"), "max_epochs": 5, "device": "cpu"}
    generative_steps.train(folder / "sequences.tsv.gz", folder / "initial.pt", folder / "trained.pt",
                           folder / "history.tsv", folder / "timing.tsv", model=model, training=training,
                           set_name="toy")
    options = {**schema_defaults("gama"), "ig_steps": 8, "device": "cpu"}
    for state in ("initial", "trained"):
        gama_steps.ig(folder / f"{state}.pt", folder / "sequences.tsv.gz", folder / f"ig_{state}.pt",
                      options=options, set_name="toy", model=model, state=state)
    gama_steps.gama(folder / "ig_initial.pt", folder / "ig_trained.pt", folder / "matrix.tsv",
                    folder / "profile_r1.tsv", folder / "bootstrap_r1.tsv.gz", bootstrap=bootstrap)
    profile = read_table(folder / "profile_r1.tsv")
    finite = bool(np.isfinite(profile["importance"]).all())
    try:
        gama_steps.summarise([folder / "profile_r1.tsv"], [folder / "bootstrap_r1.tsv.gz"], [folder / "matrix.tsv"],
                             folder / "profile.tsv", folder / "matrix_mean.tsv", set_name="toy")
    except Exception as error:  # noqa: BLE001 - reported, it is what is measured
        return f"finite {finite}; summary refused: {error}"
    summary = read_table(folder / "profile.tsv")
    width = float((summary["ci_high"] - summary["ci_low"]).max())
    scale = float(summary["importance"].abs().max())
    return (f"finite {finite}; positions {len(summary)}; widest interval {width:.4g} = {width / scale:.3g} x the "
            f"largest |importance| ({scale:.4g}); largest ci_high {summary['ci_high'].max():.4g}; "
            f"intervals {list(zip(summary['ci_low'].round(3), summary['ci_high'].round(3)))[:3]}...")


def main() -> None:
    import logging

    from seqattr.generative.sets import synthetic_positive_set

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 3, 5, 10, 20, 50])
    parser.add_argument("--length", type=int, default=8)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            frame, _ = synthetic_positive_set(length=args.length, n=n, positions=[3, 6], logic="AND",
                                              signal_to_noise=1.0, seed=0)
            print(f"n = {n}: {chain(frame['sequence'].tolist(), Path(tmp) / f'n{n}')}", flush=True)
        frame, _ = synthetic_positive_set(length=2, n=20, positions=[1, 2], logic="AND", signal_to_noise=1.0, seed=0)
        one = [s[:1] for s in frame["sequence"]]
        print(f"20 one-residue sequences: {chain(one, Path(tmp) / 'one')}", flush=True)


if __name__ == "__main__":
    main()
