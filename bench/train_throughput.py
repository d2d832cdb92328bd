"""Training throughput: this engine vs the genomic-benchmarks PyTorch example vs the floor.

On the same synthetic data (default 75,000 x 200 nt, two classes) it measures one
training epoch of
  (a) seqattr's engine (seqattr.classify.engine.train_classifier) with the CNN baseline;
  (b) the genomic-benchmarks PyTorch example as published: one text file per sequence,
      read in the Dataset's __getitem__, per-character tokenisation (<bos>/<eos> added)
      and vocabulary lookup in the collate function, a DataLoader with batch size 64, and
      its CNN with a 100-dimensional token embedding (sigmoid output, BCE loss, Adam);
  (c) the compute floor: the one-hot CNN's forward, backward and optimiser step on
      pre-made batches (no indexing, no data handling).
and prints sequences per second for each, and the ratios (a)/(b) and (c)/(a).
(b)'s published train_loop also re-reads the whole dataset for a train-accuracy pass after
every epoch; that pass is NOT timed here, which favours (b).

  python bench/train_throughput.py                  # full epochs (b takes minutes on 2 cores)
  python bench/train_throughput.py --max-batches 300  # (b) timed on its first 300 batches
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from seqattr.classify.engine import TrainingConfig, train_classifier
from seqattr.classify.models import build_model
from seqattr.data.encoding import encode_split
from seqattr.data.synthetic import SyntheticSpec, generate
from seqattr.runtime import resolve_device

BATCH = 64


def synthetic_split(n: int, length: int):
    spec = SyntheticSpec.from_config({
        "n_train": n, "n_test": 2, "length": length, "seed": 0,
        "classes": [{"name": "human_like", "gc": 0.42, "cpg_ratio": 0.3, "motifs": ["CACGTGAC", "TGACTCAT"]},
                    {"name": "worm_like", "gc": 0.38, "cpg_ratio": 0.6, "motifs": ["TGATAAGA", "TTCGCGAA"]}]})
    splits = generate(spec)
    return splits.train, splits.classes


# --- (b) the genomic-benchmarks example, rewritten without torchtext (its vocab is a dict) ---

class PublishedTextDataset(Dataset):
    """genomic_benchmarks' GenomicClfDataset: one file per sequence under <split>/<class>/."""

    def __init__(self, base_path: Path):
        self.all_paths, self.all_labels = [], []
        for label, class_dir in enumerate(sorted(base_path.iterdir())):
            for path in class_dir.iterdir():
                self.all_paths.append(path)
                self.all_labels.append(label)

    def __len__(self):
        return len(self.all_paths)

    def __getitem__(self, idx):
        with open(self.all_paths[idx]) as handle:
            return handle.read(), self.all_labels[idx]


def letter_tokenize(text: str) -> list[str]:
    tokens = list(text.replace("\n", ""))
    return ["<bos>", *tokens, "<eos>"]


def collate_factory(vocab: dict, device, pad_to_length: int):
    pad_index = vocab["<pad>"]

    def collate(batch):
        xs, ys = [], []
        for text, label in batch:
            ys.append(torch.tensor([label], dtype=torch.float32))
            x = torch.tensor([vocab.get(token, 0) for token in letter_tokenize(text)], dtype=torch.long)
            x = nn.functional.pad(x, (0, pad_to_length - len(x)), value=pad_index)
            xs.append(x)
        return torch.stack(xs).to(device), torch.stack(ys).to(device)

    return collate


class PublishedCNN(nn.Module):
    """genomic_benchmarks.models.torch.CNN for two classes (embedding 100, sigmoid output)."""

    def __init__(self, vocab_size: int, embedding_dim: int, input_len: int):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        blocks, width = [], embedding_dim
        for channels in (16, 8, 4):
            blocks += [nn.Conv1d(width, channels, 8), nn.BatchNorm1d(channels), nn.ReLU(), nn.MaxPool1d(2)]
            width = channels
        self.cnn = nn.Sequential(*blocks, nn.Flatten())
        with torch.no_grad():
            flat = self.cnn(self.embeddings(torch.zeros(1, input_len, dtype=torch.long)).transpose(1, 2)).shape[1]
        self.lin1, self.lin2 = nn.Linear(flat, 512), nn.Linear(512, 1)

    def forward(self, x):
        x = self.cnn(self.embeddings(x).transpose(1, 2))
        return torch.sigmoid(self.lin2(self.lin1(x)))


def write_text_files(frame, classes, folder: Path) -> None:
    for name in classes:
        (folder / name).mkdir(parents=True)
    for i, (label, sequence) in enumerate(zip(frame["label"], frame["sequence"])):
        (folder / label / f"{i}.txt").write_text(sequence)


def published_epoch(folder: Path, length: int, device, max_batches: int | None):
    dataset = PublishedTextDataset(folder)
    vocab = {"<unk>": 0, "<bos>": 1, "A": 2, "C": 3, "G": 4, "T": 5, "N": 6, "<eos>": 7, "<pad>": 8}
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True,
                        collate_fn=collate_factory(vocab, device, length + 3))
    model = PublishedCNN(len(vocab), 100, length + 3).to(device)
    optimiser = torch.optim.Adam(model.parameters())
    loss_fn = nn.functional.binary_cross_entropy_with_logits  # applied to sigmoid outputs, as published
    seen, start = 0, time.perf_counter()
    for b, (x, y) in enumerate(loader):
        if max_batches is not None and b >= max_batches:
            break
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
        seen += len(y)
    _sync(device)
    return seen, time.perf_counter() - start


def floor_epoch(x: torch.Tensor, y: torch.Tensor, device):
    model = build_model("cnn", {}, x.shape[2], 2).to(device).train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    n = (len(x) // BATCH) * BATCH
    batches = [(x[i:i + BATCH].to(device).contiguous(), y[i:i + BATCH].to(device)) for i in range(0, n, BATCH)]
    _sync(device)
    start = time.perf_counter()
    for xb, yb in batches:
        loss = loss_fn(model(xb), yb)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    _sync(device)
    return n, time.perf_counter() - start


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=75000, help="training sequences (default 75,000)")
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--max-batches", type=int, default=None,
                        help="time only this many batches of (b) (its full epoch is slow on CPU)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    print(f"device {device}, {torch.get_num_threads()} threads, {args.n} x {args.length} nt, batch {BATCH}")

    frame, classes = synthetic_split(args.n, args.length)
    encoded = encode_split(frame, classes, args.length, "centre", "zero", "<synthetic>")
    x, y = torch.from_numpy(encoded.as_float()), torch.from_numpy(encoded.labels)

    # (a): val_fraction set so that the training part is exactly n sequences' worth of epochs
    val = max(1, args.n // 100)
    x_a = torch.cat([x, x[:val]])
    y_a = torch.cat([y, y[:val]])
    config = TrainingConfig.from_dict({"epochs": 1, "batch_size": BATCH, "val_fraction": val / len(x_a),
                                       "device": str(device), "threads": args.threads, "learning_rate": 1e-3})
    result = train_classifier(build_model("cnn", {}, args.length, 2), x_a, y_a, config, progress=False)
    engine = result.train_seq_per_s
    print(f"(a) seqattr engine + CNN:             {engine:10.0f} seq/s  (one epoch of {len(x_a) - val})")

    with tempfile.TemporaryDirectory(prefix="gb_bench_") as tmp:
        t0 = time.perf_counter()
        write_text_files(frame, classes, Path(tmp))
        print(f"    (wrote {args.n} text files in {time.perf_counter() - t0:.1f} s, not timed)")
        seen, seconds = published_epoch(Path(tmp), args.length, device, args.max_batches)
    published = seen / seconds
    scope = "one epoch" if args.max_batches is None or seen == args.n else f"first {seen} sequences ({args.max_batches} batches)"
    print(f"(b) genomic-benchmarks example:       {published:10.0f} seq/s  ({scope})")

    n, seconds = floor_epoch(x, y, device)
    floor = n / seconds
    print(f"(c) floor, CNN fwd+bwd+step:          {floor:10.0f} seq/s  (one epoch of {n}, pre-made batches)")
    print(f"(a)/(b) = {engine / published:.1f}  (target >= 5 on CPU, >= 100 on GPU)")
    print(f"(c)/(a) = {floor / engine:.2f}  (target <= 1.3)")


if __name__ == "__main__":
    main()
