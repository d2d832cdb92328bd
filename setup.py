"""The build's one addition to pyproject.toml: a built wheel carries the workflow's config
schema as package data (seqattr/config.schema.yaml), so that an installed seqattr, outside
a checkout (a deployed module's environment, the container image), finds its defaults;
in a checkout seqattr.schema reads workflow/schemas/ itself."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SCHEMA = Path("workflow") / "schemas" / "config.schema.yaml"


class BuildWithSchema(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "seqattr" / SCHEMA.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SCHEMA, target)


setup(cmdclass={"build_py": BuildWithSchema})
