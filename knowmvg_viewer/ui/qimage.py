"""numpy display arrays -> QImage/QPixmap (the only place pixels cross into Qt)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage, QPixmap


def to_qimage(pixels: np.ndarray) -> QImage:
    """An 8-bit grey (H, W) or RGB (H, W, 3) array as a QImage that owns its memory."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = pixels.shape[:2]
    if pixels.ndim == 2:
        image = QImage(
            pixels.data, width, height, pixels.strides[0], QImage.Format.Format_Grayscale8
        )
    elif pixels.ndim == 3 and pixels.shape[2] == 3:
        image = QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB888)
    else:
        raise ValueError(f"expected (H, W) or (H, W, 3) uint8 pixels, got shape {pixels.shape}")
    return image.copy()  # detach from the numpy buffer


def to_qpixmap(pixels: np.ndarray) -> QPixmap:
    return QPixmap.fromImage(to_qimage(pixels))
