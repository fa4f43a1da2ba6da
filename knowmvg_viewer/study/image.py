"""Plain data describing one loaded radiograph, independent of its file format."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .views import FilmView

if TYPE_CHECKING:
    from pydicom.dataset import Dataset


class VoiFunction(StrEnum):
    """DICOM VOI LUT Function (PS3.3 C.11.2.1.3)."""

    LINEAR = "LINEAR"
    LINEAR_EXACT = "LINEAR_EXACT"
    SIGMOID = "SIGMOID"


@dataclass(frozen=True)
class WindowPreset:
    """A window (center/width) or a VOI lookup table, as offered in the presets menu.

    `lut` maps modality values starting at `lut_first` to output values in
    [0, lut_max]; when it is set, center/width are ignored.
    """

    name: str
    center: float = 0.0
    width: float = 1.0
    function: VoiFunction = VoiFunction.LINEAR
    source: str = "file"  # "file", "voi-lut", "presentation-state", "auto" or "user"
    lut: np.ndarray | None = field(default=None, compare=False, repr=False)
    lut_first: int = 0
    lut_max: float = 1.0

    @property
    def is_lut(self) -> bool:
        return self.lut is not None


@dataclass(frozen=True)
class PixelSpacing:
    """Physical size of one pixel, rows then columns, in millimetres.

    `kind` is "pixel" (PixelSpacing: at the patient) or "detector"
    (ImagerPixelSpacing: at the detector plane, not corrected for magnification).
    """

    row_mm: float
    col_mm: float
    kind: str = "pixel"


@dataclass
class RadiographImage:
    """One frame of a radiograph, ready for display and for the engine.

    `stored` holds the raw stored values (integers where the file has them) of
    the selected frame, `(H, W)` for greyscale or `(H, W, 3)` for colour.
    `modality_slope/intercept` is the linear modality LUT (Rescale); a
    non-linear Modality LUT Sequence is applied at load time into `stored` and
    leaves slope 1, intercept 0.
    `header` is the DICOM dataset the frame was decoded from, without its pixel data (None
    for a raster image): the exporters reference the source through it, never re-reading
    the file. `view` says whether the film is frontal or lateral and stored mirrored
    (`views.detect_view`), decided once at load.
    """

    path: Path
    stored: np.ndarray
    photometric: str = "MONOCHROME2"
    modality: str = "OT"
    modality_slope: float = 1.0
    modality_intercept: float = 0.0
    rescale_type: str = ""
    presets: list[WindowPreset] = field(default_factory=list)
    presentation_inverse: bool = False
    spacing: PixelSpacing | None = None
    transfer_syntax: str = ""
    frame_index: int = 0
    n_frames: int = 1
    bits_stored: int = 8
    attributes: dict[str, str] = field(default_factory=dict)
    view: FilmView = field(default_factory=FilmView)
    header: Dataset | None = field(default=None, repr=False, compare=False)

    @property
    def height(self) -> int:
        return int(self.stored.shape[0])

    @property
    def width(self) -> int:
        return int(self.stored.shape[1])

    @property
    def is_color(self) -> bool:
        return self.stored.ndim == 3

    @property
    def inverted_by_file(self) -> bool:
        """True when the file says high values are dark.

        MONOCHROME1 alone, or MONOCHROME2 with an INVERSE Presentation LUT Shape. The DX
        IOD pairs MONOCHROME1 with INVERSE to say the same thing once, not twice.
        """
        return self.photometric == "MONOCHROME1" or (
            self.photometric == "MONOCHROME2" and self.presentation_inverse
        )

    def modality_values(self) -> np.ndarray:
        """Stored values through the modality LUT, as float32."""
        values = self.stored.astype(np.float32)
        if self.modality_slope != 1.0 or self.modality_intercept != 0.0:
            values = values * np.float32(self.modality_slope) + np.float32(self.modality_intercept)
        return values

    def default_preset(self) -> WindowPreset:
        """The file's first VOI, else the automatic window."""
        return self.presets[0]

    @property
    def display_name(self) -> str:
        """How the thumbnail strip names the image: its series description, else its view
        and modality, else its file name (PACS files are named by UID, which says nothing)."""
        description = self.attributes.get("SeriesDescription", "")
        view = self.attributes.get("ViewPosition", "")
        if description:
            return description
        if view:
            return f"{self.modality} {view}"
        return self.path.name

    def spacing_text(self) -> str:
        if self.spacing is None:
            return "unknown"
        label = " (detector)" if self.spacing.kind == "detector" else ""
        return f"{self.spacing.row_mm:g} x {self.spacing.col_mm:g} mm{label}"
