"""The verified SR and the PNG's "reviewed by" line (issue 13, "The radiologist in the loop").

A reviewed study's SR is VERIFIED and FINAL, with a Verifying Observer and the radiologist
as a PERSON observer beside the model's DEVICE observer; rejected findings are left out and
an edited or added box is the reviewer's, without the model's certainty or algorithm. Read
back with pydicom, dcmtk's dsrdump and dicom3tools' dciodvfy, on the demo film and on
pydicom-data's real CR film (RG1). Without a verification the SR is as before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pydicom
import pytest

from knowmvg_viewer.export.annotated import annotated_image, study_record
from knowmvg_viewer.export.sr import export_sr
from knowmvg_viewer.export.verification import (
    Verification,
    display_name,
    person_name,
    review_record,
    reviewed_by,
)
from knowmvg_viewer.render.annotate import _caption, annotate, annotations_for
from knowmvg_viewer.review import StudyReview
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

MODEL = {"name": "knowmvg-verified", "version": "0.1.0"}
WHEN = datetime(2026, 12, 7, 9, 30, 0, tzinfo=UTC)
VERIFIED = Verification("Anna Smith", "St Elsewhere Hospital", WHEN)
# The model's output on the demo film (1700 x 2048); _fit scales it to another film.
AI = [
    GroundedFinding(
        "small left pleural effusion", (10, 37), box=(1000.0, 1400.0, 1400.0, 1720.0),
        score=0.875, finding="effusion", code=Code("SCT", "60046008", "Pleural effusion"),
    ),
    GroundedFinding("odd faint smudge", (50, 66), box=(100.0, 220.0, 180.0, 300.5), score=0.4),
    GroundedFinding(
        "right lower lobe consolidation", (70, 100), box=(300.0, 1200.0, 700.0, 1600.0),
        score=0.7, finding="consolidation", code=Code("SCT", "95436008", "Consolidation"),
    ),
    GroundedFinding(
        "No pneumothorax", (110, 125), negated=True, finding="pneumothorax",
        code=Code("SCT", "36118008", "Pneumothorax"),
    ),
]  # fmt: skip
REVIEWER_BOX = (320.0, 1150.0, 760.0, 1650.0)  # on the demo film
ADDED_BOX = (1100.0, 200.0, 1400.0, 500.0)
# Ours, on purpose (test_dicom_conformance.py says why): none here, no finding is flagged.


def _fit(box, width: int, height: int):
    sx, sy = width / 1700, height / 2048
    x0, y0, x1, y1 = box
    return (x0 * sx, y0 * sy, x1 * sx, y1 * sy)


def _review(width: int, height: int, *, complete: bool = True) -> StudyReview:
    """Accept the effusion, reject the smudge, move the consolidation's box, keep the
    negation and add an apical pneumothorax the model missed (unless not `complete`)."""
    ai = [replace(f, box=_fit(f.box, width, height)) if f.box else f for f in AI]
    review = StudyReview.start("1.2.3", ["1.2.3.4"], "1.2.3.4", MODEL, ai)
    review.accept(0, "Anna Smith")
    review.reject(1, "Anna Smith")
    review.move_box(2, _fit(REVIEWER_BOX, width, height), "Anna Smith")
    if complete:
        review.accept(3, "Anna Smith")
        review.add("left apical lucency", (130, 149), _fit(ADDED_BOX, width, height), "Ben Jones")
    return review


def _verified_sr(source: Path, out: Path) -> tuple[Path, StudyReview]:
    image = load_image(source)
    review = _review(image.width, image.height)
    assert review.complete
    return export_sr(out, image, review.final_findings(), MODEL, verification=VERIFIED), review


# -- the document header ------------------------------------------------------------------
def test_a_verified_sr_names_its_verifying_observer(film_source, tmp_path):
    sr, _ = _verified_sr(film_source, tmp_path / "verified.sr.dcm")
    ds = pydicom.dcmread(sr)
    assert (ds.VerificationFlag, ds.PreliminaryFlag, ds.CompletionFlag) == (
        "VERIFIED",
        "FINAL",
        "COMPLETE",
    )
    (observer,) = ds.VerifyingObserverSequence
    assert str(observer.VerifyingObserverName) == "Smith^Anna"
    assert observer.VerifyingOrganization == "St Elsewhere Hospital"
    assert observer.VerificationDateTime == "20261207093000+0000"  # when, not the export's time
    assert "VerifyingObserverIdentificationCodeSequence" in observer  # Type 2: present, empty
    assert len(observer.VerifyingObserverIdentificationCodeSequence) == 0
    assert ds.Manufacturer == "KnowMVG Viewer"  # still ours: never read back as the report


def test_dsrdump_reads_the_verification_and_both_observers(film_source, tmp_path):
    require_tools("dsrdump")
    sr, _ = _verified_sr(film_source, tmp_path / "verified.sr.dcm")
    header = dsrdump(sr, "+U8")  # with the document header: flags, verifying observers
    assert "Verification Flag   : VERIFIED" in header.text
    assert "Preliminary Flag    : FINAL" in header.text
    assert "2026-12-07 09:30:00 +00:00, Smith^Anna, St Elsewhere Hospital" in header.text

    dump = dsrdump(sr)
    assert dump.returncode == 0 and dump.problems == []
    (root,) = dump.children()
    context = [
        (i.code, i.value) for i in dump.children(root) if i.relationship == "has obs context"
    ]
    assert context[:6] == [  # TID 1002 + 1003: the radiologist first ...
        ("121005", '(121006,DCM,"Person")'),
        ("121008", '"Smith^Anna"'),
        ("121009", '"St Elsewhere Hospital"'),
        ("121010", '(309343006,SCT,"Physician")'),
        ("121011", '(121098,DCM,"Verifying")'),
        ("121005", '(121007,DCM,"Device")'),  # ... then TID 1004: the model, as before
    ]
    assert ("121013", '"knowmvg-verified"') in context  # Device Observer Name


# -- the content: the review's final findings -------------------------------------------
def _polyline(value: str) -> list[float]:
    """dsrdump's '(POLYLINE,x/y,x/y,...)' as [x, y, x, y, ...]."""
    assert value.startswith("(POLYLINE,") and value.endswith(")")
    return [
        float(v) for point in value[len("(POLYLINE,") : -1].split(",") for v in point.split("/")
    ]


def _groups(dump) -> dict[str, list]:
    return {
        dump.named("112039", g)[0].value.strip('"'): dump.children(g) for g in dump.named("125007")
    }


def test_the_verified_sr_holds_the_reviews_final_findings(film_source, tmp_path):
    require_tools("dsrdump")
    sr, _ = _verified_sr(film_source, tmp_path / "verified.sr.dcm")
    image = load_image(film_source)
    groups = _groups(dsrdump(sr))
    # the rejected smudge is left out; the added finding is in
    assert set(groups) == {
        "small left pleural effusion",
        "right lower lobe consolidation",
        "left apical lucency",
    }

    def region(children) -> str:
        (scoord,) = [c for c in children if c.value_type == "SCOORD"]
        return scoord.value

    def codes_in(children) -> set[str]:
        return {c.code for c in children}

    accepted = groups["small left pleural effusion"]  # the model's box: its score and name
    assert {"111012", "111001"} <= codes_in(accepted)  # Certainty of Finding, Algorithm Name
    for phrase in ("right lower lobe consolidation", "left apical lucency"):
        reviewers = groups[phrase]  # the reviewer's box: neither
        assert not {"111012", "111001", "111003"} & codes_in(reviewers), phrase
    for phrase, box in (
        ("right lower lobe consolidation", REVIEWER_BOX),
        ("left apical lucency", ADDED_BOX),
    ):
        x0, y0, x1, y1 = _fit(box, image.width, image.height)
        corners = [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0]
        assert _polyline(region(groups[phrase])) == pytest.approx(corners, rel=1e-5), phrase


def test_the_verified_sr_conforms_to_the_comprehensive_sr_iod(film_source, tmp_path):
    require_tools("dciodvfy")
    sr, _ = _verified_sr(film_source, tmp_path / "verified.sr.dcm")
    assert dciodvfy_errors(sr, film_source) == []
    assert dciodvfy_warnings(sr, film_source) == []
    if film_source.name.startswith("RG1"):  # what was set aside as the source's is only that
        assert inherited_lines(sr, film_source) == RG1_INHERITED


def test_without_a_verification_the_sr_is_unverified_with_the_device_alone(demo_study, tmp_path):
    require_tools("dsrdump")
    image = load_image(demo_study / "image.dcm")
    sr = export_sr(tmp_path / "plain.sr.dcm", image, AI, MODEL)
    ds = pydicom.dcmread(sr)
    assert (ds.VerificationFlag, ds.PreliminaryFlag) == ("UNVERIFIED", "PRELIMINARY")
    assert "VerifyingObserverSequence" not in ds
    dump = dsrdump(sr)
    (root,) = dump.children()
    observers = [i.value for i in dump.named("121005", root)]
    assert observers == ['(121007,DCM,"Device")']
    assert dump.named("121008") == []  # no person observer anywhere
    groups = _groups(dump)
    assert set(groups) == {f.phrase for f in AI if f.box is not None}  # nothing left out
    for children in groups.values():  # every box is the model's
        assert {"111012", "111001"} <= {c.code for c in children}


def test_a_partial_review_exports_unverified_with_the_reviewers_box(demo_study, tmp_path):
    """The exporter does not decide what is verified: a partial review passed without a
    verification is an unverified SR of the findings as they stand."""
    require_tools("dsrdump")
    image = load_image(demo_study / "image.dcm")
    review = _review(image.width, image.height, complete=False)
    assert not review.complete
    sr = export_sr(tmp_path / "partial.sr.dcm", image, review.final_findings(), MODEL)
    assert pydicom.dcmread(sr).VerificationFlag == "UNVERIFIED"
    groups = _groups(dsrdump(sr))
    assert "odd faint smudge" not in groups
    assert "111012" not in {c.code for c in groups["right lower lobe consolidation"]}


# -- names ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "dicom"),
    [
        ("Anna Smith", "Smith^Anna"),
        ("Smith^Anna", "Smith^Anna"),
        ("Smith, Anna", "Smith^Anna"),
        ("  Anna   Smith ", "Smith^Anna"),
        ("Anna Maria Smith", "Smith^Anna^Maria"),
        ("Dr Anna Smith", "Smith^Anna^^Dr"),
        ("Jan van der Berg", "van der Berg^Jan"),
        ("Smith", "Smith^"),  # never the retired one-component form
    ],
)
def test_a_typed_name_becomes_a_dicom_person_name(typed, dicom):
    assert person_name(typed) == dicom
    assert display_name(dicom) == display_name(typed)  # and reads back as typed


@pytest.mark.parametrize(
    "name", ["", "   ", "Smith\\Jones", "Smith=Jones", "A" * 65, "a^b^c^d^e^f"]
)
def test_a_name_dicom_cannot_carry_is_refused(name):
    with pytest.raises(ValueError):
        Verification(name, "St Elsewhere", WHEN)


def test_an_organisation_is_required_and_fits_a_long_string():
    with pytest.raises(ValueError):
        Verification("Anna Smith", " ", WHEN)
    with pytest.raises(ValueError):
        Verification("Anna Smith", "x" * 65, WHEN)
    with pytest.raises(ValueError):
        Verification("Anna Smith", "St Elsewhere", date(2026, 12, 7))  # a time, not a day


def test_the_verification_time_keeps_its_offset(demo_study, tmp_path):
    when = datetime(2026, 12, 7, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    image = load_image(demo_study / "image.dcm")
    sr = export_sr(
        tmp_path / "v.sr.dcm", image, AI[:1], MODEL, verification=replace(VERIFIED, when=when)
    )
    observer = pydicom.dcmread(sr).VerifyingObserverSequence[0]
    assert observer.VerificationDateTime == "20261207103000+0100"


# -- the PNG caption and the JSON sidecar -------------------------------------------------
def test_the_caption_says_who_reviewed_it():
    annotations = annotations_for(AI)
    caption = _caption(annotations, "m", date(2026, 12, 7), VERIFIED.caption())
    assert caption[0].startswith("AI output - not a diagnosis")  # the disclaimer stays first
    assert caption[1] == "reviewed by Anna Smith, St Elsewhere Hospital on 2026-12-07"
    assert caption[2:] == [a.label for a in annotations]
    assert _caption(annotations, "m", date(2026, 12, 7))[1:] == caption[2:]  # no review: none


def test_a_partial_review_says_partly_and_names_every_reviewer():
    line = reviewed_by(
        ["Smith^Anna", "Ben Jones"], "St Elsewhere", datetime(2026, 12, 7, 23, 0), complete=False
    )
    assert line == "partly reviewed by Anna Smith and Ben Jones, St Elsewhere on 2026-12-07"
    assert reviewed_by(["Anna Smith"], None, date(2026, 12, 7), complete=True) == (
        "reviewed by Anna Smith on 2026-12-07"
    )


def test_the_review_line_is_drawn_in_the_caption_margin():
    film = np.full((300, 300), 128, np.uint8)
    annotations = annotations_for(AI[:1], [(255, 0, 0)])
    plain = annotate(film, annotations, "m", date(2026, 12, 7))
    reviewed = annotate(film, annotations, "m", date(2026, 12, 7), reviewed_by="reviewed by X")
    assert reviewed.shape[0] > plain.shape[0]  # one more caption line
    assert (reviewed[:300] == plain[:300]).all()  # the film itself is untouched
    # the viewer's and the CLI's entry point passes the line through
    rgb = annotated_image(film, AI[:1], "m", reviewed_by=VERIFIED.caption())
    assert rgb.shape[0] == reviewed.shape[0]


def test_a_name_the_fonts_cannot_draw_is_folded_to_ascii():
    line = Verification("Jürgen Müller", "Hôpital Saint-Louis", WHEN).caption()
    (drawn,) = _caption([], "m", date(2026, 12, 7), line)[1:2]
    assert drawn == "reviewed by Jurgen Muller, Hopital Saint-Louis on 2026-12-07"


def test_the_sidecar_carries_the_review_only_when_there_is_one():
    review = _review(1700, 2048)
    record = study_record("image.dcm", 1700, 2048, "report", review.final_findings())
    assert "review" not in record  # unchanged for unreviewed studies
    reviewed = study_record(
        "image.dcm", 1700, 2048, "report", review.final_findings(),
        review=review_record(review, VERIFIED),
    )  # fmt: skip
    assert reviewed["review"] == {
        "reviewers": ["Anna Smith", "Ben Jones"],
        "complete": True,
        "verified_by": {
            "name": "Anna Smith",
            "organisation": "St Elsewhere Hospital",
            "when": "2026-12-07T09:30:00+00:00",
        },
    }
    partial = review_record(_review(1700, 2048, complete=False))
    assert partial == {"reviewers": ["Anna Smith"], "complete": False, "verified_by": None}
