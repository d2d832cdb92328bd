"""seqattr: reproducible attribution for biological sequence models (AttnGen, GAMA)."""

__version__ = "0.1.0"

from seqattr.errors import ConfigError, InputError

__all__ = ["ConfigError", "InputError", "__version__"]
