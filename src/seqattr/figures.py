"""Writing figures: every stage saves a PNG and a PDF of the same name, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from seqattr.io import atomic_path  # noqa: E402


def save_figure(figure, png_path: str | os.PathLike) -> None:
    """PNG at `png_path` and a PDF beside it, each written atomically; the figure is closed.

    Metadata without dates or software versions, so that equal figures give equal files.
    """
    png_path = Path(png_path)
    for path, fmt in ((png_path, "png"), (png_path.with_suffix(".pdf"), "pdf")):
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight",
                           metadata={"CreationDate": None} if fmt == "pdf" else {"Software": None})
    plt.close(figure)
