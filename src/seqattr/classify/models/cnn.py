"""The genomic-benchmarks PyTorch CNN baseline, fed one-hot DNA instead of token embeddings.

Same layers as genomic_benchmarks.models.torch.CNN: three Conv1d blocks (16, 8 and 4
channels, kernel 8, BatchNorm, ReLU, max-pool 2), Flatten, Linear(512) and the output
Linear (no non-linearity between the two Linear layers, as published). The only change is
the input: the (N, 4, L) one-hot replaces the 100-dimensional token embedding, and the
output is one logit per class (cross-entropy) instead of one sigmoid unit.
"""

from __future__ import annotations

import torch
from torch import nn

from seqattr.input_lengths import CNN_CHANNELS, CNN_KERNEL_SIZE, cnn_length_problem, conv_output_length


def _block(in_channels: int, out_channels: int, kernel_size: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv1d(in_channels, out_channels, kernel_size),
        nn.BatchNorm1d(out_channels),
        nn.ReLU(),
        nn.MaxPool1d(2),
    )


class GenomicBenchmarksCNN(nn.Module):
    def __init__(self, input_length: int, n_classes: int, channels=CNN_CHANNELS, kernel_size: int = CNN_KERNEL_SIZE,
                 hidden: int = 512):
        super().__init__()
        self.input_length, self.n_classes = input_length, n_classes
        problem = cnn_length_problem(input_length, channels, kernel_size)
        if problem:
            raise ValueError(problem)
        flat_length = conv_output_length(input_length, kernel_size, len(channels))
        widths = (4, *channels)
        self.features = nn.Sequential(*(_block(a, b, kernel_size) for a, b in zip(widths, widths[1:])),
                                      nn.Flatten())
        self.classifier = nn.Sequential(nn.Linear(channels[-1] * flat_length, hidden), nn.Linear(hidden, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
