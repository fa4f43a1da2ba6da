"""The lateral film of a synthetic study: the chest seen from the side.

A lateral is displayed with the patient facing the viewer's left: the sternum and the
anterior chest wall at the image left, the spine at the right. Both lungs project onto one
another between them, above the two diaphragm domes; the heart lies anteriorly and low,
over the anterior half of the domes. There is no left and right to see: unlike a frontal
film, the image has no mirror symmetry about its middle, which is what the viewer's
image-based view check relies on.

Coordinates are those of the frontal painter (`_geometry`): x in frame widths from the image
left (here: anterior), y in frame heights from the top, mapped to pixels by the study's
`View`, so a lateral shares its study's detector, framing and exposure. Lesions are not
drawn: a lateral has no grounding boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._geometry import View, ellipse_outline
from ._raster import blur, draw_polygon, fill_polygon, smooth_noise, smoothstep, soften
from ._skeleton import corticated

LATERAL_STREAM = 7  # this film's own random stream of the seed (the frontal's are 1-6)
LUNG_AIR = 0.55  # attenuation removed by the two lungs' air, one behind the other


@dataclass(frozen=True)
class LateralAnatomy:
    """Where the structures of a lateral chest lie (x widths from the front, y heights)."""

    front: float  # anterior skin line at mid-chest
    back: float  # posterior skin line
    apex_y: float  # top of the superimposed lung apices
    anterior_dome_y: float  # diaphragm at the anterior costophrenic angle
    dome_peak_y: float  # top of the higher dome
    posterior_sulcus_y: float  # the deepest point, the posterior costophrenic sulcus
    dome_offset: float  # the second dome lies this much lower
    heart_center: tuple[float, float]
    heart_axes: tuple[float, float]
    arms: bool  # arms raised in front of the face: soft tissue over the upper chest

    @property
    def sternum_x(self) -> float:
        return self.front + 0.045

    @property
    def spine_x(self) -> tuple[float, float]:
        """Anterior and posterior edge of the vertebral bodies."""
        return self.back - 0.2, self.back - 0.11


def sample_lateral_anatomy(rng: np.random.Generator) -> LateralAnatomy:
    """An adult chest from the side: depth, dome levels and heart size within normal
    limits (the chest is about two thirds as deep as it is wide)."""
    depth = rng.uniform(0.62, 0.74)
    front = 0.5 - depth / 2.0 + rng.uniform(-0.03, 0.03)
    peak = rng.uniform(0.52, 0.58)
    return LateralAnatomy(
        front=front,
        back=front + depth,
        apex_y=rng.uniform(0.08, 0.12),
        anterior_dome_y=peak + rng.uniform(0.04, 0.08),
        dome_peak_y=peak,
        posterior_sulcus_y=peak + rng.uniform(0.17, 0.22),
        dome_offset=rng.uniform(0.01, 0.035),
        heart_center=(front + rng.uniform(0.2, 0.24), peak + rng.uniform(-0.02, 0.01)),
        heart_axes=(rng.uniform(0.15, 0.18), rng.uniform(0.11, 0.14)),
        arms=bool(rng.random() < 0.7),
    )


def dome_line(lat: LateralAnatomy, x: np.ndarray, offset: float = 0.0) -> np.ndarray:
    """Height of one dome over x: from the anterior angle up to its peak at a third of the
    chest's depth, then down steeply into the posterior sulcus."""
    x = np.asarray(x, np.float64)
    peak_x = lat.front + 0.38 * (lat.back - lat.front)
    t_front = np.clip((peak_x - x) / (peak_x - lat.front), 0.0, 1.0)
    t_back = np.clip((x - peak_x) / (lat.back - 0.05 - peak_x), 0.0, 1.0)
    front = lat.dome_peak_y + (lat.anterior_dome_y - lat.dome_peak_y) * t_front**2
    back = lat.dome_peak_y + (lat.posterior_sulcus_y - lat.dome_peak_y) * t_back**2.2
    return np.where(x < peak_x, front, back) + offset


def lung_outline(lat: LateralAnatomy, n: int = 60) -> np.ndarray:
    """The superimposed lungs (N, 2): behind the sternum, in front of the posterior ribs,
    from the apices (at the thoracic inlet, posterior) down to the higher dome."""
    anterior = lat.sternum_x + 0.015
    posterior = lat.back - 0.045
    top_x = lat.front + 0.55 * (lat.back - lat.front)
    upper_front = [(top_x - 0.12, lat.apex_y + 0.05), (anterior + 0.04, lat.apex_y + 0.16)]
    upper_front += [(anterior, lat.apex_y + 0.3)]
    x = np.linspace(anterior, posterior, n)
    floor = np.stack((x, dome_line(lat, x)), axis=1)
    upper_back = [(posterior + 0.005, lat.apex_y + 0.3), (posterior - 0.03, lat.apex_y + 0.12)]
    upper_back += [(top_x + 0.06, lat.apex_y + 0.01), (top_x, lat.apex_y)]
    return np.vstack((upper_front, floor, upper_back))


def body_profile(lat: LateralAnatomy, view: View) -> np.ndarray:
    """Beam path through the trunk from the side, 0..1: full across the chest, thinner at
    the skin lines, the neck narrower above the shoulders (drawn coarse, smooth)."""
    coarse = view.coarse(4)
    x, y = coarse.grid
    neck = smoothstep((y - lat.apex_y + 0.12) / 0.16)
    centre = (lat.front + lat.back) / 2.0 + 0.04 * (1.0 - neck)
    half = (lat.back - lat.front) / 2.0 * (0.55 + 0.45 * neck)
    half = half * (1.0 + 0.05 * smoothstep((y - 0.6) / 0.3))  # the belly
    rel = np.abs(x - centre) / half
    thickness = np.sqrt(np.clip(1.0 - rel**4, 0.0, 1.0)) * 0.85  # flatter than a PA's
    thickness = thickness + 0.15 * np.clip((1.0 - rel) / 0.02, 0.0, 1.0)
    return view.upsample(thickness.astype(np.float32))


def arms(lat: LateralAnatomy, view: View) -> np.ndarray:
    """Raised arms: a soft-tissue band with the humeri, over the anterior upper chest."""
    canvas = np.zeros(view.shape, np.float32)
    top = lat.apex_y - 0.1
    band = [(lat.front - 0.02, top + 0.3), (lat.front + 0.12, top), (lat.front + 0.34, top)]
    band += [(lat.front + 0.2, top + 0.36)]
    draw_polygon(canvas, view.to_pixels(band), 1.0)
    bone = np.zeros(view.shape, np.float32)
    humerus = [(lat.front + 0.05, top + 0.26), (lat.front + 0.2, top + 0.04)]
    humerus += [(lat.front + 0.235, top + 0.06), (lat.front + 0.085, top + 0.28)]
    draw_polygon(bone, view.to_pixels(humerus), 1.0)
    return 0.12 * blur(canvas, view.px(0.02)) + 0.05 * corticated(bone, view.px(0.004), 0.6)


def vertebrae(lat: LateralAnatomy, view: View, rng: np.random.Generator) -> np.ndarray:
    """The thoracic spine in profile: a column of box-shaped bodies with disc spaces,
    curving gently (kyphosis), posterior to the lungs' hilar region."""
    bodies = np.zeros(view.shape, np.float32)
    front_x, back_x = lat.spine_x
    step = (lat.posterior_sulcus_y + 0.1) / 13.0
    for level in range(-1, 15):
        top = 0.02 + level * step + rng.normal(0.0, 0.001)
        bottom = top + 0.8 * step
        bow = 0.03 * np.sin(np.pi * np.clip((top + 0.4 * step) / 0.9, 0.0, 1.0))
        corners = [(front_x + bow, top), (back_x + bow, top)]
        corners += [(back_x + bow + 0.004, bottom), (front_x + bow - 0.004, bottom)]
        draw_polygon(bodies, view.to_pixels(corners), 1.0)
    return 0.09 * blur(corticated(bodies, view.px(0.005), 0.7), max(0.8, view.px(0.002)))


def sternum(lat: LateralAnatomy, view: View) -> np.ndarray:
    """The manubrium and sternal body: a thin, slightly tilted cortical plate anteriorly."""
    canvas = np.zeros(view.shape, np.float32)
    x = lat.sternum_x
    top, bottom = lat.apex_y + 0.12, lat.heart_center[1] + 0.03
    plate = [(x + 0.01, top), (x + 0.035, top), (x + 0.012, bottom), (x - 0.008, bottom)]
    draw_polygon(canvas, view.to_pixels(plate), 1.0)
    return 0.06 * corticated(canvas, view.px(0.004), 0.5)


def posterior_ribs(lat: LateralAnatomy, view: View) -> np.ndarray:
    """Both sides' posterior ribs, superimposed and a little magnified apart: faint
    oblique bands sloping down and forward from the spine."""
    canvas = np.zeros(view.shape, np.float32)
    _, back_x = lat.spine_x
    for k in range(10):
        y = lat.apex_y + 0.05 + k * 0.048
        for shift in (0.0, 0.012):
            start = (back_x + 0.03, y + shift)
            end = (back_x - 0.23, y + 0.09 + shift)
            band = [start, (start[0], start[1] + 0.012), (end[0], end[1] + 0.012), end]
            draw_polygon(canvas, view.to_pixels(band), 0.5)
    return 0.03 * blur(canvas, view.px(0.004))


def heart(lat: LateralAnatomy, view: View) -> np.ndarray:
    """The heart's thickness: an ellipsoid resting on the anterior domes, 0..1."""
    thickness = np.zeros(view.shape, np.float32)
    outline = ellipse_outline(*lat.heart_center, *lat.heart_axes, tilt_deg=-25.0, n=64)
    draw_polygon(thickness, view.to_pixels(outline), 1.0)
    return blur(thickness, view.px(0.03)) * soften(thickness > 0.5, view.px(0.004))


def trachea(lat: LateralAnatomy, view: View) -> np.ndarray:
    """The air column of the trachea, running down and back to the carina."""
    canvas = np.zeros(view.shape, np.float32)
    front_x, _ = lat.spine_x
    top, carina = (front_x - 0.1, -0.05), (front_x - 0.05, lat.heart_center[1] - 0.22)
    column = [top, (top[0] + 0.04, top[1]), (carina[0] + 0.02, carina[1]), carina]
    draw_polygon(canvas, view.to_pixels(column), 1.0)
    return blur(canvas, view.px(0.004))


def lateral_attenuation(lat: LateralAnatomy, view: View, rng: np.random.Generator):
    """Attenuation (air dark) of one lateral film, and the body's beam path (0..1)."""
    body = body_profile(lat, view)
    lungs = fill_polygon(view.shape, view.to_pixels(lung_outline(lat))) > 0.5
    x, y = view.coarse(4).grid
    below = (y - dome_line(lat, x, lat.dome_offset)).astype(np.float32)
    abdomen = view.upsample(smoothstep(below / 0.03)) * body
    cardiac = heart(lat, view)
    air = soften(lungs, view.px(0.006)) * (1.0 - 0.7 * cardiac)
    air = air * (1.0 + 0.08 * smooth_noise(view.shape, rng, view.px(0.02)))
    air = (air + 0.2 * trachea(lat, view)) * (0.5 + 0.5 * body)
    tissue = (
        0.8 * body
        + 0.08 * abdomen
        + 0.08 * cardiac
        + vertebrae(lat, view, rng)
        + sternum(lat, view)
        + posterior_ribs(lat, view)
    )
    if lat.arms:
        tissue = tissue + arms(lat, view)
    markings = 0.02 * soften(lungs, view.px(0.01)) * smooth_noise(view.shape, rng, view.px(0.01))
    return (tissue + markings - LUNG_AIR * air).astype(np.float32), body
