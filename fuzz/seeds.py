"""Seed corpora, built at run time (nothing here is committed as data).

dicom:     pydicom's test files and pydicom-data's (the RG1 chest film among them), each at
           most MAX_SEED_BYTES; larger uncompressed ones shrunk to a corner-sampled copy;
           plus small synthetic chest films covering the decode paths (LUTs, RLE, deflate,
           multi-frame, palette, no preamble).
report:    hand-written reports in several radiologists' styles and encodings (our own text).
sr:        pydicom's SR test files, narrative SRs built here (undefined- and defined-length
           sequences, implicit and explicit VR), and an SR exported by the viewer (TID 1500).
gsps:      presentation states made with highdicom over a synthetic film, in the same
           encodings.
multipart: WADO-RS bodies in fuzz_multipart's input format.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import warnings
from collections.abc import Callable, Iterator
from copy import deepcopy
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    RLELossless,
)

MAX_SEED_BYTES = 1 << 20
SHRUNK_BYTES = 256 << 10  # a shrunk film holds at most this many pixel bytes
DX_IMAGE = "1.2.840.10008.5.1.4.1.1.1.1"  # Digital X-Ray Image Storage - For Presentation
COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"
ROOT = "1.2.826.0.1.3680043.10.1289."  # fixed UIDs: the same seeds on every build


def build(target: str, folder: Path) -> int:
    """Write TARGET's seeds into FOLDER, named by content; how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, data in BUILDERS[target]():
            digest = hashlib.sha1(data).hexdigest()[:12]
            (folder / f"{name}-{digest}").write_bytes(data[:MAX_SEED_BYTES])
            count += 1
    return count


# -- dicom ------------------------------------------------------------------------------------


def dicom_seeds() -> Iterator[tuple[str, bytes]]:
    for path in pydicom_files():
        if path.stat().st_size <= MAX_SEED_BYTES:
            yield path.stem, path.read_bytes()
        else:
            data = shrunk(path)
            if data is not None:
                yield f"{path.stem}-shrunk", data
    yield from synthetic_films()


def pydicom_files() -> list[Path]:
    """pydicom's own test files and pydicom-data's, when that is installed (no download)."""
    from pydicom.data.data_manager import DATA_ROOT, external_data_sources

    folders = [Path(DATA_ROOT) / "test_files"]
    folders += [Path(source.data_path) for source in external_data_sources().values()]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.dcm"))


def shrunk(path: Path) -> bytes | None:
    """An uncompressed film, sampled every k-th row and column (first two frames), with its
    header as it was; None when it is compressed or unreadable."""
    try:
        ds = pydicom.dcmread(path)
        if ds.file_meta.TransferSyntaxUID.is_compressed or "PixelData" not in ds:
            return None
        pixels = ds.pixel_array
    except Exception:
        return None
    if ds.get("BitsAllocated") == 1:
        return None
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        pixels = pixels[:2]
        ds.NumberOfFrames = len(pixels)
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    row_axis = pixels.ndim - (3 if samples > 1 else 2)
    step = 1
    while pixels.nbytes / step**2 > SHRUNK_BYTES:
        step += 1
    index = [slice(None)] * pixels.ndim
    index[row_axis] = index[row_axis + 1] = slice(None, None, step)
    pixels = pixels[tuple(index)]
    ds.Rows, ds.Columns = pixels.shape[row_axis], pixels.shape[row_axis + 1]
    if samples > 1:  # pydicom gives interleaved RGB whatever the file held
        ds.PhotometricInterpretation, ds.PlanarConfiguration = "RGB", 0
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    return to_bytes(ds)


def chest_film(rows: int = 96, columns: int = 80) -> Dataset:
    """A small 12-bit DX chest film, MONOCHROME2, with the attributes the viewer shows."""
    y, x = np.mgrid[0:rows, 0:columns]
    lungs = (np.abs(x - columns / 2) > columns / 10) & (np.abs(x - columns / 2) < columns / 2.5)
    pixels = (600 + 2400 * lungs * (y > rows / 8) + 7 * x + 3 * y).astype(np.uint16)
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = DX_IMAGE
    ds.file_meta.MediaStorageSOPInstanceUID = ROOT + "1.1"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = DX_IMAGE, ROOT + "1.1"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = ROOT + "1", ROOT + "1.0"
    ds.PatientID, ds.PatientName, ds.PatientBirthDate, ds.PatientSex = (
        "FUZZ-001",
        "Fuzz^Seed",
        "",
        "O",
    )
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20240102", "093000", "1", "A1"
    ds.ReferringPhysicianName = ""
    ds.Modality, ds.ViewPosition, ds.PatientOrientation = "DX", "PA", ["L", "F"]
    ds.BodyPartExamined, ds.ImageLaterality, ds.Manufacturer = "CHEST", "U", "Seed Works"
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, columns, 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.ImagerPixelSpacing = [0.143, 0.143]
    ds.WindowCenter, ds.WindowWidth = [1800.0, 2200.0], [2600.0, 4000.0]
    ds.WindowCenterWidthExplanation = ["LUNG", "BONE"]
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = 1.0, 0.0, "US"
    ds.PixelData = pixels.tobytes()
    return ds


def synthetic_films() -> Iterator[tuple[str, bytes]]:
    yield "film-explicit", to_bytes(chest_film())
    yield "film-implicit", to_bytes(chest_film(), ImplicitVRLittleEndian)
    yield "film-big-endian", to_bytes(chest_film(), ExplicitVRBigEndian)
    yield "film-deflated", to_bytes(chest_film(), DeflatedExplicitVRLittleEndian)
    yield "film-no-preamble", to_bytes(chest_film(), preamble=False)
    film = chest_film()
    film.compress(RLELossless)
    yield "film-rle", to_bytes(film)
    for name, change in FILM_VARIANTS.items():
        film = chest_film()
        change(film)
        yield f"film-{name}", to_bytes(film)


def _voi_lut(ds: Dataset) -> None:
    item = Dataset()
    item.LUTDescriptor = [256, 0, 12]
    item.LUTExplanation = "SOFT TISSUE"
    item["LUTData"] = pydicom.DataElement(0x00283006, "US", [min(4095, i * 16) for i in range(256)])
    ds.VOILUTSequence = Sequence([item])
    ds.VOILUTFunction = "SIGMOID"


def _modality_lut(ds: Dataset) -> None:
    item = Dataset()
    item.LUTDescriptor = [4096, 0, 16]
    item.ModalityLUTType = "OD"
    item["LUTData"] = pydicom.DataElement(0x00283006, "OW", np.arange(4096, dtype="<u2").tobytes())
    ds.ModalityLUTSequence = Sequence([item])
    del ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType


def _monochrome1(ds: Dataset) -> None:
    ds.PhotometricInterpretation = "MONOCHROME1"
    ds.PresentationLUTShape = "INVERSE"
    ds.PixelSpacing = [0.15, 0.15]


def _two_frames(ds: Dataset) -> None:
    ds.NumberOfFrames = 2
    ds.PixelData = ds.PixelData * 2


def _palette(ds: Dataset) -> None:
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelData = (np.frombuffer(ds.PixelData, "<u2") >> 4).astype(np.uint8).tobytes()
    ramp = np.arange(256, dtype="<u2") * 257
    for colour, table in (("Red", ramp), ("Green", ramp[::-1]), ("Blue", ramp // 2)):
        setattr(ds, f"{colour}PaletteColorLookupTableDescriptor", [256, 0, 16])
        ds[f"{colour}PaletteColorLookupTableData"] = pydicom.DataElement(
            pydicom.datadict.tag_for_keyword(f"{colour}PaletteColorLookupTableData"),
            "OW",
            table.tobytes(),
        )


def _rgb(ds: Dataset) -> None:
    grey = (np.frombuffer(ds.PixelData, "<u2") >> 4).astype(np.uint8)
    ds.PhotometricInterpretation, ds.SamplesPerPixel, ds.PlanarConfiguration = "RGB", 3, 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelData = np.repeat(grey, 3).tobytes()


def _signed(ds: Dataset) -> None:
    ds.PixelRepresentation = 1
    ds.RescaleIntercept, ds.RescaleSlope = -1024.0, 0.5


FILM_VARIANTS: dict[str, Callable[[Dataset], None]] = {
    "voi-lut": _voi_lut,
    "modality-lut": _modality_lut,
    "monochrome1": _monochrome1,
    "two-frames": _two_frames,
    "palette": _palette,
    "rgb": _rgb,
    "signed": _signed,
}


# -- encodings --------------------------------------------------------------------------------


def to_bytes(ds: Dataset, syntax: str | None = None, preamble: bool = True) -> bytes:
    """The dataset as a Part 10 file (or, without preamble, a bare implicit VR dataset)."""
    buffer = io.BytesIO()
    if not preamble:
        bare = Dataset(ds)
        bare.file_meta = FileMetaDataset()
        bare.save_as(buffer, implicit_vr=True, little_endian=True)
        return buffer.getvalue()
    if syntax is not None:
        ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def undefined_lengths(ds: Dataset) -> Dataset:
    """A copy of DS whose sequences and items are written with undefined lengths and
    delimiters (pydicom writes defined lengths, which it reads back lazily; many archives
    write these, which it parses at once)."""
    copy = deepcopy(ds)
    _mark_undefined(copy)
    return copy


def _mark_undefined(ds: Dataset) -> None:
    for element in ds:
        if element.VR == "SQ":
            element.is_undefined_length = True
            for item in element.value:
                item.is_undefined_length_sequence_item = True
                _mark_undefined(item)


def encodings(name: str, ds: Dataset) -> Iterator[tuple[str, bytes]]:
    yield f"{name}-explicit", to_bytes(ds, ExplicitVRLittleEndian)
    yield f"{name}-implicit", to_bytes(ds, ImplicitVRLittleEndian)
    yield f"{name}-undefined", to_bytes(undefined_lengths(ds), ExplicitVRLittleEndian)
    yield f"{name}-undefined-implicit", to_bytes(undefined_lengths(ds), ImplicitVRLittleEndian)


# -- report -----------------------------------------------------------------------------------

# Written for these seeds in the styles of different readers; no text from a report corpus.
REPORTS = {
    "structured": (
        "EXAMINATION: Chest, PA and lateral.\n"
        "CLINICAL HISTORY: Cough for three weeks, smoker.\n"
        "COMPARISON: None available.\n\n"
        "FINDINGS:\n"
        "Heart size is within normal limits. Mediastinal contours are unremarkable.\n"
        "There is a 2.1 cm rounded opacity in the right upper lobe. No pleural effusion.\n"
        "No pneumothorax. Degenerative changes of the thoracic spine.\n\n"
        "IMPRESSION:\n"
        "1. Right upper lobe opacity; CT of the chest is suggested.\n"
        "2. No acute cardiopulmonary process otherwise.\n"
    ),
    "terse": (
        "Findings: lungs clear bilaterally. no effusion or ptx. cardiomediastinal silhouette wnl.\n"
        "Impression: nad.\n"
    ),
    "prose": (
        "Single portable AP view of the chest. Endotracheal tube tip 4 cm above the carina. "
        "Right internal jugular line terminates in the SVC. Patchy bibasilar airspace "
        "opacities, left more than right, could be atelectasis or aspiration. Small left "
        "effusion, unchanged. No pneumothorax.\n"
    ),
    "headers-inline": (
        "INDICATION: fever.   TECHNIQUE: frontal and lateral.\r\n"
        "Findings:   Mild cardiomegaly. Interstitial markings increased, perihilar.\r\n"
        "Kerley B lines at the bases.\r\n"
        "Impression:  Findings suggest mild interstitial oedema.\r\n"
        "Recommendation: follow-up film after diuresis.\r\n"
    ),
    "numbered": (
        "REASON FOR EXAM: Rule out pneumonia\n"
        "FINDINGS:\n"
        "  - Left lower lobe consolidation with air bronchograms.\n"
        "  - Trace left pleural fluid.\n"
        "  - Heart: normal. Aorta: tortuous.\n"
        "IMPRESSION:\n"
        "  Left lower lobe pneumonia. Ratio: 0.48. Time: 14:32.\n"
    ),
}


def report_seeds() -> Iterator[tuple[str, bytes]]:
    for name, text in REPORTS.items():
        yield name, text.encode("utf-8")
    sizes = "Nodule 12 × 9 mm at the 4th rib, angle 30°, ≥ 2 cm² area; Ørsted view.\n"
    yield "utf8-symbols", ("FINDINGS:\n" + sizes + "IMPRESSION: Nodule.\n").encode("utf-8")
    yield "utf8-bom", ("\ufeffFINDINGS: " + sizes).encode("utf-8")
    yield "utf16-bom", REPORTS["terse"].encode("utf-16")
    yield "utf16-le-no-bom", REPORTS["structured"][:300].encode("utf-16-le")
    yield "utf32-bom", REPORTS["terse"].encode("utf-32")
    yield (
        "cp1252",
        ("Findings: opacité basale, 3 cm × 2 cm.\r\nImpression: épanchement.\r\n").encode(
            "cp1252", errors="replace"
        ),
    )
    yield "old-mac", REPORTS["numbered"].replace("\n", "\r").encode("ascii")


# -- sr ---------------------------------------------------------------------------------------


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return item


def _content(value_type: str, concept: tuple[str, str, str], **values) -> Dataset:
    item = Dataset()
    item.RelationshipType = "CONTAINS"
    item.ValueType = value_type
    item.ConceptNameCodeSequence = Sequence([_code(*concept)])
    for keyword, value in values.items():
        setattr(item, keyword, value)
    if value_type == "CONTAINER":
        item.ContinuityOfContent = "SEPARATE"
    return item


def narrative_sr(text_by_section: dict[str, list[str]]) -> Dataset:
    """A Comprehensive SR as a reporting system writes a radiologist's text: a title
    container, a language context item, and one container of TEXT items per section."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = COMPREHENSIVE_SR
    ds.file_meta.MediaStorageSOPInstanceUID = ROOT + "2.1"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = COMPREHENSIVE_SR, ROOT + "2.1"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = ROOT + "1", ROOT + "2"
    ds.Modality, ds.Manufacturer, ds.SeriesDescription = "SR", "Reporting Co", "Report"
    ds.PatientID, ds.PatientName = "FUZZ-001", "Fuzz^Seed"
    ds.ValueType, ds.ContinuityOfContent = "CONTAINER", "SEPARATE"
    ds.CompletionFlag, ds.VerificationFlag = "COMPLETE", "VERIFIED"
    ds.ConceptNameCodeSequence = Sequence([_code("18748-4", "LN", "Diagnostic imaging report")])
    template = Dataset()
    template.MappingResource, template.TemplateIdentifier = "DCMR", "2000"
    ds.ContentTemplateSequence = Sequence([template])
    language = _content("CODE", ("121049", "DCM", "Language of Content Item and Descendants"))
    language.RelationshipType = "HAS CONCEPT MOD"
    language.ConceptCodeSequence = Sequence([_code("en-US", "RFC5646", "English (US)")])
    children = [language]
    sections = {"Findings": ("121070", "DCM"), "Impression": ("121072", "DCM")}
    for name, texts in text_by_section.items():
        code = sections.get(name, ("121060", "DCM"))
        items = [_content("TEXT", (code[0], code[1], name), TextValue=t) for t in texts]
        children.append(_content("CONTAINER", (*code, name), ContentSequence=Sequence(items)))
    children.append(_content("TEXT", ("121106", "DCM", "Comment"), TextValue="Dictated."))
    coded = _content("CODE", ("121071", "DCM", "Finding"))
    coded.ConceptCodeSequence = Sequence([_code("36118008", "SCT", "Pneumothorax")])
    children[1].ContentSequence.append(coded)
    ds.ContentSequence = Sequence(children)
    return ds


def sr_seeds() -> Iterator[tuple[str, bytes]]:
    for path in pydicom_files():
        ds = _header(path)
        if ds is not None and str(ds.get("SOPClassUID", "")).startswith(
            "1.2.840.10008.5.1.4.1.1.88"
        ):
            yield path.stem, path.read_bytes()
    sections = {
        "Findings": [REPORTS["prose"].strip(), "Small left effusion."],
        "Impression": ["Bibasilar opacities, atelectasis or aspiration."],
    }
    yield from encodings("narrative", narrative_sr(sections))
    yield "viewer-export", exported_sr()


def _header(path: Path) -> Dataset | None:
    try:
        return pydicom.dcmread(path, stop_before_pixels=True)
    except Exception:
        return None


def exported_sr() -> bytes:
    """The SR the viewer writes for one grounded finding on the synthetic film (TID 1500)."""
    from knowmvg_viewer.export.sr import export_sr
    from knowmvg_viewer.study import load_image
    from model_core.results import GroundedFinding

    with tempfile.TemporaryDirectory() as folder:
        film = Path(folder) / "film.dcm"
        film.write_bytes(to_bytes(chest_film()))
        finding = GroundedFinding(
            "small left pleural effusion", (0, 27), box=(40.0, 60.0, 70.0, 90.0), score=0.8
        )
        out = export_sr(Path(folder) / "sr.dcm", load_image(film), [finding], {"name": "seed"})
        return out.read_bytes()


# -- gsps -------------------------------------------------------------------------------------


def gsps_seeds() -> Iterator[tuple[str, bytes]]:
    import highdicom as hd
    from highdicom.pr import (
        GraphicAnnotation,
        GraphicLayer,
        GraphicObject,
        GrayscaleSoftcopyPresentationState,
        SoftcopyVOILUTTransformation,
        TextObject,
    )

    film = chest_film()
    images = [film]

    def shape(kind: str, points: list, units: str = "PIXEL", filled: bool = False):
        return GraphicObject(kind, np.array(points, dtype=np.float64), units, is_filled=filled)

    pixel_objects = [
        shape("POLYLINE", [(10.5, 12.0), (40.0, 12.0), (40.0, 30.5), (10.5, 12.0)]),
        shape("CIRCLE", [(50.0, 40.0), (55.0, 40.0)]),
        shape("ELLIPSE", [(20.0, 60.0), (40.0, 60.0), (30.0, 55.0), (30.0, 65.0)], filled=True),
        shape("POINT", [(33.0, 44.0)]),
        shape("INTERPOLATED", [(5.0, 80.0), (15.0, 78.0), (25.0, 82.0)]),
    ]
    display_objects = [shape("POLYLINE", [(0.1, 0.1), (0.9, 0.1), (0.9, 0.9)], "DISPLAY")]
    texts = [
        TextObject("RUL mass", "PIXEL", bounding_box=(10.0, 2.0, 40.0, 9.0)),
        TextObject("effusion?", "DISPLAY", anchor_point=(0.3, 0.7), anchor_point_visible=True),
    ]
    review = GraphicLayer("REVIEW", 1, "review layer", hd.color.CIELabColor.from_string("orange"))
    marks = GraphicLayer("MARKS", 2, "marks layer")
    annotations = [
        GraphicAnnotation(images, review, graphic_objects=pixel_objects, text_objects=texts),
        GraphicAnnotation(images, marks, graphic_objects=display_objects),
    ]
    voi = SoftcopyVOILUTTransformation(
        window_center=[1800.0],
        window_width=[2600.0],
        window_explanation=["REVIEW WINDOW"],
        referenced_images=hd.ReferencedImageSequence(images),
    )
    state = GrayscaleSoftcopyPresentationState(
        referenced_images=images,
        series_instance_uid=ROOT + "3",
        series_number=50,
        sop_instance_uid=ROOT + "3.1",
        instance_number=1,
        manufacturer="Reading Station Inc",
        manufacturer_model_name="RS-1",
        software_versions="1.0",
        device_serial_number="42",
        content_label="RADIOLOGIST",
        graphic_annotations=annotations,
        graphic_layers=[review, marks],
        voi_lut_transformations=[voi],
        presentation_lut_transformation=hd.PresentationLUTTransformation(
            presentation_lut_shape=hd.PresentationLUTShapeValues.INVERSE
        ),
    )
    yield from encodings("gsps", state)
    state.ImageRotation, state.ImageHorizontalFlip = 90, "Y"
    state.RescaleSlope, state.RescaleIntercept, state.RescaleType = 2.0, -1024.0, "US"
    yield "gsps-rotated-rescaled", to_bytes(state, ExplicitVRLittleEndian)


# -- multipart --------------------------------------------------------------------------------


def _multipart(boundary: bytes, parts: list[bytes], headers: bytes = b"") -> bytes:
    body = b"".join(
        b"--" + boundary + b"\r\n" + headers + b"\r\n" + part + b"\r\n" for part in parts
    )
    return body + b"--" + boundary + b"--\r\n"


def multipart_seeds() -> Iterator[tuple[str, bytes]]:
    dicom = b"Content-Type: application/dicom\r\n"
    instance = to_bytes(chest_film(8, 8))
    related = b'multipart/related; type="application/dicom"; boundary='
    yield "one-part", related + b"b0unDary\n\n" + _multipart(b"b0unDary", [instance], dicom)
    yield (
        "three-parts-chunked",
        related
        + b'"a1b2c3"\n7,1,64\n'
        + _multipart(b"a1b2c3", [b"x" * 40, b"", b"--a1b2c3 no"], dicom),
    )
    yield (
        "no-headers",
        b"multipart/related; boundary=zz\n3\n" + _multipart(b"zz", [b"abc", b"\r\n"]),
    )
    preamble = b"ignored preamble\r\n" + _multipart(b"B", [b"part"], dicom) + b"epilogue"
    yield "preamble-epilogue", b"multipart/related;boundary=B\n5;max=64\n" + preamble
    cut = _multipart(b"cut", [b"p" * 100, b"q" * 100], dicom)[:-30]
    yield "truncated", b"multipart/related; boundary=cut\n16\n" + cut
    yield (
        "too-large",
        b"multipart/related; boundary=big\n;max=10\n" + _multipart(b"big", [b"z" * 50]),
    )


BUILDERS: dict[str, Callable[[], Iterator[tuple[str, bytes]]]] = {
    "dicom": dicom_seeds,
    "report": report_seeds,
    "sr": sr_seeds,
    "gsps": gsps_seeds,
    "multipart": multipart_seeds,
}
