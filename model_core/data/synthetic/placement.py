"""Where each abnormality of a synthetic study goes, decided before any pixel is drawn.

Placement works in the patient frame on a low-resolution planning view of the patient's own
thorax, so a study drawn at 512 px and at full size has the same lesions and the same report.
Findings with radiologists' boxes (NIH ChestX-ray8, `resources/knowledge/location_priors.json`)
take their centre and size from the prior of their side; the centre is then snapped into the
anatomically valid region of this patient (inside that lung, clear of its edge by the lesion's
radius). The prior's frame is the NIH 1024 x 1024 film, which our patient frame is framed like.
Findings without boxes there (edema, emphysema, fibrosis, pleural thickening, hiatal hernia)
are placed by anatomy alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from model_core.knowledge import KnowledgeBase
from model_core.knowledge.loading import PRIORS_FILE, load_priors
from model_core.knowledge.records import LocationPrior
from model_core.resources import resources_dir

from ._geometry import PLANNING_VIEW, SIDES
from .anatomy import Anatomy, Thorax, thorax

FINDINGS: tuple[str, ...] = tuple(
    sorted(f.name for f in KnowledgeBase.load().findings if f.synthetic)
)
"""The findings the generator draws: those the knowledge base marks `synthetic`."""

# Findings whose NIH boxes give their place; consolidation is drawn and boxed like pneumonia.
PRIOR_OF = {
    "atelectasis": "atelectasis",
    "cardiomegaly": "cardiomegaly",
    "consolidation": "pneumonia",
    "effusion": "effusion",
    "mass": "mass",
    "nodule": "nodule",
    "opacity": "opacity",
    "pneumonia": "pneumonia",
    "pneumothorax": "pneumothorax",
}
BILATERAL_FINDINGS = ("edema", "emphysema")  # always both lungs
CENTRAL_FINDINGS = ("cardiomegaly", "hiatal hernia")  # no side


@dataclass(frozen=True)
class Site:
    """Where a lesion is, in the terms a report uses.

    `sides` are the patient's sides involved (empty for central findings); `zone` is the
    radiographic zone (upper, mid, lower third of that lung); `region` a named part when
    one applies: apex, base, retrocardiac, perihilar, lateral, lingula, middle lobe.
    """

    sides: tuple[str, ...]
    zone: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class LesionPlan:
    """One abnormality, decided before drawing.

    `centre` is in the patient frame; `extent` its width (frame widths) and height (frame
    heights); `size_mm` the diameter of a nodule or mass (what the report quotes);
    `severity` the grade a report would give; `variant` the drawing style
    (e.g. "plate" or "lobar" atelectasis, "dense" or "hazy" airspace disease).
    """

    finding: str
    site: Site
    severity: str
    centre: tuple[float, float] | None = None
    extent: tuple[float, float] = (0.0, 0.0)
    size_mm: float | None = None
    variant: str = ""


class LocationPriors:
    """NIH ChestX-ray8 box statistics per finding and side, sampled in the patient frame."""

    def __init__(self, table: dict[tuple[str, str], LocationPrior]) -> None:
        self._table = dict(table)

    @classmethod
    def load(cls, path: Path | None = None) -> LocationPriors:
        """Read the bundled priors (or another file with the same schema)."""
        path = path or resources_dir() / "knowledge" / PRIORS_FILE
        return cls(load_priors(path))

    def prior(self, finding: str, side: str) -> LocationPrior:
        """The prior of a finding on one side, falling back to both sides pooled."""
        name = PRIOR_OF.get(finding)
        if name is None:
            raise ValueError(f"no location prior for finding {finding!r}")
        found = self._table.get((name, side)) or self._table.get((name, "any"))
        if found is None:
            raise ValueError(f"location priors have no entry for {name!r}")
        return found

    def sample(self, finding: str, side: str, rng: np.random.Generator) -> np.ndarray:
        """(cx, cy, w, h) as fractions of the film: the centre from a normal truncated at
        two standard deviations, the size within the 10th to 90th percentile."""
        prior = self.prior(finding, side)
        mean, std = np.array(prior.mean_cxcywh), np.array(prior.std_cxcywh)
        centre = mean[:2] + np.clip(rng.standard_normal(2), -2.0, 2.0) * std[:2]
        low, high = np.array(prior.p10_cxcywh[2:]), np.array(prior.p90_cxcywh[2:])
        size = low + rng.random(2) * np.maximum(high - low, 1e-3)
        return np.concatenate((centre, size))


@dataclass
class Planner:
    """What placement needs to know about one patient."""

    anatomy: Anatomy
    priors: LocationPriors
    size_scale: float
    mm_per_width: float

    def __post_init__(self) -> None:
        self.chest: Thorax = thorax(self.anatomy, PLANNING_VIEW)

    def to_mask_pixel(self, point: tuple[float, float]) -> tuple[int, int]:
        px, py = PLANNING_VIEW.to_pixels([point])[0]
        return (
            int(np.clip(px, 0, PLANNING_VIEW.cols - 1)),
            int(np.clip(py, 0, PLANNING_VIEW.rows - 1)),
        )

    def snap(
        self, mask: np.ndarray, point: tuple[float, float], margin_w: float
    ) -> tuple[float, float]:
        """The nearest point to `point` at least `margin_w` inside `mask` (the mask itself
        when it is too small to keep that margin)."""
        point = (float(point[0]), float(point[1]))
        radius = int(round(margin_w * PLANNING_VIEW.px_per_width))
        inner = mask.astype(np.uint8)
        if radius >= 1:
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
            eroded = cv2.erode(inner, kernel)
            inner = eroded if np.count_nonzero(eroded) >= 4 else inner
        ix, iy = self.to_mask_pixel(point)
        if inner[iy, ix]:
            return point
        ys, xs = np.nonzero(inner)
        if xs.size == 0:
            return point
        target = PLANNING_VIEW.to_pixels([point])[0]
        best = int(np.argmin((xs + 0.5 - target[0]) ** 2 + (ys + 0.5 - target[1]) ** 2))
        x, y = PLANNING_VIEW.to_patient([[xs[best] + 0.5, ys[best] + 0.5]])[0]
        return (float(x), float(y))

    def lung_band(self, side: str, top: float, bottom: float) -> np.ndarray:
        """The part of a lung between two fractions of its height (0 apex, 1 base)."""
        mask = self.chest.lungs[side]
        x0, y0, x1, y1 = self.chest.landmarks.lungs[side]
        band = np.zeros_like(mask)
        r0, r1 = int(y0 + top * (y1 - y0)), int(math.ceil(y0 + bottom * (y1 - y0)))
        band[r0:r1] = mask[r0:r1]
        return band

    def site_of(self, side: str, point: tuple[float, float]) -> Site:
        """Zone and named region of a point in one lung, as a radiologist would name it."""
        x0, y0, x1, y1 = self.chest.landmarks.lungs[side]
        px, py = PLANNING_VIEW.to_pixels([point])[0]
        height = (py - y0) / max(1.0, y1 - y0)
        zone = "upper" if height < 1 / 3 else "mid" if height < 2 / 3 else "lower"
        heart = self.chest.landmarks.heart
        near_heart = heart[0] <= px <= heart[2] and py >= heart[1]
        hilum = self.chest.landmarks.hila[side]
        region = None
        if height < 0.14:
            region = "apex"
        elif side == "left" and near_heart and zone == "lower":
            region = "retrocardiac"
        elif height > 0.8:
            region = "base"
        elif zone == "mid" and math.hypot(px - hilum[0], py - hilum[1]) < 0.07 * PLANNING_VIEW.cols:
            region = "perihilar"
        elif (
            zone == "mid"
            and abs(px - (heart[2] if side == "left" else heart[0])) < 0.1 * PLANNING_VIEW.cols
        ):
            region = "lingula" if side == "left" else "middle lobe"
        return Site((side,), zone, region)


# --------------------------------------------------------------------------------------
# Anatomy that a finding changes
# --------------------------------------------------------------------------------------


def cardiothoracic_ratio(anatomy: Anatomy) -> float:
    return thorax(anatomy, PLANNING_VIEW).landmarks.cardiothoracic_ratio


def with_heart_ratio(anatomy: Anatomy, low: float, high: float) -> Anatomy:
    """Scale the heart about its right border until the cardiothoracic ratio lies within
    [low, high]: enlargement grows mostly to the patient's left, as a dilated LV does."""
    for _ in range(12):
        ratio = cardiothoracic_ratio(anatomy)
        if low <= ratio <= high:
            break
        target = low + 0.3 * (high - low) if ratio < low else high - 0.3 * (high - low)
        factor = float(np.clip(target / ratio, 0.8, 1.25))
        a, b = anatomy.heart_axes
        cx, cy = anatomy.heart_center
        anatomy = replace(
            anatomy,
            heart_axes=(a * factor, b * (1.0 + 0.7 * (factor - 1.0))),
            heart_center=(cx + 0.35 * a * (factor - 1.0), cy + 0.2 * b * (factor - 1.0)),
        )
    return anatomy


def hyperinflated(anatomy: Anatomy, rng: np.random.Generator) -> Anatomy:
    """Emphysema: low, flattened domes, hyperlucent lungs with sparse peripheral vessels,
    a long narrow heart."""
    drop = rng.uniform(0.04, 0.07)

    def flat(dome: tuple[float, float]) -> tuple[float, float]:
        angle = dome[1] + drop
        return (angle - rng.uniform(0.025, 0.04), angle)

    a, b = anatomy.heart_axes
    cx, cy = anatomy.heart_center
    return replace(
        anatomy,
        right_dome=flat(anatomy.right_dome),
        left_dome=flat(anatomy.left_dome),
        rib_step_y=anatomy.rib_step_y * (1.0 + drop / 0.5),
        heart_axes=(a * 0.9, b),
        heart_center=(cx - 0.01, cy + drop * 0.8),
        lucency=rng.uniform(1.15, 1.3),
        marking_scale=rng.uniform(0.5, 0.7),
    )


def adapt_anatomy(
    anatomy: Anatomy, findings: list[str], severities: dict[str, str], rng: np.random.Generator
) -> Anatomy:
    """The patient's anatomy as the study's findings have changed it; without cardiomegaly
    the heart is kept normal (ratio at most 0.5) so 'heart size is normal' stays true."""
    if "emphysema" in findings:
        anatomy = hyperinflated(anatomy, rng)
    if "cardiomegaly" in findings:
        low, high = CARDIOMEGALY_RATIO[severities.get("cardiomegaly", "moderate")]
        return with_heart_ratio(anatomy, low, high)
    return with_heart_ratio(anatomy, 0.38, 0.5)


CARDIOMEGALY_RATIO = {"mild": (0.56, 0.6), "moderate": (0.6, 0.66), "severe": (0.66, 0.72)}


def side_of_prior(finding: str, rng: np.random.Generator, priors: LocationPriors) -> str:
    """A side in proportion to how often radiologists boxed the finding on each side."""
    counts = [priors.prior(finding, side).n for side in SIDES] if finding in PRIOR_OF else [1, 1]
    return SIDES[int(rng.random() * sum(counts) >= counts[0])]


# --------------------------------------------------------------------------------------
# One plan per finding
# --------------------------------------------------------------------------------------


def plan_lesion(
    finding: str,
    sides: tuple[str, ...],
    planner: Planner,
    rng: np.random.Generator,
    severity: str = "",
) -> LesionPlan:
    """Where and how large one finding is drawn, and how a report may describe it."""
    if finding not in FINDINGS:
        raise ValueError(f"unknown finding {finding!r}; expected one of {', '.join(FINDINGS)}")
    planners = {
        "pneumonia": plan_airspace,
        "consolidation": plan_airspace,
        "opacity": plan_airspace,
        "nodule": plan_nodule,
        "mass": plan_mass,
        "effusion": plan_effusion,
        "pneumothorax": plan_pneumothorax,
        "atelectasis": plan_atelectasis,
        "cardiomegaly": plan_cardiomegaly,
        "edema": plan_edema,
        "emphysema": plan_emphysema,
        "fibrosis": plan_fibrosis,
        "pleural thickening": plan_pleural_thickening,
        "hiatal hernia": plan_hiatal_hernia,
    }
    plan = planners[finding](finding, sides, planner, rng)
    return replace(plan, severity=severity) if severity else plan


def plan_airspace(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """Pneumonia, consolidation, opacity: centre and size from the NIH prior (its boxes are
    loose, so a little smaller), the centre kept inside the lung of that side."""
    side = sides[0]
    cx, cy, w, h = planner.priors.sample(finding, side, rng)
    w = float(np.clip(0.75 * w * planner.size_scale, 0.05, 0.3))
    h = float(np.clip(0.75 * h * planner.size_scale, 0.05, 0.3))
    centre = planner.snap(planner.chest.lungs[side], (cx, cy), 0.2 * min(w, h))
    variants = {
        "consolidation": ("dense",),
        "pneumonia": ("dense", "patchy"),
        "opacity": ("hazy", "patchy"),
    }
    variant = str(rng.choice(variants[finding]))
    return LesionPlan(finding, planner.site_of(side, centre), "", centre, (w, h), None, variant)


def plan_nodule(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """A 4-29 mm nodule (3 cm and above is a mass), centred by the prior, inside the lung."""
    side = sides[0]
    cx, cy, _, _ = planner.priors.sample(finding, side, rng)
    size_mm = float(np.clip(rng.uniform(6.0, 28.0) * planner.size_scale, 4.0, 29.0))
    return round_lesion(finding, side, (cx, cy), size_mm, planner, "")


def plan_mass(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """A 3-7 cm mass, lobulated or spiculated, centred by the prior, inside the lung."""
    side = sides[0]
    cx, cy, _, _ = planner.priors.sample(finding, side, rng)
    size_mm = float(max(30.0, rng.uniform(30.0, 70.0) * planner.size_scale))
    variant = "spiculated" if rng.random() < 0.35 else "lobulated"
    return round_lesion(finding, side, (cx, cy), size_mm, planner, variant)


def round_lesion(
    finding: str,
    side: str,
    point: tuple[float, float],
    size_mm: float,
    planner: Planner,
    variant: str,
) -> LesionPlan:
    diameter = size_mm / planner.mm_per_width
    margin = 0.5 * diameter + 0.006
    centre = planner.snap(planner.chest.lungs[side], point, margin)
    extent = (diameter, diameter / 1.2)
    return LesionPlan(finding, planner.site_of(side, centre), "", centre, extent, size_mm, variant)


def plan_effusion(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """Fluid height above the costophrenic angle from the prior's box height; one grade for
    both sides of a bilateral effusion."""
    heights = [planner.priors.sample(finding, side, rng)[3] for side in sides]
    height = float(np.clip(0.5 * min(heights) * planner.size_scale, 0.035, 0.32))
    severity = "small" if height < 0.1 else "moderate" if height < 0.19 else "large"
    site = Site(sides, "lower", "base")
    return LesionPlan(finding, site, severity, None, (0.0, height), None, "")


def plan_pneumothorax(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """Rim depth from the prior's box width; small ones often confined to the apex."""
    side = sides[0]
    width = planner.priors.sample(finding, side, rng)[2]
    depth = float(np.clip(0.3 * width * planner.size_scale, 0.015, 0.14))
    severity = "small" if depth < 0.045 else "moderate" if depth < 0.085 else "large"
    apical = severity == "small" and rng.random() < 0.6
    site = Site(sides, "upper", "apex" if apical else "lateral")
    return LesionPlan(finding, site, severity, None, (depth, 0.0), None, "apical" if apical else "")


def plan_atelectasis(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """Plate-like (discoid) atelectasis in the lower two thirds, a collapsed lobe, or
    bibasilar atelectasis (both sides)."""
    if len(sides) == 2:
        site = Site(sides, "lower", "base")
        extent = (rng.uniform(0.08, 0.14) * planner.size_scale, rng.uniform(0.012, 0.022))
        return LesionPlan(finding, site, "", None, extent, None, "bibasilar")
    side = sides[0]
    if rng.random() < 0.3:
        lobe = "lower" if side == "left" or rng.random() < 0.5 else "upper"
        region = "retrocardiac" if side == "left" and lobe == "lower" else None
        return LesionPlan(finding, Site(sides, lobe, region), "", None, (0.0, 0.0), None, "lobar")
    cx, cy, w, _ = planner.priors.sample(finding, side, rng)
    length = float(np.clip(0.6 * w * planner.size_scale, 0.06, 0.18))
    thickness = float(np.clip(rng.uniform(0.01, 0.022) * planner.size_scale, 0.007, 0.03))
    band = planner.lung_band(side, 0.45, 0.92)
    centre = planner.snap(band, (cx, cy), 0.45 * length)
    return LesionPlan(
        finding, planner.site_of(side, centre), "", centre, (length, thickness), None, "plate"
    )


def plan_cardiomegaly(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """The enlarged heart itself is made by `adapt_anatomy`; nothing is placed here."""
    return LesionPlan(finding, Site(()), "moderate")


def plan_edema(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """Bilateral perihilar haziness, graded mild to severe."""
    severity = str(rng.choice(["mild", "moderate", "severe"], p=[0.45, 0.4, 0.15]))
    spread = {"mild": 0.11, "moderate": 0.15, "severe": 0.19}[severity] * planner.size_scale
    return LesionPlan(finding, Site(SIDES, None, "perihilar"), severity, None, (spread, spread))


def plan_emphysema(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """Hyperinflated, hyperlucent lungs (made by `adapt_anatomy`)."""
    return LesionPlan(finding, Site(SIDES), "")


def plan_fibrosis(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """Reticular opacities, basal and peripheral, on one side or (usually) both."""
    extent = (0.0, float(np.clip(rng.uniform(0.18, 0.3) * planner.size_scale, 0.1, 0.35)))
    return LesionPlan(finding, Site(sides, "lower", "base"), "", None, extent, None, "reticular")


def plan_pleural_thickening(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """An apical cap or a band along the lateral chest wall, 3-10 mm thick."""
    apical = rng.random() < 0.45
    thickness_mm = float(np.clip(rng.uniform(3.0, 10.0) * planner.size_scale, 2.0, 14.0))
    site = Site(sides, "upper" if apical else "mid", "apex" if apical else "lateral")
    extent = (thickness_mm / planner.mm_per_width, rng.uniform(0.15, 0.3))
    return LesionPlan(
        finding, site, "", None, extent, thickness_mm, "apical" if apical else "lateral"
    )


def plan_hiatal_hernia(
    finding: str, sides: tuple[str, ...], planner: Planner, rng: np.random.Generator
) -> LesionPlan:
    """A retrocardiac gas-containing mass just above the diaphragm, left of the midline."""
    severity = str(rng.choice(["small", "moderate", "large"], p=[0.45, 0.4, 0.15]))
    width = {"small": 0.075, "moderate": 0.1, "large": 0.13}[severity] * rng.uniform(0.9, 1.1)
    width *= planner.size_scale
    anatomy = planner.anatomy
    centre = (anatomy.midline + rng.uniform(0.015, 0.04), anatomy.left_dome[0] - 0.6 * width)
    site = Site((), "lower", "retrocardiac")
    return LesionPlan(finding, site, severity, centre, (width, 0.75 * width), None, "")
