"""The GAMA paper's autoregressive LSTM, batched.

Parameter names and shapes match the authors' `LSTMModel` (csi-greifflab/GAMA, igLSTM.py):
`embedding.weight` (a fixed 22 x 22 identity), `lstm.*` (one layer), `nn.weight`,
`nn.bias`, so a state_dict saved by their code loads with `load_state_dict`. The optional
dropout between the LSTM's output and the linear layer (`generative.model.dropout`) has no
parameters, so it leaves the state_dict as it is; it acts in training mode only.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from seqattr.generative.alphabet import END, N_TOKENS, START


class GenerativeLSTM(nn.Module):
    def __init__(self, hidden_size: int, dropout: float = 0.0):
        super().__init__()
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout {dropout}: a probability in [0, 1)")
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(N_TOKENS, N_TOKENS)
        self.embedding.weight = nn.Parameter(torch.eye(N_TOKENS), requires_grad=False)
        self.lstm = nn.LSTM(input_size=N_TOKENS, hidden_size=hidden_size, batch_first=True)
        self.nn = nn.Linear(hidden_size, N_TOKENS)
        self.dropout = nn.Dropout(dropout)

    def forward_embedded(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits (N, T, 22) for one-hot (or interpolated) inputs (N, T, 22)."""
        hidden, _ = self.lstm(inputs)
        if self.dropout.p > 0:  # skipped at 0: the model without dropout is the authors' as it was
            hidden = self.dropout(hidden)
        return self.nn(hidden)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits (N, T, 22): output t predicts token t + 1 from tokens 0..t."""
        return self.forward_embedded(self.embedding(tokens))

    def token_nll(self, tokens: torch.Tensor, lengths: torch.Tensor,
                  weights: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Summed NLL (nats) of every real next token, and how many there were.

        `lengths` counts each row's tokens including START and END; padding after END is
        masked out of the loss. `weights` (N,): each row's tokens count that many times in
        both sums (e.g. how often a collapsed duplicate was read), so their ratio is the
        weighted mean NLL per token.
        """
        logits = self(tokens[:, :-1])
        targets = tokens[:, 1:]
        mask = torch.arange(targets.shape[1], device=tokens.device)[None, :] < (lengths[:, None] - 1)
        nll = F.cross_entropy(logits.reshape(-1, N_TOKENS), targets.reshape(-1), reduction="none")
        nll = nll.view_as(targets) * mask
        if weights is None:
            return nll.sum(), mask.sum()
        weights = weights.to(nll.dtype)[:, None]
        return (nll * weights).sum(), (mask * weights).sum()

    @torch.no_grad()
    def sample(self, n: int, temperature: float = 1.0, max_length: int = 64,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """Draw `n` token rows [START, ..., END] (END-padded to the longest); rows that reach
        `max_length` residues without END are cut there and have no END inside."""
        device = self.nn.weight.device
        current = torch.full((n, 1), START, dtype=torch.long, device=device)
        rows = [current]
        state = None
        finished = torch.zeros(n, dtype=torch.bool, device=device)
        for _ in range(max_length + 1):
            hidden, state = self.lstm(self.embedding(current), state)
            probs = torch.softmax(self.nn(hidden[:, -1]) / temperature, dim=-1)
            probs[:, START] = 0  # START is never a next token
            current = torch.multinomial(probs, 1, generator=generator)
            current[finished] = END
            rows.append(current)
            finished |= current[:, 0] == END
            if finished.all():
                break
        return torch.cat(rows, dim=1)
