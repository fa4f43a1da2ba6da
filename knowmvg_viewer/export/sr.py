"""DICOM SR export: the grounded findings as a TID 1500 measurement report (Comprehensive SR).

One measurement group per report phrase: the phrase is its tracking identifier, the
code the engine gave the finding (the knowledge base's SNOMED CT concept; the generic
"Finding" when it has none) its finding type, the box a closed
POLYLINE SCOORD on the source image in its pixel space, and the model's score a
"Certainty of Finding" in percent. Negated phrases get a group without a region whose
qualitative evaluation reads "<finding>: Absent", so a reader sees what the model ruled out;
hedged phrases keep their box and read "<finding>: Uncertain" (SCT 64957009). A box in
the hemithorax opposite the side its phrase names (`laterality_conflict`) adds
"Laterality: Conflicts with the reported side" (LATERALITY_CONFLICT below).
"""

from __future__ import annotations

import logging
from pathlib import Path

import highdicom as hd
import numpy as np
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from model_core.results import GroundedFinding

from .. import __version__
from ..study import RadiographImage, StudyError
from .atomic import write_bytes_atomic
from .source import SourceImage, as_source, as_study_error, part10_bytes

log = logging.getLogger(__name__)

MANUFACTURER = "KnowMVG Viewer"
SERIES_DESCRIPTION = "KnowMVG grounding (AI output - not a diagnosis)"
PLAIN_CHEST_XRAY = hd.sr.CodedConcept("399208008", "SCT", "Plain chest X-ray")
PERCENT = hd.sr.CodedConcept("%", "UCUM", "percent")
# The wrong-side flag, as a qualitative evaluation named "Laterality" (SCT 272741003, in
# pydicom's code dictionary as codes.SCT.Laterality). Neither SNOMED CT nor the DICOM
# (DCM) vocabulary of PS3.16 has a concept for "the location disagrees with the reported
# side", so its value is ours, in a private coding scheme: designators starting with "99"
# are reserved for private schemes (PS3.3 section 8.2.2, Coding Scheme Designator).
PRIVATE_SCHEME = "99KNOWMVG"
LATERALITY = hd.sr.CodedConcept("272741003", "SCT", "Laterality")
LATERALITY_CONFLICT = hd.sr.CodedConcept(
    "LATCONFLICT", PRIVATE_SCHEME, "Conflicts with the reported side"
)


def structured_report(
    source: SourceImage,
    findings: list[GroundedFinding],
    model: dict,
    *,
    series_number: int = 9001,
    instance_number: int = 1,
) -> hd.sr.ComprehensiveSR:
    """The SR dataset (not yet written) for the findings of one image."""
    algorithm = hd.sr.AlgorithmIdentification(name=algorithm_name(model), version=__version__)
    groups = [_finding_group(source, f, algorithm) for f in reportable(findings)]
    if not groups:  # TID 1500 needs at least one measurement group
        raise StudyError(source.path, "no grounded or negated findings to put in a DICOM SR")
    report = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(
            observer_device_context=hd.sr.ObserverContext(
                observer_type=codes.DCM.Device,
                observer_identifying_attributes=hd.sr.DeviceObserverIdentifyingAttributes(
                    uid=device_uid(model),
                    name=algorithm_name(model),
                    manufacturer_name=MANUFACTURER,
                    model_name=algorithm_name(model),
                ),
            )
        ),
        procedure_reported=PLAIN_CHEST_XRAY,
        imaging_measurements=groups,
        title=codes.DCM.ImagingMeasurementReport,
    )
    return hd.sr.ComprehensiveSR(
        evidence=[source.dataset],
        content=report,
        series_instance_uid=hd.UID(),
        series_number=series_number,
        sop_instance_uid=hd.UID(),
        instance_number=instance_number,
        manufacturer=MANUFACTURER,
        is_complete=True,
        is_final=False,
        is_verified=False,
        series_description=SERIES_DESCRIPTION,
    )


def device_uid(model: dict) -> str:
    """The same observer device UID for every SR a given model writes, so a PACS can group
    them by device."""
    return generate_uid(entropy_srcs=[MANUFACTURER, algorithm_name(model)])


def reportable(findings: list[GroundedFinding]) -> list[GroundedFinding]:
    """The findings an SR carries: those with a box, and the negated ones."""
    return [f for f in findings if f.negated or f.box is not None]


def algorithm_name(model: dict) -> str:
    """The model as named in the SR (algorithm and observer device)."""
    return str(model.get("name") or "KnowMVG")


def export_sr(
    out: Path,
    source: SourceImage | RadiographImage,
    findings: list[GroundedFinding],
    model: dict,
    *,
    overwrite: bool = False,
) -> Path:
    """Write the SR for the findings on `source` to OUT atomically.

    `source` is the loaded image (or its SourceImage), whose header is referenced without
    reading the file again.
    StudyError for a source that cannot be referenced (not DICOM, no image);
    FileExistsError when OUT exists and overwrite is false; OSError when OUT cannot
    be written, in which case nothing is left behind.
    """
    source = as_source(source)
    try:
        dataset = structured_report(source, findings, model)
    except (AttributeError, TypeError, ValueError) as exc:
        if isinstance(exc, StudyError):
            raise
        raise as_study_error(source.path, exc) from exc
    write_bytes_atomic(Path(out), part10_bytes(dataset), overwrite=overwrite)
    log.info("wrote DICOM SR with %d finding group(s) to %s", len(reportable(findings)), out)
    return Path(out)


def _finding_group(
    source: SourceImage,
    finding: GroundedFinding,
    algorithm: hd.sr.AlgorithmIdentification,
) -> (
    hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations
    | hd.sr.MeasurementsAndQualitativeEvaluations
):
    tracking = hd.sr.TrackingIdentifier(uid=hd.UID(), identifier=finding.phrase)
    finding_type = _finding_code(finding)
    if finding.negated or finding.box is None:
        return hd.sr.MeasurementsAndQualitativeEvaluations(
            tracking_identifier=tracking,
            finding_type=finding_type,
            algorithm_id=algorithm,
            qualitative_evaluations=[hd.sr.QualitativeEvaluation(finding_type, codes.SCT.Absent)],
        )
    measurements = []
    if finding.score is not None:
        measurements.append(
            hd.sr.Measurement(
                name=codes.DCM.CertaintyOfFinding,
                value=round(100.0 * finding.score, 2),
                unit=PERCENT,
                algorithm_id=algorithm,
            )
        )
    evaluations = []
    if finding.uncertain:  # a hedged finding ("may represent atelectasis"): boxed, "Uncertain"
        evaluations.append(hd.sr.QualitativeEvaluation(finding_type, codes.SCT.Uncertain))
    if finding.laterality_conflict:  # the box lies on the other side from the phrase's
        evaluations.append(hd.sr.QualitativeEvaluation(LATERALITY, LATERALITY_CONFLICT))
    return hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=tracking,
        referenced_region=_box_region(source, finding.box),
        finding_type=finding_type,
        algorithm_id=algorithm,
        measurements=measurements or None,
        qualitative_evaluations=evaluations or None,
    )


def _box_region(source: SourceImage, box: tuple[float, float, float, float]) -> hd.sr.ImageRegion:
    """The box as a closed polyline in the image's pixel space (0,0 is the top-left corner of
    the top-left pixel, as in DICOM SCOORD and in our boxes)."""
    x0, y0, x1, y1 = (float(v) for v in box)
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]], dtype=np.float32)
    frames = int(source.dataset.get("NumberOfFrames", 1) or 1)
    reference = hd.sr.SourceImageForRegion(
        referenced_sop_class_uid=source.dataset.SOPClassUID,
        referenced_sop_instance_uid=source.dataset.SOPInstanceUID,
        referenced_frame_numbers=[source.frame_index + 1] if frames > 1 else None,
    )
    return hd.sr.ImageRegion(
        graphic_type=hd.sr.GraphicTypeValues.POLYLINE,
        graphic_data=corners,
        source_image=reference,
    )


def _finding_code(finding: GroundedFinding) -> hd.sr.CodedConcept:
    """The code the engine gave the finding, else the generic "Finding" concept."""
    if finding.code is None:
        return _concept(codes.DCM.Finding)
    return hd.sr.CodedConcept(finding.code.value, finding.code.scheme, finding.code.meaning)


def _concept(code) -> hd.sr.CodedConcept:
    return hd.sr.CodedConcept(code.value, code.scheme_designator, code.meaning)
