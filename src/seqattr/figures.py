"""Writing figures: every stage saves a PNG and a PDF of the same name, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from seqattr.io import atomic_path  # noqa: E402


def save_figure(figure, png_path: str | os.PathLike, pdf_path: str | os.PathLike) -> None:
    """The figure as a PNG and a PDF at the paths the rule declares, each written
    atomically; the figure is closed.

    Metadata without dates or software versions, so that equal figures give equal files.
    """
    for path, fmt in ((Path(png_path), "png"), (Path(pdf_path), "pdf")):
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight",
                           metadata={"CreationDate": None} if fmt == "pdf" else {"Software": None})
    plt.close(figure)
