"""The motifs stage without numba: contributions, databases, q-values, tables, recall,
enrichment and the config checks. TF-MoDISco, TOMTOM and FIMO compile numba kernels for
minutes on a cold cache, so the suite leaves them out (TOMTOM is replaced by fixed
p-values where a table is built); `make run` runs them on the demo, where
planted_recall.tsv checks them against the planted truth."""

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

def test_ig_hypothetical_times_input_is_the_saved_ig_and_delta_is_captum_s():
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

def test_meme_round_trip_and_planted_ppms():
    motifs = database.planted_motifs({"a:ACGT": "ACGT"}, mutation_rate=0.04)
    np.testing.assert_allclose(motifs[0].ppm[:, 0], [0.97, 0.01, 0.01, 0.01])
    motifs.append(Motif("MA0001.1", "TF one", "Some family", np.full((4, 3), 0.25)))
    back = database.parse_meme(database.meme_text(motifs), "x.meme")
    assert [(m.id, m.name, m.family) for m in back] == [("planted_ACGT", "a:ACGT", "planted"),
                                                          ("MA0001.1", "TF one", "Some family")]
    np.testing.assert_allclose(back[0].ppm, motifs[0].ppm, atol=1e-6)


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
    monkeypatch.setattr(matching, "tomtom_pvalues", lambda queries, ts: np.array([[0.5, 1e-6, 0.01]]))
    diffuse = np.tile(np.array([[0.4], [0.1], [0.1], [0.4]]), (1, 40))  # 40 columns of ~0.28 bits
    table = matching.match_table([pattern("pos_0", strong), pattern("pos_1", weak), pattern("neg_0", strong, n=5),
                                  pattern("pos_2", diffuse)],
                                 targets, min_seqlets=20, min_information=4.0, min_mean_information=0.5, top=2)
    assert list(table.columns) == matching.MATCH_COLUMNS
    first = table[table["motif"] == "pos_0"]
    assert first["target_id"].tolist() == ["T1", "T2"] and first["rank"].tolist() == [1, 2]
    np.testing.assert_allclose(first["q_value"], [3e-6, 0.015])
    assert table.set_index("motif").loc[["pos_1", "neg_0", "pos_2"], "passed"].tolist() == [False, False, False]
    assert pattern("pos_2", diffuse).information > 4.0  # enough bits in all, too few per column


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
    meme.write_text(database.meme_text([Motif("MA2", "GATA1", "GATA", np.eye(4))]))
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
