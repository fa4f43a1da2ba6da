"""Free-text reports: loading (.txt or DICOM SR) and splitting into sections.

Offsets are character offsets into `Report.text` exactly as kept (line endings
normalised to '\\n'), so highlights and spans from the engine index the same string.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydicom.dataset import Dataset

from model_core.text.sections import KNOWN_SECTIONS as ENGINE_SECTIONS

from .dicom import _first_line, read_dataset
from .errors import StudyError

log = logging.getLogger(__name__)

MAX_REPORT_BYTES = 4 * 1024 * 1024  # far beyond any real report; larger files are refused
# How the SR the viewer itself writes (export/sr.py) marks itself as AI output; a test keeps
# these equal to the exporter's, so the viewer never reads its own output back as the report.
OWN_MANUFACTURER = "KnowMVG Viewer"
OWN_SERIES_DESCRIPTION = "KnowMVG grounding (AI output - not a diagnosis)"
# TID 1500 "Imaging Measurement Report" (DCM 126000): measurements and regions, AI or human,
# never the radiologist's narrative.
MEASUREMENT_REPORT_TEMPLATE = "1500"
KEY_OBJECT_SELECTION = "1.2.840.10008.5.1.4.1.1.88.59"  # also an SR SOP class
MEASUREMENT_REPORT_CONCEPT = ("126000", "DCM")
# The engine's section names (model_core.text.sections), upper-cased: one list for both.
KNOWN_SECTIONS = tuple(sorted(name.upper() for name in ENGINE_SECTIONS))
_HEADER = re.compile(
    r"^[ \t]*(?P<name>[A-Za-z][A-Za-z /&()-]{1,40}?)[ \t]*:[ \t]*(?:\n[ \t]*)?",
    re.MULTILINE,
)


@dataclass(frozen=True)
class ReportSection:
    """`[start, end)` covers the header and body; the body starts at `body_start`."""

    name: str
    start: int
    body_start: int
    end: int


@dataclass
class Report:
    text: str
    sections: list[ReportSection] = field(default_factory=list)
    source: str = "typed"  # a file path, or "typed" for text entered by the user

    @classmethod
    def from_text(cls, text: str, source: str = "typed") -> Report:
        text = normalise_newlines(text)
        return cls(text=text, sections=split_sections(text), source=source)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def section_at(self, offset: int) -> ReportSection | None:
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None

    def section_text(self, name: str) -> str:
        for section in self.sections:
            if section.name == name.upper():
                return self.text[section.body_start : section.end].strip()
        return ""


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_sections(text: str) -> list[ReportSection]:
    """Sections start at a header line ('FINDINGS:'); text before the first one is ''."""
    headers = [m for m in _HEADER.finditer(text) if _is_section_name(m.group("name"))]
    sections: list[ReportSection] = []
    if headers and text[: headers[0].start()].strip():
        sections.append(ReportSection("", 0, 0, headers[0].start()))
    elif not headers and text.strip():
        sections.append(ReportSection("", 0, 0, len(text)))
    for index, match in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        name = " ".join(match.group("name").upper().split())
        sections.append(ReportSection(name, match.start(), match.end(), end))
    return sections


def _is_section_name(name: str) -> bool:
    """Known headers in any case; unknown ones only when written in capitals."""
    canonical = " ".join(name.upper().split())
    return canonical in KNOWN_SECTIONS or (name.isupper() and len(canonical) >= 3)


def load_text_report(path: Path) -> Report:
    """A .txt report. Only a regular file is read (a FIFO would block, /dev/zero never
    ends), and never more than MAX_REPORT_BYTES of it, whatever its size claims."""
    path = Path(path)
    try:
        if not path.is_file():
            why = "not found" if not path.exists() else "not a regular file"
            raise StudyError(path, f"cannot read report ({why}; --report-text takes the text)")
        with path.open("rb") as stream:
            raw = stream.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise StudyError(path, f"cannot read report ({exc.strerror or exc})") from None
    if len(raw) > MAX_REPORT_BYTES:
        raise StudyError(path, f"report too large (over {MAX_REPORT_BYTES} bytes)")
    text = _decode(raw)
    if "\0" in text:
        raise StudyError(path, "not a text report (it holds binary data)")
    return Report.from_text(text, source=str(path))


# Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _decode(raw: bytes) -> str:
    """UTF-8 (the usual), UTF-16/32 with a byte order mark (Windows Notepad's "Unicode"),
    UTF-16 without one (recognised by its zero bytes), else Windows-1252."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _decode_as(raw, encoding)
    unmarked = _unmarked_utf16(raw)
    if unmarked is not None:
        return _decode_as(raw, unmarked)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        log.info("report is not UTF-8; reading it as Windows-1252")
        return raw.decode("cp1252", errors="replace")


def _unmarked_utf16(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when most bytes at odd (even) offsets are zero, as in
    English text in UTF-16 without a byte order mark; None otherwise."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    half = len(raw) // 2
    if raw[1::2].count(0) > 0.6 * half and raw[0::2].count(0) < 0.1 * half:
        return "utf-16-le"
    if raw[0::2].count(0) > 0.6 * half and raw[1::2].count(0) < 0.1 * half:
        return "utf-16-be"
    return None


def _decode_as(raw: bytes, encoding: str) -> str:
    text = raw.decode(encoding, errors="replace")
    log.info("report read as %s", encoding)
    return text


def is_own_output(ds: Dataset) -> bool:
    """An object this viewer wrote (its SR, GSPS or secondary capture), by the Manufacturer
    and series description the exporters give it."""
    return (
        _text(ds.get("Manufacturer")).casefold() == OWN_MANUFACTURER.casefold()
        or _text(ds.get("SeriesDescription")) == OWN_SERIES_DESCRIPTION
    )


def not_a_report(ds: Dataset) -> str | None:
    """Why the SR in DS is not the study's report (our own AI output, or a TID 1500
    measurement report from anyone, or a key object selection), or None when it may be the
    radiologist's text."""
    if _text(ds.get("SOPClassUID")) == KEY_OBJECT_SELECTION:
        return "a key object selection (flagged images), not the report"
    if is_own_output(ds):
        return "AI output written by this viewer (KnowMVG grounding SR), not the report"
    try:
        measurements = _is_measurement_report(ds)
    except Exception as exc:  # a damaged sequence: pydicom parses it when it is first read
        return f"a structured report that cannot be read ({_first_line(exc)})"
    if measurements:
        return "a TID 1500 measurement report (measurements or AI output), not the report"
    return None


def _is_measurement_report(ds: Dataset) -> bool:
    templates = ds.get("ContentTemplateSequence") or []
    if any(_text(t.get("TemplateIdentifier")) == MEASUREMENT_REPORT_TEMPLATE for t in templates):
        return True
    title = (ds.get("ConceptNameCodeSequence") or [Dataset()])[0]
    code = (_text(title.get("CodeValue")), _text(title.get("CodingSchemeDesignator")))
    return code == MEASUREMENT_REPORT_CONCEPT


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def load_sr_report(path: Path) -> Report:
    """The report of the SR file at PATH (see sr_report)."""
    return sr_report(read_dataset(path), path)


def sr_report(ds: Dataset, path: Path) -> Report:
    """Walk an SR content tree (read from PATH): CONTAINERs are sections, TEXT items carry
    the text."""
    if "ContentSequence" not in ds:
        raise StudyError(path, "structured report has no content tree")
    blocks: list[tuple[str, list[str]]] = [("", [])]
    try:
        for item in ds.ContentSequence:
            _collect(item, blocks, depth=0)
    except Exception as exc:  # a damaged sequence: pydicom parses it when it is first read
        raise StudyError(path, f"malformed structured report ({_first_line(exc)})") from None
    text = "\n".join(
        (f"{name}:\n" if name else "") + " ".join(texts) + "\n" for name, texts in blocks if texts
    )
    return Report.from_text(text, source=str(path))


def _collect(item: Dataset, blocks: list[tuple[str, list[str]]], depth: int) -> None:
    value_type = str(item.get("ValueType", ""))
    if value_type == "CONTAINER":
        if depth == 0:
            blocks.append((_concept_name(item).upper(), []))
        for child in item.get("ContentSequence", []) or []:
            _collect(child, blocks, depth + 1)
        return
    if depth == 0 and value_type != "TEXT":
        return  # root-level context items (language, observer) are not report text
    text = _item_text(item, value_type)
    if text:
        blocks[-1][1].append(text)


def _item_text(item: Dataset, value_type: str) -> str:
    if value_type == "TEXT":
        return str(item.get("TextValue", "")).strip()
    if value_type == "CODE" and item.get("ConceptCodeSequence"):
        meaning = str(item.ConceptCodeSequence[0].get("CodeMeaning", ""))
        return f"{_concept_name(item)}: {meaning}." if meaning else ""
    return ""


def _concept_name(item: Dataset) -> str:
    codes = item.get("ConceptNameCodeSequence") or []
    return str(codes[0].get("CodeMeaning", "")) if codes else ""
