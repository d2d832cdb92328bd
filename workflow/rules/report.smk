# Stage report: every summary table of the run as an HTML page, which `snakemake --report`
# shows in place (a TSV it only offers for download); see report/workflow.rst for the
# report's front page (src/seqattr/report/).


# One job for all tables: rendering them takes well under a second.
rule report_tables:
    input:
        [table["table"] for table in report_tables()],
    output:
        [
            report(
                table["html"],
                caption=report_caption(table["caption"]),
                category=table["category"],
                subcategory=table["subcategory"],
                labels=table["labels"],
            )
            for table in report_tables()
        ],
    log:
        log_file("report", "tables"),
    benchmark:
        benchmark_file("report", "tables")
    localrule: True
    conda:
        "../envs/tables.yaml"
    params:
        tables=[{key: table[key] for key in ("table", "html", "title")} for table in report_tables()],
    script:
        "../scripts/report_tables.py"
