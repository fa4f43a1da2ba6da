"""Synthetic chest radiograph studies: a film, its report, and where each phrase lies.

`generate_study(seed)` is deterministic: the seed fixes the patient, the exposure, the
findings, their places and the report wording, each from its own random stream, so drawing a
study at another size (or without its lesions) changes nothing else. Seeds of the train, val
and test splits come from disjoint ranges (`split_seeds`).

Pixel convention. `SyntheticStudy.pixels` holds the stored values of a 12-bit DICOM image:
for MONOCHROME2 low values are dark (air dark); for MONOCHROME1 low values are bright (air is
stored high), exactly as the exported DICOM file holds them. `window` is the default
(centre, width) on those stored values. `display_image` applies that window with the DICOM
LINEAR function and the photometric inversion and gives what the engine receives: float32
in [0, 1], air dark.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np

from ._detector import MAX_STORED, Exposure, chest_window, processed, sample_exposure, stored_values
from ._geometry import SIDES
from ._raster import Box
from .anatomy import Anatomy, Framing, draw_normal_chest, sample_anatomy, sample_framing
from .lateral import LATERAL_STREAM, lateral_attenuation, sample_lateral_anatomy
from .lesions import DEFAULT, Difficulty, draw_lesion
from .placement import (
    BILATERAL_FINDINGS,
    CENTRAL_FINDINGS,
    FINDINGS,
    LesionPlan,
    LocationPriors,
    Planner,
    adapt_anatomy,
    plan_lesion,
    side_of_prior,
)
from .reports import DraftReport, write_report

log = logging.getLogger(__name__)

SPLIT_START = {"train": 0, "val": 10_000_000, "test": 20_000_000}
SPLIT_SIZE = 10_000_000

# How often each finding is mentioned; the eight MS-CXR / NIH findings dominate.
FINDING_WEIGHTS = {
    "effusion": 1.2,
    "pneumonia": 1.0,
    "opacity": 1.0,
    "atelectasis": 1.0,
    "cardiomegaly": 1.0,
    "nodule": 1.0,
    "pneumothorax": 1.0,
    "consolidation": 0.8,
    "mass": 0.7,
    "edema": 0.6,
    "pleural thickening": 0.4,
    "emphysema": 0.4,
    "fibrosis": 0.4,
    "hiatal hernia": 0.3,
}
MENTIONED_COUNTS = (1, 2, 3, 4)
MENTIONED_COUNT_P = (0.3, 0.35, 0.22, 0.13)
EXTRA_LESION_P = 1.0 / 3.0  # studies with one lesion drawn but not reported
EXTRA_FINDINGS = ("nodule", "mass", "opacity", "atelectasis", "consolidation", "pleural thickening")
AIRSPACE = ("pneumonia", "consolidation", "opacity")

# Independent random streams of one seed.
STREAMS = {"patient": 1, "findings": 2, "placement": 3, "report": 4, "anatomy": 5, "noise": 6}


def stream(seed: int, name: str | int) -> np.random.Generator:
    key = STREAMS[name] if isinstance(name, str) else int(name)
    return np.random.default_rng(np.random.SeedSequence([seed, key]))


def lesion_stream(lesion: LesionPlan) -> int:
    """A lesion's own stream, keyed by what and where it is (a study never holds two
    lesions of one finding on the same sides), so removing one leaves the others as
    they were."""
    sides = {(): 0, ("right",): 1, ("left",): 2}.get(lesion.site.sides, 3)
    return 100 + 10 * FINDINGS.index(lesion.finding) + sides


# --------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticPhrase:
    """A grounded phrase: `report[span[0]:span[1]] == text`, in FINDINGS; `boxes` are
    (x0, y0, x1, y1) pixel corners, empty when `negated`."""

    text: str
    span: tuple[int, int]
    finding: str
    boxes: tuple[Box, ...]
    negated: bool


@dataclass(frozen=True)
class SyntheticLesion:
    """A lesion drawn on the film but not mentioned in the report."""

    finding: str
    boxes: tuple[Box, ...]


@dataclass(frozen=True)
class SyntheticStudy:
    """One generated study. See the module docstring for the pixel convention."""

    seed: int
    pixels: np.ndarray  # uint16 stored values, (H, W)
    photometric: str  # "MONOCHROME1" or "MONOCHROME2"
    pixel_spacing_mm: float  # detector pixel size (ImagerPixelSpacing)
    window: tuple[float, float]  # default (centre, width) on stored values
    report: str
    phrases: tuple[SyntheticPhrase, ...]
    extra_lesions: tuple[SyntheticLesion, ...]
    sex: str  # "F" or "M", as the report's indication says
    age: int
    view: str = "frontal"  # "frontal" (PA) or "lateral" (no phrases, no lesions drawn)

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])


@dataclass(frozen=True)
class StudyPlan:
    """Everything about a study that does not depend on the size it is drawn at."""

    seed: int
    female: bool
    age: int
    anatomy: Anatomy
    framing: Framing
    exposure: Exposure
    lesions: tuple[LesionPlan, ...]
    mentioned: tuple[bool, ...]
    report: DraftReport
    difficulty: Difficulty


# --------------------------------------------------------------------------------------
# Splits
# --------------------------------------------------------------------------------------


def split_seeds(split: str, n: int) -> list[int]:
    """The first `n` seeds of a split: train from 0, val from 10,000,000, test from
    20,000,000; the ranges never overlap."""
    if split not in SPLIT_START:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLIT_START)}")
    if not 0 <= n <= SPLIT_SIZE:
        raise ValueError(f"n must be between 0 and {SPLIT_SIZE}, got {n}")
    start = SPLIT_START[split]
    return list(range(start, start + n))


def split_of(seed: int) -> str:
    """The split a seed belongs to."""
    for name, start in SPLIT_START.items():
        if start <= seed < start + SPLIT_SIZE:
            return name
    raise ValueError(f"seed {seed} is outside every split (0 to {3 * SPLIT_SIZE - 1})")


# --------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------

_PRIORS: LocationPriors | None = None


def location_priors() -> LocationPriors:
    """The bundled NIH priors, read once per process."""
    global _PRIORS
    if _PRIORS is None:
        _PRIORS = LocationPriors.load()
    return _PRIORS


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def choose_findings(
    rng: np.random.Generator, priors: LocationPriors
) -> list[tuple[str, tuple[str, ...]]]:
    """One to four distinct mentioned findings with their sides, avoiding combinations a
    film cannot show (two airspace processes on one side, effusion and pneumothorax on the
    same side)."""
    names = list(FINDING_WEIGHTS)
    weights = np.array([FINDING_WEIGHTS[name] for name in names])
    count = int(rng.choice(MENTIONED_COUNTS, p=MENTIONED_COUNT_P))
    picked = rng.choice(len(names), size=count, replace=False, p=weights / weights.sum())
    chosen: list[tuple[str, tuple[str, ...]]] = []
    for index in picked:
        name = names[int(index)]
        sides = sides_for(name, rng, priors)
        sides = avoid_conflicts(name, sides, chosen)
        if sides is not None:
            chosen.append((name, sides))
    return chosen


def sides_for(name: str, rng: np.random.Generator, priors: LocationPriors) -> tuple[str, ...]:
    if name in CENTRAL_FINDINGS:
        return ()
    if name in BILATERAL_FINDINGS:
        return SIDES
    bilateral_p = {"effusion": 0.25, "atelectasis": 0.25, "fibrosis": 0.7}.get(name, 0.0)
    if rng.random() < bilateral_p:
        return SIDES
    return (side_of_prior(name, rng, priors),)


CONFLICTS = (set(AIRSPACE), {"effusion", "pneumothorax"})


def avoid_conflicts(
    name: str, sides: tuple[str, ...], chosen: list[tuple[str, tuple[str, ...]]]
) -> tuple[str, ...] | None:
    """The sides a finding can take next to those already chosen (flipped to the other side
    when needed), or None when it does not fit."""
    if not sides:
        return sides if all(name != other for other, _ in chosen) else None
    taken: set[str] = set()
    for other, other_sides in chosen:
        if other == name or any(name in group and other in group for group in CONFLICTS):
            taken.update(other_sides)
    free = tuple(side for side in sides if side not in taken)
    if free == sides:
        return sides
    if len(sides) == 1:
        other_side = tuple(side for side in SIDES if side not in taken)
        return other_side[:1] or None
    return None


def choose_extra(
    rng: np.random.Generator, chosen: list[tuple[str, tuple[str, ...]]]
) -> tuple[str, tuple[str, ...]] | None:
    """About a third of studies get one more focal lesion that the report leaves out."""
    if rng.random() >= EXTRA_LESION_P:
        return None
    order = rng.permutation(len(EXTRA_FINDINGS))
    for index in order:
        name = EXTRA_FINDINGS[int(index)]
        side = SIDES[int(rng.integers(2))]
        sides = avoid_conflicts(name, (side,), chosen)
        if sides:
            return (name, sides)
    return None


def plan_study(seed: int, difficulty: Difficulty = DEFAULT) -> StudyPlan:
    """Patient, exposure, findings, their places and the report of one seed."""
    seed = check_seed(seed)
    patient = stream(seed, "patient")
    female = bool(patient.random() < 0.5)
    age = int(patient.integers(25, 91))
    anatomy = sample_anatomy(patient, female)
    framing = sample_framing(patient)
    exposure = sample_exposure(patient)
    priors = location_priors()
    choice = stream(seed, "findings")
    chosen = choose_findings(choice, priors)
    extra = choose_extra(choice, chosen)
    todo = chosen + ([extra] if extra else [])
    severity = str(choice.choice(["mild", "moderate", "severe"], p=[0.4, 0.4, 0.2]))
    severities = {"cardiomegaly": severity}
    place = stream(seed, "placement")
    anatomy = adapt_anatomy(anatomy, [name for name, _ in todo], severities, place)
    planner = Planner(anatomy, priors, difficulty.size_scale, framing.mm_per_width)
    lesions = tuple(
        plan_lesion(name, sides, planner, place, severities.get(name, "")) for name, sides in todo
    )
    mentioned = tuple([True] * len(chosen) + [False] * (len(todo) - len(chosen)))
    report = write_report(list(lesions), list(mentioned), age, female, stream(seed, "report"))
    return StudyPlan(
        seed, female, age, anatomy, framing, exposure, lesions, mentioned, report, difficulty
    )


# --------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------


def render_study(plan: StudyPlan, size: int | None = None) -> SyntheticStudy:
    """Draw a planned study: at full resolution, or with its longer side `size` pixels."""
    view = plan.framing.view(size)
    film = draw_normal_chest(plan.anatomy, view, stream(plan.seed, "anatomy"))
    boxes = []
    for lesion in plan.lesions:
        rng = stream(plan.seed, lesion_stream(lesion))
        drawn = tuple(draw_lesion(film, lesion, rng, plan.difficulty))
        if not drawn:
            log.warning(
                "seed %d: %s left no visible box at %s", plan.seed, lesion.finding, view.shape
            )
        boxes.append(drawn)
    exposure = plan.exposure
    image = processed(film.attenuation(), view, exposure)
    display = stored_values(
        image, view, exposure, stream(plan.seed, "noise"), plan.difficulty.noise_scale
    )
    centre, width = chest_window(display, film.body > 0.5)
    if exposure.photometric == "MONOCHROME1":
        pixels = (MAX_STORED - display).astype(np.uint16)
        centre = MAX_STORED + 1 - centre  # the same display after the inversion
    else:
        pixels = display
    phrases = tuple(
        SyntheticPhrase(
            p.text, p.span, p.finding, () if p.lesion is None else boxes[p.lesion], p.negated
        )
        for p in plan.report.phrases
    )
    extra = tuple(
        SyntheticLesion(lesion.finding, boxes[i])
        for i, lesion in enumerate(plan.lesions)
        if not plan.mentioned[i]
    )
    spacing = plan.framing.mm_per_width / view.px_per_width
    return SyntheticStudy(
        seed=plan.seed,
        pixels=pixels,
        photometric=exposure.photometric,
        pixel_spacing_mm=round(spacing, 4),
        window=(float(centre), float(width)),
        report=plan.report.text,
        phrases=phrases,
        extra_lesions=extra,
        sex="F" if plan.female else "M",
        age=plan.age,
    )


VIEWS = ("frontal", "lateral")


def generate_study(
    seed: int, size: int | None = None, difficulty: Difficulty = DEFAULT, view: str = "frontal"
) -> SyntheticStudy:
    """The study of one seed: full resolution (1600-2600 px on the longer side) or with its
    longer side `size` pixels (training draws directly at, e.g., 512).

    `view="lateral"` draws the same study's lateral film instead of its PA one (see
    `render_lateral`); the frontal film of a seed does not depend on this argument.
    """
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    plan = plan_study(seed, difficulty)
    return render_study(plan, size) if view == "frontal" else render_lateral(plan, size)


def render_lateral(plan: StudyPlan, size: int | None = None) -> SyntheticStudy:
    """The study's lateral film: the same patient, detector framing and exposure, drawn from
    the side from its own random stream. It carries the report's text but no phrases or
    lesions: a lateral has no grounding boxes."""
    view = plan.framing.view(size)
    rng = stream(plan.seed, LATERAL_STREAM)
    attenuation, body = lateral_attenuation(sample_lateral_anatomy(rng), view, rng)
    exposure = plan.exposure
    image = processed(attenuation, view, exposure)
    display = stored_values(image, view, exposure, rng, plan.difficulty.noise_scale)
    centre, width = chest_window(display, body > 0.5)
    pixels = display
    if exposure.photometric == "MONOCHROME1":
        pixels = (MAX_STORED - display).astype(np.uint16)
        centre = MAX_STORED + 1 - centre
    return SyntheticStudy(
        seed=plan.seed,
        pixels=pixels,
        photometric=exposure.photometric,
        pixel_spacing_mm=round(plan.framing.mm_per_width / view.px_per_width, 4),
        window=(float(centre), float(width)),
        report=plan.report.text,
        phrases=(),
        extra_lesions=(),
        sex="F" if plan.female else "M",
        age=plan.age,
        view="lateral",
    )


def without_lesions(plan: StudyPlan, finding: str | None = None) -> StudyPlan:
    """The same patient and exposure with no lesion painted, or none of one finding: what
    a lesion changes on the film is the difference. The anatomy keeps any change a finding
    made to it (an enlarged heart, hyperinflation); the report keeps its text, without
    phrases."""
    keep = [
        i
        for i, lesion in enumerate(plan.lesions)
        if finding is not None and lesion.finding != finding
    ]
    return replace(
        plan,
        lesions=tuple(plan.lesions[i] for i in keep),
        mentioned=tuple(plan.mentioned[i] for i in keep),
        report=DraftReport(plan.report.text, ()),
    )


def display_image(study: SyntheticStudy) -> np.ndarray:
    """What the engine receives: the default window (DICOM LINEAR) applied to the stored
    values, inverted for MONOCHROME1; float32 (H, W) in [0, 1], air dark."""
    centre, width = study.window
    values = study.pixels.astype(np.float32)
    scaled = (values - np.float32(centre - 0.5)) / np.float32(max(width - 1.0, 1.0)) + 0.5
    scaled = np.clip(scaled, 0.0, 1.0).astype(np.float32)
    return 1.0 - scaled if study.photometric == "MONOCHROME1" else scaled
