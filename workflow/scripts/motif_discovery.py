from seqattr.motifs import steps
from seqattr.workflow import logged

with logged(snakemake.log[0]):
    i, o, p = snakemake.input, snakemake.output, snakemake.params
    steps.use_numba_cache(p.numba_cache, snakemake.threads)
    steps.discover(i.source, i.encoded, i.database, o.table, o.patterns, o.png, o.pdf,
                   method=snakemake.wildcards.attribution, title=p.title, planted=p.planted,
                   mutation_rate=p.mutation_rate, min_seqlets=p.min_seqlets, min_information=p.min_information,
                   min_mean_information=p.min_mean_information, top=p.top, options=p.options,
                   name=p.name, meme_output=o.meme, h5_output=o.h5, bed_output=o.bed,
                   report_output=o.modisco_report, bigwig_output=o.bigwig)
