"""One-hot encoding of DNA into compact (N, 4, L) uint8 arrays.

Stored per split as an .npz with `onehot` (N, 4, L) uint8, `labels` (N,) int64, `ids`
(N,) str, `mask` (N, L) bool (True where the position holds sequence, False for
padding), `ambiguous` (N, L) bool (IUPAC codes such as N) and `ambiguous_value`
(0.0 or 0.25: what `EncodedSet.as_float` puts in all four channels there). A dataset with
genome coordinates also stores `chrom`, `start`, `end`, `strand` (N,) and `offset` (N,),
the window column of each sequence's first nucleotide (negative where cropping cut it):
`EncodedSet.coordinates` (`seqattr.data.coordinates.GenomeCoordinates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqattr import InputError
from seqattr.data.canonical import DNA_AMBIGUOUS
from seqattr.data.coordinates import COORDINATE_COLUMNS, GenomeCoordinates, has_coordinates
from seqattr.io import save_npz

AMBIGUOUS_CODE = 4
PAD_CODE = 5
INVALID_CODE = 255

_LOOKUP = np.full(256, INVALID_CODE, dtype=np.uint8)
for _code, _base in enumerate("ACGT"):
    _LOOKUP[ord(_base)] = _LOOKUP[ord(_base.lower())] = _code
for _base in DNA_AMBIGUOUS:
    _LOOKUP[ord(_base)] = _LOOKUP[ord(_base.lower())] = AMBIGUOUS_CODE


@dataclass(frozen=True)
class EncodedSet:
    onehot: np.ndarray
    labels: np.ndarray
    ids: np.ndarray
    mask: np.ndarray
    ambiguous: np.ndarray
    ambiguous_value: float = 0.0
    coordinates: GenomeCoordinates | None = None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def length(self) -> int:
        return self.onehot.shape[2]

    def as_float(self) -> np.ndarray:
        """(N, 4, L) float32 model input, ambiguous positions filled per the option."""
        x = self.onehot.astype(np.float32)
        if self.ambiguous_value:
            x += self.ambiguous[:, None, :] * np.float32(self.ambiguous_value)
        return x


def _codes_in_window(sequences: list[str], length: int, crop: str):
    """(N, length) bytes after cropping/padding (0 = padding), and per sequence where it
    starts in the window and how many of its leading characters were cropped."""
    lengths = np.fromiter((len(s) for s in sequences), dtype=np.int64, count=len(sequences))
    raw = np.frombuffer("".join(sequences).encode("ascii", errors="replace"), dtype=np.uint8)
    if (lengths == length).all():  # the common case: one reshape, no per-row work
        zeros = np.zeros(len(sequences), dtype=np.int64)
        return raw.reshape(len(sequences), length), zeros, zeros
    window = np.zeros((len(sequences), length), dtype=np.uint8)  # byte 0 maps to padding below
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    if crop == "centre":
        shift = (lengths - length) // 2  # > 0 crops, < 0 pads on the left
    else:
        shift = np.zeros_like(lengths)
    offsets, skipped = np.maximum(-shift, 0), np.maximum(shift, 0)
    for row in range(len(sequences)):
        take = min(lengths[row] - skipped[row], length - offsets[row])
        first = starts[row] + skipped[row]
        window[row, offsets[row]:offsets[row] + take] = raw[first:first + take]
    return window, offsets, skipped


def encode(sequences, length: int, crop: str = "centre", source: str = "<sequences>", ids=None):
    """Codes 0-3 (ACGT), AMBIGUOUS_CODE, PAD_CODE as an (N, length) uint8 array.

    Raises InputError naming `source`, the record id and the 1-based position of the
    first character that is neither a base nor an IUPAC code.
    """
    return encode_with_offsets(sequences, length, crop, source, ids)[0]


def encode_with_offsets(sequences, length: int, crop: str = "centre", source: str = "<sequences>", ids=None):
    """`encode`'s codes and, per sequence, the window column of its first nucleotide."""
    sequences = list(sequences)
    if crop == "none":
        check_fits(sequences, length, source, ids)
    window, offsets, skipped = _codes_in_window(sequences, length, crop)
    codes = _LOOKUP[window]
    codes[window == 0] = PAD_CODE
    bad = np.argwhere(codes == INVALID_CODE)
    if len(bad):
        row, column = map(int, bad[0])
        record = ids[row] if ids is not None else f"#{row + 1}"
        position = column - int(offsets[row]) + int(skipped[row]) + 1
        char = sequences[row][position - 1]
        raise InputError(f"{source}: record {record!r}, position {position}: invalid character {char!r} "
                         f"(allowed: ACGT and IUPAC codes {DNA_AMBIGUOUS}, any case)")
    return codes, (offsets - skipped).astype(np.int64)


def check_fits(sequences, length: int, source: str, ids=None) -> None:
    """InputError at the first sequence longer than `length` (crop: none keeps every
    nucleotide, so a longer sequence is an error, not silently cut)."""
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    too_long = np.flatnonzero(lengths > length)
    if len(too_long):
        row = int(too_long[0])
        record = ids[row] if ids is not None else f"#{row + 1}"
        raise InputError(f"{source}: record {record!r} has {lengths[row]} nt, longer than the encoded length {length} "
                         f"({len(too_long)} sequence{'s' if len(too_long) > 1 else ''} too long), and encoding.crop is "
                         f"none; raise the dataset's length or set encoding.crop to centre or left")


def one_hot(codes: np.ndarray) -> np.ndarray:
    return (codes[:, None, :] == np.arange(4, dtype=np.uint8)[None, :, None]).astype(np.uint8)


def encode_split(frame, classes: list[str], length: int, crop: str, ambiguous: str, source: str) -> EncodedSet:
    codes, offsets = encode_with_offsets(frame["sequence"], length, crop, source, ids=list(frame["id"]))
    index = {name: k for k, name in enumerate(classes)}
    coordinates = None
    if has_coordinates(frame):
        coordinates = GenomeCoordinates(np.array(frame["chrom"], dtype=str), np.array(frame["start"], dtype=np.int64),
                                        np.array(frame["end"], dtype=np.int64), np.array(frame["strand"], dtype=str),
                                        offsets)
    return EncodedSet(
        onehot=one_hot(codes),
        labels=np.array([index[label] for label in frame["label"]], dtype=np.int64),
        ids=np.array(frame["id"], dtype=str),
        mask=codes != PAD_CODE,
        ambiguous=codes == AMBIGUOUS_CODE,
        ambiguous_value=0.25 if ambiguous == "uniform" else 0.0,
        coordinates=coordinates,
    )


def save_encoded(encoded: EncodedSet, path: str | Path) -> None:
    coordinates = encoded.coordinates
    extra = {} if coordinates is None else {
        "chrom": coordinates.chrom, "start": coordinates.start, "end": coordinates.end, "strand": coordinates.strand,
        "offset": coordinates.offset}
    save_npz(path, onehot=encoded.onehot, labels=encoded.labels, ids=encoded.ids, mask=encoded.mask,
             ambiguous=encoded.ambiguous, ambiguous_value=np.float32(encoded.ambiguous_value), **extra)


def load_encoded(path: str | Path) -> EncodedSet:
    with np.load(path, allow_pickle=False) as data:
        coordinates = None
        if all(key in data.files for key in COORDINATE_COLUMNS):
            coordinates = GenomeCoordinates(data["chrom"], data["start"], data["end"], data["strand"], data["offset"])
        return EncodedSet(data["onehot"], data["labels"], data["ids"], data["mask"], data["ambiguous"],
                          float(data["ambiguous_value"]), coordinates)
