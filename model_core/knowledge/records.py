"""The knowledge base's value types: atlas regions, findings, location priors, mentions.

All are frozen so a loaded knowledge base can be shared between threads (viewer worker,
data loaders) without copies. Boxes are tuples of fractions of the image width and height;
the coordinate format is in every field name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ._geometry import BoxCXCYWH, BoxXYXY, clip01, cxcywh_to_xyxy

RegionSide = Literal["right", "left", "mid"]
PhraseSide = Literal["right", "left", "bilateral"]
PriorSide = Literal["right", "left", "any"]
Site = Literal[
    "lung", "pleura", "heart", "mediastinum", "diaphragm", "airway", "bone", "chest wall", "abdomen"
]
Category = Literal[
    "airspace",
    "interstitium",
    "lesion",
    "pleura",
    "cardiomediastinal",
    "airway",
    "diaphragm",
    "device",
    "bone",
    "chest wall",
    "abdomen",
]

REGION_SIDES: tuple[str, ...] = ("right", "left", "mid")
PRIOR_SIDES: tuple[str, ...] = ("any", "right", "left")
SITES: tuple[str, ...] = get_args(Site)
CATEGORIES: tuple[str, ...] = get_args(Category)


@dataclass(frozen=True)
class Region:
    """One area of a PA film; `side` is the patient's side (right = image left)."""

    id: str
    name: str
    side: RegionSide
    box: BoxXYXY
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Code:
    """A coded concept, e.g. SNOMED CT: scheme "SCT", value "60046008"."""

    scheme: str
    value: str
    meaning: str


@dataclass(frozen=True)
class Finding:
    """A chest finding: report wordings, what it looks like, where it usually is.

    `category` groups findings the way a reader scans a film (airspace, pleura, devices...);
    the viewer and the JSON output report it. `synthetic`: the synthetic study generator
    draws it, so the bundled model has seen its boxes.
    """

    name: str
    synonyms: tuple[str, ...]
    description: str
    regions: tuple[str, ...]
    site: Site
    category: Category
    code: Code | None
    synthetic: bool = False


@dataclass(frozen=True)
class LocationPrior:
    """Statistics of radiologists' boxes for one finding on one side (NIH ChestX-ray8)."""

    finding: str
    side: PriorSide
    n: int
    mean_cxcywh: BoxCXCYWH
    std_cxcywh: BoxCXCYWH
    p10_cxcywh: BoxCXCYWH
    p50_cxcywh: BoxCXCYWH
    p90_cxcywh: BoxCXCYWH

    @property
    def box_xyxy(self) -> BoxXYXY:
        """The mean box as corners, clipped to the image."""
        return clip01(cxcywh_to_xyxy(self.mean_cxcywh))


@dataclass(frozen=True)
class Mention:
    """A finding named in a text: `source[start:end] == text` (character offsets)."""

    finding: str
    start: int
    end: int
    text: str
