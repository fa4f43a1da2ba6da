"""The annotated view as a DICOM Secondary Capture image, for sending back to the PACS.

It joins the source image's study (same patient and study, new series) so a PACS shows
it beside the film; it is burned-in RGB at the film's native size, marked as derived.
"""

from __future__ import annotations

import logging
from pathlib import Path

import highdicom as hd
import numpy as np
from pydicom.dataset import Dataset

from ..study import RadiographImage
from .atomic import write_bytes_atomic
from .source import SourceImage, as_source, as_study_error, part10_bytes
from .sr import MANUFACTURER, SERIES_DESCRIPTION

log = logging.getLogger(__name__)


def secondary_capture(
    source: SourceImage, rgb: np.ndarray, *, series_number: int = 9002, instance_number: int = 1
) -> Dataset:
    """An SC image of `rgb` (H, W, 3 uint8, the source's native size) in the source's study."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 image, got {rgb.shape} {rgb.dtype}")
    orientation = tuple(source.dataset.get("PatientOrientation") or ())
    laterality = source.dataset.get("Laterality")
    image = hd.sc.SCImage.from_ref_dataset(
        ref_dataset=source.dataset,
        pixel_array=np.ascontiguousarray(rgb),
        photometric_interpretation=hd.PhotometricInterpretationValues.RGB,
        bits_allocated=8,
        coordinate_system=hd.CoordinateSystemNames.PATIENT,
        series_instance_uid=hd.UID(),
        series_number=series_number,
        sop_instance_uid=hd.UID(),
        instance_number=instance_number,
        manufacturer=MANUFACTURER,
        # highdicom insists on a value; an unknown one is emptied below, never guessed
        patient_orientation=orientation if len(orientation) == 2 else ("L", "F"),
        laterality=laterality if laterality in ("L", "R") else None,
        transfer_syntax_uid=hd.sc.sop.ExplicitVRLittleEndian,
    )
    if len(orientation) != 2:
        image.PatientOrientation = None  # Type 2: unknown stays empty rather than guessed
    reference = Dataset()
    reference.ReferencedSOPClassUID = source.dataset.SOPClassUID
    reference.ReferencedSOPInstanceUID = source.dataset.SOPInstanceUID
    image.SourceImageSequence = [reference]
    image.DerivationDescription = "AI grounding overlay burned in (KnowMVG), not a diagnosis"
    image.SeriesDescription = SERIES_DESCRIPTION
    if source.dataset.get("BodyPartExamined"):  # the same body part; it also tells a reader
        image.BodyPartExamined = source.dataset.BodyPartExamined  # whether Laterality applies
    image.BurnedInAnnotation = "YES"
    image.ImageType = ["DERIVED", "SECONDARY"]
    return image


def export_secondary_capture(
    out: Path,
    source: SourceImage | RadiographImage,
    rgb: np.ndarray,
    *,
    overwrite: bool = False,
) -> Path:
    """Write the SC of `rgb` on `source` (as for the SR: the loaded image or its SourceImage)
    atomically; StudyError for a non-DICOM source."""
    source = as_source(source)
    try:
        dataset = secondary_capture(source, rgb)
    except (AttributeError, TypeError, ValueError) as exc:
        raise as_study_error(source.path, exc) from exc
    write_bytes_atomic(Path(out), part10_bytes(dataset, source), overwrite=overwrite)
    log.info("wrote secondary capture %dx%d to %s", rgb.shape[1], rgb.shape[0], out)
    return Path(out)
