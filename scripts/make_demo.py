"""Regenerate the bundled demo studies under ``resources/demo/``.

No real chest radiograph with a report may be shipped, yet the viewer must open a study
with a report on first start, and its tests need films whose findings sit at known places.
The films are drawn by the project's synthetic study generator
(``model_core.data.synthetic``), the same one the default model is trained on, so the demo
looks like the training data and nothing here draws anatomy of its own. This script only
chooses what the generator cannot: two particular patients, lesions placed where a
hand-written report says they are, the reports themselves, and the DICOM objects a real
modality would send (window presets, a VOI LUT, a repeat exposure, a structured report).

* ``chest-pa-001``: one PA film (MONOCHROME2, two window presets), ``report.txt``.
* ``chest-pa-002``: a PA film (MONOCHROME1, VOI LUT Sequence), a low-dose repeat PA
  (MONOCHROME1, window presets, SIGMOID) and the report as a DICOM Basic Text SR,
  with ``report-sr.expected.txt`` holding the text a reader reconstructs from it.

``ground_truth.json`` gives each report phrase's character span in the exact report text
and the generator's boxes (x0, y0, x1, y1 pixels) of the lesion it names. Everything is
seeded and every UID is derived from fixed strings, so ``python scripts/make_demo.py``
rewrites byte-identical files.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from model_core.data.synthetic import export, placement
from model_core.data.synthetic._detector import MAX_STORED, Exposure
from model_core.data.synthetic.anatomy import Anatomy, Framing, Thorax, thorax
from model_core.data.synthetic.generator import (
    StudyPlan,
    SyntheticStudy,
    location_priors,
    render_study,
)
from model_core.data.synthetic.lesions import DEFAULT
from model_core.data.synthetic.placement import LesionPlan, Planner, Site, with_heart_ratio
from model_core.data.synthetic.reports import DraftPhrase, DraftReport

LOG = logging.getLogger("make_demo")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_ROOT = REPO_ROOT / "resources" / "demo"

BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11"
IMPLEMENTATION_VERSION = "KNOWMVG_DEMO_1"

Window = tuple[int, int, str]  # (centre, width, explanation) on stored values


# --------------------------------------------------------------------------------------
# Films: a patient, how the film was taken, what is wrong, drawn by the generator
# --------------------------------------------------------------------------------------


def framing(
    rows: int,
    cols: int,
    spacing_mm: float,
    fov_width: float = 1.0,
    centre_x: float = 0.5,
    top: float = 0.0,
    rotation_deg: float = 0.0,
) -> Framing:
    """A detector of rows x cols pixels of spacing_mm, showing fov_width patient-frame
    widths; the patient's size follows from the pixel spacing."""
    return Framing(
        aspect=rows / cols,
        long_side_px=max(rows, cols),
        fov_width=fov_width,
        centre_x=centre_x,
        top=top,
        rotation_deg=rotation_deg,
        mm_per_width=spacing_mm * cols / fov_width,
    )


def planner(anatomy: Anatomy, film: Framing) -> Planner:
    """The generator's placement helper for one patient: snaps lesions into the lung and
    names the zone they fall in."""
    return Planner(anatomy, location_priors(), DEFAULT.size_scale, film.mm_per_width)


def study_plan(
    seed: int,
    female: bool,
    age: int,
    anatomy: Anatomy,
    film: Framing,
    exposure: Exposure,
    lesions: Sequence[LesionPlan],
    report: DraftReport,
) -> StudyPlan:
    """A generator plan with every lesion mentioned in the report. The seed fixes the
    random detail of the anatomy, of each lesion's shape and of the detector noise."""
    return StudyPlan(
        seed=seed,
        female=female,
        age=age,
        anatomy=anatomy,
        framing=film,
        exposure=exposure,
        lesions=tuple(lesions),
        mentioned=(True,) * len(lesions),
        report=report,
        difficulty=DEFAULT,
    )


def draw(name: str, plan: StudyPlan) -> tuple[SyntheticStudy, Thorax]:
    """Draw a plan with the generator, and its lung fields and landmarks at the same view."""
    study = render_study(plan)
    chest = thorax(plan.anatomy, plan.framing.view())
    LOG.info(
        "%s: %d x %d, %s, %.4f mm, window %s, cardiothoracic ratio %.2f",
        name,
        study.height,
        study.width,
        study.photometric,
        study.pixel_spacing_mm,
        study.window,
        chest.landmarks.cardiothoracic_ratio,
    )
    return study, chest


def window_presets(study: SyntheticStudy, chest: Thorax) -> tuple[Window, Window]:
    """The generator's chest window, then a narrower lung window over the lung fields."""
    lungs = chest.lungs["right"] | chest.lungs["left"]
    inverse = study.photometric == "MONOCHROME1"
    display = MAX_STORED - study.pixels if inverse else study.pixels  # air dark
    lung_lo, lung_hi = np.percentile(display[lungs], [2.0, 95.0])
    lung_centre = (lung_lo + lung_hi) / 2.0
    if inverse:
        lung_centre = MAX_STORED + 1 - lung_centre  # the same display after the inversion
    centre, width = study.window
    standard = (rounded(centre), rounded(width), "STANDARD")
    lung = (rounded(lung_centre), rounded((lung_hi - lung_lo) * 1.4), "LUNG")
    return (standard, lung)


def rounded(value: float) -> int:
    """Window values as a console shows them, to the nearest ten."""
    return int(round(float(value) / 10.0) * 10)


def sigmoid_voi_lut(centre: float, width: float) -> np.ndarray:
    """A vendor-style sigmoid VOI LUT over the 12-bit stored range (4096 entries, 12-bit
    output), as steep at its centre as a linear window of the same width."""
    v = np.arange(MAX_STORED + 1, dtype=np.float64)
    curve = 1.0 / (1.0 + np.exp(-4.0 * (v - centre) / width))
    curve = (curve - curve[0]) / (curve[-1] - curve[0])
    return np.rint(curve * MAX_STORED).astype(np.uint16)


# --------------------------------------------------------------------------------------
# Reports and ground truth
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A phrase of the report, the section it is looked up in, and the lesion (index into
    the study's lesions) it names; a negated mention names none."""

    phrase: str
    section: str
    finding: str
    lesion: int | None = None


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


def draft_report(text: str, mentions: Sequence[Mention]) -> DraftReport:
    """The report in the generator's terms: each mention's span, found with str.find in the
    exact text from its section head onwards."""
    phrases = []
    for mention in mentions:
        head = text.find(f"{mention.section.upper()}:\n")
        start = text.find(mention.phrase, head) if head >= 0 else -1
        if start < 0:
            raise ValueError(f"{mention.phrase!r} is not in the {mention.section} section")
        span = (start, start + len(mention.phrase))
        negated = mention.lesion is None
        phrases.append(DraftPhrase(mention.phrase, span, mention.finding, mention.lesion, negated))
    return DraftReport(text, tuple(phrases))


def ground_truth(image: str, report: str, study: SyntheticStudy) -> dict[str, object]:
    """Each phrase with its span in the report text and the boxes of what it names."""
    findings = []
    for phrase in study.phrases:
        if not phrase.negated and not phrase.boxes:
            raise ValueError(f"{phrase.text!r} names a lesion that left no visible box")
        findings.append(
            {
                "phrase": phrase.text,
                "span": list(phrase.span),
                "negated": phrase.negated,
                "boxes": [list(box) for box in phrase.boxes],
            }
        )
    return {"image": image, "report": report, "findings": findings}


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


@dataclass(frozen=True)
class Acquisition:
    """One DX image of a study and how it is meant to be displayed: window presets with
    their VOI LUT function, or a VOI LUT."""

    series_number: int
    instance_number: int
    series_description: str
    content_time: str
    windows: tuple[Window, ...] = ()
    voi_function: str = "LINEAR"
    voi_lut: np.ndarray | None = None  # 4096 entries, 12-bit output
    voi_lut_explanation: str = ""
    kvp: int = 125
    mas: float = 2.0


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


def dx_image(study: StudyInfo, acquisition: Acquisition, film: SyntheticStudy) -> Dataset:
    """A DX 'for presentation' PA chest image: the generator's image module (12 bits in
    16, ImagerPixelSpacing, polarity), with this acquisition's series and VOI."""
    instance = study.uid("image", str(acquisition.series_number), str(acquisition.instance_number))
    ds = new_dataset(study, export.DX_FOR_PRESENTATION, instance)
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.SeriesDate = ds.ContentDate = ds.AcquisitionDate = study.study_date
    ds.SeriesTime = ds.ContentTime = ds.AcquisitionTime = acquisition.content_time
    ds.Modality = "DX"
    ds.SeriesInstanceUID = study.uid("series", str(acquisition.series_number))
    ds.SeriesNumber = acquisition.series_number
    ds.SeriesDescription = acquisition.series_description
    ds.InstanceNumber = acquisition.instance_number
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.ImageLaterality = "U"
    ds.PatientOrientation = ["L", "F"]
    ds.AnatomicRegionSequence = DicomSequence([code_item("816094009", "SCT", "Chest")])
    ds.ViewCodeSequence = DicomSequence([code_item("272479007", "SCT", "postero-anterior")])
    ds.AcquisitionContextSequence = DicomSequence([])
    ds.KVP = acquisition.kvp
    ds.ExposureInmAs = acquisition.mas
    ds.DistanceSourceToDetector = 1800
    ds.DetectorType = "SCINTILLATOR"
    ds.BurnedInAnnotation = "NO"
    export.add_image(ds, film)
    set_voi(ds, acquisition)
    return ds


def set_voi(ds: Dataset, acquisition: Acquisition) -> None:
    """Replace the generator's single chest window by the acquisition's presets or LUT."""
    for keyword in ("WindowCenter", "WindowWidth", "WindowCenterWidthExplanation"):
        delattr(ds, keyword)
    del ds.VOILUTFunction
    if acquisition.windows:
        ds.WindowCenter = [c for c, _, _ in acquisition.windows]
        ds.WindowWidth = [w for _, w, _ in acquisition.windows]
        ds.WindowCenterWidthExplanation = [e for _, _, e in acquisition.windows]
        ds.VOILUTFunction = acquisition.voi_function
    if acquisition.voi_lut is not None:
        lut = Dataset()
        lut.add_new(0x00283002, "US", [len(acquisition.voi_lut), 0, 12])  # LUTDescriptor
        lut.LUTExplanation = acquisition.voi_lut_explanation
        lut.add_new(0x00283006, "US", [int(v) for v in acquisition.voi_lut])  # LUTData
        ds.VOILUTSequence = DicomSequence([lut])


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
    ds.CurrentRequestedProcedureEvidenceSequence = DicomSequence(
        [evidence(ds.StudyInstanceUID, references)]
    )
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


def evidence(study_uid: str, references: Sequence[Dataset]) -> Dataset:
    """The images a report was written on, grouped by series."""
    by_series: dict[str, list[Dataset]] = {}
    for image in references:
        ref = Dataset()
        ref.ReferencedSOPClassUID = image.SOPClassUID
        ref.ReferencedSOPInstanceUID = image.SOPInstanceUID
        by_series.setdefault(image.SeriesInstanceUID, []).append(ref)
    series_items = []
    for series_uid, refs in by_series.items():
        series = Dataset()
        series.SeriesInstanceUID = series_uid
        series.ReferencedSOPSequence = DicomSequence(refs)
        series_items.append(series)
    item = Dataset()
    item.StudyInstanceUID = study_uid
    item.ReferencedSeriesSequence = DicomSequence(series_items)
    return item


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def save(ds: Dataset, path: Path) -> None:
    """Write a DICOM Part 10 file (preamble, DICM prefix, file meta)."""
    ds.save_as(path, enforce_file_format=True)


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def write_json(path: Path, payload: dict[str, object]) -> None:
    """Indented JSON with each span and box list on one line, as the generator writes it."""
    write_text(path, export.json_text(payload))


# --------------------------------------------------------------------------------------
# chest-pa-001: man, 67, pneumonia with an effusion, an enlarged heart and a nodule
# --------------------------------------------------------------------------------------

PA_001_SECTIONS: list[tuple[str, list[str]]] = [
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

PA_001_MENTIONS = (
    Mention(
        "patchy airspace consolidation in the right lower lobe", "Findings", "consolidation", 0
    ),
    Mention("small left pleural effusion", "Findings", "effusion", 1),
    Mention("heart is enlarged", "Findings", "cardiomegaly", 2),
    Mention("1.5 cm rounded nodule in the left upper zone", "Findings", "nodule", 3),
    Mention("pneumothorax", "Findings", "pneumothorax"),
    Mention("pulmonary edema", "Findings", "edema"),
)


def pa_001_lesions(anatomy: Anatomy, film: Framing) -> list[LesionPlan]:
    """In the order PA_001_MENTIONS indexes them. The patient's right is the image left:
    the consolidation sits in the image-left lower zone on the dome, the effusion in the
    image-right costophrenic angle, the nodule in the image-right upper zone."""
    place = planner(anatomy, film)
    return [
        LesionPlan(
            "consolidation",
            Site(("right",), "lower", "base"),
            "",
            centre=(0.255, 0.535),
            extent=(0.19, 0.13),
            variant="patchy",
        ),
        LesionPlan("effusion", Site(("left",), "lower", "base"), "small", extent=(0.0, 0.09)),
        LesionPlan("cardiomegaly", Site(()), "moderate"),
        placement.round_lesion("nodule", "left", (0.695, 0.245), 15.0, place, ""),
    ]


def chest_pa_001(out_dir: Path) -> None:
    """Man, 67: right lower lobe pneumonia, small left effusion, cardiomegaly and a left
    upper zone nodule; a single PA film with a plain-text report."""
    seed = 20240314
    film = framing(rows=2048, cols=1700, spacing_mm=0.2)
    anatomy = with_heart_ratio(Anatomy(), 0.59, 0.62)  # "a cardiothoracic ratio of ~0.6"
    exposure = Exposure(
        photometric="MONOCHROME2", noise_dn=14.0, gamma=0.8, range_compression=0.55, edge_gain=0.7
    )
    text = numbered_text(PA_001_SECTIONS, {"Impression"})
    plan = study_plan(
        seed,
        female=False,
        age=67,
        anatomy=anatomy,
        film=film,
        exposure=exposure,
        lesions=pa_001_lesions(anatomy, film),
        report=draft_report(text, PA_001_MENTIONS),
    )
    study, chest = draw("chest-pa-001 PA", plan)
    info = StudyInfo(
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
    pa = Acquisition(
        series_number=1,
        instance_number=1,
        series_description="PA",
        content_time="093047",
        windows=window_presets(study, chest),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    save(dx_image(info, pa, study), out_dir / "image.dcm")
    write_text(out_dir / "report.txt", text)
    write_json(out_dir / "ground_truth.json", ground_truth("image.dcm", "report.txt", study))
    LOG.info("chest-pa-001: windows %s", pa.windows)


# --------------------------------------------------------------------------------------
# chest-pa-002: woman, 58, a lung cancer with lower lobe collapse; PA, repeat and SR
# --------------------------------------------------------------------------------------

PA_002_SECTIONS = (
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

PA_002_MENTIONS = (
    Mention("4 cm lobulated, spiculated mass in the right upper lobe", "Findings", "mass", 0),
    Mention("left lower lobe atelectasis", "Findings", "atelectasis", 1),
    Mention("Heart size is normal", "Findings", "cardiomegaly"),
    Mention("pleural effusion", "Findings", "effusion"),
    Mention("pneumothorax", "Findings", "pneumothorax"),
)


def pa_002_patient() -> Anatomy:
    """A slimmer woman with breast shadows and a normal heart (ratio 0.42-0.48)."""
    anatomy = Anatomy(
        thorax_half_width=0.4,
        right_dome=(0.595, 0.71),
        left_dome=(0.62, 0.735),
        trunk_half_width=0.47,
        breasts=True,
    )
    return with_heart_ratio(anatomy, 0.42, 0.48)


def pa_002_lesions(anatomy: Anatomy, film: Framing) -> list[LesionPlan]:
    """The mass in the image-left upper zone; the collapsed left lower lobe as the
    generator draws it, a wedge behind the heart from the hilum to the medial dome."""
    place = planner(anatomy, film)
    return [
        placement.round_lesion("mass", "right", (0.3, 0.255), 40.0, place, "spiculated"),
        LesionPlan("atelectasis", Site(("left",), "lower", "retrocardiac"), "", variant="lobar"),
    ]


def chest_pa_002(out_dir: Path) -> None:
    """Woman, 58: right upper lobe mass, left lower lobe collapse, normal heart; a PA film,
    a low-dose repeat with the patient standing slightly differently, and the report as a
    Basic Text SR."""
    seed = 20240522
    film = framing(rows=1536, cols=1280, spacing_mm=0.27)
    anatomy = pa_002_patient()
    exposure = Exposure(
        photometric="MONOCHROME1", noise_dn=12.0, gamma=0.85, range_compression=0.5, edge_gain=0.8
    )
    text = section_text([(s.heading[2], s.sentences) for s in PA_002_SECTIONS])
    plan = study_plan(
        seed,
        female=True,
        age=58,
        anatomy=anatomy,
        film=film,
        exposure=exposure,
        lesions=pa_002_lesions(anatomy, film),
        report=draft_report(text, PA_002_MENTIONS),
    )
    pa_study, _ = draw("chest-pa-002 PA", plan)
    repeat_plan = replace(
        plan,
        framing=replace(film, centre_x=0.512, top=-0.012, rotation_deg=1.2),
        exposure=replace(exposure, noise_dn=30.0),  # lower dose, more quantum mottle
    )
    repeat_study, repeat_chest = draw("chest-pa-002 repeat", repeat_plan)

    info = StudyInfo(
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
    pa = Acquisition(
        series_number=1,
        instance_number=1,
        series_description="PA",
        content_time="141233",
        voi_lut=sigmoid_voi_lut(*pa_study.window),
        voi_lut_explanation="CHEST DEFAULT",
    )
    repeat = Acquisition(
        series_number=2,
        instance_number=1,
        series_description="PA REPEAT LOW DOSE",
        content_time="141402",
        windows=window_presets(repeat_study, repeat_chest),
        voi_function="SIGMOID",
        mas=1.0,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    pa_ds = dx_image(info, pa, pa_study)
    repeat_ds = dx_image(info, repeat, repeat_study)
    save(pa_ds, out_dir / "image-pa.dcm")
    save(repeat_ds, out_dir / "image-pa-repeat.dcm")
    save(basic_text_sr(info, PA_002_SECTIONS, [pa_ds, repeat_ds]), out_dir / "report-sr.dcm")
    write_text(out_dir / "report-sr.expected.txt", text)
    write_json(
        out_dir / "ground_truth.json", ground_truth("image-pa.dcm", "report-sr.dcm", pa_study)
    )
    LOG.info("chest-pa-002: repeat windows %s", repeat.windows)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    chest_pa_001(DEMO_ROOT / "chest-pa-001")
    chest_pa_002(DEMO_ROOT / "chest-pa-002")
    LOG.info("demo studies written under %s", DEMO_ROOT)


if __name__ == "__main__":
    main()
