"""The workflow's two kinds of user-facing error, at the bottom of the import graph so
that any module can raise them without importing a stage."""


class InputError(ValueError):
    """Bad user input: the message names the file, the record and the position."""


class ConfigError(ValueError):
    """A config value that is not allowed: the message names the key and what is allowed."""
