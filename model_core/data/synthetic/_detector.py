"""Exposure and detector: attenuation -> 12-bit stored values, and a default window.

Values produced here are in display polarity (air dark, the MONOCHROME2 convention); the
generator flips them for MONOCHROME1 studies when it stores them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ._geometry import View
from ._raster import blur

MAX_STORED = 4095  # 12 bits stored
REFERENCE_PX_PER_WIDTH = 1900.0  # a typical full-resolution film


@dataclass(frozen=True)
class Exposure:
    """How one film was exposed, processed by the console and stored.

    `photometric` MONOCHROME2 stores air dark (low values); MONOCHROME1 stores air bright
    (stored = 4095 - display value), as many CR and some DR systems do.
    """

    photometric: str
    noise_dn: float  # quantum mottle, stored values per full-resolution pixel
    gamma: float  # tone curve of the console
    range_compression: float  # share of large-area contrast the console removes
    edge_gain: float  # unsharp-mask detail enhancement


def sample_exposure(rng: np.random.Generator) -> Exposure:
    """Console processing differs between vendors and exposures, and so does polarity."""
    return Exposure(
        photometric="MONOCHROME1" if rng.random() < 0.35 else "MONOCHROME2",
        noise_dn=rng.uniform(8.0, 22.0),
        gamma=rng.uniform(0.7, 0.95),
        range_compression=rng.uniform(0.45, 0.65),
        edge_gain=rng.uniform(0.5, 1.0),
    )


def processed(attenuation: np.ndarray, view: View, exposure: Exposure) -> np.ndarray:
    """What a DR console does before sending 'for presentation' images: compress the
    dynamic range (so lung detail and mediastinum both fit one window), sharpen edges,
    with a gentle fall-off towards the corners."""
    broad = blur(attenuation, view.px(0.05))
    detail = attenuation - blur(attenuation, view.px(0.003))
    x, y = view.coarse(8).grid
    fall_off = (0.05 * ((x - 0.5) ** 2 + (y - 0.45) ** 2) / 0.5).astype(np.float32)
    compression = exposure.range_compression * (broad - float(broad.mean()))
    return attenuation - compression + exposure.edge_gain * detail - view.upsample(fall_off)


def stored_values(
    image: np.ndarray,
    view: View,
    exposure: Exposure,
    rng: np.random.Generator,
    noise_scale: float = 1.0,
) -> np.ndarray:
    """12-bit display-polarity values (air dark) of a processed film, with quantum noise.

    Noise is set per full-resolution pixel and shrinks with the square root of the pixel
    size when a smaller image is drawn: less than true downsampling would give, so small
    training images keep some of the grain that hides faint lesions.
    """
    step = max(1, min(image.shape) // 256)
    low, high = np.percentile(image[::step, ::step], [0.5, 99.9])
    values = np.clip((image - low) / max(high - low, 1e-6), 0.0, None) ** exposure.gamma
    values = 100.0 + 3800.0 * values
    relative = min(1.0, math.sqrt(view.px_per_width / REFERENCE_PX_PER_WIDTH))
    noise = exposure.noise_dn * noise_scale * relative
    white = rng.standard_normal(values.shape, dtype=np.float32)
    grain = cv2.GaussianBlur(white, (0, 0), 0.8)  # detector blur correlates the mottle
    values = values + noise * (2.2 * grain + 0.4 * white)
    return np.clip(np.rint(values), 0, MAX_STORED).astype(np.uint16)


def chest_window(values: np.ndarray, body: np.ndarray) -> tuple[float, float]:
    """A chest window (centre, width) on display-polarity values: from just below the
    darkest lung to the brightest bone of the trunk, so lungs are dark grey, not black."""
    sample = values[body] if np.count_nonzero(body) > 100 else values.ravel()
    lo, hi = np.percentile(sample[:: max(1, sample.size // 200_000)], [0.5, 99.7])
    lo, hi = lo - 0.08 * (hi - lo), hi + 0.05 * (hi - lo)
    return (float(round((lo + hi) / 2.0)), float(max(64.0, round(hi - lo))))
