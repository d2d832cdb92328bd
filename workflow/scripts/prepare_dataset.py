from seqattr.data import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    out = snakemake.output
    # The saliency, classify and encoding sections come from the config, not params: a change to
    # them must not re-import the data (and so retrain every classifier); they are only checked.
    config = snakemake.config
    steps.prepare(out.train, out.test, out.classes, out.get("motifs"), spec=snakemake.params.spec,
                  name=snakemake.wildcards.dataset, saliency=config["saliency"], classify=config["classify"],
                  encoding=config["encoding"], hygiene=snakemake.params.hygiene, hygiene_path=out.hygiene)
