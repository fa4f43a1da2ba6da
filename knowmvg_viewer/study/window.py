"""The greyscale display pipeline: modality values -> VOI -> [0, 1] -> polarity -> 8 bits.

Integer images go through one lookup table over their stored-value range, so a
window/level drag step costs a single table rebuild plus one gather.
"""

from __future__ import annotations

import numpy as np

from .image import RadiographImage, VoiFunction, WindowPreset
from .views import FilmView, detect_view

_MAX_TABLE = 1 << 20  # stored-value ranges up to this use the lookup-table path
_AUTO_LOW, _AUTO_HIGH = 0.5, 99.5  # percentiles of the automatic window


def voi_normalized(values: np.ndarray, preset: WindowPreset) -> np.ndarray:
    """Apply a VOI (window or LUT) to modality values; float32 in [0, 1] (PS3.3 C.11.2.1)."""
    values = np.asarray(values, dtype=np.float32)
    if preset.lut is not None:
        index = np.clip(np.rint(values) - preset.lut_first, 0, len(preset.lut) - 1)
        return (preset.lut[index.astype(np.int64)] / np.float32(preset.lut_max)).astype(np.float32)
    center, width = np.float32(preset.center), np.float32(preset.width)
    if preset.function == VoiFunction.SIGMOID:
        return (1.0 / (1.0 + np.exp(-4.0 * (values - center) / width))).astype(np.float32)
    if preset.function == VoiFunction.LINEAR_EXACT:
        out = (values - center) / width + np.float32(0.5)
    else:  # LINEAR: the half-pixel offsets of the standard
        out = (values - (center - np.float32(0.5))) / max(width - np.float32(1.0), np.float32(1e-6))
        out += np.float32(0.5)
    return np.clip(out, 0.0, 1.0, out=out)


def auto_window(image: RadiographImage) -> WindowPreset:
    """Percentile window over the modality values (a sample of at most ~256k pixels)."""
    if image.is_color:
        return WindowPreset("Auto", 127.5, 256.0, VoiFunction.LINEAR_EXACT, source="auto")
    step = max(1, int(np.sqrt(image.stored.size / 262_144)))
    sample = image.stored[::step, ::step].astype(np.float32)
    sample = sample * np.float32(image.modality_slope) + np.float32(image.modality_intercept)
    low, high = np.percentile(sample, [_AUTO_LOW, _AUTO_HIGH])
    if high <= low:
        low, high = float(sample.min()), float(sample.max()) + 1.0
    return WindowPreset(
        "Auto", float(low + high) / 2.0, float(high - low), VoiFunction.LINEAR_EXACT, "auto"
    )


def to_uint8(normalized: np.ndarray) -> np.ndarray:
    return np.rint(normalized * np.float32(255.0)).astype(np.uint8)


class DisplayRenderer:
    """Renders one image at any window and polarity; keeps the per-image index cached."""

    def __init__(self, image: RadiographImage) -> None:
        self.image = image
        self._first = 0
        self._table_size = 0
        self._index: np.ndarray | None = None
        stored = image.stored
        # (min, max) of the stored values, read once: the table and the viewer's drag speed use it
        self.stored_range = (
            (float(stored.min()), float(stored.max())) if stored.size else (0.0, 0.0)
        )
        if not image.is_color and np.issubdtype(stored.dtype, np.integer) and stored.size:
            low, high = (int(v) for v in self.stored_range)
            if high - low < _MAX_TABLE:
                self._first, self._table_size = low, high - low + 1
                dtype = np.uint16 if high - low < 65536 else np.uint32
                self._index = (stored.astype(np.int64) - low).astype(dtype)

    def render(self, preset: WindowPreset, invert: bool = False) -> np.ndarray:
        """8-bit display image: (H, W) for greyscale, (H, W, 3) RGB for colour.

        `invert` is the user's toggle; a MONOCHROME1 file is inverted once more,
        so the two cancel.
        """
        if self.image.is_color:
            out = to_uint8(voi_normalized(self.image.stored, preset))
            return 255 - out if invert else out
        flip = self.image.inverted_by_file != invert
        if self._index is not None:
            return self.lookup_table(preset, flip)[self._index]
        normalized = voi_normalized(self.image.modality_values(), preset)
        return to_uint8(1.0 - normalized if flip else normalized)

    def lookup_table(self, preset: WindowPreset, flip: bool) -> np.ndarray:
        """uint8 table over the stored-value range [first, max] for this preset."""
        stored = np.arange(self._first, self._first + self._table_size, dtype=np.float64)
        modality = stored * self.image.modality_slope + self.image.modality_intercept
        normalized = voi_normalized(modality, preset)
        return to_uint8(1.0 - normalized if flip else normalized)


def model_input(
    image: RadiographImage, preset: WindowPreset | None = None, step: int = 1
) -> np.ndarray:
    """The engine's input: float32 (H, W) in [0, 1], air dark, at the default window.

    `step` > 1 takes every step-th row and column: a quick look at the film (the view check)
    without converting every pixel.
    """
    preset = preset or image.default_preset()
    stored = image.stored[::step, ::step] if step > 1 else image.stored
    if image.is_color:
        rgb = stored.astype(np.float32) / np.float32(max(float(stored.max()), 1.0))
        return (rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)).astype(np.float32)
    values = stored.astype(np.float32)
    if image.modality_slope != 1.0 or image.modality_intercept != 0.0:
        values = values * np.float32(image.modality_slope) + np.float32(image.modality_intercept)
    normalized = voi_normalized(values, preset)
    return (1.0 - normalized) if image.inverted_by_file else normalized


def view_of(image: RadiographImage) -> FilmView:
    """The image's view from its header, else from a quick look at its pixels."""
    step = max(1, max(image.height, image.width) // 256)
    return detect_view(image.header, lambda: model_input(image, step=step))
