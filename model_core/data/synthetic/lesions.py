"""Lesions of the common chest radiograph findings, painted into a `Film`.

Each painter edits the film's attenuation layers the way the disease changes the beam path
(fluid or tissue replacing aerated lung, air replacing lung markings, extra soft tissue) and
returns the ground-truth boxes (x0, y0, x1, y1) in pixels, measured on what it painted, so
they are tight around the visible abnormality. Where a lesion goes was decided by
`placement` in the patient frame; painters only map it through the film's `View`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ._geometry import CANONICAL_ASPECT, View, ellipse_outline, image_sign
from ._raster import (
    Box,
    blur,
    clip_box,
    draw_polygon,
    draw_polyline,
    mask_box,
    smooth_noise,
    smoothstep,
    soften,
)
from .anatomy import Film, dome_y
from .placement import LesionPlan


@dataclass(frozen=True)
class Difficulty:
    """How hard the generated studies are to ground.

    size_scale: multiplies lesion extents (nodule diameters, airspace extents, effusion
        heights, pneumothorax rims). Below 1 lesions get smaller and harder to see; nodules
        stay under 3 cm and masses at or above it, as the words require.
    contrast_scale: multiplies how much a lesion changes the film (air it displaces, tissue
        it adds, lucency of a pneumothorax). Below 1 lesions fade towards the background.
    noise_scale: multiplies the detector's quantum noise.

    Each must be positive; contrast_scale at most 2, beyond which every lesion saturates.

    `DEFAULT` (all 1.0) is the difficulty the default model is trained and evaluated at.
    """

    size_scale: float = 1.0
    contrast_scale: float = 1.0
    noise_scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("size_scale", "contrast_scale", "noise_scale"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0.0):
                raise ValueError(f"Difficulty.{name} must be a positive number, got {value!r}")
        if self.contrast_scale > 2.0:
            raise ValueError(
                f"Difficulty.contrast_scale must be at most 2, got {self.contrast_scale}"
            )


DEFAULT = Difficulty()


# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------


def window(view: View, corners: list[tuple[float, float]], margin_px: float) -> tuple[slice, slice]:
    """Pixel slices covering patient-frame corners plus a margin (at least one pixel)."""
    pixels = view.to_pixels(corners)
    x0 = int(np.clip(np.floor(pixels[:, 0].min() - margin_px), 0, view.cols - 1))
    y0 = int(np.clip(np.floor(pixels[:, 1].min() - margin_px), 0, view.rows - 1))
    x1 = int(np.clip(np.ceil(pixels[:, 0].max() + margin_px), x0 + 1, view.cols))
    y1 = int(np.clip(np.ceil(pixels[:, 1].max() + margin_px), y0 + 1, view.rows))
    return (slice(y0, y1), slice(x0, x1))


def local_grid(view: View, where: tuple[slice, slice]) -> tuple[np.ndarray, np.ndarray]:
    x, y = view.grid
    return x[where], y[where]


def displace(film: Film, weight: np.ndarray, air_loss: float, tissue_gain: float) -> None:
    """Fluid or tissue replaces aerated lung: less air in the beam, some more soft tissue."""
    film.air *= 1.0 - np.clip(air_loss * weight, 0.0, 0.98)
    film.tissue += tissue_gain * weight


def boxes_of(film: Film, weights: list[np.ndarray], fraction: float) -> list[Box]:
    """One tight box per painted map, clipped to the image; empty maps give none."""
    boxes = []
    for weight in weights:
        box = mask_box(weight, fraction)
        box = clip_box(box, film.view.shape) if box is not None else None
        if box is not None:
            boxes.append(box)
    return boxes


def soft_lung(film: Film, side: str, where: tuple[slice, slice] | None = None) -> np.ndarray:
    """The pleural space of one side: the lung field grown by a few pixels, so a lesion
    filling the lung leaves no rim of air along its soft edge."""
    lung = film.lung(side) if where is None else film.lung(side)[where]
    grow = max(1, int(round(film.view.px(0.004))))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    space = cv2.dilate(lung.astype(np.uint8), kernel)
    return soften(space, max(0.7, film.view.px(0.002)))


# --------------------------------------------------------------------------------------
# Airspace disease: pneumonia, consolidation, opacity
# --------------------------------------------------------------------------------------

AIRSPACE_DENSITY = {"dense": 0.85, "patchy": 0.7, "hazy": 0.45}


def airspace(film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float) -> list[Box]:
    """Confluent blobs of airspace filling, patchy at the margins, confined to the lung,
    with air bronchograms in denser disease."""
    view, side = film.view, plan.site.sides[0]
    (cx, cy), (w, h) = plan.centre, plan.extent
    where = window(view, [(cx - w, cy - h), (cx + w, cy + h)], 2.0)
    x, y = local_grid(view, where)
    acc = np.zeros(x.shape, np.float32)
    for _ in range(int(rng.integers(7, 13))):
        bx, by = cx + rng.normal(0.0, w / 5.0), cy + rng.normal(0.0, h / 5.0)
        sx, sy = w * rng.uniform(0.13, 0.26), h * rng.uniform(0.13, 0.26)
        acc += np.exp(-0.5 * (((x - bx) / sx) ** 2 + ((y - by) / sy) ** 2))
    amplitude = 0.25 if plan.variant == "patchy" else 0.15
    patchy = np.clip(1.0 + amplitude * smooth_noise(x.shape, rng, view.px(0.012)), 0.5, 1.4)
    opacity = np.clip((1.0 - np.exp(-1.8 * acc)) * patchy, 0.0, 1.0) * soft_lung(film, side, where)
    if plan.variant == "hazy":
        opacity = blur(opacity, view.px(0.006))
    weight = np.zeros(view.shape, np.float32)
    weight[where] = opacity
    boxes = boxes_of(film, [weight], 0.3)
    if plan.variant != "hazy" and rng.random() < 0.6:
        dense_core = smoothstep((opacity - 0.6) / 0.3)
        weight[where] -= 0.3 * air_bronchograms(view, where, plan, rng) * dense_core
    displace(film, weight, AIRSPACE_DENSITY[plan.variant] * contrast, 0.015 * contrast)
    return boxes


def air_bronchograms(
    view: View, where: tuple[slice, slice], plan: LesionPlan, rng: np.random.Generator
) -> np.ndarray:
    """Branching air-filled bronchi made visible by the fluid around them."""
    canvas = np.zeros(view.shape, np.float32)
    (cx, cy), (w, h) = plan.centre, plan.extent
    s = image_sign(plan.site.sides[0])
    for _ in range(int(rng.integers(2, 5))):
        x, y = cx - s * w * rng.uniform(0.1, 0.3), cy - h * rng.uniform(0.1, 0.3)
        angle = math.radians(90.0 + s * rng.uniform(15.0, 60.0))
        points = [(x, y)]
        step = 0.05 * min(w, h * CANONICAL_ASPECT)
        for _step in range(5):
            x += math.cos(angle) * step
            y += math.sin(angle) * step / CANONICAL_ASPECT
            points.append((x, y))
            angle += rng.normal(0.0, 0.2)
        draw_polyline(canvas, view.to_pixels(points), 1.0, max(1.0, view.px(0.0028)))
    return blur(canvas, max(0.8, view.px(0.0025)))[where]


# --------------------------------------------------------------------------------------
# Nodule and mass
# --------------------------------------------------------------------------------------


def round_lesion(
    film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float
) -> list[Box]:
    """A rounded, slightly lobulated soft tissue density; a mass is larger, more lobulated
    and may be spiculated."""
    view = film.view
    diameter = view.px(plan.extent[0])
    centre = view.to_pixels([plan.centre])[0]
    where = window(view, [plan.centre], 0.85 * diameter + 3.0)
    rows, cols = where[0], where[1]
    yy, xx = np.mgrid[rows, cols].astype(np.float32)
    dx, dy = xx + 0.5 - centre[0], yy + 0.5 - centre[1]
    theta = np.arctan2(dy, dx)
    lobes = 0.12 if plan.finding == "mass" else 0.06
    radius = (
        0.5
        * diameter
        * (
            1.0
            + lobes * np.sin(3 * theta + rng.uniform(0, 6.3))
            + 0.6 * lobes * np.sin(5 * theta + rng.uniform(0, 6.3))
        )
    )
    rel = np.hypot(dx, dy) / radius
    body = np.sqrt(np.clip(1.0 - rel**2, 0.0, 1.0)) ** 0.8
    body *= np.clip(1.0 + 0.12 * smooth_noise(body.shape, rng, max(1.0, 0.08 * diameter)), 0.7, 1.2)
    weight = np.zeros(view.shape, np.float32)
    weight[where] = blur(body.astype(np.float32), max(0.6, 0.05 * diameter))
    if plan.variant == "spiculated":
        weight = np.maximum(weight, spicules(view, centre, diameter, rng))
    boxes = boxes_of(film, [weight], 0.25)
    air_loss, tissue = (0.7, 0.03) if plan.finding == "mass" else (0.55, 0.02)
    displace(film, weight, air_loss * contrast, tissue * contrast)
    return boxes


def spicules(
    view: View, centre: np.ndarray, diameter: float, rng: np.random.Generator
) -> np.ndarray:
    """Fine strands radiating from a mass margin (a sign of malignancy)."""
    canvas = np.zeros(view.shape, np.float32)
    for angle in rng.uniform(0.0, 2.0 * math.pi, 36):
        r0, r1 = diameter * 0.45, diameter * rng.uniform(0.55, 0.72)
        bend = angle + rng.normal(0.0, 0.12)
        points = [
            (centre[0] + r0 * math.cos(angle), centre[1] + r0 * math.sin(angle)),
            (centre[0] + r1 * math.cos(bend), centre[1] + r1 * math.sin(bend)),
        ]
        draw_polyline(canvas, np.array(points), 0.6, max(1.0, 0.012 * diameter))
    return blur(canvas, max(0.6, 0.008 * diameter))


# --------------------------------------------------------------------------------------
# Pleura: effusion, pneumothorax, thickening
# --------------------------------------------------------------------------------------


def effusion(film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float) -> list[Box]:
    """Fluid layering at the base: it blunts the costophrenic angle, climbs the lateral
    chest wall as a meniscus and, when large, hides the whole hemidiaphragm."""
    weights = []
    for side in plan.site.sides:
        weights.append(fluid_layer(film, side, plan.extent[1]))
    boxes = boxes_of(film, weights, 0.35)
    for weight in weights:
        displace(film, weight, 0.92 * contrast, 0.035 * contrast)
    return boxes


def fluid_layer(film: Film, side: str, height: float) -> np.ndarray:
    anatomy, view = film.anatomy, film.view
    s = image_sign(side)
    angle_y = anatomy.dome(side)[1]
    wall = anatomy.midline + s * anatomy.thorax_half_width
    reach = float(np.clip(height * 3.2, 0.1, 0.34))
    where = window(
        view,
        [(wall - s * (reach + 0.05), angle_y - height - 0.04), (wall + s * 0.02, angle_y + 0.02)],
        3.0,
    )
    x, y = local_grid(view, where)
    lateral = np.clip((x - (wall - s * reach)) / (s * reach), 0.0, 1.0)
    floor = 0.35 if height > 0.15 else 0.0
    top = angle_y - height * (floor + (1.0 - floor) * lateral**1.4)
    ramp = 0.012 + 0.08 * height
    fluid = smoothstep((y - top) / ramp) * (lateral > 0.0)
    weight = np.zeros(view.shape, np.float32)
    weight[where] = fluid * soft_lung(film, side, where)
    return weight


def pneumothorax(
    film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float
) -> list[Box]:
    """Air between lung and chest wall: a lucent rim without lung markings at the apex and
    lateral wall, bounded by the thin white visceral pleural line of the retracted lung."""
    view, anatomy = film.view, film.anatomy
    side = plan.site.sides[0]
    s = image_sign(side)
    depth = plan.extent[0]
    hx, hy = anatomy.hilum(side)
    anchor = view.to_pixels([(hx, anatomy.dome(side)[0])])[0]
    lateral_reach = anatomy.thorax_half_width - abs(hx - anatomy.midline)
    fx = 1.0 - depth / lateral_reach
    fy = 1.0 - 1.3 * depth * CANONICAL_ASPECT / (anatomy.dome(side)[0] - anatomy.lung_apex_y) / 1.2
    matrix = np.array([[fx, 0.0, (1.0 - fx) * anchor[0]], [0.0, fy, (1.0 - fy) * anchor[1]]])
    lung = film.lung(side).astype(np.uint8)
    collapsed = cv2.warpAffine(lung, matrix, (view.cols, view.rows), flags=cv2.INTER_NEAREST)
    x, y = view.grid
    outside = (lung > 0) & (collapsed == 0) & ((x - (hx - s * 0.04)) * s > 0)
    if plan.variant == "apical":
        outside &= y < hy - 0.04
    base, apex = anatomy.dome(side)[0], anatomy.lung_apex_y
    reach = {"small": 0.35, "moderate": 0.55, "large": 0.8}.get(plan.severity, 0.55)
    taper = smoothstep((apex + reach * (base - apex) - y) / (0.25 * (base - apex)))
    rim = soften(outside, max(0.5, view.px(0.0015))) * taper
    edge = collapsed - cv2.erode(collapsed, np.ones((3, 3), np.uint8))
    near = cv2.dilate(outside.astype(np.uint8), np.ones((5, 5), np.uint8))
    line = blur((edge * near).astype(np.float32), max(0.5, view.px(0.0007))) * (taper > 0.05)
    boxes = boxes_of(film, [np.maximum(rim, line)], 0.5)
    film.markings *= 1.0 - rim
    film.air += rim * (0.3 * film.air + 0.15) * contrast
    retracted = (collapsed > 0) & (taper > 0.05)
    film.air *= 1.0 - 0.06 * contrast * soften(retracted, view.px(0.01)) * (lung > 0)
    film.tissue += 0.06 * contrast * line
    return boxes


def pleural_thickening(
    film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float
) -> list[Box]:
    """Smooth soft tissue along the inner chest wall: an apical cap or a lateral band."""
    view, anatomy = film.view, film.anatomy
    weights = []
    thickness_px = max(1.5, view.px(plan.extent[0]))
    for side in plan.site.sides:
        s = image_sign(side)
        lung = film.lung(side).astype(np.uint8)
        inside = cv2.distanceTransform(lung, cv2.DIST_L2, 3)
        band = (lung > 0) & (inside < thickness_px)
        x, y = view.grid
        apex = anatomy.lung_apex_y
        if plan.variant == "apical":
            keep = smoothstep((apex + 0.09 - y) / 0.03)
        else:
            top = apex + 0.12 + 0.3 * float(rng.random()) * (0.5 - plan.extent[1])
            keep = smoothstep((y - top) / 0.02) * smoothstep((top + plan.extent[1] - y) / 0.02)
            keep = keep * ((x - anatomy.midline) * s > anatomy.thorax_half_width * 0.55)
        weights.append(soften(band, max(0.6, 0.3 * thickness_px)) * keep)
    boxes = boxes_of(film, weights, 0.4)
    for weight in weights:
        displace(film, weight, 0.9 * contrast, 0.012 * contrast)
    return boxes


# --------------------------------------------------------------------------------------
# Collapse
# --------------------------------------------------------------------------------------


def atelectasis(
    film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float
) -> list[Box]:
    """Plate-like bands, bibasilar bands, or a collapsed lobe (a wedge towards the hilum)."""
    if plan.variant == "lobar":
        weights = [lobar_collapse(film, plan)]
    elif plan.variant == "bibasilar":
        weights = [basal_plate(film, plan, side, rng) for side in plan.site.sides]
    else:
        side = plan.site.sides[0]
        weights = [plate(film, side, plan.centre, plan.extent, rng.uniform(-18.0, 12.0))]
    boxes = boxes_of(film, weights, 0.35)
    for weight in weights:
        displace(film, weight, 0.75 * contrast, 0.01 * contrast)
    return boxes


def plate(
    film: Film, side: str, centre: tuple[float, float], extent: tuple[float, float], tilt: float
) -> np.ndarray:
    """A thin, slightly tilted band of collapsed lung (discoid atelectasis)."""
    view = film.view
    length, thickness = extent
    tilt = tilt * image_sign(side)
    outline = ellipse_outline(centre[0], centre[1], length / 2.0, thickness * 0.6, tilt, n=40)
    canvas = np.zeros(view.shape, np.float32)
    draw_polygon(canvas, view.to_pixels(outline), 1.0)
    return blur(canvas, max(0.8, view.px(0.0035))) * soft_lung(film, side)


def basal_plate(film: Film, plan: LesionPlan, side: str, rng: np.random.Generator) -> np.ndarray:
    """A band of subsegmental atelectasis just above one dome."""
    anatomy = film.anatomy
    s = image_sign(side)
    x = anatomy.midline + s * rng.uniform(0.17, 0.26)
    y = float(dome_y(anatomy, side, np.array([x]))[0]) - rng.uniform(0.03, 0.05)
    return plate(film, side, (x, y), plan.extent, rng.uniform(-15.0, 8.0))


def lobar_collapse(film: Film, plan: LesionPlan) -> np.ndarray:
    """A collapsed lobe: lower lobe as a triangle from the hilum to the medial dome (behind
    the heart on the left), upper lobe as a wedge against the upper mediastinum."""
    view, anatomy = film.view, film.anatomy
    side = plan.site.sides[0]
    s = image_sign(side)
    m = anatomy.midline
    hx, hy = anatomy.hilum(side)
    peak = anatomy.dome(side)[0]
    if plan.site.zone == "upper":
        points = [
            (m + s * 0.06, anatomy.lung_apex_y + 0.03),
            (m + s * 0.06, hy - 0.01),
            (m + s * 0.21, hy - 0.07),
            (m + s * 0.2, anatomy.lung_apex_y + 0.08),
        ]
    else:
        points = [
            (hx - s * 0.02, hy + 0.025),
            (m + s * 0.26, peak + 0.025),
            (m + s * 0.045, peak + 0.05),
            (m + s * 0.045, hy + 0.07),
        ]
    canvas = np.zeros(view.shape, np.float32)
    draw_polygon(canvas, view.to_pixels(points), 1.0)
    wedge = blur(canvas, max(0.6, view.px(0.003)))
    keep = np.maximum(soft_lung(film, side), np.clip(film.air / 0.15, 0.0, 1.0))
    return wedge * keep


# --------------------------------------------------------------------------------------
# Diffuse disease: edema, emphysema, fibrosis
# --------------------------------------------------------------------------------------

EDEMA_DENSITY = {"mild": 0.35, "moderate": 0.5, "severe": 0.7}


def edema(film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float) -> list[Box]:
    """Bilateral perihilar haziness (a 'bat wing' when severe) with indistinct vessels."""
    view, anatomy = film.view, film.anatomy
    spread = plan.extent[0]
    weights = []
    x, y = view.grid
    for side in plan.site.sides:
        hx, hy = anatomy.hilum(side)
        s = image_sign(side)
        cx = hx + s * 0.4 * spread
        haze = np.exp(-(((x - cx) / (1.3 * spread)) ** 2) - (((y - hy - 0.03) / spread) ** 2))
        noise = np.clip(1.0 + 0.25 * smooth_noise(view.shape, rng, view.px(0.01)), 0.5, 1.4)
        weights.append((np.clip(haze * noise, 0.0, 1.0) * soft_lung(film, side)).astype(np.float32))
    boxes = boxes_of(film, weights, 0.35)
    blurred = blur(film.markings, view.px(0.004))
    for weight in weights:
        film.markings = film.markings * (1.0 - 0.6 * weight) + blurred * 0.6 * weight
        displace(film, weight, EDEMA_DENSITY[plan.severity] * contrast, 0.01 * contrast)
    return boxes


def emphysema(film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float) -> list[Box]:
    """Hyperinflation is already in the anatomy; the abnormality is both lungs."""
    return [film.landmarks.lungs[side] for side in plan.site.sides]


def fibrosis(film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float) -> list[Box]:
    """Coarse reticular lines, basal and peripheral, with some loss of aeration."""
    view, anatomy = film.view, film.anatomy
    x, y = view.grid
    cells = smooth_noise(view.shape, rng, max(1.0, view.px(0.007)))
    net = np.exp(-((cells / 0.3) ** 2))  # zero crossings of the noise: a cellular net
    net = blur(
        net * (1.0 + 0.5 * smooth_noise(view.shape, rng, view.px(0.02))), max(0.7, view.px(0.0015))
    )
    weights = []
    for side in plan.site.sides:
        s = image_sign(side)
        base = anatomy.dome(side)[1]
        basal = smoothstep((y - (base - plan.extent[1])) / 0.08)
        hx, hy = anatomy.hilum(side)
        peripheral = smoothstep((np.hypot(x - hx, (y - hy) * CANONICAL_ASPECT) - 0.06) / 0.12)
        region = basal * peripheral * soft_lung(film, side) * ((x - anatomy.midline) * s > 0.05)
        weights.append(region.astype(np.float32))
    boxes = boxes_of(film, weights, 0.35)
    for region in weights:
        film.tissue += 0.035 * contrast * net * region
        displace(film, region, 0.25 * contrast, 0.0)
    return boxes


# --------------------------------------------------------------------------------------
# Heart and mediastinum
# --------------------------------------------------------------------------------------


def cardiomegaly(
    film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float
) -> list[Box]:
    """The enlarged heart is in the anatomy; its box is the visible cardiac silhouette."""
    return [film.landmarks.heart]


def hiatal_hernia(
    film: Film, plan: LesionPlan, rng: np.random.Generator, contrast: float
) -> list[Box]:
    """A rounded retrocardiac soft tissue mass above the diaphragm holding a gas bubble with
    a flat air-fluid level."""
    view = film.view
    (cx, cy), (w, h) = plan.centre, plan.extent
    outline = ellipse_outline(cx, cy, w / 2.0, h * CANONICAL_ASPECT / 2.0, rng.uniform(-10, 10))
    sac = np.zeros(view.shape, np.float32)
    draw_polygon(sac, view.to_pixels(outline), 1.0)
    sac = blur(sac, max(0.6, view.px(0.002)))
    level = cy - h * rng.uniform(0.0, 0.25)
    gas_outline = ellipse_outline(cx, cy, w * 0.42, h * CANONICAL_ASPECT * 0.42)
    gas_outline = gas_outline[gas_outline[:, 1] <= level]
    gas = np.zeros(view.shape, np.float32)
    if len(gas_outline) >= 3:
        draw_polygon(gas, view.to_pixels(gas_outline), 1.0)
    gas = blur(gas, max(0.5, view.px(0.0012)))
    boxes = boxes_of(film, [sac], 0.5)
    film.tissue += 0.03 * contrast * sac
    film.air += 0.35 * contrast * gas
    return boxes


Painter = Callable[[Film, LesionPlan, np.random.Generator, float], list[Box]]

PAINTERS: dict[str, Painter] = {
    "atelectasis": atelectasis,
    "cardiomegaly": cardiomegaly,
    "consolidation": airspace,
    "edema": edema,
    "effusion": effusion,
    "emphysema": emphysema,
    "fibrosis": fibrosis,
    "hiatal hernia": hiatal_hernia,
    "mass": round_lesion,
    "nodule": round_lesion,
    "opacity": airspace,
    "pleural thickening": pleural_thickening,
    "pneumonia": airspace,
    "pneumothorax": pneumothorax,
}


def draw_lesion(
    film: Film, plan: LesionPlan, rng: np.random.Generator, difficulty: Difficulty = DEFAULT
) -> list[Box]:
    """Paint one planned lesion into the film; its ground-truth boxes in pixels."""
    painter = PAINTERS.get(plan.finding)
    if painter is None:
        raise ValueError(f"no painter for finding {plan.finding!r}")
    return painter(film, plan, rng, difficulty.contrast_scale)
