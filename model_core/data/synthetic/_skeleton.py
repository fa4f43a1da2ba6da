"""The bones of a PA chest film: ribs, clavicles, spine and scapulae.

Bones are drawn as filled shapes in the patient frame (mapped through the `View`, so they
rotate and scale with the exposure) and then given a cortical rim, which is what makes a
band read as a rib rather than as a stripe. Densities are in the attenuation units of
`anatomy.Film.tissue`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ._geometry import SIDES, View, band_polygon, ellipse_outline, image_sign
from ._raster import blur, draw_polygon, draw_polyline, smoothstep

if TYPE_CHECKING:
    from .anatomy import Anatomy

RIB_HALF_HEIGHT = 0.0115  # posterior rib half-height, frame heights (about 9 mm ribs)


def corticated(canvas: np.ndarray, rim_px: float, marrow: float = 0.55) -> np.ndarray:
    """Bone density from a filled shape: dimmer marrow inside a brighter cortical rim.
    Works only on the rows and columns the bones occupy."""
    rows, cols = np.flatnonzero(canvas.any(axis=1)), np.flatnonzero(canvas.any(axis=0))
    out = np.zeros_like(canvas)
    if rows.size == 0:
        return out
    k = max(1, int(round(rim_px)))
    where = (
        slice(max(0, rows[0] - k), rows[-1] + k + 1),
        slice(max(0, cols[0] - k), cols[-1] + k + 1),
    )
    bone = canvas[where]
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))
    out[where] = marrow * bone + (1.0 - marrow) * (bone - cv2.erode(bone, kernel))
    return out


def draw_faded_band(canvas: np.ndarray, band: np.ndarray, fade: np.ndarray) -> None:
    """Fill a band polygon (upper edge, then lower edge reversed) quad by quad, each quad
    at the fade level of its position along the band, so bones can taper out."""
    n = len(fade)
    upper, lower = band[:n], band[n:][::-1]
    for i in range(n - 1):
        level = 0.5 * float(fade[i] + fade[i + 1])
        if level <= 0.02:
            continue
        quad = np.array([upper[i], upper[i + 1], lower[i + 1], lower[i]])
        draw_polygon(canvas, quad, level)


def posterior_rib(anatomy: Anatomy, side: str, k: int, jitter: float) -> np.ndarray:
    """Centre line of posterior rib k: from the transverse process it rises laterally, then
    turns down along the chest wall (an upward-convex arc); d runs spine -> rib margin."""
    s = image_sign(side)
    half = anatomy.thorax_half_width
    y0 = anatomy.rib_first_y + k * anatomy.rib_step_y * (1.0 + 0.012 * k) + jitter
    rise = 0.12 * (0.7 if k == 0 else 1.0)
    bend = 0.19 - 0.004 * k
    d = np.linspace(0.06, 1.04, 36)
    y = y0 - rise * d + bend * d**2.6 + 0.005 * k * d
    return np.stack((anatomy.midline + s * d * half, y), axis=1)


def anterior_rib(anatomy: Anatomy, side: str, k: int, lateral_y: float) -> np.ndarray:
    """Centre line of anterior rib k: from the chest wall down and medially to the
    costochondral junction (the cartilage beyond it does not show)."""
    s = image_sign(side)
    half = anatomy.thorax_half_width
    t = np.linspace(0.0, 1.0, 24)
    d = 1.03 - 0.68 * t
    drop = 0.085 + 0.006 * k
    y = lateral_y + drop * (t + 0.35 * t * (1.0 - t))
    return np.stack((anatomy.midline + s * d * half, y), axis=1)


def rib_cage(anatomy: Anatomy, view: View, rng: np.random.Generator) -> np.ndarray:
    """Eleven posterior ribs per side and the fainter anterior ribs crossing them; the
    two sets add where they overlap, as on a real film."""
    posterior = np.zeros(view.shape, np.float32)
    anterior = np.zeros(view.shape, np.float32)
    for side in SIDES:
        for k in range(11):
            centre = posterior_rib(anatomy, side, k, rng.normal(0.0, 0.002))
            along = np.linspace(0.0, 1.0, len(centre))
            widths = RIB_HALF_HEIGHT * (0.7 if k == 0 else 1.0) * (1.0 + 0.25 * along)
            fade = smoothstep(along / 0.16) * (1.0 - 0.75 * smoothstep((along - 0.86) / 0.14))
            draw_faded_band(posterior, view.to_pixels(band_polygon(centre, widths)), fade)
            if k < 9:
                front = anterior_rib(anatomy, side, k, float(centre[-1, 1]) - 0.006)
                along = np.linspace(0.0, 1.0, len(front))
                fade = smoothstep(along / 0.16) * (1.0 - smoothstep((along - 0.55) / 0.45))
                front_w = np.full(len(front), RIB_HALF_HEIGHT * 1.3)
                draw_faded_band(anterior, view.to_pixels(band_polygon(front, front_w)), fade)
    rim = view.px(0.0022)
    bones = 0.075 * corticated(posterior, rim, 0.75) + 0.03 * corticated(anterior, rim, 0.8)
    return blur(bones, max(0.6, view.px(0.0016)))


def clavicles(anatomy: Anatomy, view: View) -> np.ndarray:
    """Two S-shaped clavicles rising from the sternoclavicular joints to the acromia, the
    medial heads bulbous; they cross the lung apices."""
    canvas = np.zeros(view.shape, np.float32)
    medial_y = anatomy.lung_apex_y + 0.085
    for side in SIDES:
        s = image_sign(side)
        t = np.linspace(0.0, 1.0, 40)
        x = anatomy.midline + s * (0.035 + 0.38 * t)
        y = medial_y - 0.09 * t + 0.012 * np.sin(2.0 * math.pi * t)
        half = 0.013 * (1.0 + 0.5 * np.exp(-((t / 0.08) ** 2)) + 0.25 * smoothstep((t - 0.8) / 0.2))
        fade = smoothstep(t / 0.03) * (1.0 - smoothstep((t - 0.95) / 0.05))
        band = view.to_pixels(band_polygon(np.stack((x, y), 1), half))
        draw_faded_band(canvas, band, fade)
    bone = corticated(canvas, view.px(0.0028), 0.7)
    return 0.1 * blur(bone, max(0.6, view.px(0.0015)))


def spine(anatomy: Anatomy, view: View, rng: np.random.Generator) -> np.ndarray:
    """Thoracic and upper lumbar vertebrae: bodies with end plates and disc spaces, pedicle
    rings and spinous processes. Kept faint: on a well-exposed PA film they are only just
    seen through the mediastinum and heart."""
    bodies = np.zeros(view.shape, np.float32)
    rings = np.zeros(view.shape, np.float32)
    m = anatomy.midline
    level_h = (anatomy.right_dome[0] + 0.04) / 12.5
    ring_px = max(1.0, view.px(0.003))
    for level in range(-1, 19):
        top = 0.01 + level * level_h + rng.normal(0.0, 0.0008)
        body_w = 0.036 + 0.0012 * max(level, 0)
        bottom = top + 0.82 * level_h
        corners = [(m - body_w, top), (m + body_w, top)]
        corners += [(m + body_w * 1.04, bottom), (m - body_w * 1.04, bottom)]
        draw_polygon(bodies, view.to_pixels(corners), 1.0)
        for s in (-1.0, 1.0):
            pedicle = ellipse_outline(m + s * 0.027, top + 0.3 * level_h, 0.0085, 0.0125, n=20)
            draw_polyline(rings, view.to_pixels(np.vstack((pedicle, pedicle[:1]))), 1.0, ring_px)
        process = ellipse_outline(m, top + 0.75 * level_h, 0.006, 0.011, n=16)
        draw_polygon(rings, view.to_pixels(process), 0.6)
    column = corticated(bodies, view.px(0.004), 0.75)
    return blur(0.022 * column + 0.008 * rings, max(0.8, view.px(0.003)))


def scapulae(anatomy: Anatomy, view: View) -> np.ndarray:
    """The scapulae, rotated forward for a PA film: faint plates over the upper chest wall
    whose medial borders project over the lateral edge of the upper lungs."""
    canvas = np.zeros(view.shape, np.float32)
    edge = anatomy.thorax_half_width * 0.95
    apex = anatomy.lung_apex_y
    for side in SIDES:
        s = image_sign(side)
        pts = [
            (anatomy.midline + s * (edge - 0.015), apex + 0.03),
            (anatomy.midline + s * (edge - 0.04), apex + 0.15),
            (anatomy.midline + s * (edge + 0.01), apex + 0.33),
            (anatomy.midline + s * (edge + 0.1), apex + 0.22),
            (anatomy.midline + s * (edge + 0.09), apex + 0.0),
        ]
        draw_polygon(canvas, view.to_pixels(pts), 1.0)
    return 0.025 * blur(corticated(canvas, view.px(0.003), 0.7), view.px(0.003))
