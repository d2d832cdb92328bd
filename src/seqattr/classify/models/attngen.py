"""AttnGen: per-nucleotide attention with attention-guided progressive masking.

A convolutional encoder keeps one feature vector per position (same padding, dilated
residual layers for context), an attention head turns each into one logit, the softmax
over positions is the nucleotide's importance, and the importance-weighted sum of the
features feeds a small classifier.

Masking (training only, unless evaluation asks for it): the positions whose importance
ranks in the lowest `ratio` fraction of each sequence are suppressed, either by zeroing
their input columns (`mode="input"`, ranking from a no-gradient pass over the unmasked
input) or by gating them out of the attention pooling (`mode="features"`, one pass). The
ranking never carries gradient. The encoder has no BatchNorm on purpose: the ranking pass
then behaves identically in training and evaluation mode and updates no statistics.

Concentration (`concentration`, default "none": the paper's softmax, unchanged): how the
attention is pushed off uniform. "entropy" adds `entropy_penalty` times the attention's
mean normalised entropy (0: one position, 1: uniform) to the training loss (the model
exposes it as `regularisation_loss` after each training-mode forward); "temperature"
divides the logits by `temperature` before the softmax, in training and in every read of
the weights; "sparsemax" replaces the softmax by sparsemax (exact zeros outside a support).
"""

from __future__ import annotations

import torch
from torch import nn

MASKING_MODES = ("input", "features")


class WeightedSum(nn.Module):
    """The attention pooling, sum over positions of features x weights, as a module of its
    own: DeepLIFT rules attach to modules, and the saliency stage's deep_lift_shap swaps
    every module declaring a `bilinear_equation` for tangermeme's BilinearOp, which has a
    rule for a product of two input-dependent terms (docs/saliency.md)."""

    bilinear_equation = "ncl,nl->nc"

    def forward(self, features: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        return torch.einsum(self.bilinear_equation, features, weights)
CONCENTRATIONS = ("none", "entropy", "temperature", "sparsemax")


class ResidualDilatedConv(nn.Module):
    def __init__(self, channels: int, kernel_size: int, dilation: int):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, kernel_size, padding=dilation * (kernel_size // 2),
                              dilation=dilation)
        self.activation = nn.ReLU()

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.activation(self.conv(h))


def lowest_fraction_mask(scores: torch.Tensor, ratio: float) -> torch.Tensor:
    """(N, L) bool, True at the floor(ratio * L) lowest-scoring positions of each row.

    Ties are broken by position (stable sort), so the mask is deterministic.
    """
    n_masked = int(ratio * scores.shape[1])
    mask = torch.zeros_like(scores, dtype=torch.bool)
    if n_masked > 0:
        order = torch.sort(scores.detach(), dim=1, stable=True).indices[:, :n_masked]
        mask.scatter_(1, order, True)
    return mask


def sparsemax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Sparsemax (Martins & Astudillo 2016): the Euclidean projection of the logits onto the
    probability simplex; sums to 1 along `dim`, exactly 0 below the threshold tau.

    Hand-written because no pinned dependency provides it (entmax, the reference
    implementation, would be a new pin for these few lines). -inf logits (positions gated
    out by feature masking) get weight 0 and no gradient. Autograd through the sort and
    cumulative sum gives sparsemax's Jacobian on its support.
    """
    ordered = torch.sort(logits, dim=dim, descending=True).values
    shape = [1] * logits.dim()
    shape[dim] = logits.shape[dim]
    rank = torch.arange(1, logits.shape[dim] + 1, device=logits.device, dtype=logits.dtype).view(shape)
    cumulative = ordered.cumsum(dim)
    # The support is the largest k with 1 + k z_(k) > z_(1) + ... + z_(k); -inf never qualifies.
    support = ((1 + rank * ordered) > cumulative).sum(dim=dim, keepdim=True)
    tau = (cumulative.gather(dim, support - 1) - 1) / support.to(logits.dtype)
    return torch.clamp(logits - tau, min=0)


def normalised_entropy(weights: torch.Tensor) -> torch.Tensor:
    """(N,) entropy of each row of attention weights over log(L): 0 on one position, 1 uniform.

    Zero weights (positions gated out by feature masking) add nothing; the log is taken of
    the weights clamped to the smallest normal float, so their gradient is finite (log 0
    would make the softmax's backward 0 x -inf = NaN).
    """
    entropy = -(weights * torch.log(weights.clamp_min(torch.finfo(weights.dtype).tiny))).sum(dim=1)
    return entropy / torch.log(torch.tensor(float(weights.shape[1]), device=weights.device))


class AttnGen(nn.Module):
    supports_masking = True

    def __init__(self, input_length: int, n_classes: int, channels: int = 32, kernel_size: int = 9,
                 dilations=(2, 4), dilated_kernel_size: int = 3, hidden: int = 64, dropout: float = 0.1,
                 masking: str = "input", concentration: str = "none", entropy_penalty: float = 0.0,
                 temperature: float = 1.0):
        super().__init__()
        if masking not in MASKING_MODES:
            raise ValueError(f"attngen: masking must be one of {MASKING_MODES}, not {masking!r}")
        if concentration not in CONCENTRATIONS:
            raise ValueError(f"attngen: concentration must be one of {CONCENTRATIONS}, not {concentration!r}")
        if entropy_penalty < 0 or temperature <= 0:
            raise ValueError(f"attngen: entropy_penalty must be >= 0 and temperature > 0, not {entropy_penalty} "
                             f"and {temperature}")
        if kernel_size % 2 == 0 or dilated_kernel_size % 2 == 0:
            raise ValueError("attngen: kernel sizes must be odd to keep one output per position")
        self.input_length, self.n_classes = input_length, n_classes
        self.masking = masking
        self.concentration = concentration
        self.entropy_penalty = entropy_penalty if concentration == "entropy" else 0.0
        self.temperature = temperature if concentration == "temperature" else 1.0
        # The entropy penalty of the last training-mode forward (None otherwise), for the training loss.
        self.regularisation_loss: torch.Tensor | None = None
        self.encoder = nn.Sequential(
            nn.Conv1d(4, channels, kernel_size, padding=kernel_size // 2),
            nn.ReLU(),
            *(ResidualDilatedConv(channels, dilated_kernel_size, d) for d in dilations),
        )
        self.attention = nn.Conv1d(channels, 1, 1)
        # Parameter-free modules (checkpoints unchanged), so that DeepLIFT has a rule for each.
        self.softmax = nn.Softmax(dim=1)
        self.pool = WeightedSum()
        self.classifier = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Dropout(dropout),
                                        nn.Linear(hidden, n_classes))

    def _encode(self, x: torch.Tensor):
        features = self.encoder(x)
        return features, self.attention(features).squeeze(1)

    def attention_logits(self, x: torch.Tensor) -> torch.Tensor:
        return self._encode(x)[1]

    def normalise(self, logits: torch.Tensor) -> torch.Tensor:
        """(N, L) float32 attention weights from the logits: softmax (at the temperature) or sparsemax."""
        logits = logits.float()
        if self.concentration == "sparsemax":
            return sparsemax(logits, dim=1)
        if self.concentration == "temperature":
            logits = logits / self.temperature
        return self.softmax(logits)

    def forward(self, x: torch.Tensor, mask_ratio: float = 0.0) -> torch.Tensor:
        """Logits (N, n_classes); with mask_ratio > 0 the lowest-importance positions are suppressed."""
        gate = None
        if mask_ratio > 0 and self.masking == "input":
            with torch.no_grad():
                suppressed = lowest_fraction_mask(self.attention_logits(x), mask_ratio)
            x = x.masked_fill(suppressed.unsqueeze(1), 0.0)
        features, logits = self._encode(x)
        if mask_ratio > 0 and self.masking == "features":
            gate = lowest_fraction_mask(logits, mask_ratio)
            logits = logits.masked_fill(gate, float("-inf"))
        weights = self.normalise(logits)
        self.regularisation_loss = None
        if self.training and self.entropy_penalty > 0:
            self.regularisation_loss = self.entropy_penalty * normalised_entropy(weights).mean()
        weights = weights.to(features.dtype)
        pooled = self.pool(features, weights)
        return self.classifier(pooled)

    @property
    def receptive_field(self) -> int:
        """Nucleotides one encoder feature sees: the first kernel plus each dilated layer's span."""
        first = self.encoder[0].kernel_size[0]
        dilated = [layer.conv for layer in self.encoder if isinstance(layer, ResidualDilatedConv)]
        return first + sum((conv.kernel_size[0] - 1) * conv.dilation[0] for conv in dilated)

    @torch.no_grad()
    def attention_weights(self, x: torch.Tensor) -> torch.Tensor:
        """(N, L) attention over encoder positions for the unmasked input, in eval mode."""
        was_training = self.training
        self.eval()
        try:
            return self.normalise(self.attention_logits(x))
        finally:
            self.train(was_training)

    @torch.no_grad()
    def importance(self, x: torch.Tensor) -> torch.Tensor:
        """(N, L) nucleotide importance (rows sum to 1): each position's attention weight
        shared evenly among the nucleotides its feature sees (its receptive field).

        The attention ranks encoder features, and a feature at position j summarises the
        nucleotides j - R//2 .. j + R//2. Ranked as they are, the weights put most mass on
        one position per motif and order the rest of the motif arbitrarily, so removing
        the top positions by raw weight leaves most of each motif in place; spread this
        way the whole motif ranks high (record: attngen_demo.motif_auroc.raw_attention.max,
        attngen_demo.motif_auroc.attention.min).
        """
        weights = self.attention_weights(x)
        width = self.receptive_field
        kernel = torch.full((1, 1, width), 1.0 / width, dtype=weights.dtype, device=weights.device)
        spread = torch.nn.functional.conv1d(weights.unsqueeze(1), kernel, padding=width // 2).squeeze(1)
        return spread / spread.sum(dim=1, keepdim=True)
