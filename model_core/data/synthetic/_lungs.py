"""The aerated lungs of a PA film: air in the beam, the airways, the vessels and the fine
texture of the parenchyma.

These are the layers lesions act on: airspace disease displaces the air drawn here, a
pneumothorax removes the vessels and adds air, edema blurs the vessels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._geometry import CANONICAL_ASPECT, SIDES, View, image_sign, ribbon
from ._raster import blur, draw_polyline, draw_polylines, smooth_noise, smoothstep, soften
from ._skeleton import draw_faded_band

if TYPE_CHECKING:
    from .anatomy import Anatomy, Thorax


def trachea_and_bronchi(anatomy: Anatomy, view: View) -> np.ndarray:
    """Air column of the trachea (nudged to the right by the aortic knob) down to the
    carina, and the two main bronchi, the left longer and more horizontal."""
    canvas = np.zeros(view.shape, np.float32)
    m = anatomy.midline
    knob_y = anatomy.aortic_knob[1]
    carina = (m + 0.004, anatomy.carina_y)
    path = np.array([(m, -0.05), (m, 0.06), (m - 0.002, knob_y - 0.06), (m - 0.008, knob_y)])
    width = view.px(0.032)
    draw_faded_band(canvas, view.to_pixels(ribbon(path, 0.016)), np.array([0.3, 0.7, 1.0, 1.0]))
    draw_polyline(canvas, view.to_pixels([path[-1], carina]), 1.0, width)
    right_main = [carina, (carina[0] - 0.06, carina[1] + 0.055)]
    left_main = [carina, (carina[0] + 0.08, carina[1] + 0.045)]
    draw_polyline(canvas, view.to_pixels(right_main), 0.9, width * 0.62)
    draw_polyline(canvas, view.to_pixels(left_main), 0.9, width * 0.52)
    return blur(canvas, view.px(0.003))


@dataclass
class _Branch:
    x: float
    y: float  # physical units (frame widths), y down
    angle: float
    length: float
    thick: float
    depth: int


def vessel_tree(anatomy: Anatomy, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Branching pulmonary vessels from both hila: (N, 5, 2) polylines in the patient frame
    and their (N,) widths in frame widths. Thick near the hila, tapering to the periphery,
    with larger vessels to the lower zones (gravity)."""
    branches: list[tuple[list[tuple[float, float]], float]] = []
    for side in SIDES:
        s = image_sign(side)
        hx, hy = anatomy.hilum(side)
        for base_deg in (-125, -100, -75, -45, -15, 10, 30, 50, 68, 84):
            deg = base_deg + rng.normal(0.0, 5.0)
            angle = math.radians(180.0 - deg) if s < 0 else math.radians(deg)
            lower = base_deg > 20
            length = (0.12 if lower else 0.095) * rng.uniform(0.85, 1.15)
            thick = 0.016 if lower else 0.012
            stack = [_Branch(hx, hy * CANONICAL_ASPECT, angle, length, thick, 0)]
            while stack:
                grow_branch(stack.pop(), stack, branches, rng)
    points = np.array([line for line, _ in branches], np.float64)
    points[:, :, 1] /= CANONICAL_ASPECT
    return points, np.array([thick for _, thick in branches])


def grow_branch(
    branch: _Branch,
    stack: list[_Branch],
    branches: list[tuple[list[tuple[float, float]], float]],
    rng: np.random.Generator,
) -> None:
    """Extend one vessel in four gently curving steps, then fork in two thinner ones."""
    x, y, angle = branch.x, branch.y, branch.angle
    line = [(x, y)]
    for step in rng.normal(0.0, 0.16, 4):
        angle += step
        x += math.cos(angle) * branch.length / 4.0
        y += math.sin(angle) * branch.length / 4.0
        line.append((x, y))
    branches.append((line, branch.thick))
    if branch.depth >= 5:
        return
    spread = rng.uniform(0.25, 0.5)
    for turn in (-spread, spread * rng.uniform(0.6, 1.0)):
        length = branch.length * rng.uniform(0.7, 0.85)
        stack.append(_Branch(x, y, angle + turn, length, branch.thick * 0.72, branch.depth + 1))


def pulmonary_markings(
    anatomy: Anatomy, view: View, reach: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Vessels drawn from the tree, confined to where lung is (`reach`), fading towards the
    periphery, plus the hilar densities of the pulmonary arteries."""
    lines, widths = vessel_tree(anatomy, rng)
    pixels = view.to_pixels(lines.reshape(-1, 2)).reshape(lines.shape)
    groups: dict[tuple[int, float], list[np.ndarray]] = {}
    for line, thick in zip(pixels, widths, strict=True):
        width = view.px(thick)
        if width < 0.3:
            continue
        level = round(min(1.0, 0.3 + 4.0 * math.sqrt(thick)) * min(1.0, width), 2)
        groups.setdefault((max(1, int(round(width))), level), []).append(line)
    canvas = np.zeros(view.shape, np.float32)
    for (thickness, level), group in groups.items():
        draw_polylines(canvas, group, level, thickness)
    vessels = blur(canvas, max(0.7, view.px(0.002))) * reach
    coarse = view.coarse(4)
    x, y = coarse.grid
    nearest = np.full(x.shape, np.inf, np.float32)
    hila = np.zeros(x.shape, np.float32)
    for side in SIDES:
        hx, hy = anatomy.hilum(side)
        dist = np.hypot(x - hx, (y - hy) * CANONICAL_ASPECT)
        hila += np.exp(-((dist / 0.045) ** 2))
        nearest = np.minimum(nearest, dist)
    fade = (1.0 - 0.7 * smoothstep((nearest - 0.08) / 0.3)) * anatomy.marking_scale
    fade = np.clip(fade, 0.0, 1.5).astype(np.float32)
    return 0.09 * vessels * view.upsample(fade) + 0.05 * view.upsample(hila) * reach


def parenchymal_texture(view: View, rng: np.random.Generator) -> np.ndarray:
    """Fine interstitial mottle plus coarser unevenness of aeration (relative, around 1)."""
    fine = smooth_noise(view.shape, rng, max(0.7, view.px(0.0018)))
    coarse = smooth_noise(view.shape, rng, view.px(0.026))
    return 1.0 + 0.02 * fine + 0.045 * coarse


def retrocardiac_lung(anatomy: Anatomy, view: View, chest: Thorax) -> np.ndarray:
    """Lower lobe lung behind the heart, down to the domes, beside the spine; much more of
    it on the patient's left, where the heart lies."""
    x, y = view.grid
    behind = np.zeros(view.shape, np.float32)
    spine_clear = np.abs(x - anatomy.midline) > 0.055
    above = chest.depth_below_diaphragm < 0.0
    for side, amount in (("right", 0.06), ("left", 0.2)):
        s = image_sign(side)
        region = chest.silhouette & above & spine_clear & ((x - anatomy.midline) * s > 0)
        lower = smoothstep((y - anatomy.hilum(side)[1] + 0.02) / 0.12)
        behind += amount * soften(region, view.px(0.012)) * lower
    return behind


def lung_aeration(anatomy: Anatomy, view: View, chest: Thorax, behind: np.ndarray) -> np.ndarray:
    """Air in the beam: thickest centrally and at the bases, thinner at the apices and the
    chest wall, plus the lower lobes seen through the heart."""
    lungs = (chest.lungs["right"] | chest.lungs["left"]).astype(np.float32)
    sharp = blur(lungs, max(0.5, view.px(0.0022)))
    deep = blur(lungs, view.px(0.04))
    _, y = view.coarse(4).grid
    craniocaudal = 0.78 + 0.22 * smoothstep((y - anatomy.lung_apex_y) / 0.3)
    air = sharp * (0.35 + 0.65 * deep) * view.upsample(craniocaudal.astype(np.float32))
    return (air + behind) * anatomy.lucency
