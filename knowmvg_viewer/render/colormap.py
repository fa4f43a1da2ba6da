"""Heatmap colouring for the viewer and exports: a scalar map -> RGBA with low values clear."""

from __future__ import annotations

import cv2
import numpy as np

COLORMAPS = {
    "turbo": cv2.COLORMAP_TURBO,
    "jet": cv2.COLORMAP_JET,
    "viridis": cv2.COLORMAP_VIRIDIS,
}


def colour_table(name: str) -> np.ndarray:
    """(256, 3) uint8 RGB table of a colormap."""
    if name not in COLORMAPS:
        raise ValueError(f"unknown colormap {name!r}; choose from {sorted(COLORMAPS)}")
    ramp = np.arange(256, dtype=np.uint8).reshape(256, 1)
    return cv2.applyColorMap(ramp, COLORMAPS[name])[:, 0, ::-1].copy()


def heatmap_rgba(values: np.ndarray, name: str = "turbo", threshold: float = 0.2) -> np.ndarray:
    """(H, W) in [0, 1] -> (H, W, 4) uint8; alpha ramps from 0 at `threshold` to 255 at 1."""
    values = np.clip(np.nan_to_num(values.astype(np.float32)), 0.0, 1.0)
    table = colour_table(name)
    rgba = np.empty((*values.shape, 4), np.uint8)
    rgba[..., :3] = table[np.rint(values * 255).astype(np.uint8)]
    span = max(1e-6, 1.0 - threshold)
    rgba[..., 3] = np.rint(np.clip((values - threshold) / span, 0.0, 1.0) * 255).astype(np.uint8)
    return rgba


def blend(display_rgb: np.ndarray, rgba: np.ndarray, opacity: float) -> np.ndarray:
    """Composite an RGBA heatmap over an RGB image at `opacity` (for exports)."""
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0 * float(opacity)
    mixed = display_rgb.astype(np.float32) * (1 - alpha) + rgba[..., :3].astype(np.float32) * alpha
    return np.rint(mixed).astype(np.uint8)
