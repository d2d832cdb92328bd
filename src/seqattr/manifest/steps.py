"""The manifest stage's step: build the run's manifest and write it, recording what
changed since the manifest it replaces."""

from __future__ import annotations

from seqattr.io import write_json
from seqattr.manifest.provenance import build_manifest, read_previous


def manifest(path, *, config: dict, inputs, outputs, workflow_dir) -> dict:
    content = build_manifest(config=config, inputs=list(inputs), outputs=list(outputs), workflow_dir=workflow_dir,
                             previous=read_previous(path))
    write_json(content, path)
    return content
