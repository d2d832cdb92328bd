"""Runtime policy shared by every stage: where a model runs, how it is seeded, how many
CPU threads it uses, and which seeded subset of a collection a step works on.

Every stage resolves its device, seeds and threads here, so a config's `device: cpu`
means the same in training, evaluation, saliency and GAMA, and the same seed picks the
same sequences in every step that subsamples (the GAMA stage and the GAMA grid alike).
torch is imported inside the functions that need it: `seeded_subsample` is used by
table jobs that never load a model.
"""

from __future__ import annotations

import numpy as np

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(name: str = "auto"):
    """The torch device for a config's `device`: auto = CUDA when present, else the CPU.

    Asking for `cuda` on a machine without one is an error rather than a silent fallback,
    so a run never reports CPU figures as GPU ones.
    """
    import torch

    if name not in DEVICES and not str(name).startswith("cuda:"):
        raise ValueError(f"device {name!r}: use one of {', '.join(DEVICES)}")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if str(name).startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} requested but no CUDA device is available (use device: auto or cpu)")
    return torch.device(name)


def set_threads(threads: int | None) -> None:
    """CPU threads for torch's intra-op pool (the rule's `threads:`); None leaves it as is."""
    if threads:
        import torch

        torch.set_num_threads(int(threads))


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed torch and numpy's global generators and ask torch for deterministic kernels."""
    import torch

    set_threads(threads)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def seeded_subsample(n_total: int, n_keep: int | None, seed: int) -> np.ndarray:
    """Sorted indices of a seeded sample of `n_keep` of `n_total` items, without replacement.

    All indices when `n_keep` is None or not smaller than `n_total`. The one subsampler of
    the workflow: saliency's evaluation set, the GAMA stage's attributed sequences and the
    GAMA grid's attributed sample all call it, so equal seeds give equal subsets.
    """
    if n_keep is None or n_keep >= n_total:
        return np.arange(n_total)
    return np.sort(np.random.default_rng(seed).choice(n_total, size=n_keep, replace=False))
