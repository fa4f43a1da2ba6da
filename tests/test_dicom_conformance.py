"""Our DICOM exports checked by readers that are not ours.

- dicom3tools' dciodvfy: the SR and the secondary capture, made on the demo film and on
  pydicom-data's real CR film (RG1), conform to their IODs: no error of ours, and no warning
  of ours beyond the one we choose to cause (below). What the source header brings with it
  is told apart by tests/dicom_tools.py.
- dcmtk's dsrdump: the SR's content tree has what OHIF's TID 1500 loader
  (extensions/cornerstone-dicom-sr, getSopClassHandlerModule) reads without a guard, and every
  measurement group has the region its SR viewport needs; negated findings are report-level
  qualitative evaluations (TID 1500 rows 12-14), not groups.
- a real Orthanc PACS: the SR stored and retrieved again is the SR we wrote.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pydicom
import pytest

from knowmvg_viewer.export.secondary_capture import export_secondary_capture
from knowmvg_viewer.export.sr import export_sr
from knowmvg_viewer.pacs import DicomwebNode, DimseNode, make_client
from knowmvg_viewer.study import load_image
from model_core.knowledge.records import Code
from model_core.results import GroundedFinding

from .dicom_tools import (
    RG1_INHERITED,
    dciodvfy_errors,
    dciodvfy_warnings,
    dsrdump,
    inherited_lines,
    require_tools,
)
from .pacs_fixtures import (
    DICOMWEB_PASSWORD,
    DICOMWEB_USER,
    corpus_fixture,  # noqa: F401  (the `corpus` fixture)
    sent_copy,
)

MODEL = {"name": "knowmvg-conformance", "size": "tiny"}
# Ours, on purpose: the wrong-side flag's value is in our private coding scheme 99KNOWMVG
# (PS3.3 8.2.2 reserves "99" designators for private schemes, and the SR's Coding Scheme
# Identification Sequence names it). dciodvfy only knows the registered designators, so it
# warns once for the value and once for the identification item.
OUR_DELIBERATE_WARNINGS = {
    "Warning - Unrecognized defined term <99KNOWMVG> for value 1 of attribute "
    "<Coding Scheme Designator>",
}
# What dciodvfy says about RG1's own header that an SR or SC repeats (tests/dicom_tools.py
# KNOWN_SOURCE_MESSAGES says why each is not ours).

# The engine's output as the knowledge base codes it: a negated finding first (the SR makes
# it a report-level evaluation, not a group), sides, lobes, a hedge, the wrong-side flag, a
# finding without a side.
FINDINGS = [
    GroundedFinding(
        "No pneumothorax",
        (0, 15),
        negated=True,
        finding="pneumothorax",
        category="pleura",
        code=Code("SCT", "36118008", "Pneumothorax"),
    ),
    GroundedFinding(
        "small left pleural effusion",
        (20, 47),
        box=(1100.0, 1400.0, 1500.0, 1750.0),
        score=0.875,
        finding="effusion",
        category="pleura",
        code=Code("SCT", "60046008", "Pleural effusion"),
    ),
    GroundedFinding(
        "right lower lobe consolidation",
        (50, 80),
        box=(1100.0, 1000.0, 1400.0, 1300.0),  # on the patient's left
        score=0.6,
        finding="consolidation",
        category="airspace",
        code=Code("SCT", "95436008", "Lung consolidation"),
        laterality_conflict=True,
    ),
    GroundedFinding(
        "possible lingular atelectasis",
        (85, 114),
        box=(1000.0, 900.0, 1300.0, 1150.0),
        score=0.3,
        finding="atelectasis",
        assertion="uncertain",
        category="airspace",
        code=Code("SCT", "46621007", "Atelectasis"),
    ),
    GroundedFinding(
        "the heart is enlarged",
        (120, 141),
        box=(600.0, 900.0, 1200.0, 1500.0),
        score=0.8,
        finding="cardiomegaly",
        category="cardiomediastinal",
        code=Code("SCT", "8186001", "Cardiomegaly"),
    ),
]
SIDED = {  # tracking identifier -> (Finding Site, Laterality) the SR must carry
    "small left pleural effusion": ("3120008", "7771000"),  # pleura, left
    "right lower lobe consolidation": ("90572001", "24028007"),  # lower lobe, right
    "possible lingular atelectasis": ("45653009", "7771000"),  # upper lobe (lingula), left
    "the heart is enlarged": None,
}


def _sr(source: Path, out: Path) -> Path:
    image = load_image(source)
    findings = [_fit(f, image.width, image.height) for f in FINDINGS]
    return export_sr(out, image, findings, MODEL)


def _fit(finding: GroundedFinding, width: int, height: int) -> GroundedFinding:
    """The finding's box scaled from the demo film's 1700 x 2048 to this film."""
    if finding.box is None:
        return finding
    x0, y0, x1, y1 = finding.box
    sx, sy = width / 1700, height / 2048
    return replace(finding, box=(x0 * sx, y0 * sy, x1 * sx, y1 * sy))


# -- dciodvfy ------------------------------------------------------------------------------
def test_the_sr_conforms_to_the_comprehensive_sr_iod(film_source, tmp_path):
    require_tools("dciodvfy")
    sr = _sr(film_source, tmp_path / "findings.sr.dcm")
    assert dciodvfy_errors(sr, film_source) == []
    assert set(dciodvfy_warnings(sr, film_source)) == OUR_DELIBERATE_WARNINGS
    if film_source.name.startswith("RG1"):  # what was set aside as the source's is only that
        assert inherited_lines(sr, film_source) == RG1_INHERITED


def test_the_secondary_capture_conforms_to_the_sc_image_iod(film_source, tmp_path):
    require_tools("dciodvfy")
    image = load_image(film_source)
    rgb = np.random.default_rng(0).integers(0, 256, (image.height, image.width, 3), np.uint8)
    sc = export_secondary_capture(tmp_path / "annotated.dcm", image, rgb)
    assert dciodvfy_errors(sc, film_source) == []
    assert dciodvfy_warnings(sc, film_source) == []
    # the body part comes along, so a reader knows the chest is unpaired (no Laterality)
    assert pydicom.dcmread(sc, stop_before_pixels=True).BodyPartExamined == "CHEST"


def test_the_checker_sees_errors_in_the_source_headers(demo_study, chest_film_raw):
    """The zero-error results above mean something: dciodvfy does report the real films'
    own defects (RG1's zero PixelSpacing, the demo DX's missing PositionerType)."""
    require_tools("dciodvfy")
    assert any("Pixel Spacing" in line for line in dciodvfy_errors(chest_film_raw))
    assert any("PositionerType" in line for line in dciodvfy_errors(demo_study / "image.dcm"))


# -- dsrdump: what OHIF's SR loader reads --------------------------------------------------
def test_the_sr_tree_has_what_ohif_reads(film_source, tmp_path):
    require_tools("dsrdump")
    original = pydicom.dcmread(film_source, stop_before_pixels=True)
    dump = dsrdump(_sr(film_source, tmp_path / "findings.sr.dcm"))
    assert dump.returncode == 0 and dump.problems == []

    (root,) = dump.children()
    assert (root.code, root.scheme) == ("126000", "DCM")  # Imaging Measurement Report

    (library,) = dump.named("111028", root)  # Image Library
    (group,) = dump.named("126200", library)  # Image Library Group
    (entry,) = [i for i in dump.children(group) if i.value_type == "IMAGE"]
    assert original.SOPInstanceUID in entry.value
    descriptors = {i.code: i.value for i in dump.children(entry)}
    assert original.Modality in descriptors["121139"]  # Modality (CID 29)
    assert "272479007" in descriptors["111031"]  # Image View: postero-anterior (CID 4010)
    assert (descriptors["110910"], descriptors["110911"]) == (
        f'"{float(original.Rows)}" ({{pixels}},UCUM,"Pixels")',
        f'"{float(original.Columns)}" ({{pixels}},UCUM,"Pixels")',
    )

    (measurements,) = dump.named("126010", root)  # Imaging Measurements
    groups = dump.named("125007", measurements)  # Measurement Groups
    assert len(groups) == len(SIDED)  # the boxed findings; the negated one is not a group
    uids = []
    for group in groups:
        children = dump.children(group)
        (identifier,) = dump.named("112039", group)  # Tracking Identifier
        (uid,) = dump.named("112040", group)  # Tracking Unique Identifier
        # OHIF takes the group's first UIDREF as its tracking UID
        assert next(c for c in children if c.value_type == "UIDREF") == uid
        uids.append(uid.value)
        phrase = identifier.value.strip('"')
        # OHIF's SR viewport shows the film a group's region is selected from: every group
        # has one
        (region,) = [c for c in children if c.value_type == "SCOORD"]
        assert region.value.startswith("(POLYLINE,")
        (image,) = dump.children(region)
        assert image.relationship == "selected from" and image.value_type == "IMAGE"
        assert original.SOPInstanceUID in image.value
        assert not any("272519000" in c.value for c in children)  # nothing "Absent" in a group
        sites = dump.named("363698007", group)  # Finding Site
        if SIDED[phrase] is None:
            assert sites == []
        else:
            (site,) = sites
            (laterality,) = dump.named("272741003", site)
            assert (site.value.split(",")[0], laterality.value.split(",")[0]) == tuple(
                f"({code}" for code in SIDED[phrase]
            )
    assert len(set(uids)) == len(uids)
    _assert_ruled_out(dump, root, [("36118008", "SCT", "Pneumothorax", "No pneumothorax")])


def _assert_ruled_out(dump, root, expected: list[tuple[str, str, str, str]]) -> None:
    """The report's own Qualitative Evaluations container (TID 1500 row 12, UMLS C0034375)
    holds, per negated finding (code, scheme, meaning, phrase), the CODE "<finding> = Absent"
    (row 13) and the TEXT "<finding> = <phrase>" (row 14), and nothing else."""
    (container,) = dump.named("C0034375", root)
    assert (container.relationship, container.value_type, container.scheme) == (
        "contains",
        "CONTAINER",
        "UMLS",
    )
    items = [
        (i.relationship, i.value_type, i.code, i.scheme, i.meaning, i.value)
        for i in dump.children(container)
    ]
    assert items == [
        row
        for code, scheme, meaning, phrase in expected
        for row in (
            ("contains", "CODE", code, scheme, meaning, '(272519000,SCT,"Absent")'),
            ("contains", "TEXT", code, scheme, meaning, f'"{phrase}"'),
        )
    ]
    assert all(dump.children(i) == [] for i in dump.children(container))


def test_hedged_and_negated_findings_keep_their_evaluations(demo_study, tmp_path):
    require_tools("dsrdump")
    dump = dsrdump(_sr(demo_study / "image.dcm", tmp_path / "findings.sr.dcm"))
    by_phrase = {
        dump.named("112039", g)[0].value.strip('"'): dump.children(g) for g in dump.named("125007")
    }
    hedged = by_phrase["possible lingular atelectasis"]
    assert [c.value for c in hedged if c.code == "46621007"] == [
        '(64957009,SCT,"Uncertain (qualifier value)")'
    ]
    assert not any("52101004" in c.value for c in hedged)  # never "Present"
    assert "No pneumothorax" not in by_phrase  # a report-level evaluation, not a group
    (root,) = dump.children()
    _assert_ruled_out(dump, root, [("36118008", "SCT", "Pneumothorax", "No pneumothorax")])
    flagged = by_phrase["right lower lobe consolidation"]
    assert [c.value for c in flagged if c.code == "272741003"] == [
        '(LATCONFLICT,99KNOWMVG,"Conflicts with the reported side")'
    ]


def test_an_sr_of_negated_findings_only_conforms_and_parses(film_source, tmp_path):
    """No boxed finding: TID 1500 takes the Qualitative Evaluations instead of measurement
    groups (dcmtk's TID1500_MeasurementReport::isValid: Imaging Measurements or Qualitative
    Evaluations). The Imaging Measurements container stays, empty, because OHIF's loader
    looks it up without a guard."""
    require_tools("dciodvfy", "dsrdump")
    negated = [f for f in FINDINGS if f.negated]
    image = load_image(film_source)
    sr = export_sr(tmp_path / "negated.sr.dcm", image, negated, MODEL)
    assert dciodvfy_errors(sr, film_source) == []
    assert dciodvfy_warnings(sr, film_source) == []  # no private code, and UMLS is registered

    dump = dsrdump(sr)
    assert dump.returncode == 0 and dump.problems == []
    (root,) = dump.children()
    (measurements,) = dump.named("126010", root)
    assert dump.children(measurements) == []
    assert dump.named("125007") == []  # no measurement group anywhere
    _assert_ruled_out(dump, root, [("36118008", "SCT", "Pneumothorax", "No pneumothorax")])


# -- a PACS round trip --------------------------------------------------------------------
# What a PACS may legitimately change: the File Meta Information (group 0002) is the
# receiver's own (Implementation Class UID and Version Name, Source AE Title); nothing in
# the data set itself. Orthanc here neither transcodes nor adds attributes.
@pytest.mark.slow
@pytest.mark.parametrize("protocol", ["dimse", "dicomweb"])
def test_the_sr_survives_a_pacs_round_trip(protocol, corpus, demo_study, tmp_path):
    film = tmp_path / "film.dcm"  # a study of its own that no corpus query matches
    sent_copy(demo_study / "image.dcm", film, f"SR-ROUNDTRIP-{protocol}")
    sr = _sr(film, tmp_path / "findings.sr.dcm")
    written = pydicom.dcmread(sr)
    server = corpus.server
    if protocol == "dimse":
        client = make_client(DimseNode(server.aet, "127.0.0.1", server.dicom_port))
    else:
        client = make_client(DicomwebNode(server.dicomweb_url, DICOMWEB_USER, DICOMWEB_PASSWORD))

    (sent,) = client.send([sr])
    assert sent.ok, sent.reason
    try:
        result = client.retrieve_study(written.StudyInstanceUID, tmp_path / "retrieved")
    finally:  # an SR study would match the corpus's "modality SR" queries
        server.delete_study(written.StudyInstanceUID)
    (back,) = [pydicom.dcmread(p) for p in sorted(result.folder.rglob("*")) if p.is_file()]

    assert back.SOPInstanceUID == written.SOPInstanceUID
    differing = [
        element.keyword or str(element.tag)
        for element in written
        if element.tag not in back or back[element.tag] != element
    ]
    assert differing == [] and [e.tag for e in back if e.tag not in written] == []
    assert back == written
    assert back.file_meta.TransferSyntaxUID == written.file_meta.TransferSyntaxUID
