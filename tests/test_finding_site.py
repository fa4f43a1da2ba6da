"""The SR's coded anatomy: a phrase's Finding Site and laterality, the source film's view."""

from __future__ import annotations

import pydicom
import pytest
from pydicom.dataset import Dataset

from knowmvg_viewer.export.finding_site import finding_site
from knowmvg_viewer.export.source import SourceImage
from knowmvg_viewer.export.sr import structured_report, view_code
from model_core.results import GroundedFinding

LUNG, PLEURA, DIAPHRAGM = "39607008", "3120008", "5798000"
UPPER_LOBE, MIDDLE_LOBE, LOWER_LOBE = "45653009", "72481006", "90572001"
UPPER_ZONE, MID_ZONE, LOWER_ZONE = "281392002", "281393007", "281394001"
APEX, HILUM, BASAL, APICAL = "86598002", "46750007", "57195005", "43674008"
RIGHT, LEFT, BILATERAL = "24028007", "7771000", "51440002"


def _values(site):
    if site is None:
        return None
    return tuple(
        code.value if code else None for code in (site.location, site.laterality, site.modifier)
    )


@pytest.mark.parametrize(
    ("phrase", "category", "expected"),
    [
        ("right upper lobe opacity", "airspace", (UPPER_LOBE, RIGHT, None)),
        ("RUL nodule", "lesion", (UPPER_LOBE, RIGHT, None)),
        ("opacity in the LLL", "airspace", (LOWER_LOBE, LEFT, None)),
        ("left lower lobe atelectasis", "airspace", (LOWER_LOBE, LEFT, None)),
        ("right middle lobe pneumonia", "airspace", (MIDDLE_LOBE, RIGHT, None)),
        ("middle lobe collapse", "airspace", (MIDDLE_LOBE, RIGHT, None)),  # only the right has one
        ("lingular atelectasis", "airspace", (UPPER_LOBE, LEFT, None)),  # part of the LUL
        ("right upper zone opacity", "airspace", (UPPER_ZONE, RIGHT, None)),
        ("left mid-zone nodule", "lesion", (MID_ZONE, LEFT, None)),
        ("lower zones bilaterally", "interstitium", (LOWER_ZONE, BILATERAL, None)),
        ("upper lobe predominant emphysema", "airway", (UPPER_LOBE, None, None)),
        ("upper lobes", "airway", (UPPER_LOBE, BILATERAL, None)),  # plural: both sides
        ("left apical scarring", "interstitium", (APEX, LEFT, None)),
        ("bibasilar atelectasis", "airspace", (LUNG, BILATERAL, BASAL)),
        ("right lung base opacity", "airspace", (LUNG, RIGHT, BASAL)),
        ("left hilar mass", "lesion", (HILUM, LEFT, None)),
        ("left lung opacity", "airspace", (LUNG, LEFT, None)),
        ("small left pleural effusion", "pleura", (PLEURA, LEFT, None)),
        ("right apical pneumothorax", "pleura", (PLEURA, RIGHT, APICAL)),
        ("blunting at the bases", "pleura", (PLEURA, BILATERAL, BASAL)),
        ("elevated right hemidiaphragm", "diaphragm", (DIAPHRAGM, RIGHT, None)),
        ("odd left smudge", None, (LUNG, LEFT, None)),  # unknown finding: the lung's
        ("left pleural thing", None, (PLEURA, LEFT, None)),
    ],
)
def test_the_phrase_names_its_site(phrase, category, expected):
    assert _values(finding_site(phrase, category)) == expected


@pytest.mark.parametrize(
    ("phrase", "category"),
    [
        ("consolidation", "airspace"),  # no side, no lobe
        ("pleural effusion", "pleura"),
        ("cardiomegaly", "cardiomediastinal"),
        ("right IJ catheter", "device"),  # a side, but which structure is not ours to guess
        ("left rib fracture", "bone"),
        ("perihilar haze", "airspace"),  # "hilar" inside a word is not the hilum
    ],
)
def test_no_site_where_the_phrase_or_category_does_not_give_one(phrase, category):
    assert finding_site(phrase, category) is None


def _header(**attributes) -> Dataset:
    ds = Dataset()
    for keyword, value in attributes.items():
        setattr(ds, keyword, value)
    return ds


def _code_item(value, scheme, meaning) -> Dataset:
    return _header(CodeValue=value, CodingSchemeDesignator=scheme, CodeMeaning=meaning)


@pytest.mark.parametrize(
    ("position", "code"),
    [("PA", "272479007"), ("AP", "399348003"), ("LL", "399173006"), ("RL", "399198007")],
)
def test_the_view_position_is_coded_from_cid_4010(position, code):
    assert view_code(_header(ViewPosition=position)).value == code


def test_the_headers_view_code_is_used_only_when_view_position_says_nothing():
    lateral = _code_item("399067008", "SCT", "lateral")
    assert view_code(_header(ViewPosition="", ViewCodeSequence=[lateral])).value == "399067008"
    # the demo films' code says antero-posterior while ViewPosition says PA: PA wins
    wrong = _code_item("399348003", "SCT", "postero-anterior")
    assert view_code(_header(ViewPosition="PA", ViewCodeSequence=[wrong])).value == "272479007"
    assert view_code(_header()) is None
    assert view_code(_header(ViewPosition="RLD")) is None  # decubitus: no CID 4010 code


def test_the_image_library_takes_only_what_the_header_has(demo_study):
    """A header without orientation, spacing or view (highdicom's own library would raise):
    the entry has the modality and size, and nothing made up."""
    ds = pydicom.dcmread(demo_study / "image.dcm", stop_before_pixels=True)
    for keyword in ("PatientOrientation", "ImagerPixelSpacing", "ViewPosition", "ViewCodeSequence"):
        delattr(ds, keyword)
    finding = GroundedFinding("left lung opacity", (0, 17), box=(1.0, 2.0, 30.0, 40.0), score=0.5)
    sr = structured_report(SourceImage(demo_study / "image.dcm", ds), [finding], {"name": "m"})
    root = sr.ContentSequence
    (library,) = [i for i in root if i.ConceptNameCodeSequence[0].CodeValue == "111028"]
    (group,) = library.ContentSequence
    (entry,) = group.ContentSequence
    assert entry.ReferencedSOPSequence[0].ReferencedSOPInstanceUID == ds.SOPInstanceUID
    names = [i.ConceptNameCodeSequence[0].CodeMeaning for i in entry.ContentSequence]
    assert names == ["Modality", "Target Region", "Pixel Data Rows", "Pixel Data Columns"]
    assert not hasattr(sr, "CodingSchemeIdentificationSequence")  # no private code used
