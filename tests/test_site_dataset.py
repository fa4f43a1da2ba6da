"""The site dataset (issue 13): reviewed studies written in the MS-CXR layout and read back by
our own MS-CXR reader; the reviewers' boxes, no rejected or negated findings, films kept with
the reviews (the sources may be gone), no patient identifier anywhere, atomic, and the
command's one-line answers."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from knowmvg_viewer import site_dataset
from knowmvg_viewer.cli import EXIT_BAD_INPUT, EXIT_OK, main
from knowmvg_viewer.resources import demo_study_dir
from knowmvg_viewer.review import ReviewError, ReviewStore, StudyReview
from knowmvg_viewer.site_dataset import (
    DATASET_CSV,
    SiteDatasetError,
    export_site_dataset,
    film_pixels,
    image_id,
)
from knowmvg_viewer.study import load_image, model_input
from model_core.data.readers import open_dataset
from model_core.data.readers.ms_cxr import REQUIRED_COLUMNS
from model_core.results import GroundedFinding

MODEL = {"name": "knowmvg-tiny", "version": "0.1.0"}
FIRST = [  # on the 1700 x 2048 film of chest-pa-001
    GroundedFinding(
        "small left pleural effusion", (10, 37), box=(1100.0, 1400.0, 1500.0, 1750.0), score=0.8
    ),
    GroundedFinding(
        "right lower lobe opacity", (40, 64), box=(200.0, 900.0, 600.0, 1300.0), score=0.4
    ),
    GroundedFinding("No pneumothorax", (66, 81), negated=True, finding="pneumothorax"),
    GroundedFinding("mild cardiomegaly", (83, 100), box=(500.0, 800.0, 1200.0, 1400.0)),
]
SECOND = [  # on the 1280 x 1536 film of chest-pa-002
    GroundedFinding("right upper lobe nodule", (0, 23), box=(300.0, 300.0, 450.0, 450.0)),
    GroundedFinding("small right pleural effusion", (25, 53), box=(100.0, 1000.0, 400.0, 1300.0)),
]


@pytest.fixture(scope="module")
def demo_images():
    return [
        load_image(demo_study_dir() / "image.dcm"),
        load_image(demo_study_dir().parent / "chest-pa-002" / "image-pa.dcm"),
    ]


@pytest.fixture(scope="module")
def demo_films(demo_images):
    return [film_pixels(image) for image in demo_images]


def _start(image, findings, *, mirrored=False) -> StudyReview:
    header = image.header
    return StudyReview.start(
        str(header.StudyInstanceUID),
        [str(header.SOPInstanceUID)],
        str(header.SOPInstanceUID),
        MODEL,
        findings,
        mirrored=mirrored,
    )


def _complete_review(image) -> StudyReview:
    review = _start(image, FIRST)
    review.accept(0, "Dr A")
    review.move_box(1, (250.0, 950.0, 650.0, 1350.0), "Dr A")
    review.accept(2, "Dr A")
    review.reject(3, "Dr B")
    review.add("left apical pneumothorax", (120, 144), (900.0, 200.0, 1300.0, 600.0), "Dr B")
    return review


def _partial_review(image) -> StudyReview:
    review = _start(image, SECOND)
    review.accept(0, "Dr C")  # the effusion stays pending
    return review


@pytest.fixture
def store(tmp_path, demo_images, demo_films) -> ReviewStore:
    """A complete review of the first demo study and a partial one of the second, their
    films kept beside them."""
    store = ReviewStore(tmp_path / "reviews")
    for review, film in [
        (_complete_review(demo_images[0]), demo_films[0]),
        (_partial_review(demo_images[1]), demo_films[1]),
    ]:
        store.save(review)
        store.save_film(review.study_uid, film)
    return store


def _samples(out: Path) -> dict[str, list]:
    """Reader samples of `out`: phrase -> its boxes, with the sample's image id and image."""
    return {
        s.phrases[0].text: (s.phrases[0].boxes, s.image_id, s.image, s.phrases[0].finding)
        for s in open_dataset("ms-cxr", out).samples()
    }


# -- the film -----------------------------------------------------------------------------


def test_the_film_is_the_model_input_in_8_bits_in_stored_orientation(demo_images, demo_films):
    image, film = demo_images[0], demo_films[0]
    assert film.dtype == np.uint8 and film.shape == (image.height, image.width)
    assert np.abs(film / 255.0 - model_input(image)).max() <= 0.5 / 255 + 1e-6
    mirrored = replace(image, view=replace(image.view, mirrored=True))
    assert np.array_equal(film_pixels(mirrored), film)  # boxes are in stored pixels


def test_the_film_is_kept_beside_its_review_atomically(tmp_path, demo_films):
    store = ReviewStore(tmp_path)
    path = store.save_film("1.2.3", demo_films[1])
    assert path == store.film_path("1.2.3") == store.path_for("1.2.3").with_suffix(".png")
    assert np.array_equal(cv2.imread(str(path), cv2.IMREAD_UNCHANGED), demo_films[1])
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left
    with pytest.raises(ReviewError, match="uint8"):
        store.save_film("1.2.3", demo_films[1].astype(np.float32))


# -- the export, read back by our own reader ---------------------------------------------------


def test_the_export_is_the_reviews_final_boxes_read_back_by_the_ms_cxr_reader(
    store, tmp_path, demo_images, demo_films
):
    out = tmp_path / "site"
    summary = export_site_dataset(store, out)
    assert (summary.studies, summary.phrases, summary.boxes) == (1, 3, 3)
    assert summary.left_out == {"partly reviewed": 1} and summary.problems == []
    assert summary.reviewers == ["Dr A", "Dr B"]
    assert summary.models == [{**MODEL, "studies": 1}]
    samples = _samples(out)
    # the reviewer's boxes; the rejected cardiomegaly and the negated pneumothorax are absent
    assert {text: boxes for text, (boxes, *_) in samples.items()} == {
        "small left pleural effusion": [(1100.0, 1400.0, 1500.0, 1750.0)],
        "right lower lobe opacity": [(250.0, 950.0, 650.0, 1350.0)],
        "left apical pneumothorax": [(900.0, 200.0, 1300.0, 600.0)],
    }
    _, ident, image, _ = samples["left apical pneumothorax"]
    assert ident == image_id(str(demo_images[0].header.SOPInstanceUID))
    assert image.shape == (2048, 1700)
    assert np.array_equal(np.rint(image * 255).astype(np.uint8), demo_films[0])
    findings = {text: finding for text, (*_, finding) in samples.items()}
    assert findings["small left pleural effusion"] == "effusion"
    assert findings["left apical pneumothorax"] == "pneumothorax"  # added: from the phrase
    with (out / DATASET_CSV).open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == REQUIRED_COLUMNS
    assert {row[3] for row in rows[1:]} == {f"files/{ident}.png"}  # relative
    card = json.loads((out / "dataset.json").read_text())
    assert card["studies"] == 1 and card["phrases"] == 3 and card["patient_identifiers"] is False
    assert "Studies: 1; phrases: 3" in (out / "README.md").read_text()


def test_partly_reviewed_studies_add_only_their_reviewed_findings(store, tmp_path):
    summary = export_site_dataset(store, tmp_path / "site", include_partial=True)
    assert (summary.studies, summary.phrases) == (2, 4)
    samples = _samples(tmp_path / "site")
    assert samples["right upper lobe nodule"][0] == [(300.0, 300.0, 450.0, 450.0)]
    assert samples["right upper lobe nodule"][2].shape == (1536, 1280)
    assert "small right pleural effusion" not in samples  # pending: the model's, unchecked


def test_the_export_needs_no_source_file(tmp_path):
    """The PACS cache forgets studies after 30 days and files move: only the store is read."""
    source = tmp_path / "cache" / "image.dcm"
    source.parent.mkdir()
    source.write_bytes((demo_study_dir() / "image.dcm").read_bytes())
    image = load_image(source)
    store = ReviewStore(tmp_path / "reviews")
    review = _complete_review(image)
    store.save(review)
    store.save_film(review.study_uid, film_pixels(image))
    source.unlink()
    source.parent.rmdir()
    assert export_site_dataset(store, tmp_path / "site").boxes == 3


def test_a_mirrored_film_is_written_flipped_with_its_boxes(tmp_path, demo_images, demo_films):
    store = ReviewStore(tmp_path / "reviews")
    review = _start(demo_images[1], SECOND, mirrored=True)
    review.accept(0, "Dr A")
    review.reject(1, "Dr A")
    store.save(review)
    store.save_film(review.study_uid, demo_films[1])
    summary = export_site_dataset(store, tmp_path / "site")
    assert summary.flipped == 1
    ((boxes, _, image, _),) = _samples(tmp_path / "site").values()
    assert boxes == [(1280 - 450.0, 300.0, 1280 - 300.0, 450.0)]
    assert np.array_equal(np.rint(image * 255).astype(np.uint8), demo_films[1][:, ::-1])


def test_a_film_turned_by_180_degrees_is_written_upright_with_its_boxes(
    tmp_path, demo_images, demo_films
):
    store = ReviewStore(tmp_path / "reviews")
    review = _start(demo_images[1], SECOND, mirrored=True)
    review.upside_down = True
    review.accept(0, "Dr A")
    review.reject(1, "Dr A")
    store.save(review)
    store.save_film(review.study_uid, demo_films[1])
    assert store.load(review.study_uid, list(review.sop_instance_uids)).upside_down
    assert export_site_dataset(store, tmp_path / "site").flipped == 1
    ((boxes, _, image, _),) = _samples(tmp_path / "site").values()
    assert boxes == [(1280 - 450.0, 1536 - 450.0, 1280 - 300.0, 1536 - 300.0)]
    assert np.array_equal(np.rint(image * 255).astype(np.uint8), demo_films[1][::-1, ::-1])


def test_a_film_turned_by_90_degrees_is_written_upright_with_its_boxes(
    tmp_path, demo_images, demo_films
):
    """Stored "H\\L": the upright film is the stored one transposed, then upside down."""
    store = ReviewStore(tmp_path / "reviews")
    review = _start(demo_images[1], SECOND)
    review.transposed, review.upside_down = True, True
    review.accept(0, "Dr A")
    review.reject(1, "Dr A")
    store.save(review)
    store.save_film(review.study_uid, demo_films[1])
    assert export_site_dataset(store, tmp_path / "site").flipped == 1
    ((boxes, _, image, _),) = _samples(tmp_path / "site").values()
    upright = demo_films[1].T[::-1]
    assert image.shape == upright.shape == (1280, 1536)
    assert np.array_equal(np.rint(image * 255).astype(np.uint8), upright)
    # stored (300, 300, 450, 450) -> transposed (300, 300, 450, 450) -> upside down in 1280 rows
    assert boxes == [(300.0, 1280 - 450.0, 450.0, 1280 - 300.0)]


def test_no_patient_identifier_is_written_anywhere(store, tmp_path, demo_images):
    out = tmp_path / "site"
    export_site_dataset(store, out, include_partial=True)
    forbidden = [str(demo_study_dir()), "chest-pa-00"]
    for image in demo_images:
        header = image.header
        forbidden += [str(header.PatientName), str(header.PatientID)]
        forbidden += [str(header.PatientBirthDate), str(header.StudyDate)]
        forbidden += [str(header.StudyInstanceUID), str(header.SOPInstanceUID)]
    assert "DEMO^CHEST" in forbidden and "DEMO-0002" in forbidden  # read from the headers
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) == 2 + 3  # two films, CSV, dataset.json, README.md
    for path in files:
        data = path.read_bytes() + str(path.relative_to(out)).encode()
        for text in filter(None, forbidden):
            assert text.encode() not in data, f"{text} in {path.name}"


def test_a_review_without_its_film_or_a_damaged_file_is_skipped_with_a_line(
    store, tmp_path, demo_images, caplog
):
    (store.folder / "0123.json").write_text('{"format": 1, "study_uid": ')
    store.film_path(str(demo_images[1].header.StudyInstanceUID)).unlink()
    summary = export_site_dataset(store, tmp_path / "site", include_partial=True)
    assert summary.studies == 1
    assert len(summary.problems) == 2
    assert "0123.json: skipped, not a readable review" in caplog.text
    assert "no film kept with the review; skipped" in caplog.text


def test_a_failed_export_leaves_no_half_dataset(store, tmp_path, monkeypatch):
    calls, write = [], site_dataset.write_bytes_atomic

    def failing(path, data, **kwargs):
        calls.append(path)
        if path.name == DATASET_CSV:
            raise OSError(28, "No space left on device")
        write(path, data, **kwargs)

    monkeypatch.setattr(site_dataset, "write_bytes_atomic", failing)
    with pytest.raises(OSError, match="No space"):
        export_site_dataset(store, tmp_path / "site")
    assert len(calls) == 2  # the film, then the CSV failed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reviews"]


def test_an_existing_folder_is_replaced_only_when_it_is_a_site_dataset(store, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    export_site_dataset(store, out)  # an empty folder is fine
    with pytest.raises(SiteDatasetError, match="not empty .*--overwrite"):
        export_site_dataset(store, out)
    assert export_site_dataset(store, out, overwrite=True, include_partial=True).studies == 2
    assert len(list((out / "files").iterdir())) == 2
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep")
    with pytest.raises(SiteDatasetError, match="not a site dataset .*not replaced"):
        export_site_dataset(store, other, overwrite=True)
    assert (other / "notes.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "reviews", "site"]


def test_a_reviewed_study_without_a_boxed_finding_is_left_out(tmp_path, demo_images, demo_films):
    store = ReviewStore(tmp_path / "reviews")
    review = _start(demo_images[0], FIRST[2:3])  # only "No pneumothorax"
    review.accept(0, "Dr A")
    store.save(review)
    store.save_film(review.study_uid, demo_films[0])
    with pytest.raises(SiteDatasetError, match=r"no reviewed study to export .*1 without a boxed"):
        export_site_dataset(store, tmp_path / "site")
    assert not (tmp_path / "site").exists()


# -- the command ------------------------------------------------------------------------------


def test_the_command_writes_the_dataset_and_prints_one_summary_line(store, tmp_path, capsys):
    out = tmp_path / "site"
    assert main(["dataset", "export", "--reviews", str(store.folder), "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{out}: 1 studies, 3 phrases, 3 boxes from 2 reviewer(s); left out: 1 partly reviewed"
    ]
    assert len(list(open_dataset("ms-cxr", out).annotations())) == 3


def test_the_command_reads_the_user_data_folder_by_default(store, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    default = ReviewStore().folder
    default.parent.mkdir(parents=True)
    store.folder.rename(default)
    assert main(["dataset", "export", "--out", str(tmp_path / "site")]) == EXIT_OK
    assert "1 studies, 3 phrases" in capsys.readouterr().out


@pytest.mark.parametrize("made", [False, True])
def test_a_missing_or_empty_review_folder_is_one_line_and_exit_2(tmp_path, capsys, made):
    folder = tmp_path / "reviews"
    if made:
        folder.mkdir()
    status = main(["dataset", "export", "--reviews", str(folder), "--out", str(tmp_path / "o")])
    assert status == EXIT_BAD_INPUT
    expected = (
        "no saved reviews (review studies in the viewer)" if made else "no such review folder"
    )
    assert capsys.readouterr().err.splitlines() == [f"{folder}: {expected}"]
    assert not (tmp_path / "o").exists()


def test_only_partial_reviews_say_how_to_include_them(store, tmp_path, demo_images, capsys):
    store.path_for(str(demo_images[0].header.StudyInstanceUID)).unlink()
    args = ["dataset", "export", "--reviews", str(store.folder), "--out", str(tmp_path / "o")]
    assert main(args) == EXIT_BAD_INPUT
    (line,) = capsys.readouterr().err.splitlines()
    assert "1 partly reviewed" in line and "--include-partial adds" in line
    assert main([*args, "--include-partial"]) == EXIT_OK


def test_a_damaged_review_is_skipped_and_the_command_exits_2_at_the_end(store, tmp_path, caplog):
    (store.folder / "0123.json").write_text("not json")
    out = tmp_path / "site"
    assert main(["dataset", "export", "--reviews", str(store.folder), "--out", str(out)]) == 2
    assert "0123.json: skipped" in caplog.text
    assert len(list(open_dataset("ms-cxr", out).annotations())) == 3  # the rest is written


# the report FIRST's spans and the complete review's added finding index
FIRST_REPORT = (
    "FINDINGS: small left pleural effusion.  right lower lobe opacity. No pneumothorax. "
    "mild cardiomegaly.\nIMPRESSION: Small left apical pneumothorax."
)


def test_phrases_go_with_their_report_and_read_back_as_one_sample(
    tmp_path, demo_images, demo_films
):
    review = _complete_review(demo_images[0])
    review.report = FIRST_REPORT
    store = ReviewStore(tmp_path / "reviews")
    store.save(review)
    store.save_film(review.study_uid, demo_films[0])
    summary = export_site_dataset(store, tmp_path / "site")
    assert summary.in_report == 3 and summary.to_json()["phrases_in_their_report"] == 3
    samples = list(open_dataset("ms-cxr", tmp_path / "site").samples())
    assert len(samples) == 1 and samples[0].report == FIRST_REPORT
    assert [FIRST_REPORT[p.span[0] : p.span[1]] for p in samples[0].phrases] == [
        "small left pleural effusion",
        "right lower lobe opacity",
        "left apical pneumothorax",
    ]
    export_site_dataset(store, tmp_path / "plain", include_reports=False)
    header = (tmp_path / "plain" / DATASET_CSV).read_text().splitlines()[0]
    assert header == ",".join(REQUIRED_COLUMNS)
    assert all(
        s.report == s.phrases[0].text for s in open_dataset("ms-cxr", tmp_path / "plain").samples()
    )


def test_the_command_leaves_reports_out_when_asked(store, tmp_path, capsys):
    status = main(
        [
            "dataset",
            "export",
            "--reviews",
            str(store.folder),
            "--out",
            str(tmp_path / "o"),
            "--no-reports",
        ]
    )
    assert status == EXIT_OK
    card = json.loads((tmp_path / "o" / "dataset.json").read_text())
    assert (
        card["include_reports"] is False
        and "report_text" not in (tmp_path / "o" / DATASET_CSV).read_text()
    )
