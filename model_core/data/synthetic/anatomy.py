"""Procedural PA chest radiograph of one synthetic patient: normal anatomy and its landmarks.

Coordinates. Anatomy is described in the *patient frame*: x in frame widths (0 at the image
left, which is the patient's RIGHT on a PA film), y in frame heights (0 at the top), for a
frame of aspect `CANONICAL_ASPECT` (rows / cols) framed like an NIH ChestX-ray8 film, so the
radiologists' location priors apply to it directly. A `View` maps that frame onto the pixels
of one exposure (zoom, shift, small rotation, any aspect and size): every structure is drawn
where the detector saw it, and boxes measured on the drawn masks are tight in the final image
without any resampling.

Pixel arrays built here are attenuation-like and in display polarity: air dark, higher value
more attenuation (the MONOCHROME2 convention); `_detector` turns them into 12-bit values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ._geometry import (
    CANONICAL_ASPECT,
    PLANNING_VIEW,
    SIDES,
    Framing,
    Point,
    View,
    circle_outline,
    ellipse_outline,
    image_sign,
    sample_framing,
)
from ._lungs import (
    lung_aeration,
    parenchymal_texture,
    pulmonary_markings,
    retrocardiac_lung,
    trachea_and_bronchi,
)
from ._raster import (
    Box,
    blur,
    draw_polygon,
    fill_polygon,
    mask_box,
    smooth_noise,
    smoothstep,
    soften,
)
from ._skeleton import clavicles, rib_cage, scapulae, spine

__all__ = [
    "CANONICAL_ASPECT",
    "PLANNING_VIEW",
    "SIDES",
    "Anatomy",
    "Film",
    "Framing",
    "Landmarks",
    "Thorax",
    "View",
    "draw_normal_chest",
    "image_sign",
    "sample_anatomy",
    "sample_framing",
    "thorax",
]


# --------------------------------------------------------------------------------------
# The patient
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anatomy:
    """Where the structures of one chest lie, in the patient frame (x widths, y heights)."""

    midline: float = 0.5
    lung_apex_y: float = 0.10
    thorax_half_width: float = 0.41  # inner rib margin, from the midline
    right_dome: tuple[float, float] = (0.60, 0.715)  # (peak y, costophrenic angle y)
    left_dome: tuple[float, float] = (0.63, 0.745)  # lower than the right one
    heart_center: tuple[float, float] = (0.555, 0.575)
    heart_axes: tuple[float, float] = (0.205, 0.15)  # semi-axes in frame widths
    heart_tilt_deg: float = 33.0
    aortic_knob: tuple[float, float, float] = (0.575, 0.305, 0.036)  # x, y, radius (widths)
    carina_y: float = 0.345
    right_hilum: tuple[float, float] = (0.405, 0.43)
    left_hilum: tuple[float, float] = (0.605, 0.41)
    rib_first_y: float = 0.112
    rib_step_y: float = 0.05
    trunk_half_width: float = 0.5  # lateral body wall, from the midline
    breasts: bool = False
    lucency: float = 1.0  # aeration multiplier (above 1: hyperinflated, emphysematous)
    marking_scale: float = 1.0  # strength of the peripheral vascular markings

    def dome(self, side: str) -> tuple[float, float]:
        return self.right_dome if side == "right" else self.left_dome

    def hilum(self, side: str) -> tuple[float, float]:
        return self.right_hilum if side == "right" else self.left_hilum


def sample_anatomy(rng: np.random.Generator, female: bool) -> Anatomy:
    """One adult's chest: lung height, dome levels (right higher), heart size and shape,
    mediastinal landmarks and body habitus vary within normal limits."""
    mid = 0.5
    apex = rng.uniform(0.085, 0.115)
    right_peak = rng.uniform(0.575, 0.625)
    left_peak = right_peak + rng.uniform(0.012, 0.04)
    recess = rng.uniform(0.10, 0.125)
    width = rng.uniform(0.19, 0.215)
    carina = rng.uniform(0.33, 0.36)
    first_rib = apex + rng.uniform(0.008, 0.02)
    return Anatomy(
        midline=mid,
        lung_apex_y=apex,
        thorax_half_width=rng.uniform(0.39, 0.425),
        right_dome=(right_peak, right_peak + recess),
        left_dome=(left_peak, left_peak + recess + rng.uniform(0.0, 0.02)),
        heart_center=(mid + rng.uniform(0.045, 0.07), right_peak - rng.uniform(0.015, 0.04)),
        heart_axes=(width, width * rng.uniform(0.7, 0.78)),
        heart_tilt_deg=rng.uniform(29.0, 37.0),
        aortic_knob=(
            mid + rng.uniform(0.066, 0.082),
            carina - rng.uniform(0.03, 0.05),
            rng.uniform(0.03, 0.042),
        ),
        carina_y=carina,
        right_hilum=(mid - rng.uniform(0.085, 0.105), carina + rng.uniform(0.07, 0.1)),
        left_hilum=(mid + rng.uniform(0.095, 0.115), carina + rng.uniform(0.05, 0.075)),
        rib_first_y=first_rib,
        rib_step_y=(right_peak - first_rib) / rng.uniform(9.4, 10.4),
        trunk_half_width=rng.uniform(0.44, 0.56),
        breasts=female and rng.random() < 0.8,
    )


# --------------------------------------------------------------------------------------
# Outlines of the thorax
# --------------------------------------------------------------------------------------


def hemithorax_outline(anatomy: Anatomy, side: str, n: int = 160) -> np.ndarray:
    """Inner rib margin of one side (N, 2): a rounded apex and a lateral wall that stays
    wide down to the costophrenic recess."""
    s = image_sign(side)
    a = 0.21 * anatomy.thorax_half_width / 0.41
    cx = anatomy.midline + s * (anatomy.thorax_half_width - a)
    cy = 0.52
    half_h = cy - anatomy.lung_apex_y
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    cos_t, sin_t = np.cos(t), np.sin(t)
    power = np.where(sin_t < 0.0, 2.0, 3.6)  # round above, boxy below
    x = cx + a * np.sign(cos_t) * np.abs(cos_t) ** (2.0 / power)
    y = cy + half_h * np.sign(sin_t) * np.abs(sin_t) ** (2.0 / power)
    return np.stack((x, y), axis=1)


def dome_y(anatomy: Anatomy, side: str, x: np.ndarray) -> np.ndarray:
    """Height of one hemidiaphragm over x: a dome peaking at mid-hemithorax, falling steeply
    into the costophrenic recess and gently to the cardiophrenic angle."""
    s = image_sign(side)
    peak_y, angle_y = anatomy.dome(side)
    peak_x = anatomy.midline + s * 0.215 * anatomy.thorax_half_width / 0.41
    lateral = (np.asarray(x) - peak_x) * s
    reach = anatomy.thorax_half_width - abs(peak_x - anatomy.midline)
    steep = (angle_y - peak_y) / reach**2.3
    gentle = 0.05 / 0.18**2
    return np.where(
        lateral > 0,
        peak_y + steep * np.abs(lateral) ** 2.3,
        peak_y + gentle * lateral**2,
    )


def diaphragm_y(anatomy: Anatomy, x: np.ndarray) -> np.ndarray:
    """Both domes joined at the midline."""
    x = np.asarray(x)
    right = dome_y(anatomy, "right", x)
    left = dome_y(anatomy, "left", x)
    return np.where(x < anatomy.midline, right, left)


def lung_outline(anatomy: Anatomy, side: str) -> np.ndarray:
    """One hemithorax above its dome and on its side of the midline (N, 2); the heart and
    mediastinum are cut away later, as masks."""
    outline = hemithorax_outline(anatomy, side, n=240)
    s = image_sign(side)
    x = anatomy.midline + s * np.maximum((outline[:, 0] - anatomy.midline) * s, 0.004)
    y = np.minimum(outline[:, 1], dome_y(anatomy, side, x))
    return np.stack((x, y), axis=1)


def mediastinum_outline(anatomy: Anatomy) -> np.ndarray:
    """Superior mediastinum (SVC on the image left; aortic knob and pulmonary trunk on the
    right) continuing down behind the heart to the diaphragm."""
    m = anatomy.midline
    knob_x = anatomy.aortic_knob[0]
    trunk_y = anatomy.left_hilum[1] - 0.02
    bottom = max(anatomy.right_dome[0], anatomy.left_dome[0]) + 0.08
    right_edge = [(m - 0.05, -0.05), (m - 0.055, 0.12), (m - 0.066, 0.22), (m - 0.07, 0.33)]
    right_edge += [(m - 0.068, 0.45), (m - 0.06, bottom)]
    left_edge = [(m + 0.06, bottom), (m + 0.066, trunk_y + 0.05), (knob_x - 0.004, trunk_y)]
    left_edge += [(m + 0.064, anatomy.aortic_knob[1] + 0.035), (m + 0.058, 0.22)]
    left_edge += [(m + 0.052, 0.12), (m + 0.05, -0.05)]
    return np.array(right_edge + left_edge, np.float64)


def heart_thickness(anatomy: Anatomy, view: View) -> np.ndarray:
    """Heart thickness (0 outside, 1 at the centre): a tilted ellipsoid, apex down and to the
    image right (the patient's left). Computed only in the heart's bounding window."""
    thickness = np.zeros(view.shape, np.float32)
    a, b = anatomy.heart_axes
    corners = ellipse_outline(*anatomy.heart_center, a, b, anatomy.heart_tilt_deg, n=32)
    pixels = view.to_pixels(corners)
    x0, y0 = np.floor(pixels.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(pixels.max(axis=0)).astype(int) + 2
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(view.cols, x1), min(view.rows, y1)
    if x1 <= x0 or y1 <= y0:
        return thickness
    gx, gy = view.grid
    dx = gx[y0:y1, x0:x1] - anatomy.heart_center[0]
    dy = (gy[y0:y1, x0:x1] - anatomy.heart_center[1]) * CANONICAL_ASPECT
    tilt = math.radians(anatomy.heart_tilt_deg)
    u = dx * math.cos(tilt) + dy * math.sin(tilt)
    v = -dx * math.sin(tilt) + dy * math.cos(tilt)
    inside = np.clip(1.0 - (u / a) ** 2 - (v / b) ** 2, 0.0, 1.0)
    thickness[y0:y1, x0:x1] = np.sqrt(inside)
    return thickness


# --------------------------------------------------------------------------------------
# Landmarks: where a radiologist (and a lesion painter) finds things, in pixels
# --------------------------------------------------------------------------------------


@dataclass
class Landmarks:
    """Anatomical landmarks of one image in continuous pixel coordinates.

    Boxes are (x0, y0, x1, y1). Zones split each lung field into thirds of its height
    ("right_upper", "right_mid", "right_lower", ...), the usual radiographic zones.
    """

    lungs: dict[str, Box]
    zones: dict[str, Box]
    heart: Box
    mediastinum: Box
    costophrenic: dict[str, Point]
    cardiophrenic: dict[str, Point]
    hila: dict[str, Point]
    apices: dict[str, Point]
    domes: dict[str, Point]
    carina: Point
    aortic_knob: Point
    midline_x: float
    cardiothoracic_ratio: float


@dataclass
class Thorax:
    """The masks everything else is built around, at one view."""

    lungs: dict[str, np.ndarray]  # bool, aerated lung field of each side
    silhouette: np.ndarray  # bool, heart and mediastinum
    heart: np.ndarray  # float32 heart thickness
    depth_below_diaphragm: np.ndarray  # float32, frame heights below the dome line (<0 above)
    landmarks: Landmarks


def thorax(anatomy: Anatomy, view: View) -> Thorax:
    """Lung fields, the cardiomediastinal silhouette and the landmarks of one chest."""
    heart = heart_thickness(anatomy, view)
    mediastinum = fill_polygon(view.shape, view.to_pixels(mediastinum_outline(anatomy)))
    knob = anatomy.aortic_knob
    draw_polygon(mediastinum, view.to_pixels(circle_outline(knob[0], knob[1], knob[2])), 1.0)
    union = np.maximum(heart > 0.0, mediastinum > 0.5).astype(np.float32)
    silhouette = blur(union, 0.012 * view.px_per_width) > 0.5
    lungs = {}
    for side in SIDES:
        field_mask = fill_polygon(view.shape, view.to_pixels(lung_outline(anatomy, side))) > 0.5
        lungs[side] = field_mask & ~silhouette
    below = depth_below_diaphragm(anatomy, view)
    landmarks = measure_landmarks(anatomy, view, lungs, heart, mediastinum, below)
    return Thorax(lungs, silhouette, heart, below, landmarks)


def depth_below_diaphragm(anatomy: Anatomy, view: View) -> np.ndarray:
    """Frame heights below the dome line (negative above it). The map is smooth, so large
    images compute it on a coarser grid."""
    grid_view = view.coarse(4) if min(view.shape) >= 256 else view
    x, y = grid_view.grid
    depth = (y - diaphragm_y(anatomy, x)).astype(np.float32)
    return depth if grid_view is view else view.upsample(depth)


def measure_landmarks(
    anatomy: Anatomy,
    view: View,
    lungs: dict[str, np.ndarray],
    heart: np.ndarray,
    mediastinum: np.ndarray,
    below_diaphragm: np.ndarray,
) -> Landmarks:
    """Boxes measured on the drawn masks; points mapped from the patient frame."""
    lung_boxes = {side: mask_box(lungs[side].astype(np.float32), 0.5) for side in SIDES}
    missing = [side for side, box in lung_boxes.items() if box is None]
    if missing:
        raise ValueError(f"the {missing[0]} lung field is outside the image ({view.shape})")
    zones = {}
    for side in SIDES:
        zones.update(lung_zones(side, lungs[side], lung_boxes[side]))
    visible = (heart > 0.0) & (below_diaphragm < 0.005)
    heart_box = mask_box(visible.astype(np.float32), 0.5) or (0, 0, 1, 1)
    thorax_width = lung_boxes["left"][2] - lung_boxes["right"][0]
    points = {
        "costophrenic": {
            side: (
                anatomy.midline + image_sign(side) * anatomy.thorax_half_width * 0.97,
                anatomy.dome(side)[1],
            )
            for side in SIDES
        },
        "cardiophrenic": {
            side: (
                anatomy.midline + image_sign(side) * 0.09,
                float(dome_y(anatomy, side, anatomy.midline + image_sign(side) * 0.09)),
            )
            for side in SIDES
        },
        "hila": {side: anatomy.hilum(side) for side in SIDES},
        "apices": {
            side: (
                anatomy.midline + image_sign(side) * (anatomy.thorax_half_width - 0.21),
                anatomy.lung_apex_y,
            )
            for side in SIDES
        },
        "domes": {
            side: (anatomy.midline + image_sign(side) * 0.215, anatomy.dome(side)[0])
            for side in SIDES
        },
    }
    mapped = {
        name: {side: view.point(*xy) for side, xy in per_side.items()}
        for name, per_side in points.items()
    }
    return Landmarks(
        lungs=lung_boxes,  # type: ignore[arg-type]
        zones=zones,
        heart=heart_box,
        mediastinum=mask_box(mediastinum, 0.5) or (0, 0, 1, 1),
        costophrenic=mapped["costophrenic"],
        cardiophrenic=mapped["cardiophrenic"],
        hila=mapped["hila"],
        apices=mapped["apices"],
        domes=mapped["domes"],
        carina=view.point(anatomy.midline + 0.004, anatomy.carina_y),
        aortic_knob=view.point(anatomy.aortic_knob[0], anatomy.aortic_knob[1]),
        midline_x=view.point(anatomy.midline, 0.5)[0],
        cardiothoracic_ratio=(heart_box[2] - heart_box[0]) / max(1, thorax_width),
    )


def lung_zones(side: str, lung: np.ndarray, box: Box) -> dict[str, Box]:
    """Upper, mid and lower zones: thirds of the lung field's height, each boxed tightly."""
    x0, y0, x1, y1 = box
    cuts = np.linspace(y0, y1, 4).round().astype(int)
    zones = {}
    for name, top, bottom in zip(("upper", "mid", "lower"), cuts[:-1], cuts[1:], strict=True):
        band = mask_box(lung[top:bottom, x0:x1].astype(np.float32), 0.5)
        if band is None:
            zones[f"{side}_{name}"] = (x0, int(top), x1, int(bottom))
        else:
            zones[f"{side}_{name}"] = (x0 + band[0], top + band[1], x0 + band[2], top + band[3])
    return zones


# --------------------------------------------------------------------------------------
# Soft tissue
# --------------------------------------------------------------------------------------


def body_thickness(anatomy: Anatomy, view: View) -> np.ndarray:
    """Beam path through the trunk: the neck and sloping shoulders at the top,
    thin at the lateral chest wall, narrower at the waist; 0..1 (smooth, drawn coarse)."""
    coarse = view.coarse(4)
    x, y = coarse.grid
    half = anatomy.trunk_half_width
    shoulder_y = anatomy.lung_apex_y + 0.02
    neck_to_shoulder = smoothstep((y - shoulder_y + 0.16) / 0.2)
    shoulders = 0.15 + (half + 0.04 - 0.15) * neck_to_shoulder
    shoulders = shoulders - 0.04 * smoothstep((y - shoulder_y - 0.06) / 0.16)
    waist = 1.0 - 0.07 * smoothstep((y - 0.7) / 0.35)
    rel = np.abs(x - anatomy.midline) / (shoulders * waist)
    thickness = np.sqrt(np.clip(1.0 - rel**2, 0.0, 1.0)) * 0.85
    thickness = thickness + 0.15 * np.clip((1.0 - rel) / 0.02, 0.0, 1.0)  # crisp skin line
    if anatomy.breasts:
        thickness = thickness + breast_shadows(anatomy, x, y)
    return view.upsample(thickness.astype(np.float32))


def breast_shadows(anatomy: Anatomy, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two lower-zone soft tissue shadows with a sharp inferolateral margin."""
    shadow = np.zeros(x.shape, np.float32)
    cy = (anatomy.right_dome[0] + anatomy.left_dome[0]) / 2.0 + 0.03
    for side in SIDES:
        cx = anatomy.midline + image_sign(side) * 0.27
        r = ((x - cx) / 0.2) ** 2 + ((y - cy) / 0.09) ** 2
        shadow += np.sqrt(np.clip(1.0 - r, 0.0, 1.0)) * smoothstep((y - cy + 0.09) / 0.12)
    return 0.08 * shadow


def upper_abdomen(anatomy: Anatomy, view: View, chest: Thorax, rng: np.random.Generator):
    """Soft tissue below the domes within the rib cage (liver on the image left, spleen and
    stomach on the right), 0..1, with the sharp edge the aerated lung above gives it, and
    some large-scale unevenness from bowel and fat."""
    depth = chest.depth_below_diaphragm
    below = soften(depth > 0.0, view.px(0.0035)) * (0.55 + 0.45 * smoothstep(depth / 0.09))
    coarse = view.coarse(4)
    x, _ = coarse.grid
    within = smoothstep((anatomy.thorax_half_width + 0.06 - np.abs(x - anatomy.midline)) / 0.08)
    uneven = 1.0 + 0.06 * smooth_noise(x.shape, rng, coarse.px(0.05))
    return below * view.upsample((within * uneven).astype(np.float32))


def mediastinal_depth(anatomy: Anatomy, view: View) -> np.ndarray:
    """The mediastinum is thickest in the midline (spine, oesophagus, great vessels):
    a smooth profile across it, so the silhouette is not a flat plate."""
    x, _ = view.coarse(4).grid
    profile = np.exp(-(((x - anatomy.midline) / 0.09) ** 2)).astype(np.float32)
    return view.upsample(profile)


def gastric_bubble(anatomy: Anatomy, view: View) -> np.ndarray:
    """Gas in the gastric fundus under the left dome, with a flat air-fluid level."""
    gx = anatomy.midline + 0.19
    gy = anatomy.left_dome[0] + 0.055
    canvas = np.zeros(view.shape, np.float32)
    outline = ellipse_outline(gx, gy, 0.05, 0.035)
    outline = outline[outline[:, 1] <= gy + 0.004]  # cut flat at the fluid level
    draw_polygon(canvas, view.to_pixels(outline), 1.0)
    return blur(canvas, view.px(0.003))


# --------------------------------------------------------------------------------------
# The whole film
# --------------------------------------------------------------------------------------

AIR_ATTENUATION = 0.6  # attenuation removed by a full lung's depth of air


@dataclass
class Film:
    """Attenuation layers of one chest at one view, combined into pixel values at the end.

    `tissue` is soft tissue and bone, `markings` the vessels and interstitium inside the
    lungs (a pneumothorax removes them), `air` the fraction of full lung aeration in the
    beam (a consolidation removes it). Lesions edit these layers in place.
    """

    anatomy: Anatomy
    view: View
    chest: Thorax
    tissue: np.ndarray
    markings: np.ndarray
    air: np.ndarray
    body: np.ndarray = field(repr=False)  # 0..1 beam path through the patient

    @property
    def landmarks(self) -> Landmarks:
        return self.chest.landmarks

    def lung(self, side: str) -> np.ndarray:
        return self.chest.lungs[side]

    def attenuation(self) -> np.ndarray:
        """Total attenuation before detector processing (air dark)."""
        return self.tissue + self.markings - AIR_ATTENUATION * self.air


def draw_normal_chest(anatomy: Anatomy, view: View, rng: np.random.Generator) -> Film:
    """All normal structures of one chest, before any lesion is placed."""
    chest = thorax(anatomy, view)
    lungs = chest.lungs["right"] | chest.lungs["left"]
    silhouette = soften(chest.silhouette, view.px(0.006))
    above_diaphragm = soften(chest.depth_below_diaphragm < 0.005, view.px(0.01))
    body = body_thickness(anatomy, view)
    central = np.maximum(silhouette, upper_abdomen(anatomy, view, chest, rng))
    bones = rib_cage(anatomy, view, rng) * (1.0 - 0.4 * blur(silhouette, view.px(0.01)))
    tissue = (
        0.8 * body
        + 0.08 * central
        + 0.03 * mediastinal_depth(anatomy, view) * silhouette
        + 0.07 * chest.heart * above_diaphragm
        - 0.07 * gastric_bubble(anatomy, view)
        + spine(anatomy, view, rng)
        + bones
        + clavicles(anatomy, view)
        + scapulae(anatomy, view)
    )
    behind = retrocardiac_lung(anatomy, view, chest)
    reach = soften(lungs, view.px(0.004)) + 0.35 * np.clip(behind / 0.2, 0.0, 1.0)
    markings = pulmonary_markings(anatomy, view, reach, rng)
    air = lung_aeration(anatomy, view, chest, behind) * parenchymal_texture(view, rng)
    air = (air + 0.2 * trachea_and_bronchi(anatomy, view)) * (0.7 + 0.3 * body)
    return Film(anatomy, view, chest, tissue.astype(np.float32), markings, air, body)
