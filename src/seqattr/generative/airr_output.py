"""Generated samples as an AIRR rearrangement TSV, the table immuneML, Change-O and every
AIRR Community tool read.

Written by the `airr` package's own writer (`airr.create_rearrangement`) and checked with
`airr.validate_rearrangement` before it is kept. A sample is a generated CDR3 (the set's
sequences: IMGT 105-117, without the junction's conserved Cys 104 and Trp/Phe 118), so
`cdr3_aa` holds it and every required field the model does not generate is empty: no
nucleotide `sequence`, no alignments or cigars; `junction_aa` (the flanks depend on the
chain, which the set does not say) and `v_call`/`j_call` (seqattr's sets keep no gene
calls) are unknown. The two required booleans are filled, since `airr.load_rearrangement`
refuses a file where they are empty: `rev_comp` F (a sample is as generated) and
`productive` the sample's validity (a complete CDR3 of the 20 amino acids, so no stop
codon; a sample that never reached END is F). Two more columns, `valid` and `novel`
(`T`/`F`, AIRR's booleans), say what samples.tsv.gz says of each sample.
"""

from __future__ import annotations

import pandas as pd

from seqattr.io import atomic_path

EXTRA_FIELDS = ["cdr3_aa", "valid", "novel"]


def write_samples_airr(samples: pd.DataFrame, output) -> None:
    """samples (id, sequence, valid, novel) as AIRR rearrangements, `sequence_id` the sample's id."""
    import airr

    with atomic_path(output) as tmp:
        writer = airr.create_rearrangement(str(tmp), fields=EXTRA_FIELDS)
        for row in samples.itertuples(index=False):
            writer.write({"sequence_id": row.id, "cdr3_aa": row.sequence, "rev_comp": False, "productive": bool(row.valid),
                          "valid": "T" if row.valid else "F", "novel": "T" if row.novel else "F"})
        writer.close()
        if not airr.validate_rearrangement(str(tmp)):
            raise ValueError(f"{output}: the AIRR rearrangement file seqattr wrote does not pass "
                             "airr.validate_rearrangement")
