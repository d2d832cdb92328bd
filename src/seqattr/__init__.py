"""seqattr: reproducible attribution for biological sequence models (AttnGen, GAMA)."""

__version__ = "0.1.0"


class InputError(ValueError):
    """Bad user input: the message names the file, the record and the position."""
