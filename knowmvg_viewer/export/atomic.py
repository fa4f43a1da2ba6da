"""Atomic file writes: a reader never sees a half-written export."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np


def write_bytes_atomic(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`.

    Raises FileExistsError when `path` exists and `overwrite` is false; on any
    failure the temporary file is removed and `path` is untouched.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: already exists (not overwritten)")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of an 8-bit grey (H, W) or RGB (H, W, 3) array."""
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    ok, buffer = cv2.imencode(".png", pixels)
    if not ok:
        raise ValueError(f"PNG encoding failed for an array of shape {pixels.shape}")
    return buffer.tobytes()
