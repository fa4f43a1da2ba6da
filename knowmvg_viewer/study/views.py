"""Which view a radiograph is (frontal PA/AP, lateral) and whether it is stored mirrored or
upside down.

The engine grounds frontal chest films. `detect_view` decides from the header, in this
order: ViewPosition, the series/image description (SeriesDescription, ImageComments,
ProtocolName), PatientOrientation's row direction (A or P along the rows is a lateral, L or
R a frontal); where all of these are missing or silent, from the pixels (`image_view`).
An oblique (ViewPosition RAO, LPO..., or an "oblique" description) is neither: it is not
grounded either. ImageLaterality is not read: a chest film is "U" (unpaired) or "B", which
says nothing about the projection.

Orientation. PatientOrientation's first value is the patient direction of increasing column
index. A frontal chest film is displayed with the patient's right on the viewer's left, so
its first value is "L" (PA and AP alike); an image whose rows run towards the patient's
right ("R") is stored mirrored, and is flipped before the model sees it. The second value
is the direction of increasing row index: "F" (feet) on an upright film; an image whose
columns run towards the head ("H") is stored upside down and is flipped too ("R\\H" is a
film turned by 180 degrees). A film turned by 90 degrees has its rows along the body axis
and its columns across it ("F\\L", "H\\R"...): it is transposed for the model first, and
then flipped as its directions, swapped, say.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from model_core.box_geometry import box_xyxy_flipped, box_xyxy_transposed
from model_core.midline import film_midline

FRONTAL, LATERAL, OBLIQUE, UNKNOWN = "frontal", "lateral", "oblique", "unknown"

# ViewPosition defined terms (PS3.3 C.8.11.5.1.1) and the values found in the wild.
VIEW_POSITIONS = {
    "PA": (FRONTAL, "PA"),
    "AP": (FRONTAL, "AP"),
    "RLD": (FRONTAL, "RLD"),  # decubitus: a frontal projection, patient on their side
    "LLD": (FRONTAL, "LLD"),
    "LL": (LATERAL, "LL"),
    "RL": (LATERAL, "RL"),
    "LAT": (LATERAL, ""),
    "LATERAL": (LATERAL, ""),
    "LLAT": (LATERAL, "LL"),
    "RLAT": (LATERAL, "RL"),
}
OBLIQUE_POSITIONS = {"LLO", "RLO", "LAO", "RAO", "LPO", "RPO"}
DESCRIPTION_KEYS = ("SeriesDescription", "ImageComments", "ProtocolName")
FRONTAL_WORDS = {"PA": "PA", "AP": "AP", "PORTABLE": "AP", "PORT": "AP", "FRONTAL": ""}
LATERAL_WORDS = {"LAT", "LATERAL", "LL", "RL", "LLAT", "RLAT"}
OBLIQUE_WORDS = {"OBLIQUE", "OBLIQUES", "OBL", *OBLIQUE_POSITIONS}
DECUBITUS_WORDS = {"DECUBITUS", "DECUB"}

# The image check (see `image_view`): the mediastinal ridge, in contrast-normalised units.
IMAGE_GRID = 64
FRONTAL_RIDGE = 0.2  # above: frontal
LATERAL_RIDGE = 0.12  # below: lateral; between the two the image does not say
MIN_RANGE = 0.02  # of [0, 1]: below, a blank film
MIN_PROFILE_CONTRAST = 0.45  # lungs against the body wall, across the chest band


@dataclass(frozen=True)
class FilmView:
    """What a radiograph shows and how that was decided.

    kind: "frontal", "lateral", "oblique" or "unknown"; position: the detail ("PA", "AP",
    "LL", "RAO"...) or ""; source: "ViewPosition", "description", "PatientOrientation",
    "image" or "" (nothing said); mirrored: the rows run towards the patient's right
    (PatientOrientation "R\\..."); upside_down: the columns run towards the head
    (PatientOrientation "...\\H"); transposed: the rows run along the body axis (a film
    turned by 90 degrees). The model sees the film transposed first (when `transposed`),
    then flipped as the other two say.
    """

    kind: str = UNKNOWN
    position: str = ""
    source: str = ""
    mirrored: bool = False
    upside_down: bool = False
    transposed: bool = False

    @property
    def label(self) -> str:
        """ "frontal PA", "frontal AP", "frontal", "lateral", "oblique RAO", "oblique"..."""
        if self.kind == FRONTAL and self.position in ("PA", "AP"):
            return f"frontal {self.position}"
        if self.kind == OBLIQUE and self.position:
            return f"oblique {self.position}"
        return self.kind

    @property
    def groundable(self) -> bool:
        """A frontal film, or one nothing said otherwise of: the engine grounds it."""
        return self.kind in (FRONTAL, UNKNOWN)

    def describe(self) -> str:
        """One line: "frontal PA (ViewPosition)", "lateral (image), mirrored"..."""
        text = f"{self.label} ({self.source})" if self.source else self.label
        stored = [
            word
            for word, on in (
                ("turned 90°", self.transposed),
                ("mirrored", self.mirrored),
                ("upside down", self.upside_down),
            )
            if on
        ]
        return ", ".join([text, *stored])

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "kind": self.kind,
            "position": self.position or None,
            "source": self.source or None,
            "mirrored": self.mirrored,
            "upside_down": self.upside_down,
            "transposed": self.transposed,
        }

    @property
    def order(self) -> int:
        """Where a study lists this image: frontal films first, laterals last."""
        return {FRONTAL: 0, UNKNOWN: 1, OBLIQUE: 2, LATERAL: 3}[self.kind]


def upright_pixels(
    pixels: np.ndarray, transposed: bool = False, mirrored: bool = False, upside_down: bool = False
) -> np.ndarray:
    """A film as stored, turned as the model sees films: transposed first, then flipped."""
    if transposed:
        pixels = pixels.T
    rows, columns = (-1 if upside_down else 1), (-1 if mirrored else 1)
    return np.ascontiguousarray(pixels[::rows, ::columns])


def upright_box(
    box: tuple[float, float, float, float], width: int, height: int, view: FilmView
) -> tuple[float, float, float, float]:
    """A box on the film as stored (`width` x `height`), in the frame the model sees it
    (`upright_pixels`: transposed first, then flipped)."""
    if view.transposed:
        box, width, height = box_xyxy_transposed(box), height, width
    return box_xyxy_flipped(box, width, height, view.mirrored, view.upside_down)


def detect_view(header: Dataset | None, pixels: Callable[[], np.ndarray] | None) -> FilmView:
    """The view of an image from its DICOM header (None for a raster file) and, only when
    the header is silent, from `pixels()`: the engine's input, air dark, at any size."""
    rows, columns = row_direction(header), column_direction(header)
    transposed = rows in ("H", "F") and columns in ("L", "R")
    if transposed:  # the model sees the film transposed: the directions swap
        rows, columns = columns, rows
    view = header_view(header)
    if view is None and pixels is not None:
        kind = image_view(pixels())
        view = FilmView(kind, "", "image" if kind != UNKNOWN else "")
    view = view or FilmView()
    return FilmView(view.kind, view.position, view.source, rows == "R", columns == "H", transposed)


def header_view(header: Dataset | None) -> FilmView | None:
    """The view the header states, or None when it says nothing usable."""
    if header is None:
        return None
    position = _text(header.get("ViewPosition")).upper().replace(" ", "")
    if position in VIEW_POSITIONS:
        kind, detail = VIEW_POSITIONS[position]
        return FilmView(kind, detail, "ViewPosition")
    if position in OBLIQUE_POSITIONS:
        return FilmView(OBLIQUE, position, "ViewPosition")
    for key in DESCRIPTION_KEYS:
        view = description_view(_text(header.get(key)))
        if view is not None:
            return view
    row, column = row_direction(header), column_direction(header)
    across = row if row not in ("H", "F") else column  # a film turned by 90 degrees
    if across in ("A", "P"):
        return FilmView(LATERAL, "", "PatientOrientation")
    if across in ("L", "R"):
        return FilmView(FRONTAL, "", "PatientOrientation")
    return None


def description_view(text: str) -> FilmView | None:
    """ "CHEST PA", "AP PORTABLE", "LAT", "Lateral view": a view when the words name exactly
    one kind; "PA AND LAT" names both and says nothing about this image, and so does
    "PA AND OBL"; "RAO" or "Oblique" alone names an oblique."""
    words = set(re.findall(r"[A-Z]+", text.upper()))
    if words & DECUBITUS_WORDS:  # "left lateral decubitus" is a frontal projection
        return FilmView(FRONTAL, "", "description")
    oblique = sorted(words & OBLIQUE_POSITIONS)
    frontal = [FRONTAL_WORDS[w] for w in sorted(words) if w in FRONTAL_WORDS]
    lateral = words & LATERAL_WORDS
    if words & OBLIQUE_WORDS:  # "PA AND OBL" names several views: nothing about this one
        if frontal or lateral:
            return None
        return FilmView(OBLIQUE, oblique[0] if len(oblique) == 1 else "", "description")
    if frontal and not lateral:
        detail = "AP" if "AP" in frontal else ("PA" if "PA" in frontal else "")
        return FilmView(FRONTAL, detail, "description")
    if lateral and not frontal:
        return FilmView(LATERAL, "", "description")
    return None


def row_direction(header: Dataset | None) -> str:
    """The main patient direction along the rows ("L", "R", "A", "P", "H", "F") or ""."""
    return _direction(header, 0)


def column_direction(header: Dataset | None) -> str:
    """The main patient direction down the columns ("L", "R", "A", "P", "H", "F") or ""."""
    return _direction(header, 1)


def _direction(header: Dataset | None, index: int) -> str:
    if header is None:
        return ""
    value = header.get("PatientOrientation")
    if isinstance(value, (list, tuple, MultiValue)):
        values = list(value)
    else:  # a single value, or one of another VR (a damaged file: an int from VR UL)
        values = [value]
    text = _text(values[index] if len(values) > index else "").upper()
    return text[:1] if text[:1] in ("L", "R", "A", "P", "H", "F") else ""


def image_view(pixels: np.ndarray) -> str:
    """Frontal, lateral or unknown from the film itself (air dark, any size, float).

    A frontal chest is nearly mirror-symmetric about the spine: two dark lung fields either
    side of a bright mediastinum. The mirror axis is the film's midline (`film_midline`, the
    search the wrong-side check uses); the film is reduced to a 64 x 64 grid and contrast
    normalised, and the ridge is the chest band's (rows 25-65 %) brightness at that axis
    above the darker of the two bands a fifth to a quarter of the width either side. A
    lateral's best axis falls inside its single, superimposed lung field: no ridge.
    """
    ridge = mediastinal_ridge(pixels)
    if ridge is None:
        return UNKNOWN
    if ridge >= FRONTAL_RIDGE:
        return FRONTAL
    if ridge <= LATERAL_RIDGE:
        return LATERAL
    return UNKNOWN


def mediastinal_ridge(pixels: np.ndarray) -> float | None:
    """The ridge of `image_view` (about 0.45 on a frontal film, 0 on a lateral); None for
    a film without the contrast of a chest (blank, noise): no lung fields to compare."""
    n = IMAGE_GRID
    grid = cv2.resize(np.asarray(pixels, np.float32), (n, n), interpolation=cv2.INTER_AREA)
    low, high = np.percentile(grid, [2, 98])
    if high - low < MIN_RANGE:
        return None
    grid = np.clip((grid - low) / (high - low), 0.0, 1.0)
    band = grid[int(0.25 * n) : int(0.65 * n)]
    profile = np.convolve(band.mean(axis=0), np.ones(3) / 3.0, mode="same")
    if float(np.ptp(profile[1:-1])) < MIN_PROFILE_CONTRAST:
        return None
    axis = film_midline(pixels) / np.shape(pixels)[1] * n - 0.5  # in grid columns
    centre = profile[max(0, int(round(axis)) - 1) : int(round(axis)) + 2].mean()
    sides = []
    for sign in (-1.0, 1.0):
        near, far = (int(round(axis + sign * d * n)) for d in (0.18, 0.28))
        lo, hi = sorted((near, far))
        lo, hi = max(lo, 0), min(hi, n)
        sides.append(profile[lo:hi].mean() if hi > lo else 1.0)
    return float(centre - max(sides))


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
