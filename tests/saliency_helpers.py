"""Known-answer models shared by the saliency tests."""

import torch
from torch import nn


class WindowModel(nn.Module):
    """Class 1 iff the window [start, end) holds more G than C; looks at nothing else.
    importance() is a softmax that puts (nearly) all mass on the window."""

    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end
        self.scale = nn.Parameter(torch.tensor(5.0))

    def forward(self, x):
        window = x[:, :, self.start:self.end]
        evidence = self.scale * (window[:, 2].sum(1) - window[:, 1].sum(1))
        return torch.stack([-evidence, evidence], dim=1)

    def importance(self, x):
        logits = torch.full(x.shape[::2], -20.0)
        logits[:, self.start:self.end] = 0.0
        return torch.softmax(logits, dim=1)
