"""seqattr: reproducible attribution for biological sequence models (AttnGen, GAMA)."""

import importlib.metadata

from seqattr.errors import ConfigError, InputError


def installed_version() -> str | None:
    """The installed release (pyproject.toml's version, read from the package metadata);
    None when seqattr runs from a source folder that was never installed."""
    try:
        return importlib.metadata.version("seqattr")
    except importlib.metadata.PackageNotFoundError:
        return None


__version__ = installed_version()

__all__ = ["ConfigError", "InputError", "__version__", "installed_version"]
