"""Regenerate the bundled demo studies under ``resources/demo/``.

No real chest radiograph with a report may be shipped, yet the viewer must open a study
with a report on first start, and its tests need films whose findings sit at known places.
This script draws two synthetic patients procedurally (soft tissue, lungs, heart,
mediastinum, spine, ribs, clavicles, diaphragm, vessels, noise), places lesions that match
a hand-written report, and writes real DICOM files plus a ``ground_truth.json`` whose
character spans index the exact report text.

* ``chest-pa-001``: one PA film (MONOCHROME2, two window presets), ``report.txt``.
* ``chest-pa-002``: a PA film (MONOCHROME1, VOI LUT Sequence), a low-dose repeat PA
  (MONOCHROME1, window presets, SIGMOID) and the report as a DICOM Basic Text SR,
  with ``report-sr.expected.txt`` holding the text a reader reconstructs from it.

Everything is seeded, and every UID is derived from fixed strings, so
``python scripts/make_demo.py`` rewrites byte-identical files.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

LOG = logging.getLogger("make_demo")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_ROOT = REPO_ROOT / "resources" / "demo"

DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11"
MAX_STORED = 4095  # 12 bits stored
IMPLEMENTATION_VERSION = "KNOWMVG_DEMO_1"

Box = list[int]


# --------------------------------------------------------------------------------------
# Patient anatomy, in fractions of the image width (x) and height (y)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anatomy:
    """Where the structures of one synthetic chest lie; x in image widths, y in heights."""

    rows: int
    cols: int
    midline: float = 0.5
    lung_apex_y: float = 0.10
    thorax_half_width: float = 0.41  # inner rib margin, from the midline
    right_dome: tuple[float, float] = (0.60, 0.715)  # (peak y, costophrenic y), image left
    left_dome: tuple[float, float] = (0.63, 0.745)  # image right, lower
    heart_center: tuple[float, float] = (0.58, 0.565)
    heart_axes: tuple[float, float] = (0.265, 0.19)  # semi-axes in image widths
    heart_tilt_deg: float = 35.0
    aortic_knob: tuple[float, float, float] = (0.578, 0.305, 0.038)  # x, y, radius (widths)
    carina_y: float = 0.345
    right_hilum: tuple[float, float] = (0.405, 0.43)
    left_hilum: tuple[float, float] = (0.605, 0.41)
    rib_first_y: float = 0.112
    rib_step_y: float = 0.0505
    breasts: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)


@dataclass
class Film:
    """Attenuation layers of one chest, combined later into stored pixel values."""

    anatomy: Anatomy
    density: np.ndarray  # soft tissue and bone, arbitrary attenuation units
    air: np.ndarray  # 0..1, fraction of full lung aeration in the beam
    lung: np.ndarray  # 0..1, lung field mask (aerated lung only)
    boxes: dict[str, list[Box]] = field(default_factory=dict)


def grid(anatomy: Anatomy) -> tuple[np.ndarray, np.ndarray]:
    """Normalised coordinates: x in widths (0..1 left to right), y in heights (0..1 down)."""
    ys = (np.arange(anatomy.rows, dtype=np.float32) + 0.5) / anatomy.rows
    xs = (np.arange(anatomy.cols, dtype=np.float32) + 0.5) / anatomy.cols
    return np.meshgrid(xs, ys)


def soften(mask: np.ndarray, sigma_px: float) -> np.ndarray:
    """A hard mask with a Gaussian edge of about sigma_px pixels."""
    return cv2.GaussianBlur(mask.astype(np.float32), (0, 0), sigma_px)


def smoothstep(t: np.ndarray) -> np.ndarray:
    """0 below 0, 1 above 1, a smooth cubic ramp between."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def smooth_noise(shape: tuple[int, int], rng: np.random.Generator, sigma_px: float) -> np.ndarray:
    """Zero-mean, unit-variance Gaussian-correlated noise with the given correlation length."""
    noise = cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0), sigma_px)
    return (noise - noise.mean()) / (noise.std() + 1e-6)


def mask_box(weight: np.ndarray, fraction: float = 0.3) -> Box:
    """Bounding box [x0, y0, x1, y1) of the pixels above fraction * max of a lesion map."""
    ys, xs = np.nonzero(weight > fraction * float(weight.max()))
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


# --------------------------------------------------------------------------------------
# Normal anatomy
# --------------------------------------------------------------------------------------


def body_soft_tissue(anatomy: Anatomy) -> np.ndarray:
    """Beam path through the trunk: neck and sloping shoulders at the top, thin at the
    lateral chest wall, slightly narrower at the waist."""
    x, y = grid(anatomy)
    shoulders = 0.16 + 0.37 * smoothstep(y / 0.1)
    waist = 1.0 - 0.09 * smoothstep((y - 0.68) / 0.32)
    rel = np.abs(x - anatomy.midline) / (shoulders * waist)
    thickness = np.clip(1.0 - rel**2, 0.0, 1.0) ** 0.5
    thickness = cv2.GaussianBlur(thickness, (0, 0), 2.0)
    if anatomy.breasts:
        thickness += breast_shadows(anatomy)
    return thickness


def breast_shadows(anatomy: Anatomy) -> np.ndarray:
    """Two lower-zone soft tissue shadows with a sharp inferolateral margin."""
    x, y = grid(anatomy)
    shadow = np.zeros(anatomy.shape, np.float32)
    for side in (-1.0, 1.0):
        cx, cy = anatomy.midline + side * 0.27, 0.66
        r = ((x - cx) / 0.2) ** 2 + ((y - cy) / 0.09) ** 2
        shadow += np.sqrt(np.clip(1.0 - r, 0.0, 1.0)) * smoothstep((y - cy + 0.09) / 0.12)
    return 0.09 * shadow


def hemithorax(anatomy: Anatomy, side: float) -> np.ndarray:
    """Inner rib margin of one side (side -1: image left = patient right): a rounded apex
    and a lateral wall that stays wide down to the costophrenic angle."""
    x, y = grid(anatomy)
    cx = anatomy.midline + side * (anatomy.thorax_half_width - 0.21)
    cy = 0.52
    half_h = cy - anatomy.lung_apex_y
    power = np.where(y < cy, 2.0, 3.6)
    inside = (np.abs(x - cx) / 0.21) ** power + (np.abs(y - cy) / half_h) ** power
    return inside < 1.0


def diaphragm_dome(anatomy: Anatomy, side: float, x: np.ndarray) -> np.ndarray:
    """Height (y) of one hemidiaphragm: a dome peaking at mid-hemithorax, falling steeply
    to the costophrenic angle and gently to the cardiophrenic angle."""
    peak_y, angle_y = anatomy.right_dome if side < 0 else anatomy.left_dome
    peak_x = anatomy.midline + side * 0.215
    lateral = (x - peak_x) * side
    reach = anatomy.thorax_half_width - 0.215
    steep = (angle_y - peak_y) / reach**2.3
    gentle = 0.05 / 0.18**2
    return np.where(
        lateral > 0,
        peak_y + steep * np.abs(lateral) ** 2.3,
        peak_y + gentle * lateral**2,
    ).astype(np.float32)


def diaphragm_line(anatomy: Anatomy, x: np.ndarray) -> np.ndarray:
    """The two domes joined at the midline."""
    right = diaphragm_dome(anatomy, -1.0, x)
    left = diaphragm_dome(anatomy, 1.0, x)
    return np.where(x < anatomy.midline, right, left)


def cardiac_silhouette(anatomy: Anatomy) -> np.ndarray:
    """Heart thickness (0 outside): a tilted ellipsoid, apex down and to the image right
    (patient left)."""
    x, y = grid(anatomy)
    aspect = anatomy.rows / anatomy.cols
    dx = x - anatomy.heart_center[0]
    dy = (y - anatomy.heart_center[1]) * aspect  # now in widths, isotropic
    tilt = math.radians(anatomy.heart_tilt_deg)
    u = dx * math.cos(tilt) + dy * math.sin(tilt)
    v = -dx * math.sin(tilt) + dy * math.cos(tilt)
    a, b = anatomy.heart_axes
    return np.sqrt(np.clip(1.0 - (u / a) ** 2 - (v / b) ** 2, 0.0, 1.0))


def mediastinum(anatomy: Anatomy) -> np.ndarray:
    """Superior mediastinum (SVC on the image left, aortic knob and pulmonary trunk on the
    right) continuing down behind the heart to the diaphragm."""
    m = anatomy.midline
    right_edge = [
        (m - 0.05, 0.0),
        (m - 0.055, 0.12),
        (m - 0.066, 0.22),
        (m - 0.07, 0.33),
        (m - 0.068, 0.45),
        (m - 0.06, 0.80),
    ]
    left_edge = [
        (m + 0.06, 0.80),
        (m + 0.066, 0.45),
        (m + 0.074, 0.38),
        (m + 0.064, 0.34),
        (m + 0.058, 0.22),
        (m + 0.052, 0.12),
        (m + 0.05, 0.0),
    ]
    points = np.array(
        [[px * anatomy.cols, py * anatomy.rows] for px, py in right_edge + left_edge], np.int32
    )
    mask = np.zeros(anatomy.shape, np.uint8)
    cv2.fillPoly(mask, [points], 1)
    kx, ky, kr = anatomy.aortic_knob
    center = (int(kx * anatomy.cols), int(ky * anatomy.rows))
    cv2.circle(mask, center, int(kr * anatomy.cols), 1, -1)
    return mask.astype(bool)


def cardiomediastinal_outline(anatomy: Anatomy, heart: np.ndarray) -> np.ndarray:
    """Heart and mediastinum as one silhouette, their junctions rounded off."""
    union = (heart > 0) | mediastinum(anatomy)
    return soften(union, 0.012 * anatomy.cols) > 0.5


def lung_fields(anatomy: Anatomy, silhouette: np.ndarray) -> np.ndarray:
    """Aerated lung: inside the rib cage, above the domes, beside the cardiomediastinal
    silhouette."""
    x, y = grid(anatomy)
    fields = np.zeros(anatomy.shape, bool)
    for side in (-1.0, 1.0):
        above_dome = y < diaphragm_dome(anatomy, side, x)
        on_side = (x - anatomy.midline) * side > 0
        fields |= hemithorax(anatomy, side) & above_dome & on_side
    return fields & ~silhouette


def retrocardiac_lung(anatomy: Anatomy, silhouette: np.ndarray) -> np.ndarray:
    """Lower lobe lung seen through the heart, down to the domes, beside the spine; more of
    it on the patient's left (image right)."""
    x, y = grid(anatomy)
    behind = np.zeros(anatomy.shape, np.float32)
    for side, amount in ((-1.0, 0.05), (1.0, 0.35)):
        region = (
            hemithorax(anatomy, side)
            & (y < diaphragm_dome(anatomy, side, x))
            & ((x - anatomy.midline) * side > 0.06)
            & silhouette
        )
        lower = smoothstep((y - anatomy.left_hilum[1]) / 0.12)
        behind += amount * soften(region, 0.012 * anatomy.cols) * lower
    return behind


def lung_aeration(anatomy: Anatomy, lung: np.ndarray, silhouette: np.ndarray) -> np.ndarray:
    """Air in the beam: thickest centrally and at the bases, thinner at the apices and
    chest wall, plus the lung behind the heart."""
    _, y = grid(anatomy)
    sharp = soften(lung, 0.0025 * anatomy.cols)
    deep = soften(lung, 0.03 * anatomy.cols)
    craniocaudal = 0.8 + 0.2 * smoothstep((y - anatomy.lung_apex_y) / 0.3)
    return sharp * (0.6 + 0.4 * deep) * craniocaudal + retrocardiac_lung(anatomy, silhouette)


def trachea_and_bronchi(anatomy: Anatomy) -> np.ndarray:
    """Air column of the trachea down to the carina and the two main bronchi."""
    mask = np.zeros(anatomy.shape, np.uint8)
    w, h = anatomy.cols, anatomy.rows
    width = max(3, int(0.03 * w))
    carina = (int((anatomy.midline + 0.004) * w), int(anatomy.carina_y * h))
    top = (int((anatomy.midline - 0.003) * w), 0)
    cv2.line(mask, top, carina, 1, width)
    right_main = (int(carina[0] - 0.065 * w), int(carina[1] + 0.05 * h))
    left_main = (int(carina[0] + 0.08 * w), int(carina[1] + 0.05 * h))
    cv2.line(mask, carina, right_main, 1, int(width * 0.6))
    cv2.line(mask, carina, left_main, 1, int(width * 0.5))
    return soften(mask, 0.003 * w)


def spine(anatomy: Anatomy, rng: np.random.Generator) -> np.ndarray:
    """Vertebral column: bodies with end plates, disc spaces, pedicles and spinous
    processes, seen faintly through the mediastinum."""
    x, y = grid(anatomy)
    aspect = anatomy.rows / anatomy.cols
    dx = x - anatomy.midline
    column = soften(np.abs(dx) < 0.046, 0.004 * anatomy.cols)
    density = 0.02 * column
    level_h = 0.058
    for level in range(-1, 17):
        top = 0.012 + level * level_h + rng.normal(0.0, 0.0008)
        rel = (y - top) / level_h
        body = soften((rel > 0.0) & (rel < 0.85), 2.0)
        plates = np.exp(-(((rel - 0.04) / 0.04) ** 2)) + np.exp(-(((rel - 0.81) / 0.04) ** 2))
        density += 0.02 * body * (1.0 + 0.4 * plates)
        for side in (-1.0, 1.0):
            ped_x, ped_y = anatomy.midline + side * 0.031, top + 0.3 * level_h
            r = np.hypot((x - ped_x) / 0.01, (y - ped_y) * aspect / 0.015)
            density += 0.008 * (r < 1.0) + 0.01 * np.exp(-(((r - 0.95) / 0.25) ** 2))
        r = np.hypot(dx / 0.007, (y - top - 0.7 * level_h) * aspect / 0.018)
        density += 0.015 * np.exp(-(r**2))
    return cv2.GaussianBlur(density * column, (0, 0), 0.002 * anatomy.cols)


def rib_band(distance_px: np.ndarray, half_px: float | np.ndarray, cortex: float) -> np.ndarray:
    """Cross-section of a rib: marrow with a brighter cortical rim."""
    r = np.abs(distance_px) / half_px
    inside = 1.0 / (1.0 + np.exp(np.clip((r - 1.0) / 0.09, -50.0, 50.0)))
    rim = np.exp(-(((r - 0.86) / 0.12) ** 2))
    return inside * (0.6 + cortex * rim)


def chest_wall(anatomy: Anatomy) -> np.ndarray:
    """Where ribs may appear: the rib cage of both sides widened by the rib thickness."""
    cage = hemithorax(anatomy, -1.0) | hemithorax(anatomy, 1.0)
    cage = cv2.dilate(cage.astype(np.uint8), np.ones((1, int(0.03 * anatomy.cols)), np.uint8))
    return soften(cage > 0, 0.01 * anatomy.cols)


def ribs(anatomy: Anatomy, rng: np.random.Generator) -> np.ndarray:
    """Posterior ribs (upward-convex arcs from the spine, turning down at the chest wall)
    and fainter anterior ribs (running down and medially from the chest wall)."""
    x, y = grid(anatomy)
    h = anatomy.rows
    half = anatomy.thorax_half_width
    density = np.zeros(anatomy.shape, np.float32)
    rib_half_px = 0.0125 * h
    for side in (-1.0, 1.0):
        d = (x - anatomy.midline) * side / half  # 0 at the spine, 1 at the inner rib margin
        lateral_ok = smoothstep((d - 0.1) / 0.08) * (d < 1.12)
        for k in range(11):
            y0 = anatomy.rib_first_y + k * anatomy.rib_step_y + rng.normal(0.0, 0.002)
            tilt = 0.005 * k
            bend = 0.14 - 0.004 * k
            curve = y0 - 0.11 * d + bend * np.abs(d) ** 2.6 + tilt * d
            slope = (-0.11 + bend * 2.6 * np.abs(d) ** 1.6 + tilt) * h / (half * anatomy.cols)
            dist = (y - curve) * h * np.cos(np.arctan(slope))
            width = rib_half_px * (0.75 if k == 0 else 1.0) * (1.0 + 0.25 * (1.0 - d))
            density += 0.07 * rib_band(dist, width, 0.35) * lateral_ok
            if k < 9:
                y_lat = y0 - 0.11 + bend + tilt + 0.004
                y_med = y_lat + 0.10 + 0.004 * k
                t = (1.06 - d) / 0.72  # 0 at the chest wall, 1 near the sternum
                ant = y_lat + (y_med - y_lat) * (t + 0.3 * t * (1.0 - t))
                ant_slope = (y_med - y_lat) / 0.72 * h / (half * anatomy.cols)
                dist_a = (y - ant) * h * np.cos(np.arctan(ant_slope))
                fade = smoothstep(t / 0.12) * (1.0 - smoothstep((t - 0.7) / 0.3))
                density += 0.045 * rib_band(dist_a, rib_half_px * 1.2, 0.15) * fade * (d < 1.1)
    return density * chest_wall(anatomy)


def clavicles(anatomy: Anatomy) -> np.ndarray:
    """Two S-shaped clavicles rising from the sternal notch to the acromia."""
    x, y = grid(anatomy)
    h = anatomy.rows
    density = np.zeros(anatomy.shape, np.float32)
    for side in (-1.0, 1.0):
        t = ((x - anatomy.midline) * side - 0.04) / 0.36
        curve = 0.165 - 0.075 * t + 0.014 * np.sin(2.0 * np.pi * t)
        slope = (-0.075 + 0.028 * np.pi * np.cos(2.0 * np.pi * t)) * h / (0.36 * anatomy.cols)
        dist = (y - curve) * h * np.cos(np.arctan(slope))
        head = 0.4 * np.exp(-((t / 0.1) ** 2))  # the bulbous sternal end
        half = 0.016 * h * (1.0 + head + 0.2 * smoothstep((t - 0.8) / 0.2))
        ends = smoothstep(t / 0.03) * (1.0 - smoothstep((t - 0.96) / 0.06))
        density += 0.09 * rib_band(dist, half, 0.4) * ends
    return density


def upper_abdomen(anatomy: Anatomy) -> np.ndarray:
    """Soft tissue below the domes within the rib cage (liver on the image left, spleen and
    stomach on the right), 0..1."""
    x, y = grid(anatomy)
    within_ribs = np.abs(x - anatomy.midline) < anatomy.thorax_half_width + 0.02
    return soften(y > diaphragm_line(anatomy, x), 2.5) * soften(within_ribs, 0.02 * anatomy.cols)


def gastric_bubble(anatomy: Anatomy) -> np.ndarray:
    """Gas in the gastric fundus under the left hemidiaphragm, with an air-fluid level."""
    x, y = grid(anatomy)
    aspect = anatomy.rows / anatomy.cols
    gx = anatomy.midline + 0.2
    gy = anatomy.left_dome[0] + 0.06
    r = np.hypot((x - gx) / 0.045, (y - gy) * aspect / 0.03)
    return soften((r < 1.0) & (y < gy + 0.004), 4.0)


def pulmonary_vessels(anatomy: Anatomy, lung: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Branching vascular markings from both hila, tapering towards the periphery, more
    prominent at the bases."""
    canvas = np.zeros(anatomy.shape, np.uint8)
    scale = anatomy.cols / 1700.0
    reach = cv2.dilate(lung.astype(np.uint8), np.ones((31, 31), np.uint8))

    def grow(x: float, y: float, angle: float, length: float, thick: float, depth: int) -> None:
        for _ in range(4):
            angle += rng.normal(0.0, 0.16)
            nx = x + math.cos(angle) * length / 4.0
            ny = y + math.sin(angle) * length / 4.0
            ix, iy = int(nx), int(ny)
            if not (0 <= iy < anatomy.rows and 0 <= ix < anatomy.cols) or not reach[iy, ix]:
                return
            level = int(min(255, 70 + 40 * math.sqrt(thick)))
            cv2.line(canvas, (int(x), int(y)), (ix, iy), level, max(1, round(thick)), cv2.LINE_AA)
            x, y = nx, ny
        if depth >= 6 or thick < 2.0:
            return
        spread = rng.uniform(0.25, 0.5)
        for turn in (-spread, spread * rng.uniform(0.6, 1.0)):
            grow(x, y, angle + turn, length * rng.uniform(0.7, 0.85), thick * 0.74, depth + 1)

    for side, hilum in ((-1.0, anatomy.right_hilum), (1.0, anatomy.left_hilum)):
        hx, hy = hilum[0] * anatomy.cols, hilum[1] * anatomy.rows
        for base_deg in (-125, -100, -75, -45, -15, 10, 30, 50, 68, 84):
            deg = base_deg + rng.normal(0.0, 5.0)
            angle = math.radians(180.0 - deg) if side < 0 else math.radians(deg)
            lower = base_deg > 20
            length = (190.0 if lower else 150.0) * scale * rng.uniform(0.85, 1.15)
            thick = (26.0 if lower else 19.0) * scale
            grow(hx, hy, angle, length, thick, 0)
    vessels = cv2.GaussianBlur(canvas.astype(np.float32) / 255.0, (0, 0), 3.0 * scale)
    x, y = grid(anatomy)
    aspect = anatomy.rows / anatomy.cols
    from_hilum = np.minimum(
        np.hypot(x - anatomy.right_hilum[0], (y - anatomy.right_hilum[1]) * aspect),
        np.hypot(x - anatomy.left_hilum[0], (y - anatomy.left_hilum[1]) * aspect),
    )
    vessels *= 1.0 - 0.75 * smoothstep((from_hilum - 0.08) / 0.3)
    hila = np.zeros(anatomy.shape, np.float32)
    for hilum in (anatomy.right_hilum, anatomy.left_hilum):
        hila[int(hilum[1] * anatomy.rows), int(hilum[0] * anatomy.cols)] = 1.0
    hila = cv2.GaussianBlur(hila, (0, 0), 30 * scale)
    hila /= hila.max()
    return 0.07 * vessels + 0.05 * hila


def parenchymal_texture(anatomy: Anatomy, rng: np.random.Generator) -> np.ndarray:
    """Fine interstitial mottle plus coarser unevenness of aeration (relative, around 1)."""
    scale = anatomy.cols / 1700.0
    fine = smooth_noise(anatomy.shape, rng, 3.0 * scale)
    coarse = smooth_noise(anatomy.shape, rng, 45.0 * scale)
    return 1.0 + 0.015 * fine + 0.04 * coarse


# --------------------------------------------------------------------------------------
# Lesions: each returns the fraction of air it displaces and its ground-truth box
# --------------------------------------------------------------------------------------


def lower_lobe_consolidation(
    anatomy: Anatomy, lung: np.ndarray, rng: np.random.Generator, side: float
) -> tuple[np.ndarray, Box]:
    """Patchy airspace opacity in a lower zone, abutting the hemidiaphragm, with air
    bronchograms; confined to the lung."""
    x, y = grid(anatomy)
    cx = anatomy.midline + side * 0.29
    cy = (anatomy.right_dome if side < 0 else anatomy.left_dome)[0] - 0.055
    acc = np.zeros(anatomy.shape, np.float32)
    for _ in range(12):
        bx, by = cx + rng.normal(0.0, 0.035), cy + rng.normal(0.0, 0.025)
        sx, sy = rng.uniform(0.03, 0.05), rng.uniform(0.022, 0.036)
        acc += np.exp(-(((x - bx) / sx) ** 2 + ((y - by) / sy) ** 2) / 2.0)
    patchy = np.clip(1.0 + 0.25 * smooth_noise(anatomy.shape, rng, 0.015 * anatomy.cols), 0.6, 1.4)
    opacity = np.clip((1.0 - np.exp(-1.6 * acc)) * patchy, 0.0, 1.0) * soften(lung, 4.0)
    bronchi = np.zeros(anatomy.shape, np.uint8)
    for _ in range(4):
        px = (cx - side * rng.uniform(0.02, 0.05)) * anatomy.cols
        py = (cy - rng.uniform(0.01, 0.03)) * anatomy.rows
        angle = math.radians(90.0 + side * rng.uniform(20.0, 60.0))
        for step in range(5):
            nx = px + math.cos(angle) * 0.011 * anatomy.cols
            ny = py + math.sin(angle) * 0.011 * anatomy.rows
            cv2.line(bronchi, (int(px), int(py)), (int(nx), int(ny)), 1, max(2, 6 - step))
            px, py, angle = nx, ny, angle + rng.normal(0.0, 0.15)
    bronchograms = soften(bronchi, 3.5) * opacity
    displaced = np.clip(0.85 * opacity - 0.12 * bronchograms, 0.0, 1.0)
    return displaced, mask_box(displaced, 0.3)


def pleural_effusion(anatomy: Anatomy, lung: np.ndarray, side: float) -> tuple[np.ndarray, Box]:
    """Small effusion: fluid fills the costophrenic angle, its meniscus rising laterally."""
    x, y = grid(anatomy)
    dome = diaphragm_dome(anatomy, side, x)
    wall = anatomy.midline + side * anatomy.thorax_half_width
    start = wall - side * 0.25
    lateral = np.clip((x - start) / (wall - start), 0.0, 1.0)
    depth = 0.11 * lateral**1.8
    top = dome - depth
    fluid = smoothstep((y - top) / 0.025) * (depth > 0.004) * ((x - anatomy.midline) * side > 0)
    fluid = fluid * soften(lung, 3.0)
    return fluid.astype(np.float32), mask_box(fluid, 0.35)


def pulmonary_nodule(
    anatomy: Anatomy,
    rng: np.random.Generator,
    center: tuple[float, float],
    diameter_px: float,
    spiculated: bool = False,
) -> tuple[np.ndarray, Box]:
    """A rounded, slightly lobulated opacity (a mass when large and spiculated)."""
    rows, cols = anatomy.shape
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float32)
    cx, cy = center[0] * cols, center[1] * rows
    theta = np.arctan2(yy - cy, xx - cx)
    radius = (
        diameter_px
        / 2.0
        * (
            1.0
            + 0.07 * np.sin(3 * theta + rng.uniform(0, 6.3))
            + 0.05 * np.sin(5 * theta + rng.uniform(0, 6.3))
        )
    )
    rel = np.hypot(xx - cx, yy - cy) / radius
    body = np.sqrt(np.clip(1.0 - rel**2, 0.0, 1.0)) ** 0.7
    if spiculated:
        spicules = np.zeros(anatomy.shape, np.uint8)
        for angle in rng.uniform(0.0, 2.0 * math.pi, 40):
            r0, r1 = diameter_px * 0.45, diameter_px * rng.uniform(0.52, 0.66)
            p0 = (int(cx + r0 * math.cos(angle)), int(cy + r0 * math.sin(angle)))
            bend = angle + rng.normal(0.0, 0.15)
            p1 = (int(cx + r1 * math.cos(bend)), int(cy + r1 * math.sin(bend)))
            cv2.line(spicules, p0, p1, 255, 1, cv2.LINE_AA)
        strands = cv2.GaussianBlur(spicules.astype(np.float32) / 255.0, (0, 0), 1.2)
        body = np.maximum(body, 0.6 * strands)
    body = cv2.GaussianBlur(body.astype(np.float32), (0, 0), 2.0)
    return np.clip(body, 0.0, 1.0), mask_box(body, 0.25)


def lower_lobe_atelectasis(anatomy: Anatomy, side: float) -> tuple[np.ndarray, Box]:
    """Collapsed lower lobe: a triangular retrocardiac opacity from the hilum to the medial
    hemidiaphragm, with a sharp lateral edge (the displaced major fissure)."""
    hilum = anatomy.left_hilum if side > 0 else anatomy.right_hilum
    dome = anatomy.left_dome if side > 0 else anatomy.right_dome
    m = anatomy.midline
    pts = [
        (hilum[0] - side * 0.02, hilum[1] + 0.025),
        (m + side * 0.265, dome[0] + 0.025),
        (m + side * 0.04, dome[0] + 0.05),
        (m + side * 0.04, hilum[1] + 0.07),
    ]
    poly = np.array([[px * anatomy.cols, py * anatomy.rows] for px, py in pts], np.int32)
    mask = np.zeros(anatomy.shape, np.uint8)
    cv2.fillPoly(mask, [poly], 1)
    wedge = soften(mask, 0.003 * anatomy.cols)
    _, y = grid(anatomy)
    denser_below = 0.75 + 0.25 * smoothstep((y - hilum[1]) / 0.15)
    opacity = np.clip(wedge * denser_below, 0.0, 1.0)
    return opacity, mask_box(opacity, 0.4)


# --------------------------------------------------------------------------------------
# Composition into stored values
# --------------------------------------------------------------------------------------


def normal_chest(anatomy: Anatomy, rng: np.random.Generator) -> Film:
    """All normal structures of one chest, before any lesion is placed."""
    heart = cardiac_silhouette(anatomy)
    silhouette = cardiomediastinal_outline(anatomy, heart)
    lung = lung_fields(anatomy, silhouette)
    x, y = grid(anatomy)
    above_diaphragm = soften(y < diaphragm_line(anatomy, x) + 0.005, 0.015 * anatomy.cols)
    thickness = body_soft_tissue(anatomy)
    central = np.maximum(soften(silhouette, 3.0), upper_abdomen(anatomy))
    density = (
        0.8 * thickness
        + 0.14 * central
        + 0.05 * heart * above_diaphragm
        - 0.06 * gastric_bubble(anatomy)
        + spine(anatomy, rng)
        + ribs(anatomy, rng) * (1.0 - 0.5 * soften(silhouette, 10.0))
        + clavicles(anatomy)
        + pulmonary_vessels(anatomy, lung, rng)
    )
    air = lung_aeration(anatomy, lung, silhouette) * parenchymal_texture(anatomy, rng)
    air = (air + 0.3 * trachea_and_bronchi(anatomy)) * (0.7 + 0.3 * thickness)
    film = Film(anatomy, density.astype(np.float32), air.astype(np.float32), soften(lung, 2.0))
    film.boxes["heart"] = [heart_box(anatomy, heart > 0)]
    return film


def heart_box(anatomy: Anatomy, heart: np.ndarray) -> Box:
    """The visible cardiac silhouette: the heart above the diaphragm."""
    x, y = grid(anatomy)
    visible = heart & (y < diaphragm_line(anatomy, x) + 0.005)
    return mask_box(visible.astype(np.float32), 0.5)


def displace_air(film: Film, displaced: np.ndarray) -> None:
    """A lesion replaces aerated lung by fluid or tissue of soft tissue density."""
    film.air = film.air * (1.0 - np.clip(displaced, 0.0, 1.0))


def attenuation(film: Film) -> np.ndarray:
    """Total attenuation, before detector processing."""
    return film.density - 0.6 * film.air


def detector_processing(atten: np.ndarray, anatomy: Anatomy) -> np.ndarray:
    """What a DR console does before sending 'for presentation' images: compress the
    dynamic range, sharpen edges, with a gentle vignette towards the corners."""
    scale = anatomy.cols / 1700.0
    broad = cv2.GaussianBlur(atten, (0, 0), 70.0 * scale)
    detail = atten - cv2.GaussianBlur(atten, (0, 0), 4.0 * scale)
    x, y = grid(anatomy)
    vignette = 0.05 * ((x - 0.5) ** 2 + (y - 0.45) ** 2) / 0.5
    return atten - 0.4 * (broad - float(broad.mean())) + 0.6 * detail - vignette


def stored_values(processed: np.ndarray, rng: np.random.Generator, noise_dn: float) -> np.ndarray:
    """Map processed attenuation to 12-bit values with quantum noise (air dark)."""
    low, high = np.percentile(processed, [0.5, 99.9])
    values = 100.0 + np.clip((processed - low) / (high - low), 0.0, None) ** 0.75 * 3800.0
    mottle = cv2.GaussianBlur(rng.standard_normal(values.shape).astype(np.float32), (0, 0), 0.8)
    values = values + noise_dn * 2.2 * mottle + 0.4 * noise_dn * rng.standard_normal(values.shape)
    return np.clip(np.rint(values), 0, MAX_STORED).astype(np.uint16)


def render_film(film: Film, rng: np.random.Generator, noise_dn: float = 14.0) -> np.ndarray:
    """Processed 12-bit values of a film, air dark (MONOCHROME2 polarity)."""
    processed = detector_processing(attenuation(film), film.anatomy)
    return stored_values(processed, rng, noise_dn)


def reposition(values: np.ndarray, shift_px: tuple[float, float], rotate_deg: float) -> np.ndarray:
    """A second exposure of the same patient standing slightly differently."""
    rows, cols = values.shape
    matrix = cv2.getRotationMatrix2D((cols / 2.0, rows / 2.0), rotate_deg, 1.04)
    matrix[:, 2] += shift_px
    return cv2.warpAffine(
        values, matrix, (cols, rows), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


# --------------------------------------------------------------------------------------
# Reports and ground truth
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A phrase of the report, the section it is looked up in, and what it grounds to."""

    phrase: str
    section: str
    negated: bool
    boxes: list[Box]


def section_text(sections: Sequence[tuple[str, Sequence[str]]]) -> str:
    """'NAME:\\n<sentences joined by a space>\\n' blocks separated by a blank line."""
    return "\n".join(f"{name.upper()}:\n{' '.join(lines)}\n" for name, lines in sections)


def numbered_text(sections: Sequence[tuple[str, Sequence[str]]], numbered: set[str]) -> str:
    """Like section_text, but listed sections put each item on its own numbered line."""
    blocks = []
    for name, lines in sections:
        if name in numbered:
            body = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))
        else:
            body = " ".join(lines)
        blocks.append(f"{name.upper()}:\n{body}\n")
    return "\n".join(blocks)


def ground_truth(image: str, report: str, text: str, mentions: Iterable[Mention]) -> dict:
    """Spans found with str.find in the exact report text, searched from each section head."""
    findings = []
    for mention in mentions:
        head = text.find(f"{mention.section.upper()}:\n")
        assert head >= 0, mention.section
        start = text.find(mention.phrase, head)
        assert start >= 0, mention.phrase
        end = start + len(mention.phrase)
        assert text[start:end] == mention.phrase
        assert mention.negated == (mention.boxes == [])
        findings.append(
            {
                "phrase": mention.phrase,
                "span": [start, end],
                "negated": mention.negated,
                "boxes": mention.boxes,
            }
        )
    return {"image": image, "report": report, "findings": findings}


def write_json(path: Path, payload: dict) -> None:
    """Indented JSON with each span and box list kept on one line."""
    text = json.dumps(payload, indent=2)
    numbers = re.compile(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]")
    text = numbers.sub(lambda m: "[" + re.sub(r",\s*", ", ", m.group(1)) + "]", text)
    boxes = re.compile(r"\[\s*(\[[^\[\]]*\](?:,\s*\[[^\[\]]*\])*)\s*\]")
    text = boxes.sub(lambda m: "[" + re.sub(r"\],\s*\[", "], [", m.group(1)) + "]", text)
    assert json.loads(text) == payload
    path.write_text(text + "\n", encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------------------
# DICOM
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyInfo:
    """Patient and study attributes shared by every object of a study."""

    key: str
    patient_name: str
    patient_id: str
    birth_date: str
    sex: str
    age: str
    study_date: str
    study_time: str
    accession: str
    description: str

    def uid(self, *parts: str) -> str:
        return str(generate_uid(entropy_srcs=["knowmvg-viewer demo", self.key, *parts]))


def code_item(value: str, scheme: str, meaning: str) -> Dataset:
    """A code sequence item (CodeValue, CodingSchemeDesignator, CodeMeaning)."""
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = scheme
    item.CodeMeaning = meaning
    return item


def new_dataset(study: StudyInfo, sop_class: str, sop_instance: str) -> Dataset:
    """File meta plus the SOP common, patient and general study modules."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop_instance
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = generate_uid(entropy_srcs=["knowmvg-viewer demo generator"])
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = sop_instance
    ds.StudyDate = study.study_date
    ds.StudyTime = study.study_time
    ds.AccessionNumber = study.accession
    ds.ReferringPhysicianName = "DEMO^REFERRER"
    ds.StudyDescription = study.description
    ds.PatientName = study.patient_name
    ds.PatientID = study.patient_id
    ds.PatientBirthDate = study.birth_date
    ds.PatientSex = study.sex
    ds.PatientAge = study.age
    ds.StudyInstanceUID = study.uid("study")
    ds.StudyID = study.accession[-4:]
    ds.Manufacturer = "KnowMVG synthetic"
    ds.ManufacturerModelName = "make_demo.py"
    ds.InstitutionName = "KnowMVG Demo Hospital"
    return ds


@dataclass(frozen=True)
class Exposure:
    """One DX image of a study and how it is meant to be displayed."""

    series_number: int
    instance_number: int
    series_description: str
    content_time: str
    photometric: str  # MONOCHROME1 stores air bright
    pixel_spacing_mm: float
    windows: tuple[tuple[int, int, str], ...] = ()  # (center, width, explanation)
    voi_function: str = "LINEAR"
    voi_lut: np.ndarray | None = None  # 4096 entries, 12-bit output
    voi_lut_explanation: str = ""
    kvp: int = 125
    mas: float = 2.0


def dx_image(study: StudyInfo, exposure: Exposure, values: np.ndarray) -> Dataset:
    """A DX 'for presentation' PA chest image, uncompressed 12 bits in 16."""
    instance = study.uid("image", str(exposure.series_number), str(exposure.instance_number))
    ds = new_dataset(study, DX_FOR_PRESENTATION, instance)
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = study.study_date
    ds.SeriesTime = exposure.content_time
    ds.ContentTime = ds.AcquisitionTime = exposure.content_time
    ds.Modality = "DX"
    ds.SeriesInstanceUID = study.uid("series", str(exposure.series_number))
    ds.SeriesNumber = exposure.series_number
    ds.SeriesDescription = exposure.series_description
    ds.InstanceNumber = exposure.instance_number
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.ImageLaterality = "U"
    ds.PatientOrientation = ["L", "F"]
    ds.AnatomicRegionSequence = DicomSequence([code_item("816094009", "SCT", "Chest")])
    ds.ViewCodeSequence = DicomSequence([code_item("399348003", "SCT", "postero-anterior")])
    ds.AcquisitionContextSequence = DicomSequence([])
    ds.KVP = exposure.kvp
    ds.ExposureInmAs = exposure.mas
    ds.DistanceSourceToDetector = 1800
    ds.DetectorType = "SCINTILLATOR"
    ds.ImagerPixelSpacing = [exposure.pixel_spacing_mm, exposure.pixel_spacing_mm]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = exposure.photometric
    ds.Rows, ds.Columns = values.shape
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    inverse = exposure.photometric == "MONOCHROME1"
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = 1 if inverse else -1
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    ds.PresentationLUTShape = "INVERSE" if inverse else "IDENTITY"
    if exposure.windows:
        ds.WindowCenter = [c for c, _, _ in exposure.windows]
        ds.WindowWidth = [w for _, w, _ in exposure.windows]
        ds.WindowCenterWidthExplanation = [e for _, _, e in exposure.windows]
        ds.VOILUTFunction = exposure.voi_function
    if exposure.voi_lut is not None:
        lut = Dataset()
        lut.add_new(0x00283002, "US", [len(exposure.voi_lut), 0, 12])  # LUTDescriptor
        lut.LUTExplanation = exposure.voi_lut_explanation
        lut.add_new(0x00283006, "US", [int(v) for v in exposure.voi_lut])  # LUTData
        ds.VOILUTSequence = DicomSequence([lut])
    ds.LossyImageCompression = "00"
    ds.BurnedInAnnotation = "NO"
    ds.add_new(0x7FE00010, "OW", values.astype("<u2").tobytes())
    return ds


def save(ds: Dataset, path: Path) -> None:
    """Write a DICOM Part 10 file (preamble, DICM prefix, file meta)."""
    ds.save_as(path, enforce_file_format=True)


def content_item(relationship: str, value_type: str, concept: Dataset) -> Dataset:
    """An SR content item with its relationship, value type and concept name."""
    item = Dataset()
    item.RelationshipType = relationship
    item.ValueType = value_type
    item.ConceptNameCodeSequence = DicomSequence([concept])
    return item


@dataclass(frozen=True)
class SrSection:
    """A report section: heading code (CID 7001) and text items (CID 7002 concept)."""

    heading: tuple[str, str, str]
    item_concept: tuple[str, str, str]
    sentences: tuple[str, ...]


def basic_text_sr(
    study: StudyInfo, sections: Sequence[SrSection], references: Sequence[Dataset]
) -> Dataset:
    """The report as a Basic Text SR: a titled root container, a language and an observer,
    then one CONTAINER per section holding one TEXT item per sentence."""
    ds = new_dataset(study, BASIC_TEXT_SR, study.uid("sr"))
    ds.SeriesDate = ds.ContentDate = study.study_date
    ds.SeriesTime = ds.ContentTime = "101500"
    ds.Modality = "SR"
    ds.SeriesInstanceUID = study.uid("series", "sr")
    ds.SeriesNumber = 100
    ds.SeriesDescription = "Radiology report"
    ds.InstanceNumber = 1
    ds.ReferencedPerformedProcedureStepSequence = DicomSequence([])
    ds.PerformedProcedureCodeSequence = DicomSequence([])
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "UNVERIFIED"
    ds.ValueType = "CONTAINER"
    ds.ConceptNameCodeSequence = DicomSequence(
        [code_item("18748-4", "LN", "Diagnostic Imaging Report")]
    )
    ds.ContinuityOfContent = "SEPARATE"
    evidence_series: dict[str, list[Dataset]] = {}
    for image in references:
        ref = Dataset()
        ref.ReferencedSOPClassUID = image.SOPClassUID
        ref.ReferencedSOPInstanceUID = image.SOPInstanceUID
        evidence_series.setdefault(image.SeriesInstanceUID, []).append(ref)
    series_items = []
    for series_uid, refs in evidence_series.items():
        series = Dataset()
        series.SeriesInstanceUID = series_uid
        series.ReferencedSOPSequence = DicomSequence(refs)
        series_items.append(series)
    evidence = Dataset()
    evidence.StudyInstanceUID = ds.StudyInstanceUID
    evidence.ReferencedSeriesSequence = DicomSequence(series_items)
    ds.CurrentRequestedProcedureEvidenceSequence = DicomSequence([evidence])

    language = content_item(
        "HAS CONCEPT MOD",
        "CODE",
        code_item("121049", "DCM", "Language of Content Item and Descendants"),
    )
    language.ConceptCodeSequence = DicomSequence(
        [code_item("en-US", "RFC5646", "English (United States)")]
    )
    observer = content_item(
        "HAS OBS CONTEXT", "PNAME", code_item("121008", "DCM", "Person Observer Name")
    )
    observer.PersonName = "DEMO^RADIOLOGIST"
    children = [language, observer]
    for section in sections:
        container = content_item("CONTAINS", "CONTAINER", code_item(*section.heading))
        container.ContinuityOfContent = "SEPARATE"
        texts = []
        for sentence in section.sentences:
            text = content_item("CONTAINS", "TEXT", code_item(*section.item_concept))
            text.TextValue = sentence
            texts.append(text)
        container.ContentSequence = DicomSequence(texts)
        children.append(container)
    ds.ContentSequence = DicomSequence(children)
    return ds


# --------------------------------------------------------------------------------------
# The two demo studies
# --------------------------------------------------------------------------------------


def window_presets(values: np.ndarray, film: Film) -> tuple[tuple[int, int, str], ...]:
    """A standard chest window spanning lung to bone, then a narrower lung window."""
    body = values[film.density > 0.3]
    lung = values[film.lung > 0.9]
    lo, hi = np.percentile(body, [0.5, 99.7])
    lo, hi = lo - 0.12 * (hi - lo), hi + 0.08 * (hi - lo)  # lungs dark grey, not black
    lung_lo, lung_hi = np.percentile(lung, [2.0, 95.0])

    def rounded(v: float) -> int:
        return int(round(v / 10.0) * 10)

    standard = (rounded((lo + hi) / 2.0), rounded(hi - lo), "STANDARD")
    lung_window = (rounded((lung_lo + lung_hi) / 2.0), rounded((lung_hi - lung_lo) * 1.4), "LUNG")
    return (standard, lung_window)


def sigmoid_voi_lut(center: float, width: float) -> np.ndarray:
    """A vendor-style sigmoid VOI LUT over the 12-bit stored range (4096 entries, 12-bit
    output), as steep at its center as a linear window of the same width."""
    v = np.arange(MAX_STORED + 1, dtype=np.float64)
    curve = 1.0 / (1.0 + np.exp(-4.0 * (v - center) / width))
    curve = (curve - curve[0]) / (curve[-1] - curve[0])
    return np.rint(curve * MAX_STORED).astype(np.uint16)


def chest_pa_001(out_dir: Path) -> None:
    """Man, 67: right lower lobe consolidation, small left effusion, cardiomegaly, left
    upper zone nodule; single PA film with a plain-text report."""
    rng = np.random.default_rng(20240314)
    spacing = 0.148
    anatomy = Anatomy(rows=2048, cols=1700)
    film = normal_chest(anatomy, rng)
    consolidation, consolidation_box = lower_lobe_consolidation(anatomy, film.lung, rng, -1.0)
    effusion, effusion_box = pleural_effusion(anatomy, film.lung, 1.0)
    nodule, nodule_box = pulmonary_nodule(anatomy, rng, (0.695, 0.262), 15.0 / spacing)
    for lesion, weight in ((consolidation, 1.0), (effusion, 0.95), (nodule, 0.4)):
        displace_air(film, weight * lesion)
    film.density += 0.02 * nodule + 0.04 * effusion
    values = render_film(film, rng)

    sections = [
        ("Indication", ["67-year-old man with fever, productive cough and shortness of breath."]),
        ("Comparison", ["None."]),
        (
            "Findings",
            [
                "There is patchy airspace consolidation in the right lower lobe.",
                "A small left pleural effusion blunts the left costophrenic angle.",
                "The heart is enlarged, with a cardiothoracic ratio of approximately 0.6.",
                "There is a 1.5 cm rounded nodule in the left upper zone.",
                "No pneumothorax.",
                "No pulmonary edema.",
                "The mediastinal contours are otherwise unremarkable.",
                "No acute osseous abnormality.",
            ],
        ),
        (
            "Impression",
            [
                "Right lower lobe consolidation, compatible with pneumonia in the appropriate "
                "clinical setting.",
                "Small left pleural effusion.",
                "Cardiomegaly.",
                "1.5 cm nodule in the left upper zone; CT of the chest is recommended for further "
                "characterization.",
            ],
        ),
    ]
    text = numbered_text(sections, {"Impression"})
    mentions = [
        Mention(
            "patchy airspace consolidation in the right lower lobe",
            "Findings",
            False,
            [consolidation_box],
        ),
        Mention("small left pleural effusion", "Findings", False, [effusion_box]),
        Mention("heart is enlarged", "Findings", False, film.boxes["heart"]),
        Mention("1.5 cm rounded nodule in the left upper zone", "Findings", False, [nodule_box]),
        Mention("pneumothorax", "Findings", True, []),
        Mention("pulmonary edema", "Findings", True, []),
    ]
    study = StudyInfo(
        key="chest-pa-001",
        patient_name="DEMO^CHEST",
        patient_id="DEMO-0001",
        birth_date="19570208",
        sex="M",
        age="067Y",
        study_date="20240314",
        study_time="093012",
        accession="KMVG240314001",
        description="XR CHEST PA",
    )
    exposure = Exposure(
        series_number=1,
        instance_number=1,
        series_description="PA",
        content_time="093047",
        photometric="MONOCHROME2",
        pixel_spacing_mm=spacing,
        windows=window_presets(values, film),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    save(dx_image(study, exposure, values), out_dir / "image.dcm")
    (out_dir / "report.txt").write_text(text, encoding="utf-8", newline="\n")
    write_json(
        out_dir / "ground_truth.json", ground_truth("image.dcm", "report.txt", text, mentions)
    )
    ctr = cardiothoracic_ratio(anatomy, film.boxes["heart"][0])
    LOG.info("chest-pa-001: windows %s, cardiothoracic ratio %.2f", exposure.windows, ctr)


def cardiothoracic_ratio(anatomy: Anatomy, heart: Box) -> float:
    """Heart width over the inner thoracic width, as a radiologist measures it."""
    return (heart[2] - heart[0]) / (2 * anatomy.thorax_half_width * anatomy.cols)


def chest_pa_002(out_dir: Path) -> None:
    """Woman, 58: right upper lobe mass, left lower lobe atelectasis, normal heart; a PA
    film, a low-dose repeat, and the report as a Basic Text SR."""
    rng = np.random.default_rng(20240522)
    spacing = 0.2
    anatomy = Anatomy(
        rows=1536,
        cols=1280,
        heart_center=(0.548, 0.575),
        heart_axes=(0.205, 0.15),
        heart_tilt_deg=32.0,
        right_dome=(0.595, 0.71),
        left_dome=(0.62, 0.735),
        aortic_knob=(0.573, 0.31, 0.034),
        rib_first_y=0.108,
        breasts=True,
    )
    film = normal_chest(anatomy, rng)
    mass, mass_box = pulmonary_nodule(anatomy, rng, (0.295, 0.265), 40.0 / spacing, spiculated=True)
    collapse, collapse_box = lower_lobe_atelectasis(anatomy, 1.0)
    displace_air(film, 0.55 * mass)
    film.density += 0.02 * mass
    displace_air(film, collapse)
    film.density += 0.05 * collapse
    display_values = render_film(film, rng, noise_dn=12.0)
    stored_pa = (MAX_STORED - display_values).astype(np.uint16)  # MONOCHROME1: air bright
    pa_center, pa_width, _ = window_presets(display_values, film)[0]

    repeat_rng = np.random.default_rng(20240522 + 1)
    low_dose = 300.0 + 0.85 * render_film(film, repeat_rng, noise_dn=30.0).astype(np.float32)
    repeat_windows = tuple(
        (MAX_STORED - c, w, name) for c, w, name in window_presets(low_dose, film)
    )
    low_dose = reposition(low_dose, (-18.0, 26.0), 1.2)
    stored_repeat = (MAX_STORED - np.clip(np.rint(low_dose), 0, MAX_STORED)).astype(np.uint16)

    sections = (
        SrSection(
            ("121060", "DCM", "History"),
            ("121060", "DCM", "History"),
            ("58-year-old woman, former smoker, with hemoptysis and weight loss.",),
        ),
        SrSection(
            ("121070", "DCM", "Findings"),
            ("121071", "DCM", "Finding"),
            (
                "There is a 4 cm lobulated, spiculated mass in the right upper lobe.",
                "A triangular retrocardiac opacity with loss of the medial left hemidiaphragm "
                "contour is consistent with left lower lobe atelectasis.",
                "Heart size is normal.",
                "No pleural effusion.",
                "No pneumothorax.",
                "The mediastinal contours are within normal limits.",
                "The osseous structures are intact.",
            ),
        ),
        SrSection(
            ("121072", "DCM", "Impressions"),
            ("121073", "DCM", "Impression"),
            (
                "Right upper lobe mass, suspicious for primary lung malignancy.",
                "Left lower lobe atelectasis.",
                "Contrast-enhanced CT of the chest is recommended.",
            ),
        ),
    )
    text = section_text([(s.heading[2], s.sentences) for s in sections])
    mentions = [
        Mention(
            "4 cm lobulated, spiculated mass in the right upper lobe", "Findings", False, [mass_box]
        ),
        Mention("left lower lobe atelectasis", "Findings", False, [collapse_box]),
        Mention("Heart size is normal", "Findings", True, []),
        Mention("pleural effusion", "Findings", True, []),
        Mention("pneumothorax", "Findings", True, []),
    ]
    study = StudyInfo(
        key="chest-pa-002",
        patient_name="DEMO^SECOND",
        patient_id="DEMO-0002",
        birth_date="19651103",
        sex="F",
        age="058Y",
        study_date="20240522",
        study_time="141205",
        accession="KMVG240522002",
        description="XR CHEST PA",
    )
    pa = Exposure(
        series_number=1,
        instance_number=1,
        series_description="PA",
        content_time="141233",
        photometric="MONOCHROME1",
        pixel_spacing_mm=spacing,
        voi_lut=sigmoid_voi_lut(MAX_STORED - pa_center, pa_width),
        voi_lut_explanation="CHEST DEFAULT",
    )
    repeat = Exposure(
        series_number=2,
        instance_number=1,
        series_description="PA REPEAT LOW DOSE",
        content_time="141402",
        photometric="MONOCHROME1",
        pixel_spacing_mm=spacing,
        windows=repeat_windows,
        voi_function="SIGMOID",
        kvp=125,
        mas=1.0,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    pa_ds = dx_image(study, pa, stored_pa)
    repeat_ds = dx_image(study, repeat, stored_repeat)
    save(pa_ds, out_dir / "image-pa.dcm")
    save(repeat_ds, out_dir / "image-pa-repeat.dcm")
    save(basic_text_sr(study, sections, [pa_ds, repeat_ds]), out_dir / "report-sr.dcm")
    (out_dir / "report-sr.expected.txt").write_text(text, encoding="utf-8", newline="\n")
    write_json(
        out_dir / "ground_truth.json", ground_truth("image-pa.dcm", "report-sr.dcm", text, mentions)
    )
    LOG.info(
        "chest-pa-002: repeat windows %s, cardiothoracic ratio %.2f",
        repeat_windows,
        cardiothoracic_ratio(anatomy, film.boxes["heart"][0]),
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    chest_pa_001(DEMO_ROOT / "chest-pa-001")
    chest_pa_002(DEMO_ROOT / "chest-pa-002")
    LOG.info("demo studies written under %s", DEMO_ROOT)


if __name__ == "__main__":
    main()
