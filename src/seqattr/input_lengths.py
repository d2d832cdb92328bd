"""Which input lengths the classifiers can take, in plain Python (no torch).

The CNN refuses a length by this rule when it is built, and the data stage applies the
same rule to each dataset before any classifier is trained; keeping it here lets the data
stage check without importing the classifier package.
"""

from __future__ import annotations

# The CNN's layout as published (genomic_benchmarks.models.torch.CNN): the defaults of
# its constructor and of a config that names neither key.
CNN_CHANNELS = (16, 8, 4)
CNN_KERNEL_SIZE = 8


def conv_output_length(length: int, kernel_size: int, blocks: int) -> int:
    """Positions left after `blocks` unpadded convolutions of `kernel_size`, each followed by max-pool 2."""
    for _ in range(blocks):
        length = (length - kernel_size + 1) // 2
    return length


def cnn_length_problem(length: int, channels=CNN_CHANNELS, kernel_size: int = CNN_KERNEL_SIZE) -> str | None:
    """Why the CNN cannot take sequences of `length`, or None when it can."""
    if conv_output_length(length, kernel_size, len(channels)) < 1:
        return (f"cnn: input length {length} is too short for {len(channels)} blocks "
                f"of kernel {kernel_size} and max-pool 2")
    return None


def length_problem(model: str, model_config: dict | None, length: int) -> str | None:
    """Why classifier `model` with these hyperparameters cannot take sequences of `length`,
    or None. AttnGen keeps one output per position (same padding) and takes any length."""
    if model == "cnn":
        shape = {key: value for key, value in (model_config or {}).items() if key in ("channels", "kernel_size")}
        return cnn_length_problem(length, **shape)
    return None
