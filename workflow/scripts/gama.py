from seqattr.gama import steps
from seqattr.workflow import logged


def first(files):
    """The one file of an optional input (an empty list where the rule asked for none)."""
    if isinstance(files, str):
        return files
    return files[0] if len(files) else None


with logged(snakemake.log[0]):
    i, o, p = snakemake.input, snakemake.output, snakemake.params
    steps.gama(i.ig_initial, i.ig_trained, o.matrix, o.profile, o.bootstrap, replicate=int(snakemake.wildcards.replicate),
               history_path=i.history, training=snakemake.params.training, imgt=snakemake.params.imgt,
               threads=snakemake.threads, ig_null_path=first(i.ig_null), null_history_path=first(i.null_history),
               trained_model_path=first(i.trained_model), model=p.model, set_name=snakemake.wildcards.set,
               background=p.background_spec or first(i.background),
               **snakemake.params.options)
