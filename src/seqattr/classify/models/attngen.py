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
"""

from __future__ import annotations

import torch
from torch import nn

MASKING_MODES = ("input", "features")


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


class AttnGen(nn.Module):
    supports_masking = True

    def __init__(self, input_length: int, n_classes: int, channels: int = 32, kernel_size: int = 9,
                 dilations=(2, 4), dilated_kernel_size: int = 3, hidden: int = 64, dropout: float = 0.1,
                 masking: str = "input"):
        super().__init__()
        if masking not in MASKING_MODES:
            raise ValueError(f"attngen: masking must be one of {MASKING_MODES}, not {masking!r}")
        if kernel_size % 2 == 0 or dilated_kernel_size % 2 == 0:
            raise ValueError("attngen: kernel sizes must be odd to keep one output per position")
        self.input_length, self.n_classes = input_length, n_classes
        self.masking = masking
        self.encoder = nn.Sequential(
            nn.Conv1d(4, channels, kernel_size, padding=kernel_size // 2),
            nn.ReLU(),
            *(ResidualDilatedConv(channels, dilated_kernel_size, d) for d in dilations),
        )
        self.attention = nn.Conv1d(channels, 1, 1)
        self.classifier = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Dropout(dropout),
                                        nn.Linear(hidden, n_classes))

    def _encode(self, x: torch.Tensor):
        features = self.encoder(x)
        return features, self.attention(features).squeeze(1)

    def attention_logits(self, x: torch.Tensor) -> torch.Tensor:
        return self._encode(x)[1]

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
        weights = torch.softmax(logits.float(), dim=1).to(features.dtype)
        pooled = torch.einsum("ncl,nl->nc", features, weights)
        return self.classifier(pooled)

    @property
    def receptive_field(self) -> int:
        """Nucleotides one encoder feature sees: the first kernel plus each dilated layer's span."""
        first = self.encoder[0].kernel_size[0]
        dilated = [layer.conv for layer in self.encoder if isinstance(layer, ResidualDilatedConv)]
        return first + sum((conv.kernel_size[0] - 1) * conv.dilation[0] for conv in dilated)

    @torch.no_grad()
    def attention_weights(self, x: torch.Tensor) -> torch.Tensor:
        """(N, L) softmax attention over encoder positions for the unmasked input, in eval mode."""
        was_training = self.training
        self.eval()
        try:
            return torch.softmax(self.attention_logits(x).float(), dim=1)
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
        way the whole motif ranks high (the demo's perturbation test and motif recovery
        in docs/results.md show the difference).
        """
        weights = self.attention_weights(x)
        width = self.receptive_field
        kernel = torch.full((1, 1, width), 1.0 / width, dtype=weights.dtype, device=weights.device)
        spread = torch.nn.functional.conv1d(weights.unsqueeze(1), kernel, padding=width // 2).squeeze(1)
        return spread / spread.sum(dim=1, keepdim=True)
