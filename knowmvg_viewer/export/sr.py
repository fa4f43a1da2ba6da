"""DICOM SR export: the grounded findings as a TID 1500 measurement report (Comprehensive SR).

One measurement group per boxed phrase: the phrase is its tracking identifier, the
code the engine gave the finding (the knowledge base's SNOMED CT concept; the generic
"Finding" when it has none) its finding type, the box a closed
POLYLINE SCOORD on the source image in its pixel space, and the model's score a
"Certainty of Finding" in percent. Hedged phrases keep their box and read
"<finding>: Uncertain" (SCT 64957009). A box in the hemithorax opposite the side its phrase
names (`laterality_conflict`) adds "Laterality: Conflicts with the reported side"
(LATERALITY_CONFLICT below).

Negated phrases are not measurement groups: they are statements about the whole image, so
they go into the report's own Qualitative Evaluations container (TID 1500 rows 12-14,
QUALITATIVE_EVALUATIONS), each as a CODE "<finding> = Absent" (SCT 272519000) and a TEXT
"<finding> = <the phrase>". Every measurement group therefore has a region, which OHIF's SR
viewport needs for each group it steps onto.

For viewers that read TID 1500 as OHIF does, the report also carries an Image Library
(TID 1600) with the source image's entry (modality, view, orientation, size: TID 1602/1603),
every group keeps its Tracking Identifier and Tracking Unique Identifier, and a group whose
phrase names a side or a part of the lung carries a coded Finding Site with its laterality
(`finding_site`).

A study a radiologist has reviewed is exported with `verification` (who, for which
organisation, when): the SR is then VERIFIED and FINAL, with a Verifying Observer (SR
Document General module), and its observation context (TID 1001) has the radiologist as a
PERSON observer (TID 1003: name, organisation, role Physician, role in this procedure
Verifying) before the DEVICE observer (TID 1004), the model. The findings are the review's
final ones (rejected ones left out). A box the model did not give as it stands (edited or
drawn by the reviewer: no score, or source "reviewer") has neither a "Certainty of Finding"
nor an Algorithm Identification (TID 4019) in its group: those say what the model made, so
only the model's own boxes carry them. No group names its reviewer: highdicom writes no
observer context inside a TID 1410 group (nor does dcmtk inside TID 1411), so the document's
observers, the model and the radiologist, stand for every group.
"""

from __future__ import annotations

import logging
from pathlib import Path

import highdicom as hd
import numpy as np
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid
from pydicom.valuerep import DT

from model_core.results import GroundedFinding

from .. import __version__
from ..study import RadiographImage, StudyError
from .atomic import write_bytes_atomic
from .finding_site import finding_site
from .source import SourceImage, as_source, as_study_error, part10_bytes
from .verification import Verification

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
PRIVATE_SCHEME_NAME = "KnowMVG Viewer local codes"
# ViewPosition (its defined terms, and the "LAT" found in the wild) -> PS3.16 CID 4010
# "DX View", codes from pydicom's dictionary. No entry: no view is written.
VIEW_CODES = {
    "PA": codes.SCT.PosteroAnterior,  # 272479007 postero-anterior
    "AP": codes.SCT.AnteroPosterior,  # 399348003 antero-posterior
    "LL": codes.SCT.LeftLateral,  # 399173006 left lateral
    "RL": codes.SCT.RightLateral,  # 399198007 right lateral
    "LAT": codes.SCT.LateralProjection,  # 399067008 lateral
    "LATERAL": codes.SCT.LateralProjection,
}
# ImageLaterality -> CID 244 (a chest film is "U", unpaired: no descriptor)
IMAGE_LATERALITY = {"R": codes.SCT.Right, "L": codes.SCT.Left, "B": codes.SCT.Bilateral}
# CID 29 "Acquisition Modality": the DCM code value is the Modality attribute's value.
MODALITY_CODES = {
    getattr(codes.cid29, keyword).value: getattr(codes.cid29, keyword)
    for keyword in codes.cid29.dir()
}
PIXELS = hd.sr.CodedConcept("{pixels}", "UCUM", "Pixels")
# TID 1500 row 12: the container of qualitative evaluations about the report's whole subject
# (dcmtk's CODE_UMLS_QualitativeEvaluations; not in pydicom's code dictionary). UMLS is a
# registered designator (dciodvfy knows it, unlike 99KNOWMVG), so it needs no Coding Scheme
# Identification item.
QUALITATIVE_EVALUATIONS = hd.sr.CodedConcept("C0034375", "UMLS", "Qualitative Evaluations")
# The verifying radiologist as a person observer (TID 1003 rows 4 and 5), from pydicom's code
# dictionary: CID 7452 "Organizational Roles" (extensible) has no "Radiologist", so the role
# is its "Physician" (SCT 309343006); the role in this procedure is CID 7453's "Verifying"
# (DCM 121098).
VERIFIER_ROLE = codes.cid7452.Physician
VERIFIER_PROCEDURE_ROLE = codes.cid7453.Verifying


def structured_report(
    source: SourceImage,
    findings: list[GroundedFinding],
    model: dict,
    *,
    series_number: int = 9001,
    instance_number: int = 1,
    verification: Verification | None = None,
) -> hd.sr.ComprehensiveSR:
    """The SR dataset (not yet written) for the findings of one image; VERIFIED by the
    radiologist of `verification` when given (see the module docstring)."""
    algorithm = hd.sr.AlgorithmIdentification(name=algorithm_name(model), version=__version__)
    groups = [_finding_group(source, f, algorithm) for f in _boxed(findings)]
    ruled_out = _negated(findings)
    if not groups and not ruled_out:
        raise StudyError(source.path, "no grounded or negated findings to put in a DICOM SR")
    report = _measurement_report(model, groups, verification)
    _add_image_library(report, source)
    if ruled_out:
        report[0].ContentSequence.append(_qualitative_evaluations(ruled_out))
    sr = hd.sr.ComprehensiveSR(
        evidence=[source.dataset],
        content=report,
        series_instance_uid=hd.UID(),
        series_number=series_number,
        sop_instance_uid=hd.UID(),
        instance_number=instance_number,
        manufacturer=MANUFACTURER,
        is_complete=True,
        is_final=verification is not None,
        is_verified=verification is not None,
        verifying_observer_name=verification.person_name if verification else None,
        verifying_organization=verification.organisation_name if verification else None,
        series_description=SERIES_DESCRIPTION,
    )
    if verification is not None:  # highdicom stamps "now"; the radiologist verified then
        sr.VerifyingObserverSequence[0].VerificationDateTime = DT(verification.when)
    if any(f.laterality_conflict for f in _boxed(findings)):
        sr.CodingSchemeIdentificationSequence = [_private_scheme_identification()]
    return sr


def device_uid(model: dict) -> str:
    """The same observer device UID for every SR a given model writes, so a PACS can group
    them by device."""
    return generate_uid(entropy_srcs=[MANUFACTURER, algorithm_name(model)])


def reportable(findings: list[GroundedFinding]) -> list[GroundedFinding]:
    """The findings an SR carries, in the order it carries them: those with a box (the
    measurement groups), then the negated ones (the qualitative evaluations)."""
    return _boxed(findings) + _negated(findings)


def _boxed(findings: list[GroundedFinding]) -> list[GroundedFinding]:
    return [f for f in findings if not f.negated and f.box is not None]


def _negated(findings: list[GroundedFinding]) -> list[GroundedFinding]:
    return [f for f in findings if f.negated]


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
    verification: Verification | None = None,
) -> Path:
    """Write the SR for the findings on `source` to OUT atomically.

    `source` is the loaded image (or its SourceImage), whose header is referenced without
    reading the file again. With `verification` the SR is VERIFIED by that radiologist;
    `findings` are then the review's final findings (`StudyReview.final_findings()`).
    StudyError for a source that cannot be referenced (not DICOM, no image);
    FileExistsError when OUT exists and overwrite is false; OSError when OUT cannot
    be written, in which case nothing is left behind.
    """
    source = as_source(source)
    try:
        dataset = structured_report(source, findings, model, verification=verification)
    except (AttributeError, TypeError, ValueError) as exc:
        if isinstance(exc, StudyError):
            raise
        raise as_study_error(source.path, exc) from exc
    write_bytes_atomic(Path(out), part10_bytes(dataset, source), overwrite=overwrite)
    log.info(
        "wrote %s DICOM SR with %d measurement group(s) and %d negated finding(s) to %s",
        "a verified" if verification is not None else "an unverified",
        len(_boxed(findings)),
        len(_negated(findings)),
        out,
    )
    return Path(out)


def _measurement_report(
    model: dict, groups: list, verification: Verification | None = None
) -> hd.sr.MeasurementReport:
    """The TID 1500 root: the observers (the verifying radiologist, if any, and the device),
    the procedure, the Imaging Measurements container with GROUPS.

    highdicom's MeasurementReport takes at least one group (its comment: "Since only imaging
    measurements are currently supported, at least one is required"), a limit of highdicom,
    not of TID 1500, whose Qualitative Evaluations (row 12) may stand instead (dcmtk's
    TID1500_MeasurementReport::isValid asks for Imaging Measurements or Qualitative
    Evaluations). With no boxed finding the container is built around a stand-in group and
    left empty, as dcmtk's own writer leaves it (createMeasurementReport always adds row 6):
    OHIF looks it up without a guard and reads an empty one as no measurements. (highdicom
    0.28's measurement-group getters raise AttributeError on an empty container.)
    """
    stand_in = hd.sr.MeasurementsAndQualitativeEvaluations(
        hd.sr.TrackingIdentifier(uid=hd.UID(), identifier="stand-in, removed below")
    )
    report = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(
            observer_person_context=_person_observer(verification) if verification else None,
            observer_device_context=hd.sr.ObserverContext(
                observer_type=codes.DCM.Device,
                observer_identifying_attributes=hd.sr.DeviceObserverIdentifyingAttributes(
                    uid=device_uid(model),
                    name=algorithm_name(model),
                    manufacturer_name=MANUFACTURER,
                    model_name=algorithm_name(model),
                ),
            ),
        ),
        procedure_reported=PLAIN_CHEST_XRAY,
        imaging_measurements=groups or [stand_in],
        title=codes.DCM.ImagingMeasurementReport,
    )
    if not groups:
        del _root_item(report, codes.DCM.ImagingMeasurements).ContentSequence
    return report


def _person_observer(verification: Verification) -> hd.sr.ObserverContext:
    """TID 1002 with TID 1003: the verifying radiologist as the report's person observer."""
    return hd.sr.ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(
            name=verification.person_name,
            organization_name=verification.organisation_name,
            role_in_organization=VERIFIER_ROLE,
            role_in_procedure=VERIFIER_PROCEDURE_ROLE,
        ),
    )


def from_model(finding: GroundedFinding) -> bool:
    """Whether the finding's box is the model's as it gave it: a box the reviewer edited or
    drew has no score (`ReviewedFinding.as_grounded`)."""
    return finding.score is not None and finding.source != "reviewer"


def _root_item(report: hd.sr.MeasurementReport, name) -> hd.sr.ContentItem:
    """The item directly below the report's root whose concept name is NAME."""
    return next(item for item in report[0].ContentSequence if item.name == name)


def _qualitative_evaluations(findings: list[GroundedFinding]) -> hd.sr.ContainerContentItem:
    """TID 1500 row 12: the report-level Qualitative Evaluations, two items per negated
    finding (rows 13 and 14): CODE "<finding> = Absent" and TEXT "<finding> = <phrase>".
    TID 1500 gives these items no children, so the finding site and laterality a phrase names
    are in its text only."""
    contains = hd.sr.RelationshipTypeValues.CONTAINS
    items: list[hd.sr.ContentItem] = []
    for finding in findings:
        name = _finding_code(finding)
        items.append(hd.sr.CodeContentItem(name, _concept(codes.SCT.Absent), contains))
        items.append(hd.sr.TextContentItem(name, finding.phrase, contains))
    container = hd.sr.ContainerContentItem(name=QUALITATIVE_EVALUATIONS, relationship_type=contains)
    container.ContentSequence = hd.sr.ContentSequence(items)
    return container


def _finding_group(
    source: SourceImage,
    finding: GroundedFinding,
    algorithm: hd.sr.AlgorithmIdentification,
) -> hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations:
    tracking = hd.sr.TrackingIdentifier(uid=hd.UID(), identifier=finding.phrase)
    finding_type = _finding_code(finding)
    sites = _finding_sites(finding)
    model_made = from_model(finding)
    measurements = []
    if model_made:  # the likelihood that the finding is right: the calibrated confidence
        measurements.append(
            hd.sr.Measurement(
                name=codes.DCM.CertaintyOfFinding,
                value=round(100.0 * finding.shown_confidence, 2),
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
        algorithm_id=algorithm if model_made else None,
        finding_sites=sites,
        measurements=measurements or None,
        qualitative_evaluations=evaluations or None,
    )


def _finding_sites(finding: GroundedFinding) -> list[hd.sr.FindingSite] | None:
    """The phrase's Finding Site (SCT 363698007) with its laterality, if it names one."""
    site = finding_site(finding.phrase, finding.category)
    if site is None:
        return None
    return [
        hd.sr.FindingSite(
            anatomic_location=_concept(site.location),
            laterality=_concept(site.laterality) if site.laterality else None,
            topographical_modifier=_concept(site.modifier) if site.modifier else None,
        )
    ]


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
    """A highdicom concept from a pydicom Code or a code sequence item."""
    if isinstance(code, Dataset):
        return hd.sr.CodedConcept(code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning)
    return hd.sr.CodedConcept(code.value, code.scheme_designator, code.meaning)


def _add_image_library(report: hd.sr.MeasurementReport, source: SourceImage) -> None:
    """TID 1600 Image Library, before the Imaging Measurements container: one Image Library
    Group holding the source image's entry (TID 1601) and its descriptors.

    highdicom's own ImageLibrary needs PatientOrientation and ImagerPixelSpacing on every
    radiograph (pydicom-data's CR film has neither spacing) and writes no view, so the
    entry is built here from the header's attributes that are present, nothing guessed.
    """
    ds = source.dataset
    entry = hd.sr.ImageContentItem(
        name=codes.SCT.Source,  # 260753009, as highdicom's ImageLibrary names its entries
        referenced_sop_class_uid=ds.SOPClassUID,
        referenced_sop_instance_uid=ds.SOPInstanceUID,
        relationship_type=hd.sr.RelationshipTypeValues.CONTAINS,
    )
    entry.ContentSequence = hd.sr.ContentSequence(_library_descriptors(ds))
    group = hd.sr.ContainerContentItem(
        name=codes.DCM.ImageLibraryGroup,  # 126200
        relationship_type=hd.sr.RelationshipTypeValues.CONTAINS,
    )
    group.ContentSequence = hd.sr.ContentSequence([entry])
    library = hd.sr.ContainerContentItem(
        name=codes.DCM.ImageLibrary,  # 111028
        relationship_type=hd.sr.RelationshipTypeValues.CONTAINS,
    )
    library.ContentSequence = hd.sr.ContentSequence([group])
    root = report[0].ContentSequence
    root.insert(root.index(_root_item(report, codes.DCM.ImagingMeasurements)), library)


def _library_descriptors(ds) -> list[hd.sr.ContentItem]:
    """TID 1602 (and TID 1603 for projection radiography) descriptors of the source image,
    for those the header has."""
    acquisition = hd.sr.RelationshipTypeValues.HAS_ACQ_CONTEXT
    items: list[hd.sr.ContentItem] = []

    def code(name, value):
        items.append(hd.sr.CodeContentItem(name, _concept(value), acquisition))

    def number(name, value, unit):
        items.append(hd.sr.NumContentItem(name, value, unit, relationship_type=acquisition))

    if ds.get("Modality") in MODALITY_CODES:
        code(codes.DCM.Modality, MODALITY_CODES[ds.Modality])
    region = ds.get("AnatomicRegionSequence")
    if region:
        code(codes.DCM.TargetRegion, region[0])
    if ds.get("ImageLaterality") in IMAGE_LATERALITY:
        code(codes.DCM.ImageLaterality, IMAGE_LATERALITY[ds.ImageLaterality])
    number(codes.DCM.PixelDataRows, ds.Rows, PIXELS)
    number(codes.DCM.PixelDataColumns, ds.Columns, PIXELS)
    view = view_code(ds)
    if view is not None:
        code(codes.DCM.ImageView, view)
    orientation = list(ds.get("PatientOrientation") or [])
    if len(orientation) == 2 and all(orientation):
        for name, value in zip(
            (codes.DCM.PatientOrientationRow, codes.DCM.PatientOrientationColumn),
            orientation,
            strict=True,
        ):
            items.append(hd.sr.TextContentItem(name, str(value), acquisition))
    spacing = [float(v) for v in ds.get("ImagerPixelSpacing") or []]
    if len(spacing) == 2 and min(spacing) > 0:  # row spacing first: vertical, horizontal
        number(codes.DCM.HorizontalPixelSpacing, spacing[1], codes.UCUM.Millimeter)
        number(codes.DCM.VerticalPixelSpacing, spacing[0], codes.UCUM.Millimeter)
    return items


def view_code(ds) -> hd.sr.CodedConcept | None:
    """The view of the source (CID 4010): from ViewPosition where it is one we can code,
    else the header's own ViewCodeSequence, else None.

    ViewPosition wins over a ViewCodeSequence that disagrees with it: films in the wild
    carry codes that contradict their meaning (our own demo films had 399348003,
    antero-posterior, labelled "postero-anterior", until scripts/make_demo.py was fixed).
    """
    position = str(ds.get("ViewPosition") or "").strip().upper()
    if position in VIEW_CODES:
        return _concept(VIEW_CODES[position])
    view = ds.get("ViewCodeSequence")
    if view and view[0].get("CodeValue") and view[0].get("CodingSchemeDesignator"):
        return _concept(view[0])
    return None


def _private_scheme_identification() -> Dataset:
    """Coding Scheme Identification (SOP Common module) for our private scheme, so a
    reader can tell what "99KNOWMVG" is."""
    item = Dataset()
    item.CodingSchemeDesignator = PRIVATE_SCHEME
    item.CodingSchemeName = PRIVATE_SCHEME_NAME
    item.CodingSchemeResponsibleOrganization = MANUFACTURER
    return item
