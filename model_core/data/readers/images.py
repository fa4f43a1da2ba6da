"""Image files as the engine's input: float32 (H, W) in [0, 1], air dark.

model_core must not depend on the viewer, so this is a deliberately small loader: PNG and
JPEG through OpenCV (8 or 16 bit, grey or colour), DICOM through pydicom (modality LUT, the
file's first VOI when it has one, MONOCHROME1 inverted). Datasets ship PNG/JPEG; DICOM is
here for MIMIC-CXR users who kept the originals.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

DICOM_MAGIC_OFFSET = 128


class ImageReadError(ValueError):
    """An image that cannot be used; `reason` is what the user is told, next to the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def is_dicom(path: Path) -> bool:
    """DICOM Part 10 files carry 'DICM' after a 128-byte preamble, whatever their name."""
    with path.open("rb") as handle:
        head = handle.read(DICOM_MAGIC_OFFSET + 4)
    return head[DICOM_MAGIC_OFFSET:] == b"DICM"


def load_grayscale(path: Path) -> np.ndarray:
    """The image as float32 (H, W) in [0, 1], air dark; ImageReadError when unusable."""
    path = Path(path)
    if not path.is_file():
        raise ImageReadError(path, "missing image")
    try:
        pixels = _load_dicom(path) if is_dicom(path) else _load_raster(path)
    except OSError as exc:
        raise ImageReadError(path, f"unreadable image ({exc.strerror or exc})") from None
    if pixels.ndim != 2 or min(pixels.shape) < 2:
        raise ImageReadError(path, f"not a 2-D image (shape {pixels.shape})")
    return np.ascontiguousarray(pixels, dtype=np.float32)


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) from the file's header, without decoding the pixels."""
    path = Path(path)
    if not path.is_file():
        raise ImageReadError(path, "missing image")
    try:
        return _dicom_size(path) if is_dicom(path) else _raster_size(path)
    except ImageReadError:
        raise
    except (OSError, ValueError, AttributeError) as exc:
        raise ImageReadError(path, f"unreadable image header ({exc})") from None


def _raster_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


def _dicom_size(path: Path) -> tuple[int, int]:
    dataset = _read_dicom(path, stop_before_pixels=True)
    return int(dataset.Columns), int(dataset.Rows)


def _load_raster(path: Path) -> np.ndarray:
    stored = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if stored is None:
        raise ImageReadError(path, "unreadable image (OpenCV cannot decode it)")
    if stored.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if stored.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        stored = cv2.cvtColor(stored, code)
    if stored.dtype == np.uint8:  # already windowed for display, keep its contrast
        return stored.astype(np.float32) / 255.0
    return _stretch(stored)  # 16-bit files often hold 12-bit data: use the image's own range


def _read_dicom(path: Path, stop_before_pixels: bool = False):
    import pydicom

    try:
        return pydicom.dcmread(path, stop_before_pixels=stop_before_pixels)
    except (pydicom.errors.InvalidDicomError, ValueError, EOFError) as exc:
        raise ImageReadError(path, f"unreadable DICOM ({exc})") from None


def _load_dicom(path: Path) -> np.ndarray:
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    dataset = _read_dicom(path)
    try:
        stored = dataset.pixel_array
    except (AttributeError, ValueError, RuntimeError, NotImplementedError) as exc:
        syntax = getattr(dataset.file_meta, "TransferSyntaxUID", "unknown")
        raise ImageReadError(path, f"cannot decode transfer syntax {syntax} ({exc})") from None
    if int(dataset.get("NumberOfFrames", 1) or 1) > 1:
        stored = stored[0]
    if int(dataset.get("SamplesPerPixel", 1)) > 1:
        return _stretch(stored[..., :3].astype(np.float32) @ np.float32([0.299, 0.587, 0.114]))
    values = apply_modality_lut(stored, dataset)
    if "WindowCenter" in dataset or "VOILUTSequence" in dataset:
        values = apply_voi_lut(values, dataset)
    pixels = _stretch(values)
    return 1.0 - pixels if dataset.get("PhotometricInterpretation") == "MONOCHROME1" else pixels


def _stretch(values: np.ndarray) -> np.ndarray:
    """Values mapped linearly onto [0, 1] by their own minimum and maximum."""
    values = np.asarray(values, dtype=np.float32)
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return np.zeros_like(values)
    return (values - low) / np.float32(high - low)
