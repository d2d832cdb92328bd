"""The motifs stage without numba: contributions, databases, q-values, tables, recall,
enrichment and the config checks. TF-MoDISco, TOMTOM and FIMO compile numba kernels for
minutes on a cold cache, so the suite leaves them out (TOMTOM is replaced by fixed
p-values where a table is built); `make run` runs them on the demo, where
planted_recall.tsv checks them against the planted truth."""

import re

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import false_discovery_control

from seqattr.config import ConfigError, validate_config
from seqattr.motifs import contributions, database, discovery, enrichment, matching, recall
from seqattr.motifs.database import DatabaseError, Motif
from seqattr.motifs.discovery import Pattern
from seqattr.motifs.checks import check_config as check_motifs
from seqattr.saliency.attribution import saliency_scores

from conftest import REPO

RNG = np.random.default_rng(0)


def onehot(n, length):
    codes = RNG.integers(0, 4, size=(n, length))
    x = np.zeros((n, 4, length), dtype=np.float32)
    np.put_along_axis(x, codes[:, None, :], 1.0, axis=1)
    return x


class TinyNet(torch.nn.Module):
    def __init__(self, length=12, classes=2):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv1d(4, 3, 5, padding=2)
        self.head = torch.nn.Linear(3 * length, classes)

    def forward(self, x):
        return self.head(torch.relu(self.conv(x)).flatten(1))


# --- contributions ------------------------------------------------------------------

def test_stored_hypothetical_times_input_is_the_saved_ig_and_delta_is_captum_s():
    from captum.attr import IntegratedGradients

    model, x = TinyNet().eval(), onehot(6, 12)
    result = saliency_scores(model, x, "ig", ig_steps=16, ig_internal_batch_size=32)
    assert result.hypothetical.shape == (6, 4, 12)
    np.testing.assert_allclose((result.hypothetical * x).sum(axis=1), result.scores, rtol=1e-5, atol=1e-6)
    xt = torch.as_tensor(x)
    attr, delta = IntegratedGradients(model).attribute(xt, baselines=0.0, target=torch.as_tensor(result.targets),
                                                       n_steps=16, return_convergence_delta=True)
    np.testing.assert_allclose(attr.sum(dim=1).numpy(), result.scores, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(delta.numpy(), result.delta, rtol=1e-3, atol=1e-5)


def test_deep_lift_shap_file_gives_discovery_its_hypothetical_contributions(tmp_path):
    from seqattr.io import save_npz
    from seqattr.motifs.steps import hypothetical_contributions

    model, x = TinyNet().eval(), onehot(5, 12)
    result = saliency_scores(model, x, "deep_lift_shap", shuffles=3)
    index = np.array([0, 2, 3, 5, 6])
    onehot_all = np.zeros((7, 4, 12), dtype=np.float32)
    onehot_all[index] = x
    save_npz(tmp_path / "s.npz", index=index, scores=result.scores, hypothetical=result.hypothetical)
    rows, observed, hypothetical = hypothetical_contributions("deep_lift_shap", tmp_path / "s.npz", onehot_all,
                                                              np.ones((7, 12), bool))
    np.testing.assert_array_equal(rows, index)
    np.testing.assert_array_equal(hypothetical, result.hypothetical)
    np.testing.assert_allclose((observed * hypothetical).sum(axis=1), result.scores, rtol=1e-6, atol=1e-7)


def test_deep_lift_shap_motifs_need_its_saliency_maps():
    import yaml

    with pytest.raises(ConfigError, match=r"^motifs.classifiers\[0\].methods: 'deep_lift_shap' reads the "
                                          r"deep_lift_shap importance maps of cnn"):
        demo_config(classifiers=[{"model": "cnn", "methods": ["deep_lift_shap"]}])
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["motifs"]["classifiers"] = [{"model": "cnn", "methods": ["deep_lift_shap"]}]
    config["saliency"]["methods"]["cnn"].append("deep_lift_shap")
    validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")


def test_other_methods_store_no_hypothetical():
    assert saliency_scores(TinyNet().eval(), onehot(3, 12), "grad_x_input").hypothetical is None


def test_attention_is_read_relative_to_uniform_and_padding_is_zero():
    x = onehot(1, 4)
    valid = np.array([[True, True, True, False]])
    hyp = contributions.attention_hypothetical(np.array([[0.5, 1 / 6, 1 / 3, 0.0]]), x, valid)
    np.testing.assert_allclose(hyp.sum(axis=1), [[0.5, -0.5, 0.0, 0.0]], atol=1e-6)
    assert np.all(hyp[x == 0] == 0)


def test_margin_effects_match_tangermeme_s_aggregation_for_two_classes():
    from tangermeme.saturation_mutagenesis import _attribution_score

    y0 = torch.randn(3, 2)
    y_hat = torch.randn(3, 4, 5, 2)
    targets = np.array([1, 1, 1])
    ours = contributions.margin_effects(y0.numpy(), y_hat.numpy(), targets)
    # Their per-class effects, class 1 minus the mean over classes: our readout.
    theirs = (_attribution_score(y0, y_hat, 1) - (_attribution_score(y0, y_hat, 0)
                                                  + _attribution_score(y0, y_hat, 1)) / 2).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    flipped = contributions.margin_effects(y0.numpy(), y_hat.numpy(), np.array([0, 0, 0]))
    np.testing.assert_allclose(flipped, -ours, atol=1e-6)


def test_saturation_mutagenesis_is_the_effect_of_each_substitution():
    model, x = TinyNet(length=8).eval(), onehot(2, 8)
    targets = np.array([0, 1])
    hyp = contributions.saturation_mutagenesis(model, x, targets, batch_size=64)
    assert hyp.shape == (2, 4, 8)
    with torch.no_grad():
        logits = model(torch.as_tensor(x))
        readout = lambda out, t: (out[t] - out.mean()).item()  # noqa: E731
        edited = x[1].copy()
        edited[:, 3] = 0
        edited[2, 3] = 1
        effect = readout(model(torch.as_tensor(edited[None]))[0], 1) - readout(logits[1], 1)
    effects = np.zeros(4)
    for base in range(4):
        e = x[1].copy()
        e[:, 3] = 0
        e[base, 3] = 1
        with torch.no_grad():
            effects[base] = readout(model(torch.as_tensor(e[None]))[0], 1) - readout(logits[1], 1)
    np.testing.assert_allclose(hyp[1, :, 3], effects - effects.mean(), rtol=1e-4, atol=1e-5)
    assert effects[2] == pytest.approx(effect)


# --- databases ----------------------------------------------------------------------

def test_meme_round_trip_and_planted_ppms(tmp_path):
    from memelite.io import read_meme as memelite_read

    motifs = database.planted_motifs({"a:ACGT": "ACGT"}, mutation_rate=0.04)
    np.testing.assert_allclose(motifs[0].ppm[:, 0], [0.97, 0.01, 0.01, 0.01])
    motifs.append(Motif("MA0001.1", "TF one", "Some family", np.full((4, 3), 0.25)))
    database.write_meme(motifs, tmp_path / "x.meme")
    back = database.read_meme(tmp_path / "x.meme")
    assert [(m.id, m.name, m.family) for m in back] == [("planted_ACGT", "a:ACGT", "planted"),
                                                          ("MA0001.1", "TF one", "Some family")]
    np.testing.assert_allclose(back[0].ppm, motifs[0].ppm, atol=1e-6)
    assert list(memelite_read(str(tmp_path / "x.meme"))) == ["planted_ACGT a:ACGT|planted",
                                                             "MA0001.1 TF_one|Some_family"]


MEME_HEAD = "MEME version 4\n\nALPHABET= ACGT\n\nstrands: + -\n\n"


@pytest.mark.parametrize("body, message", [
    ("", "a MEME file with no motifs"),
    ("MOTIF M1 one\nMOTIF M2 two\nletter-probability matrix: alength= 4 w= 1\n0.25 0.25 0.25 0.25\n",
     "motif M1: no 'letter-probability matrix' line"),
    ("MOTIF M1 one\nletter-probability matrix: alength= 4 w= 2\n0.25 0.25 0.25 0.25\n0.5 x 0.25 0.25\n",
     "a motif's matrix is not ACGT probabilities of its stated width"),
    ("MOTIF M1\nletter-probability matrix: alength= 4 w= 1\n1 0 0 0\n"
     "MOTIF M1\nletter-probability matrix: alength= 4 w= 1\n0 1 0 0\n", "line 10: a second motif 'M1'"),
    ("MOTIF\nletter-probability matrix: alength= 4 w= 1\n1 0 0 0\n", "line 7: MOTIF line without an identifier"),
])
def test_a_bad_meme_file_is_named_with_what_is_wrong(tmp_path, body, message):
    path = tmp_path / "bad.meme"
    path.write_text(MEME_HEAD + body)
    with pytest.raises(DatabaseError) as error:
        database.read_meme(path)
    assert str(error.value).startswith(f"{path}: {message}")
    path.write_text("id\tsequence\n")
    with pytest.raises(DatabaseError, match="no 'MEME version' line"):
        database.read_meme(path)


def test_jaspar_release_is_read_offline_and_pinned():
    assert {"JASPAR2024", "JASPAR2022"} <= set(database.shipped_releases())
    motifs = database.jaspar_motifs("JASPAR2024")
    assert len(motifs) > 800  # the whole CORE vertebrates collection, never a handful
    assert all(m.ppm.shape[0] == 4 and np.allclose(m.ppm.sum(axis=0), 1) for m in motifs[:50])
    ctcf = [m for m in motifs if m.name == "CTCF"]
    assert ctcf and "zinc" in ctcf[0].family


# --- q-values, trimming, tables -----------------------------------------------------

def test_bh_qvalues_equal_scipy_s():
    p = RNG.uniform(size=50) ** 3
    np.testing.assert_allclose(matching.bh_qvalues(p), false_discovery_control(p), rtol=1e-12)
    assert np.isnan(matching.bh_qvalues([0.1, np.nan])[1])


def test_trim_keeps_the_contributing_high_information_core():
    ppm = np.full((4, 10), 0.25)
    ppm[:, 3:7] = np.eye(4)
    cwm = np.zeros((4, 10))
    cwm[0, 2:8] = 1.0
    assert discovery.trim_span(cwm, ppm) == (3, 7)
    assert discovery.consensus(ppm[:, 2:8]) == "aACGTa"  # below 0.5 bits: lower case
    np.testing.assert_allclose(discovery.information_per_position(np.eye(4)), 2.0, atol=0.05)  # pseudocount


def pattern(name, ppm, n=50, sign=1):
    return Pattern(name, sign, n, ppm, ppm, float(discovery.information_per_position(ppm).sum()))


def test_match_table_filters_and_ranks(monkeypatch):
    strong = np.eye(4)[:, [0, 1, 2, 3, 0, 1]]
    weak = np.full((4, 6), 0.25)
    targets = [Motif(f"T{i}", f"tf{i}", "fam", np.full((4, 5), 0.25)) for i in range(3)]
    monkeypatch.setattr(matching, "tomtom_alignments", lambda queries, ts: (
        np.array([[0.5, 1e-6, 0.01]]), np.array([[0, -1, 2]]), np.array([[0, 1, 0]])))
    diffuse = np.tile(np.array([[0.4], [0.1], [0.1], [0.4]]), (1, 40))  # 40 columns of ~0.28 bits
    table = matching.match_table([pattern("pos_0", strong), pattern("pos_1", weak), pattern("neg_0", strong, n=5),
                                  pattern("pos_2", diffuse)],
                                 targets, min_seqlets=20, min_information=4.0, min_mean_information=0.5, top=2)
    assert list(table.columns) == matching.MATCH_COLUMNS
    first = table[table["motif"] == "pos_0"]
    assert first["target_id"].tolist() == ["T1", "T2"] and first["rank"].tolist() == [1, 2]
    np.testing.assert_allclose(first["q_value"], [3e-6, 0.015])
    assert first["offset"].tolist() == [-1, 2] and first["strand"].tolist() == ["-", "+"]
    assert table.set_index("motif").loc[["pos_1", "neg_0", "pos_2"], "passed"].tolist() == [False, False, False]
    assert pattern("pos_2", diffuse).information > 4.0  # enough bits in all, too few per column


def test_a_match_is_drawn_as_tomtom_aligned_it():
    """A GATA pattern TCTTATCA beside JASPAR's TGATAAGA: on the minus strand the match is
    drawn reverse complemented, TCTTATCA, with its column `offset` under the pattern's first."""
    from seqattr.motifs import figures

    gata = np.eye(4)[:, ["ACGT".index(base) for base in "TGATAAGA"]]
    aligned = figures.aligned_target(gata, 0, "-")
    assert "".join(aligned.idxmax(axis=1)) == "TCTTATCA" and aligned.index.tolist() == list(range(8))
    shifted = figures.aligned_target(gata, 2, "+")
    assert "".join(shifted.idxmax(axis=1)) == "TGATAAGA" and shifted.index.tolist() == list(range(-2, 6))
    patterns = [pattern("pos_0", np.eye(4)[:, ["ACGT".index(base) for base in "TTATCA"]])]
    table = pd.DataFrame([{"motif": "pos_0", "passed": True, "rank": 1, "target_id": "MA1", "target_name": "GATA1",
                           "family": "GATA", "q_value": 1e-5, "offset": 2, "strand": "-"}])
    figure = figures.match_figure(patterns, table, {"MA1": Motif("MA1", "GATA1", "GATA", gata)}, "toy")
    axes = figure.axes
    assert "reverse complement" in axes[2].get_title() and "q = 1e-05" in axes[2].get_title()
    assert axes[1].get_xlim() == axes[2].get_xlim() == (-2.5, 5.5)  # TC before the pattern, TTATCA under it


def motifs_table(rows):
    return pd.DataFrame(rows, columns=["motif", "sign", "n_seqlets", "consensus", "information", "passed", "rank",
                                       "target_id", "target_name", "family", "p_value", "q_value"])


def test_planted_recall_counts_best_matches_below_q():
    table = motifs_table([
        ("pos_0", 1, 90, "CACGTG", 12, True, 1, "planted_CACGTG", "h:CACGTG", "planted", 1e-8, 1e-5),
        ("pos_0", 1, 90, "CACGTG", 12, True, 2, "MA1", "USF1", "bHLH", 1e-6, 1e-3),
        ("pos_1", 1, 80, "GATAA", 9, True, 1, "MA2", "GATA1", "GATA", 1e-6, 1e-3),
        ("pos_1", 1, 80, "GATAA", 9, True, 2, "planted_TGATAA", "w:TGATAA", "planted", 1e-5, 0.01),
        ("pos_2", 1, 40, "acgt", 5, True, 1, "MA3", "X", "x", 0.01, 0.5),
        ("neg_0", -1, 5, "ttt", 1, False, np.nan, "", "", "", np.nan, np.nan),
    ])
    result = recall.planted_recall(table, {"h:CACGTG": "planted_CACGTG", "w:TGATAA": "planted_TGATAA"})
    assert result["recalled"].tolist() == [True, False]
    assert result["discovered"].tolist() == ["pos_0", "pos_1"]
    assert result["recall"].iloc[0] == 0.5
    assert result[["n_passed", "n_unmatched", "n_jasparonly"]].iloc[0].tolist() == [3, 1, 1]
    enriched = pd.DataFrame({"target_id": ["MA2", "MA2"], "enriched_in": ["a", "b"], "q_value": [0.2, 0.001]})
    overlap = recall.baseline_overlap(table, enriched)
    assert overlap["target_id"].tolist() == ["planted_CACGTG", "MA2"]
    assert overlap["in_baseline"].tolist() == [False, True] and overlap["baseline_class"].tolist() == ["", "b"]


def test_enrichment_table_is_fisher_per_motif_with_bh():
    from scipy.stats import fisher_exact

    motifs = [Motif("M1", "one", "f", np.eye(4)), Motif("M2", "two", "f", np.eye(4))]
    labels = np.array([0] * 10 + [1] * 10)
    presence = np.zeros((2, 20), dtype=bool)
    presence[0, :9] = True
    presence[0, 10:11] = True
    presence[1, ::2] = True
    table = enrichment.enrichment_table(motifs, presence, labels, ["a", "b"])
    assert table["target_id"].tolist() == ["M1", "M2"] and len(table) == 2
    p = fisher_exact([[9, 1], [1, 9]])[1]
    assert table["p_value"].iloc[0] == pytest.approx(p)
    assert table["q_value"].iloc[0] == pytest.approx(2 * p)
    assert table["enriched_in"].tolist() == ["a", ""]


# --- config -------------------------------------------------------------------------

def demo_config(**motifs):
    import yaml

    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["motifs"].update(motifs)
    validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml")
    return config


def test_the_demo_config_passes_and_names_its_classifiers():
    config = demo_config()
    check_motifs(config)
    assert config["motifs"]["jaspar_release"] == "JASPAR2024"


def test_attention_for_the_cnn_is_refused():
    with pytest.raises(ConfigError) as error:
        check_motifs(demo_config(classifiers=[{"model": "cnn", "methods": ["attention"]}]))
    assert str(error.value).startswith("motifs.classifiers[0].methods: 'attention' reads the attention importance "
                                       "maps of cnn")


# --- steps (files in, files out) ----------------------------------------------------

def test_motif_database_copies_a_meme_file_and_summary_writes_both_tables(tmp_path):
    from seqattr.io import read_table, write_table
    from seqattr.motifs import summary_steps

    meme = tmp_path / "in.meme"
    database.write_meme([Motif("MA2", "GATA1", "GATA", np.eye(4))], meme)
    summary_steps.motif_database(tmp_path / "db.meme", release="JASPAR2024", path=str(meme))
    assert [m.id for m in database.read_meme(tmp_path / "db.meme")] == ["MA2"]
    table = tmp_path / "cnn.ig.motifs.tsv"
    write_table(motifs_table([
        ("pos_0", 1, 90, "TGATAAGA", 12, True, 1, "planted_TGATAAGA", "w:TGATAAGA", "planted", 1e-8, 1e-5),
        ("pos_1", 1, 80, "GATAA", 9, True, 1, "MA2", "GATA1", "GATA", 1e-6, 1e-3),
    ]), table)
    enrichment_path = tmp_path / "enrichment.tsv"
    write_table(pd.DataFrame({"target_id": ["MA2"], "enriched_in": ["w"], "q_value": [1e-4]}), enrichment_path)
    entry = {"dataset": "toy", "model": "cnn", "mask_ratio": "0", "seed": "0", "attribution": "ig", "path": str(table)}
    summary_steps.motif_summary(tmp_path / "recall.tsv", tmp_path / "overlap.tsv", tables=[entry],
                        enrichment_files={"toy": str(enrichment_path)}, planted={"toy": {"w:TGATAAGA": "TGATAAGA"}},
                        q_threshold=0.05)
    recalled = read_table(tmp_path / "recall.tsv")
    assert recalled[["method", "planted", "recalled", "recall", "n_jasparonly"]].values.tolist() == [
        ["ig", "w:TGATAAGA", True, 1.0, 1]]
    overlap = read_table(tmp_path / "overlap.tsv")
    assert overlap["in_baseline"].tolist() == [False, True]


@pytest.mark.workflow
def test_the_demo_plans_the_motifs_jobs_and_refuses_an_unshipped_release(tmp_path):
    """A dry run of the demo config: one ISM, four discoveries (CNN ig and ism, AttnGen
    r = 0.3 attention and ig), and the config check stops a bad release before any job."""
    from conftest import job_counts, snakemake

    result = snakemake("-n", "--configfile", str(REPO / "config" / "config.yaml"), workdir=tmp_path)
    counts = job_counts(result.stdout)
    assert {rule: counts.get(rule) for rule in ("motif_database", "motif_ism", "motif_discovery",
                                                "motif_enrichment", "motif_summary")} == {
        "motif_database": 1, "motif_ism": 1, "motif_discovery": 4, "motif_enrichment": 1, "motif_summary": 1}
    failed = snakemake("-n", "--configfile", str(REPO / "config" / "config.yaml"), "--config",
                       "motifs={'classifiers': [{'model': 'cnn', 'methods': ['ig']}], 'jaspar_release': 'JASPAR1999'}",
                       workdir=tmp_path, check=False)
    assert failed.returncode != 0
    assert "motifs.jaspar_release: 'JASPAR1999' is not a JASPAR release that the installed pyjaspar ships" in (
        failed.stdout + failed.stderr)


# --- files for other tools (MEME, modisco_results.h5, BED6, modisco's report) --------

def modisco_output():
    """A TF-MoDISco result built from modiscolite's own Seqlet and TrackSet: one pattern of
    width 8 whose core (columns 2-5, GATA) carries all the contribution, seen on the plus
    strand in sequence 0 at [2, 10) and on the minus strand in sequence 1 at [5, 13)."""
    from types import SimpleNamespace

    from modiscolite.core import Seqlet, TrackSet

    sequences = ["CCCCGATACCCCCCCCCCCC", "CCCCCCCTATCCCCCCCCCC", "CCCCCCCCCCCCCCCCCCCC"]
    x = np.zeros((3, 20, 4), dtype=np.float32)
    for row, sequence in enumerate(sequences):
        x[row, np.arange(20), ["ACGT".index(base) for base in sequence]] = 1
    contrib = np.zeros_like(x)
    contrib[0, 4:8] = x[0, 4:8]
    contrib[1, 7:11] = x[1, 7:11]
    seqlets = TrackSet(x, contrib, contrib).create_seqlets([Seqlet(0, 2, 10, False), Seqlet(1, 5, 13, True)])
    found = SimpleNamespace(seqlets=seqlets, subclusters=None,
                            sequence=np.mean([s.sequence for s in seqlets], axis=0),
                            contrib_scores=np.mean([s.contrib_scores for s in seqlets], axis=0),
                            hypothetical_contribs=np.mean([s.hypothetical_contribs for s in seqlets], axis=0))
    patterns = discovery.patterns_from_modisco({1: [found], -1: None})
    return discovery.ModiscoResult(patterns, [found], None, 20), np.array(["s0", "s1", "s2"]), sequences


def test_modisco_h5_is_modiscolite_s_layout_and_seqlets_are_bed6_on_the_core(tmp_path):
    import h5py

    from seqattr.motifs import formats

    result, ids, sequences = modisco_output()
    assert result.patterns[0].consensus == "GATA" and result.patterns[0].trim_start == 2
    formats.write_modisco_h5(result, tmp_path / "modisco_results.h5")
    with h5py.File(tmp_path / "modisco_results.h5", "r") as h5:
        assert list(h5) == ["pos_patterns"] and list(h5["pos_patterns"]) == ["pattern_0"]
        assert h5.attrs["window_size"] == 20
        pattern = h5["pos_patterns/pattern_0"]
        assert {"sequence", "contrib_scores", "hypothetical_contribs", "seqlets"} <= set(pattern)
        assert pattern["sequence"].shape == (8, 4)
        assert pattern["seqlets/n_seqlets"][0] == 2
        assert pattern["seqlets/is_revcomp"][:].tolist() == [False, True]
    formats.write_bed(formats.seqlet_bed(tmp_path / "modisco_results.h5", result.patterns, ids, "cnn_r0_s0/ig"),
                      tmp_path / "seqlets.bed")
    # What a BED reader checks: six tab-separated columns, 0 <= start < end, integer scores
    # 0-1000, strands + or -; the interval, reverse complemented on '-', holds the core.
    bed = pd.read_csv(tmp_path / "seqlets.bed", sep="\t", header=None, names=formats.BED_COLUMNS)
    assert bed[["chrom", "start", "end", "name", "score", "strand"]].values.tolist() == [
        ["s0", 4, 8, "cnn_r0_s0/ig/pos_0", 1000, "+"], ["s1", 7, 11, "cnn_r0_s0/ig/pos_0", 1000, "-"]]
    complement = str.maketrans("ACGT", "TGCA")
    for row in bed.itertuples():
        site = sequences[int(row.chrom[1:])][row.start:row.end]
        assert (site if row.strand == "+" else site.translate(complement)[::-1]) == "GATA"


def test_discovered_motifs_are_meme_named_classifier_method_pattern(tmp_path):
    from memelite.io import read_meme as memelite_read

    from seqattr.motifs import formats

    result, _, _ = modisco_output()
    formats.write_discovered_meme(result.patterns, "cnn_r0_s0/ig", tmp_path / "a.meme")
    formats.write_discovered_meme(result.patterns, "cnn_r0_s0/ism", tmp_path / "b.meme")
    read = memelite_read(str(tmp_path / "a.meme"))
    assert list(read) == ["cnn_r0_s0/ig/pos_0 GATA"]
    np.testing.assert_allclose(read["cnn_r0_s0/ig/pos_0 GATA"], result.patterns[0].ppm)
    assert "Background letter frequencies\nA 0.25 C 0.25 G 0.25 T 0.25" in (tmp_path / "a.meme").read_text()
    database.combine_meme([tmp_path / "a.meme", tmp_path / "b.meme"], tmp_path / "all.meme")
    assert [m.id for m in database.read_meme(tmp_path / "all.meme")] == ["cnn_r0_s0/ig/pos_0", "cnn_r0_s0/ism/pos_0"]
    with pytest.raises(ValueError, match="also in an earlier file"):
        database.combine_meme([tmp_path / "a.meme", tmp_path / "a.meme"], tmp_path / "twice.meme")


def test_modisco_report_is_one_offline_page_with_its_tomtom_matches(tmp_path, monkeypatch):
    """modiscolite's report with ttl=True (memelite's TOMTOM, here fixed results for the
    numba-free suite): one page, every logo inlined, the matches named as the database has them."""
    import socket

    from modiscolite import report

    from seqattr.motifs import formats

    def no_network(*args, **kwargs):
        raise AssertionError("the report opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    targets = [Motif(f"MA{i}", f"tf{i}", "A/B family", np.full((4, 5), 0.25)) for i in range(4)]

    def fixed_tomtom(queries, target_ppms, n_nearest):
        assert len(queries) == 1 and len(target_ppms) == 4
        return (np.array([[1e-6, 1e-3, 0.1]]), None, None, None, None, np.array([[2, 0, 1]]))

    monkeypatch.setattr(report, "tomtom", fixed_tomtom)
    result, _, _ = modisco_output()
    formats.write_modisco_h5(result, tmp_path / "modisco_results.h5")
    formats.modisco_report(tmp_path / "modisco_results.h5", targets, tmp_path / "report.html", n_patterns=1,
                           trim_threshold=0.3)
    html = (tmp_path / "report.html").read_text()
    assert "pos_patterns.pattern_0" in html and "MA2 tf2|A_B_family" in html
    images = re.findall(r'<img src="([^"]*)"', html)
    assert len(images) == 5 and all(src.startswith("data:image/png;base64,") for src in images)


def test_contributions_are_a_bigwig_with_one_chromosome_per_sequence(tmp_path):
    from figwig import BigWigReader, read_bigwig

    from seqattr.motifs import formats

    x = onehot(3, 12)
    hypothetical = RNG.normal(size=(3, 4, 12)).astype(np.float32)
    x[2, :, 10:] = 0  # padding: no base, no contribution
    formats.write_attribution_bigwig(np.array(["s1", "s2", "s3"]), x, hypothetical, tmp_path / "c.bw")
    assert BigWigReader(str(tmp_path / "c.bw")).chrom_sizes == {"s1": 12, "s2": 12, "s3": 12}
    values = read_bigwig(str(tmp_path / "c.bw"), ["s1", "s2", "s3"], [0, 0, 0], 12)
    np.testing.assert_allclose(values, (x * hypothetical).sum(axis=1), rtol=1e-6, atol=1e-7)
    assert (values[2, 10:] == 0).all()


def read_bed6(path):
    """A plain BED6 reader: six tab-separated fields, integer 0 <= start < end, an integer
    score 0-1000 and a strand + or -, no header or track line."""
    rows = []
    for line in path.read_text().splitlines():
        fields = line.split("\t")
        assert len(fields) == 6, line
        chrom, start, end, name, score, strand = fields
        assert 0 <= int(start) < int(end) and 0 <= int(score) <= 1000 and strand in "+-", line
        rows.append([chrom, int(start), int(end), name, int(score), strand])
    return rows


def genome_coordinates(chrom, start, end, strand, offset):
    from seqattr.data.coordinates import GenomeCoordinates

    return GenomeCoordinates(np.array(chrom), np.array(start, dtype=np.int64), np.array(end, dtype=np.int64),
                             np.array(strand), np.array(offset, dtype=np.int64))


def test_seqlets_of_sequences_with_coordinates_are_bed6_on_the_genome(tmp_path):
    """s0 is chr1:1000-1020 on +, s1 chr1:2000-2020 on - (its window position i is genome
    2019 - i, and its minus-strand seqlet is on + of the genome), s2 chr2:50-70 on +."""
    from seqattr.motifs import formats

    result, ids, sequences = modisco_output()
    formats.write_modisco_h5(result, tmp_path / "modisco_results.h5")
    coordinates = genome_coordinates(["chr1", "chr1", "chr2"], [1000, 2000, 50], [1020, 2020, 70], ["+", "-", "+"],
                                     [0, 0, 0])
    table = formats.seqlet_bed(tmp_path / "modisco_results.h5", result.patterns, ids, "cnn_r0_s0/ig", coordinates)
    formats.write_bed(table, tmp_path / "seqlets.bed")
    assert read_bed6(tmp_path / "seqlets.bed") == [["chr1", 1004, 1008, "cnn_r0_s0/ig/pos_0", 1000, "+"],
                                                    ["chr1", 2009, 2013, "cnn_r0_s0/ig/pos_0", 1000, "+"]]
    # The genome's plus strand there: s1 reverse complemented; the core reads GATA on it.
    complement = str.maketrans("ACGT", "TGCA")
    genome_s1 = sequences[1].translate(complement)[::-1]  # chr1:2000-2020, plus strand
    assert genome_s1[2009 - 2000:2013 - 2000] == "GATA"
    # A window whose column 0 is the sequence's position 3 (offset -3: its start was cropped),
    # window columns [0, 5) are its positions [3, 8).
    cropped = genome_coordinates(["chr5"], [500], [520], ["+"], [-3])
    window = pd.DataFrame({"chrom": ["s0", "s0"], "start": [0, 18], "end": [5, 20], "name": "p", "score": 1,
                           "strand": ["+", "-"]})
    # The second, positions [21, 23), lies past the sequence's end and is dropped.
    assert formats.genome_bed(window, ["s0"], cropped).values.tolist() == [["chr5", 503, 508, "p", 1, "+"]]


def test_contributions_with_coordinates_are_a_genome_bigwig_mean_where_sequences_overlap(tmp_path):
    """a = chr1:100-106 on +, b = chr1:103-109 on - (its position i at genome 108 - i), c =
    chr2:0-4 on + padded to 6 (offset 1): read back with figwig's reader at genome positions."""
    from figwig import BigWigReader, read_bigwig

    from seqattr.motifs import formats

    x = onehot(3, 6)
    x[2, :, 0] = x[2, :, 5] = 0
    hypothetical = RNG.normal(size=(3, 4, 6)).astype(np.float32)
    contributions = (x * hypothetical).sum(axis=1)
    coordinates = genome_coordinates(["chr1", "chr1", "chr2"], [100, 103, 0], [106, 109, 4], ["+", "-", "+"],
                                     [0, 0, 1])
    formats.write_attribution_bigwig(np.array(["a", "b", "c"]), x, hypothetical, tmp_path / "c.bw", coordinates)
    assert BigWigReader(str(tmp_path / "c.bw")).chrom_sizes == {"chr1": 109, "chr2": 4}
    chr1 = read_bigwig(str(tmp_path / "c.bw"), ["chr1"], [100], 9)[0]
    b_on_genome = contributions[1][::-1]  # genome 103..108 = b's positions 5..0
    expected = np.concatenate([contributions[0][:3], (contributions[0][3:] + b_on_genome[:3]) / 2, b_on_genome[3:]])
    np.testing.assert_allclose(chr1, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(read_bigwig(str(tmp_path / "c.bw"), ["chr2"], [0], 4)[0], contributions[2][1:5],
                               rtol=1e-6, atol=1e-7)


@pytest.mark.workflow
def test_a_dataset_with_coordinates_gets_a_genome_bed_and_bigwig_from_the_workflow(tmp_path):
    """tests/configs/coordinates.yaml end to end on a local table with coordinates (every
    other sequence on the minus strand, none overlapping): the seqlet BED is BED6 on the
    genome, each seqlet inside its sequence, and the bigWig holds each evaluated sequence's
    DeepLIFT/SHAP contributions at its genome positions, minus-strand ones reversed; the
    convergence table has a row per evaluated sequence."""
    from figwig import BigWigReader, read_bigwig

    from conftest import snakemake

    rng = np.random.default_rng(0)
    rows = []
    for i in range(1000):
        sequence = "".join(rng.choice(list("ACGT"), size=60))
        label = "gata" if i % 2 else "plain"
        if label == "gata":
            at = int(rng.integers(5, 45))
            sequence = sequence[:at] + "TGATAAGA" + sequence[at + 8:]
        rows.append(f"r{i},{label},{sequence},chr{i % 3 + 1},{1000 * i},{1000 * i + 60},{'+-'[(i // 2) % 2]}\n")
    (tmp_path / "coords.csv").write_text("id,label,sequence,chrom,start,end,strand\n" + "".join(rows))
    stem = tmp_path / "results" / "coordinates" / "motifs" / "located" / "cnn_r0_s0.deep_lift_shap"
    bed, bigwig = stem.with_name(stem.name + ".seqlets.bed"), stem.with_name(stem.name + ".contributions.bw")
    convergence = tmp_path / "results" / "coordinates" / "saliency" / "convergence.tsv"
    snakemake(str(bed.relative_to(tmp_path)), str(bigwig.relative_to(tmp_path)),
              str(convergence.relative_to(tmp_path)), "--configfile",
              str(REPO / "tests" / "configs" / "coordinates.yaml"), workdir=tmp_path)
    deltas = pd.read_csv(convergence, sep="\t")
    assert len(deltas) == 150 and set(deltas["method"]) == {"deep_lift_shap"}
    assert (deltas["max_pair_delta"] <= 1e-3).all()  # the job would have failed otherwise
    table = pd.read_csv(tmp_path / "coords.csv").set_index("id")
    located = table.reset_index().set_index(["chrom", "start"])
    # TF-MoDISco may find no pattern on a set this small (the BED is then empty): the
    # mapping of seqlets onto the genome is test_seqlets_of_sequences_with_coordinates_....
    for chrom, start, end, name, score, strand in read_bed6(bed):
        sequence_start = start // 1000 * 1000
        assert (chrom, sequence_start) in located.index and end <= sequence_start + 60, (chrom, start, end)
    saliency = np.load(tmp_path / "results" / "coordinates" / "saliency" / "located" / "cnn_r0_s0.deep_lift_shap.npz")
    assert BigWigReader(str(bigwig)).chrom_sizes.keys() <= {"chr1", "chr2", "chr3"}
    chroms = table.loc[saliency["ids"], "chrom"].tolist()
    values = read_bigwig(str(bigwig), chroms, table.loc[saliency["ids"], "start"].to_numpy(), 60)
    minus = (table.loc[saliency["ids"], "strand"] == "-").to_numpy()
    expected = np.where(minus[:, None], saliency["scores"][:, ::-1], saliency["scores"])
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-6)
    assert minus.any() and (~minus).any()
