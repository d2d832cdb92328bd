"""GAMA on CDR3s of mixed lengths: per length stratum, combined on IMGT positions."""

import numpy as np
import pandas as pd
import pytest
import torch

from seqattr.gama.strata import combine_matrices, combine_profiles, imgt_columns, strata
from seqattr.generative.alphabet import AMINO_ACIDS
from seqattr.generative.checkpoint import save_model
from seqattr.generative.lstm import GenerativeLSTM
from seqattr.io import read_table, write_table


def test_strata_keep_the_lengths_with_enough_sequences():
    assert strata([5, 5, 6, 7, 7, 7], 2) == ([5, 7], {5: 2, 6: 1, 7: 3})


def test_profiles_are_count_weighted_on_imgt_positions():
    keys = ["metric"]
    five = pd.DataFrame({"metric": "gama", "position": range(1, 6), "importance": [1.0, 2, 3, 4, 5]})
    six = pd.DataFrame({"metric": "gama", "position": range(1, 7), "importance": [7.0, 8, 9, 10, 11, np.nan]})
    combined = combine_profiles({5: five, 6: six}, {5: 1, 6: 3}, keys)
    # 5: 105 106 107 116 117; 6: 105 106 107 115 116 117
    assert combined["imgt_position"].tolist() == ["105", "106", "107", "115", "116", "117"]
    assert combined["position"].tolist() == [1, 2, 3, 4, 5, 6]
    assert combined["n_sequences"].tolist() == [4, 4, 4, 3, 4, 4]
    expected = [(1 + 3 * 7) / 4, (2 + 24) / 4, (3 + 27) / 4, 10, (4 + 33) / 4, 5]  # NaN skipped at 117
    assert combined["importance"].tolist() == pytest.approx(expected)


def test_matrices_are_count_weighted_over_imgt_tokens():
    five, six = torch.ones(7, 7), torch.full((8, 8), 3.0)
    six[0, 0] = float("nan")
    combined, labels = combine_matrices({5: five, 6: six}, {5: 1, 6: 1})
    assert labels == ["START", *imgt_columns([5, 6]), "END"] and combined.shape == (8, 8)
    assert combined[1, 1] == 2 and combined[0, 0] == 1  # the NaN entry: only length 5 defines it
    assert combined[4, 4] == 3  # IMGT 115: only length 6 has it


def test_mixed_length_cdr3_set_runs_through_ig_gama_and_summary(tmp_path):
    from seqattr.gama import steps

    rng = np.random.default_rng(0)
    sequences = ["".join(rng.choice(list(AMINO_ACIDS), size=n)) for n in [12] * 12 + [14] * 12 + [15] * 3]
    write_table(pd.DataFrame({"id": [f"s{i}" for i in range(len(sequences))], "sequence": sequences}),
                tmp_path / "sequences.tsv.gz")
    torch.manual_seed(0)
    for state in ("initial", "trained"):
        save_model(GenerativeLSTM(8), tmp_path / f"{state}.pt", set_name="cdr3")
    options = {"modes": ["exact"], "readouts": ["mean_logit", "log_prob"], "quadrature": "gauss-legendre",
               "ig_steps": 4, "batch_size": 512, "max_sequences": None, "seed": 0, "device": "cpu"}
    for state in ("initial", "trained"):
        steps.ig(tmp_path / f"{state}.pt", tmp_path / "sequences.tsv.gz", tmp_path / f"ig_{state}.pt",
                 options=options, set_name="cdr3", model={"hidden_size": 8}, state=state, min_stratum=10)
    out = {name: tmp_path / name for name in ("matrix.tsv", "profile.tsv", "bootstrap.tsv.gz")}
    steps.gama(tmp_path / "ig_initial.pt", tmp_path / "ig_trained.pt", out["matrix.tsv"], out["profile.tsv"],
               out["bootstrap.tsv.gz"], metrics=("gama", "effect_size"), reductions=("input", "both"),
               bootstrap=3, imgt=True)
    profile = read_table(out["profile.tsv"], dtype={"imgt_position": str})
    scoring = profile[(profile.readout == "mean_logit") & (profile.metric == "gama") & (profile.reduction == "input")]
    # lengths 12 and 14 (15 has 3 < 10 sequences: left out): 12 lacks 111, 14 adds 112.1
    assert scoring["imgt_position"].tolist() == ["105", "106", "107", "108", "109", "110", "111", "112.1", "112",
                                                 "113", "114", "115", "116", "117"]
    counts = dict(zip(scoring["imgt_position"], scoring["n_sequences"]))
    assert counts["111"] == 12 and counts["112.1"] == 12 and counts["105"] == 24
    assert (profile["n_attributed"] == 24).all() and set(profile["kind"]) == {"gama"}
    matrix = read_table(out["matrix.tsv"])
    assert matrix["output_pos"].max() == 15  # START, 14 IMGT positions, END
    boot = read_table(out["bootstrap.tsv.gz"])
    assert set(boot["draw"]) == {1, 2, 3} and boot["position"].max() == 14
    steps.summarise([out["profile.tsv"]], [out["bootstrap.tsv.gz"]], [out["matrix.tsv"]], tmp_path / "summary.tsv",
                    tmp_path / "summary_matrix.tsv")
    summary = read_table(tmp_path / "summary.tsv", dtype={"imgt_position": str})
    assert {"imgt_position", "n_sequences", "ci_low", "ci_high"} <= set(summary.columns)
    # labels, not numbers: "105", not "105.0" (and 111.10 would otherwise read as 111.1)
    assert summary["imgt_position"].iloc[0] == "105" and "112.1" in set(summary["imgt_position"])
    assert summary["ci_low"].notna().any()


def test_residue_views_map_scan_and_agreement(tmp_path):
    from seqattr.gama import steps
    from seqattr.gama.residues import mutational_scan, sequence_log_likelihood
    from seqattr.generative.alphabet import tokenize

    rng = np.random.default_rng(1)
    sequences = ["".join(rng.choice(list(AMINO_ACIDS), size=6)) for _ in range(30)]
    write_table(pd.DataFrame({"id": range(30), "sequence": sequences}), tmp_path / "sequences.tsv.gz")
    torch.manual_seed(1)
    model = GenerativeLSTM(8)
    for state in ("initial", "trained"):
        save_model(model if state == "trained" else GenerativeLSTM(8), tmp_path / f"{state}.pt", set_name="s")
    # the scan's deltas are exact log-likelihood differences of single mutants
    scan = mutational_scan(model, sequences[:3], imgt=False)
    mutant = sequences[0][:2] + ("A" if sequences[0][2] != "A" else "C") + sequences[0][3:]
    lls = sequence_log_likelihood(model, tokenize([sequences[0], mutant]))
    assert scan.set_index(["column", "residue"]).loc[("3", mutant[2]), "n"] >= 1
    assert len(scan) == 6 * 20 and np.isfinite(float(lls[1] - lls[0]))
    options = {"modes": ["exact"], "readouts": ["log_prob"], "quadrature": "gauss-legendre", "ig_steps": 4,
               "batch_size": 512, "max_sequences": None, "seed": 0, "device": "cpu"}
    for state in ("initial", "trained"):
        steps.ig(tmp_path / f"{state}.pt", tmp_path / "sequences.tsv.gz", tmp_path / f"ig_{state}.pt",
                 options=options, set_name="s", model={"hidden_size": 8}, state=state)
    truth = pd.DataFrame({"column": np.repeat([str(p) for p in range(1, 7)], 20),
                          "residue": np.tile(list(AMINO_ACIDS), 6), "log_odds": rng.normal(size=120)})
    write_table(truth, tmp_path / "truth.tsv")
    out = {k: tmp_path / k for k in ("map.tsv", "scan.tsv", "agree.tsv", "f.png", "f.pdf")}
    steps.residue_views([tmp_path / "ig_initial.pt"], [tmp_path / "ig_trained.pt"], [tmp_path / "trained.pt"],
                        tmp_path / "sequences.tsv.gz", out["map.tsv"], out["scan.tsv"], out["agree.tsv"],
                        out["f.png"], out["f.pdf"], set_name="s", model={"hidden_size": 8},
                        negatives_residues=tmp_path / "truth.tsv")
    residues = read_table(out["map.tsv"])
    assert residues.groupby("column")["n"].sum().eq(30).all()  # every sequence counted once per position
    agreement = read_table(out["agree.tsv"])
    assert set(agreement["view"]) == {"mutational_scan", "ig_difference"} and (agreement["n_cells"] > 50).all()
    assert out["f.png"].stat().st_size > 10_000


def test_the_output_role_of_position_1_is_undefined_not_degenerate(tmp_path):
    """NaN at (reduction output, position 1) is structural (predicted from START alone) and
    passes the summary; a NaN anywhere else still stops it."""
    from seqattr import InputError
    from seqattr.gama import steps

    rows = [{"mode": "exact", "readout": "log_prob", "metric": "gama", "reduction": reduction, "kind": "gama",
             "position": p, "importance": np.nan if (reduction == "output" and p == 1) else float(p), "rank": 1,
             "replicate": 1, "n_attributed": 5} for reduction in ("input", "output") for p in (1, 2, 3)]
    matrix = pd.DataFrame({"mode": "exact", "readout": "log_prob", "metric": "gama", "output_pos": [0],
                           "input_pos": [0], "score": [np.nan]})
    write_table(pd.DataFrame(rows), tmp_path / "p.tsv")
    write_table(matrix, tmp_path / "m.tsv")
    steps.summarise([tmp_path / "p.tsv"], [], [tmp_path / "m.tsv"], tmp_path / "s.tsv", tmp_path / "sm.tsv")
    assert read_table(tmp_path / "s.tsv")["importance"].isna().sum() == 1
    rows[1]["importance"] = np.nan  # input role, position 2
    write_table(pd.DataFrame(rows), tmp_path / "p.tsv")
    with pytest.raises(InputError, match="position 2"):
        steps.summarise([tmp_path / "p.tsv"], [], [tmp_path / "m.tsv"], tmp_path / "s.tsv", tmp_path / "sm.tsv")
