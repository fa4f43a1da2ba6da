"""The patient frame and how one exposure maps it onto pixels.

Anatomy is described in the *patient frame*: x in frame widths (0 at the image left, which is
the patient's RIGHT on a PA film), y in frame heights (0 at the top), for a frame of aspect
`CANONICAL_ASPECT` (rows / cols) framed like an NIH ChestX-ray8 film, so the radiologists'
location priors apply to it directly. A `View` maps that frame onto the pixels of one exposure
(zoom, shift, small rotation, any aspect and size): every structure is drawn where the
detector saw it, and boxes measured on drawn masks are tight in the final image without any
resampling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property

import cv2
import numpy as np

CANONICAL_ASPECT = 1.2  # rows / cols of the patient frame (a 14 x 17 inch cassette)
SIDES = ("right", "left")  # the patient's sides

Point = tuple[float, float]


def image_sign(side: str) -> float:
    """-1 for the patient's right (image left on a PA film), +1 for the patient's left."""
    if side not in SIDES:
        raise ValueError(f"side must be 'right' or 'left', got {side!r}")
    return -1.0 if side == "right" else 1.0


@dataclass(frozen=True)
class Framing:
    """How the film was taken: detector shape and size, field of view, centring, rotation.

    `fov_width` is how many patient-frame widths the image width covers (above 1: zoomed
    out), `top` the patient-frame height at the image's top edge.
    """

    aspect: float  # rows / cols of the image
    long_side_px: int  # full-resolution size of the longer side
    fov_width: float
    centre_x: float
    top: float
    rotation_deg: float
    mm_per_width: float  # physical size of one patient-frame width (patient size)

    def view(self, size: int | None = None) -> View:
        """The pixel grid of this exposure, at full resolution or with the longer side
        `size` pixels (training generates directly at a small size)."""
        long_side = int(size) if size is not None else self.long_side_px
        if long_side < 64:
            raise ValueError(f"image size must be at least 64 pixels, got {long_side}")
        if self.aspect >= 1.0:
            rows, cols = long_side, max(64, int(round(long_side / self.aspect)))
        else:
            rows, cols = max(64, int(round(long_side * self.aspect))), long_side
        px_per_width = cols / self.fov_width
        fov_height = rows / px_per_width / CANONICAL_ASPECT  # in frame heights
        centre = (self.centre_x, self.top + fov_height / 2.0)
        return View(rows, cols, px_per_width, centre, self.rotation_deg)


def sample_framing(rng: np.random.Generator) -> Framing:
    """Detector aspect 0.95-1.3, 1600-2600 px on the longer side, the whole thorax in view
    with a varying margin of neck and abdomen, off-centre by a little, rotated by a few
    degrees at most."""
    aspect = rng.uniform(0.95, 1.3)
    low = max(0.95, 1.056 / aspect)  # keep at least 0.88 heights in view
    high = min(1.15, 1.38 / aspect)  # and at most 1.15 heights
    fov_width = rng.uniform(low, max(low, high))
    fov_height = fov_width * aspect / CANONICAL_ASPECT
    top = rng.uniform(-0.02, max(-0.02, min(0.075, 0.86 - fov_height)))
    return Framing(
        aspect=aspect,
        long_side_px=int(rng.integers(1600, 2601)),
        fov_width=fov_width,
        centre_x=0.5 + float(np.clip(rng.normal(0.0, 0.012), -0.03, 0.03)),
        top=top,
        rotation_deg=float(np.clip(rng.normal(0.0, 1.5), -4.0, 4.0)),
        mm_per_width=rng.uniform(330.0, 400.0),
    )


@dataclass(frozen=True)
class View:
    """The pixel grid of one image and its mapping from the patient frame.

    Pixel coordinates are continuous: pixel (i, j) covers [j, j + 1) x [i, i + 1). The
    rotation is applied in physical (isotropic) units so anatomy is not sheared.
    """

    rows: int
    cols: int
    px_per_width: float
    centre: tuple[float, float]  # patient-frame point at the image centre
    rotation_deg: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)

    def px(self, widths: float) -> float:
        """A length in frame widths, in pixels."""
        return widths * self.px_per_width

    @cached_property
    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Patient-frame (x, y) of every pixel centre, float32 arrays of the image shape."""
        theta = math.radians(self.rotation_deg)
        c, s = np.float32(math.cos(theta)), np.float32(math.sin(theta))
        u = (np.arange(self.cols, dtype=np.float32) + 0.5 - self.cols / 2.0) / self.px_per_width
        v = (np.arange(self.rows, dtype=np.float32) + 0.5 - self.rows / 2.0) / self.px_per_width
        x = np.float32(self.centre[0]) + (c * u)[None, :] - (s * v)[:, None]
        y = np.float32(self.centre[1]) + ((s * u)[None, :] + (c * v)[:, None]) / np.float32(
            CANONICAL_ASPECT
        )
        return x.astype(np.float32), y.astype(np.float32)

    def to_pixels(self, points: np.ndarray | list) -> np.ndarray:
        """Patient-frame points (N, 2) -> continuous pixel coordinates (N, 2)."""
        pts = np.asarray(points, np.float64).reshape(-1, 2)
        du = pts[:, 0] - self.centre[0]
        dv = (pts[:, 1] - self.centre[1]) * CANONICAL_ASPECT
        theta = math.radians(self.rotation_deg)
        u = math.cos(theta) * du + math.sin(theta) * dv
        v = -math.sin(theta) * du + math.cos(theta) * dv
        return np.stack(
            (u * self.px_per_width + self.cols / 2.0, v * self.px_per_width + self.rows / 2.0),
            axis=1,
        )

    def to_patient(self, points: np.ndarray | list) -> np.ndarray:
        """Continuous pixel coordinates (N, 2) -> patient-frame points (N, 2)."""
        pts = np.asarray(points, np.float64).reshape(-1, 2)
        u = (pts[:, 0] - self.cols / 2.0) / self.px_per_width
        v = (pts[:, 1] - self.rows / 2.0) / self.px_per_width
        theta = math.radians(self.rotation_deg)
        du = math.cos(theta) * u - math.sin(theta) * v
        dv = math.sin(theta) * u + math.cos(theta) * v
        return np.stack((du + self.centre[0], dv / CANONICAL_ASPECT + self.centre[1]), axis=1)

    def point(self, x: float, y: float) -> Point:
        px, py = self.to_pixels([[x, y]])[0]
        return (float(px), float(py))

    def coarse(self, factor: int) -> View:
        """The same field of view on a grid `factor` times coarser (for smooth layers)."""
        return replace(
            self,
            rows=max(8, self.rows // factor),
            cols=max(8, self.cols // factor),
            px_per_width=self.px_per_width * max(8, self.cols // factor) / self.cols,
        )

    def upsample(self, coarse_image: np.ndarray) -> np.ndarray:
        """A smooth layer drawn on `coarse(...)`, resized to this grid."""
        return cv2.resize(coarse_image, (self.cols, self.rows), interpolation=cv2.INTER_LINEAR)


# The planning view: the bare patient frame at a low resolution, no rotation. Placement and
# report wording are decided on it, so they do not depend on the size an image is drawn at.
PLANNING_VIEW = View(rows=192, cols=160, px_per_width=160.0, centre=(0.5, 0.5))


def circle_outline(cx: float, cy: float, radius_w: float, n: int = 48) -> np.ndarray:
    """A circle of radius in frame widths, as patient-frame points (heights rescaled)."""
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    return np.stack(
        (cx + radius_w * np.cos(t), cy + radius_w * np.sin(t) / CANONICAL_ASPECT), axis=1
    )


def ellipse_outline(
    cx: float, cy: float, rx_w: float, ry_w: float, tilt_deg: float = 0.0, n: int = 48
) -> np.ndarray:
    """A tilted ellipse with semi-axes in frame widths, as patient-frame points."""
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    tilt = math.radians(tilt_deg)
    u, v = rx_w * np.cos(t), ry_w * np.sin(t)
    x = u * math.cos(tilt) - v * math.sin(tilt)
    y = u * math.sin(tilt) + v * math.cos(tilt)
    return np.stack((cx + x, cy + y / CANONICAL_ASPECT), axis=1)


def band_polygon(centre: np.ndarray, half_widths: np.ndarray) -> np.ndarray:
    """A band of varying width around a centre line, offset vertically (shallow curves)."""
    upper = np.stack((centre[:, 0], centre[:, 1] - half_widths), axis=1)
    lower = np.stack((centre[:, 0], centre[:, 1] + half_widths), axis=1)
    return np.concatenate((upper, lower[::-1]), axis=0)


def ribbon(centre: np.ndarray, half_width_w: float) -> np.ndarray:
    """A band of constant half-width (frame widths) around any centre line, offset along
    its normals in physical units; laid out like `band_polygon` (one edge, then the other
    reversed)."""
    physical = centre * np.array([1.0, CANONICAL_ASPECT])
    tangent = np.gradient(physical, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True) + 1e-12
    normal = np.stack((-tangent[:, 1], tangent[:, 0]), axis=1) * half_width_w
    one, other = physical + normal, physical - normal
    scale = np.array([1.0, 1.0 / CANONICAL_ASPECT])
    return np.concatenate((one * scale, (other * scale)[::-1]), axis=0)
