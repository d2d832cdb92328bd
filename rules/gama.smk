# GAMA: IG of the initial and trained generative LSTM on each set, the GAMA matrix and profile.

GAMA = config["gama"]
GAMA_DIR = f"{RESULTS}/gama"


rule gama:
    input:
        initial=f"{GENERATIVE_DIR}/{{set}}/initial.pt",
        trained=f"{GENERATIVE_DIR}/{{set}}/trained.pt",
        sequences=f"{GENERATIVE_DIR}/{{set}}/sequences.tsv.gz",
    output:
        matrix=f"{GAMA_DIR}/{{set}}/gama_matrix.tsv",
        profile=report(
            f"{GAMA_DIR}/{{set}}/profile.tsv",
            caption="../report/gama_profile_table.rst",
            category="GAMA",
            labels={"set": "{set}", "content": "importance profile table"},
        ),
    wildcard_constraints:
        set=name_pattern(GENERATIVE_SETS),
    params:
        gama={k: GAMA[k] for k in ("modes", "quadrature", "steps", "batch_size", "max_sequences", "seed", "device")},
    threads: GAMA["threads"]
    resources:
        gpu=GAMA["gpu"],
    log:
        f"{LOGS}/gama/{{set}}.log",
    benchmark:
        f"{BENCHMARKS}/gama/{{set}}.tsv"
    conda:
        "../envs/torch.yaml"
    script:
        "../scripts/gama.py"


rule plot_gama:
    input:
        matrix=f"{GAMA_DIR}/{{set}}/gama_matrix.tsv",
        profile=f"{GAMA_DIR}/{{set}}/profile.tsv",
        truth=lambda wildcards: (
            [f"{GENERATIVE_DIR}/{wildcards.set}/truth.tsv"] if wildcards.set in SYNTHETIC_POSITIVE_SETS else []
        ),  # a list: empty for real sets
    output:
        heatmap=report(
            f"{RESULTS}/figures/gama/{{set}}.heatmap.png",
            caption="../report/gama_heatmap.rst",
            category="GAMA",
            labels={"set": "{set}", "content": "GAMA heatmap"},
        ),
        heatmap_pdf=f"{RESULTS}/figures/gama/{{set}}.heatmap.pdf",
        profile=report(
            f"{RESULTS}/figures/gama/{{set}}.profile.png",
            caption="../report/gama_profile.rst",
            category="GAMA",
            labels={"set": "{set}", "content": "importance profile"},
        ),
        profile_pdf=f"{RESULTS}/figures/gama/{{set}}.profile.pdf",
    log:
        f"{LOGS}/gama/{{set}}.plot.log",
    benchmark:
        f"{BENCHMARKS}/gama/{{set}}.plot.tsv"
    conda:
        "../envs/torch.yaml"  # logomaker; the alphabet module imports torch
    script:
        "../scripts/plot_gama.py"


FINAL_OUTPUTS.extend(
    expand(f"{GAMA_DIR}/{{set}}/{{table}}.tsv", set=GENERATIVE_SETS, table=["gama_matrix", "profile"])
    + expand(f"{RESULTS}/figures/gama/{{set}}.{{kind}}.{{ext}}", set=GENERATIVE_SETS, kind=["heatmap", "profile"],
             ext=["png", "pdf"])
)
