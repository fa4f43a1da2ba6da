"""Report loading and section splitting with exact character offsets."""

from __future__ import annotations

import pydicom
import pytest
from pydicom.dataset import Dataset

from knowmvg_viewer.study import Report, StudyError, load_sr_report, load_text_report
from knowmvg_viewer.study.report import MAX_REPORT_BYTES

from .conftest import pydicom_test_files_dir

REPORT = (
    "EXAMINATION: Chest PA and lateral\n"
    "INDICATION: Cough and fever.\n"
    "COMPARISON: None.\n"
    "FINDINGS:\n"
    "Patchy opacity in the right lower lobe. No pleural effusion.\n"
    "Impression: Right lower lobe pneumonia.\n"
)


def test_sections_and_offsets_are_exact() -> None:
    report = Report.from_text(REPORT)
    names = [s.name for s in report.sections]
    assert names == ["EXAMINATION", "INDICATION", "COMPARISON", "FINDINGS", "IMPRESSION"]
    findings = report.sections[3]
    assert report.text[findings.start : findings.body_start] == "FINDINGS:\n"
    assert report.text[findings.body_start : findings.end].startswith("Patchy opacity")
    assert report.section_text("impression") == "Right lower lobe pneumonia."
    assert report.sections[-1].end == len(report.text)
    offset = report.text.index("No pleural")
    assert report.section_at(offset).name == "FINDINGS"


def test_text_without_headers_is_one_untitled_section() -> None:
    report = Report.from_text("Heart size is normal. Lungs are clear.")
    assert [(s.name, s.start, s.end) for s in report.sections] == [("", 0, 38)]


def test_sentence_colons_are_not_headers() -> None:
    report = Report.from_text("FINDINGS: note: the lungs are clear.\nRecommend: follow-up.")
    assert [s.name for s in report.sections] == ["FINDINGS"]


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_reports_have_no_sections(text: str) -> None:
    report = Report.from_text(text)
    assert report.is_empty and report.sections == []


def test_crlf_is_normalised_and_non_ascii_kept(tmp_path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("FINDINGS:\r\nÉpanchement pleural gauche, 2 cm².\r\n".encode())
    report = load_text_report(path)
    assert "\r" not in report.text and "Épanchement" in report.text
    assert report.sections[0].name == "FINDINGS"


def test_cp1252_report_is_read(tmp_path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes("FINDINGS: 5 mm nodule \u2013 stable.".encode("cp1252"))
    assert "\u2013" in load_text_report(path).text


def test_one_megabyte_report_loads(tmp_path) -> None:
    sentence = "No focal consolidation, effusion or pneumothorax. "
    path = tmp_path / "long.txt"
    path.write_text("FINDINGS: " + sentence * (1_048_576 // len(sentence)))
    report = load_text_report(path)
    assert len(report.text) > 1_000_000 and report.sections[0].name == "FINDINGS"


def test_oversized_report_is_refused_with_a_reason(tmp_path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (MAX_REPORT_BYTES + 1))
    with pytest.raises(StudyError, match="report too large"):
        load_text_report(path)


def _text_item(text: str) -> Dataset:
    item = Dataset()
    item.RelationshipType, item.ValueType, item.TextValue = "CONTAINS", "TEXT", text
    return item


def _container(meaning: str, children: list[Dataset]) -> Dataset:
    item = Dataset()
    item.RelationshipType, item.ValueType = "CONTAINS", "CONTAINER"
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = "121070", "DCM", meaning
    item.ConceptNameCodeSequence = [code]
    item.ContentSequence = children
    return item


def test_sr_content_tree_becomes_sections(tmp_path) -> None:
    ds = pydicom.dcmread(pydicom_test_files_dir() / "reportsi.dcm")
    ds.ContentSequence = [
        _container(
            "Findings", [_text_item("Right lower lobe opacity."), _text_item("No effusion.")]
        ),
        _container("Impression", [_text_item("Pneumonia.")]),
    ]
    path = tmp_path / "sr.dcm"
    ds.save_as(path)
    report = load_sr_report(path)
    assert report.text == (
        "FINDINGS:\nRight lower lobe opacity. No effusion.\n\nIMPRESSION:\nPneumonia.\n"
    )
    assert [s.name for s in report.sections] == ["FINDINGS", "IMPRESSION"]


def test_real_sr_file_yields_its_text() -> None:
    report = load_sr_report(pydicom_test_files_dir() / "reportsi.dcm")
    assert not report.is_empty
    assert report.sections  # the real SR has section containers


def test_demo_sr_report_matches_its_reconstruction(demo_study):
    folder = demo_study.parent / "chest-pa-002"
    report = load_sr_report(folder / "report-sr.dcm")
    assert report.text == (folder / "report-sr.expected.txt").read_text()
    assert [s.name for s in report.sections] == ["HISTORY", "FINDINGS", "IMPRESSIONS"]
