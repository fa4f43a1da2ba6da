"""Read PNG/JPEG/TIFF/BMP radiographs (8 or 16 bit, grey or colour)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from .errors import StudyError
from .image import RadiographImage, VoiFunction, WindowPreset
from .window import auto_window, view_of

RASTER_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"})


def load_raster_image(path: Path) -> RadiographImage:
    """Decode with OpenCV from bytes (works for non-ASCII paths); grey when channels agree."""
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except FileNotFoundError:
        raise StudyError(path, "file not found") from None
    except IsADirectoryError:
        raise StudyError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise StudyError(path, f"cannot read ({exc.strerror or exc})") from None
    pixels = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if pixels is None:
        raise StudyError(path, f"not a readable {path.suffix.lstrip('.').upper() or 'image'} file")
    pixels = _to_grey_or_rgb(pixels)
    image = RadiographImage(
        path=path,
        stored=pixels,
        photometric="RGB" if pixels.ndim == 3 else "MONOCHROME2",
        transfer_syntax=path.suffix.lstrip(".").upper(),
        bits_stored=16 if pixels.dtype == np.uint16 else 8,
    )
    image.presets = [auto_window(image), _full_range(image)]
    image.view = view_of(image)
    return image


def _to_grey_or_rgb(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels
    if pixels.shape[2] == 4:
        pixels = pixels[:, :, :3]
    if pixels.shape[2] == 1:
        return pixels[:, :, 0]
    if np.array_equal(pixels[:, :, 0], pixels[:, :, 1]) and np.array_equal(
        pixels[:, :, 1], pixels[:, :, 2]
    ):
        return np.ascontiguousarray(pixels[:, :, 0])
    return np.ascontiguousarray(pixels[:, :, ::-1])  # BGR -> RGB


def _full_range(image: RadiographImage) -> WindowPreset:
    top = 65535.0 if image.stored.dtype == np.uint16 else 255.0
    return WindowPreset("Full range", (top + 1) / 2, top + 1, VoiFunction.LINEAR_EXACT, "auto")
