"""The floors of seqattr.minimums where the corpus (tests/test_bad_inputs.py) does not
reach them: the LSTM's held-out split of a real set (known when the training job reads
it) and a one-residue CDR3 of an AIRR set."""

import pandas as pd
import pytest

from seqattr import InputError
from seqattr.generative import steps as generative_steps
from seqattr.io import write_table


def test_training_refuses_a_set_whose_held_out_split_would_be_empty(tmp_path):
    sequences = tmp_path / "sequences.tsv.gz"
    write_table(pd.DataFrame({"id": ["a", "b", "c"], "sequence": ["CARDY", "CARDW", "CARDF"]}), sequences)
    outputs = [tmp_path / name for name in ("initial.pt", "trained.pt", "history.tsv", "timing.tsv")]
    with pytest.raises(InputError) as error:
        generative_steps.train(sequences, *outputs, model={"hidden_size": 4},
                               training={"validation_fraction": 0.1, "seed": 0}, set_name="toy")
    assert str(error.value) == (
        f"set toy ({sequences}): 3 sequences with generative.training.validation_fraction 0.1 hold out 0; the LSTM's "
        f"held-out split needs at least 1 held out and 1 to train on (early stopping would watch the training NLL); "
        f"raise the fraction or give more sequences")
    assert not any(path.exists() for path in outputs)


def test_a_one_residue_cdr3_stops_the_import_of_an_airr_set(tmp_path):
    path = tmp_path / "set.airr.tsv"
    path.write_text("sequence_id\tjunction_aa\nr1\tCARDYW\nr2\tCAW\nr3\tCARDFW\n")
    output = tmp_path / "out" / "sequences.tsv.gz"
    with pytest.raises(InputError) as error:
        generative_steps.positive_set({"source": "airr", "path": str(path), "min_size": 3}, output,
                                      summary_path=tmp_path / "out" / "summary.tsv")
    assert str(error.value).startswith(f"{path}: record 'r2' (number 2) has 1 residue (1 such records); GAMA needs "
                                       f"at least 2")
    assert not output.exists()


@pytest.mark.filterwarnings("ignore:var\\(\\)")  # one sequence has no spread: what is measured
def test_the_degenerate_sets_behind_the_floors_fail_as_the_floors_say(tmp_path, one_thread):
    """The chain of `gama_validation.degenerate` at its own tiny settings (docs/results.md,
    "Degenerate GAMA sets"): one sequence has NaN importances, which the summary refuses;
    two give bootstrap intervals of zero width; at MIN_BOOTSTRAP_SEQUENCES the intervals
    have a width; a one-residue set runs to a NaN importance."""
    from seqattr.gama_validation.degenerate import ROW_COLUMNS, degenerate_sets
    from seqattr.minimums import MIN_BOOTSTRAP_SEQUENCES, MIN_RESIDUES

    rows = pd.DataFrame(degenerate_sets([1, 2, MIN_BOOTSTRAP_SEQUENCES], tmp_path, one_residue=5, bootstrap=20))
    assert sorted(rows.columns) == sorted(ROW_COLUMNS)
    one, two, three, short = (row for _, row in rows.iterrows())
    assert not one["finite"] and "not finite" in one["refused"]
    assert two["finite"] and not two["refused"] and two["widest_interval"] == 0
    assert three["finite"] and not three["refused"] and three["widest_interval"] > 0 and three["positions"] == 8
    assert short["length"] < MIN_RESIDUES and not short["finite"] and "not finite" in short["refused"]
