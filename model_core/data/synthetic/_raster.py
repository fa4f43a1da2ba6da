"""Small raster helpers shared by the anatomy and lesion painters (numpy + OpenCV only).

Everything here works on float32 images; wide blurs go through a downsampled copy because
a Gaussian of tens of pixels at full film resolution would dominate generation time.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]
"""(x0, y0, x1, y1) in pixels, x1/y1 exclusive: continuous corners of the covered pixels."""

_WIDE_SIGMA_PX = 6.0  # above this a blur runs on a downsampled copy


def smoothstep(t: np.ndarray | float) -> np.ndarray:
    """0 below 0, 1 above 1, a smooth cubic ramp between (soft anatomical transitions)."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def blur(image: np.ndarray, sigma_px: float) -> np.ndarray:
    """Gaussian blur of a float image; wide kernels run at a reduced resolution.

    A wide blur carries no detail finer than its sigma, so shrinking the image by about
    sigma / 4 first and enlarging the result afterwards changes nothing visible.
    """
    image = np.asarray(image, dtype=np.float32)
    if sigma_px <= 0.0:
        return image
    if sigma_px <= _WIDE_SIGMA_PX:
        return cv2.GaussianBlur(image, (0, 0), sigma_px)
    factor = sigma_px / 4.0
    rows, cols = image.shape
    small_shape = (max(2, int(round(cols / factor))), max(2, int(round(rows / factor))))
    small = cv2.resize(image, small_shape, interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma_px * small_shape[0] / cols)
    return cv2.resize(small, (cols, rows), interpolation=cv2.INTER_LINEAR)


def soften(mask: np.ndarray, sigma_px: float) -> np.ndarray:
    """A hard mask turned into a 0..1 map with a Gaussian edge of about sigma_px pixels."""
    return blur(mask.astype(np.float32), sigma_px)


def smooth_noise(shape: tuple[int, int], rng: np.random.Generator, sigma_px: float) -> np.ndarray:
    """Zero-mean, unit-variance noise correlated over about sigma_px pixels.

    Wide correlation is drawn directly at a coarse grid and enlarged, which is both faster
    and statistically the same as blurring full-resolution white noise.
    """
    rows, cols = shape
    step = max(1.0, sigma_px / 3.0)
    small_shape = (max(2, int(np.ceil(rows / step))), max(2, int(np.ceil(cols / step))))
    noise = rng.standard_normal(small_shape, dtype=np.float32)
    noise = cv2.GaussianBlur(noise, (0, 0), max(0.5, sigma_px / step))
    noise = cv2.resize(noise, (cols, rows), interpolation=cv2.INTER_CUBIC)
    return (noise - noise.mean()) / (noise.std() + 1e-6)


def mask_box(weight: np.ndarray, fraction: float = 0.3) -> Box | None:
    """Tight box around the pixels above fraction * max of a lesion map; None when empty."""
    peak = float(weight.max()) if weight.size else 0.0
    if peak <= 0.0:
        return None
    points = cv2.findNonZero((weight > fraction * peak).astype(np.uint8))
    if points is None:
        return None
    x, y, w, h = cv2.boundingRect(points)
    return (int(x), int(y), int(x + w), int(y + h))


def fill_polygon(shape: tuple[int, int], points: np.ndarray, value: float = 1.0) -> np.ndarray:
    """A float32 image with one anti-aliased filled polygon (points in pixel coordinates)."""
    canvas = np.zeros(shape, np.float32)
    draw_polygon(canvas, points, value)
    return canvas


def draw_polygon(canvas: np.ndarray, points: np.ndarray, value: float) -> None:
    """Fill a polygon given in continuous pixel coordinates, with sub-pixel precision.

    Continuous coordinates put pixel i over [i, i + 1); OpenCV puts its centre at i.
    """
    fixed = np.round((np.asarray(points, np.float64) - 0.5) * 16.0).astype(np.int32)
    cv2.fillPoly(canvas, [fixed], float(value), cv2.LINE_AA, shift=4)


def draw_polyline(
    canvas: np.ndarray, points: np.ndarray, value: float, thickness_px: float
) -> None:
    """Draw an open polyline (continuous pixel coordinates) with a given stroke width."""
    fixed = np.round((np.asarray(points, np.float64) - 0.5) * 16.0).astype(np.int32)
    thickness = max(1, int(round(thickness_px)))
    cv2.polylines(canvas, [fixed], False, float(value), thickness, cv2.LINE_AA, shift=4)


def draw_polylines(
    canvas: np.ndarray, lines: list[np.ndarray], value: float, thickness_px: float
) -> None:
    """Draw many open polylines of one value and stroke width in a single call."""
    fixed = [
        np.round((np.asarray(line, np.float64) - 0.5) * 16.0).astype(np.int32) for line in lines
    ]
    thickness = max(1, int(round(thickness_px)))
    cv2.polylines(canvas, fixed, False, float(value), thickness, cv2.LINE_AA, shift=4)


def clip_box(box: Box, shape: tuple[int, int]) -> Box | None:
    """A box limited to the image; None when nothing of it is left."""
    rows, cols = shape
    x0, y0 = max(0, box[0]), max(0, box[1])
    x1, y1 = min(cols, box[2]), min(rows, box[3])
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1, y1)
