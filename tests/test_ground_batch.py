"""`knowmvg ground --sr` and the batch mode `--out-dir`: outputs, summary, bad input."""

from __future__ import annotations

import csv
import errno
import json
import shutil

import cv2
import highdicom as hd
import numpy as np
import pytest

from knowmvg_viewer.cli import main as cli_main
from knowmvg_viewer.export import atomic
from knowmvg_viewer.study import discover_studies

PHRASE = "left pleural effusion"


def _ground(model_dir, *args):
    return cli_main(["ground", *map(str, args), "--model", str(model_dir), "--phrase", PHRASE])


@pytest.fixture
def studies(tmp_path, demo_study):
    """A batch root: two DICOM studies (one in a UID-named folder, one nested a level
    deeper), a PNG study and a broken one."""
    root = tmp_path / "in"
    shutil.copytree(demo_study, root / "1.2.826.0.1.3680043.2.1125.1")
    shutil.copytree(demo_study, root / "site-b" / "chest-pa-001")
    png_study = root / "png-study"
    png_study.mkdir()
    cv2.imwrite(str(png_study / "film.png"), np.full((128, 96), 90, np.uint8))
    (png_study / "report.txt").write_text("Small left pleural effusion.\n")
    broken = root / "broken"
    broken.mkdir()
    (broken / "image.dcm").write_bytes(b"not dicom at all")
    return root


def test_discover_studies_finds_folders_holding_images_depth_first(studies):
    found = discover_studies(studies)
    assert [p.relative_to(studies).as_posix() for p in found] == [
        "1.2.826.0.1.3680043.2.1125.1",
        "broken",
        "png-study",
        "site-b/chest-pa-001",
    ]
    assert discover_studies(studies / "png-study" / "film.png") == [
        studies / "png-study" / "film.png"
    ]


def test_ground_sr_writes_a_readable_sr_for_a_dicom_study(model_dir, demo_study, tmp_path):
    out = tmp_path / "findings.sr.dcm"
    assert _ground(model_dir, demo_study, "--sr", out) == 0
    sr = hd.sr.srread(out)
    (group,) = sr.content.get_planar_roi_measurement_groups()
    assert str(group.tracking_identifier) == PHRASE
    assert group.finding_type.value == "60046008"  # pleural effusion


@pytest.mark.parametrize("single_file", [True, False], ids=["file", "folder"])
def test_ground_sr_reads_and_decodes_the_image_once(
    model_dir, demo_study, tmp_path, monkeypatch, single_file
):
    import pydicom

    from knowmvg_viewer.study import dicom

    reads, decodes, real_read, real_decode = [], [], pydicom.dcmread, dicom._decode_frame

    def counting_read(path, *args, **kwargs):
        reads.append(path)
        return real_read(path, *args, **kwargs)

    def counting_decode(*args, **kwargs):
        decodes.append(args[1])
        return real_decode(*args, **kwargs)

    monkeypatch.setattr(pydicom, "dcmread", counting_read)
    monkeypatch.setattr(dicom, "_decode_frame", counting_decode)
    source = demo_study / "image.dcm" if single_file else demo_study
    out = tmp_path / "findings.sr.dcm"
    assert _ground(model_dir, source, "--sr", out) == 0
    image = demo_study / "image.dcm"
    # the folder's header is read to list it, then the image once to decode it
    assert reads.count(image) == (1 if single_file else 2) and decodes == [image]


def test_ground_sr_of_a_png_is_one_clear_line_and_no_file(model_dir, studies, tmp_path, capsys):
    out = tmp_path / "x.sr.dcm"
    assert _ground(model_dir, studies / "png-study", "--sr", out) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        f"{studies / 'png-study' / 'film.png'}: DICOM export needs a DICOM source image; "
        f"this file is not DICOM (no SR written to {out})"
    )
    assert not out.exists()


def test_sr_and_png_take_one_path(model_dir, demo_study, tmp_path, capsys):
    assert _ground(model_dir, demo_study, demo_study, "--sr", tmp_path / "a.dcm") == 2
    assert "--sr takes exactly one input PATH" in capsys.readouterr().err


def test_batch_writes_each_study_and_a_summary_and_goes_on(model_dir, studies, tmp_path, capsys):
    out = tmp_path / "out"
    assert _ground(model_dir, studies, "--out-dir", out, "--json", tmp_path / "all.json") == 2
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "1.2.826.0.1.3680043.2.1125.1.json",
        "1.2.826.0.1.3680043.2.1125.1.png",
        "1.2.826.0.1.3680043.2.1125.1.pr.dcm",
        "1.2.826.0.1.3680043.2.1125.1.sr.dcm",
        "chest-pa-001.json",
        "chest-pa-001.png",
        "chest-pa-001.pr.dcm",
        "chest-pa-001.sr.dcm",
        "png-study.json",
        "png-study.png",
        "summary.csv",
    ]
    err = capsys.readouterr().err
    assert f"{studies / 'broken'}: no readable images in this folder (image.dcm:" in err

    with open(out / "summary.csv", newline="") as handle:
        rows = {row["study"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {str(p) for p in discover_studies(studies)}
    assert rows[str(studies / "broken")]["error"].startswith("no readable images")
    for name in ("png-study", "site-b/chest-pa-001"):
        row = rows[str(studies / name)]
        assert row["error"] == "" and int(row["findings"]) == 1 and float(row["seconds"]) > 0

    document = json.loads((out / "png-study.json").read_text())
    (study,) = document["results"]
    assert study["findings"][0]["phrase"] == PHRASE
    png = cv2.imread(str(out / "png-study.png"))
    assert (study["height"], study["width"]) == (128, 96)
    assert png.shape[1] == 96 and png.shape[0] > 128  # caption margin below the film
    assert len(json.loads((tmp_path / "all.json").read_text())["results"]) == 4


def test_batch_rerun_never_overwrites_without_the_flag(model_dir, studies, tmp_path, capsys):
    out = tmp_path / "out"
    _ground(model_dir, studies / "png-study", "--out-dir", out)
    before = (out / "png-study.png").read_bytes()
    (out / "png-study.png").write_bytes(b"edited by hand")
    assert _ground(model_dir, studies / "png-study", "--out-dir", out) == 2
    err = capsys.readouterr().err
    assert "png-study.json, png-study.png already in" in err
    assert (out / "png-study.png").read_bytes() == b"edited by hand"
    assert _ground(model_dir, studies / "png-study", "--out-dir", out, "--overwrite") == 0
    assert (out / "png-study.png").read_bytes() == before


def test_batch_output_folder_that_cannot_be_made(model_dir, studies, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    assert _ground(model_dir, studies, "--out-dir", blocker / "out") == 2
    (line,) = capsys.readouterr().err.strip().splitlines()[-1:]
    assert line.startswith(f"{blocker / 'out'}: cannot create the output folder")


def test_batch_disk_full_leaves_no_partial_study(model_dir, studies, tmp_path, capsys, monkeypatch):
    real_fsync = atomic.os.fsync
    calls = {"n": 0}

    def fail_on_second_file(fd):
        calls["n"] += 1
        if calls["n"] == 2:  # the PNG, after the study's JSON was written
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fail_on_second_file)
    out = tmp_path / "out"
    assert _ground(model_dir, studies / "png-study", "--out-dir", out) == 2
    assert f"cannot write to {out} (No space left on device)" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["summary.csv"]


def test_batch_goes_on_after_an_internal_error_and_exits_1(
    model_dir, studies, tmp_path, capsys, monkeypatch
):
    from knowmvg_viewer import grounding

    real = grounding.annotated_image

    def broken_for_png_study(display, findings, name, *args):
        if display.shape == (128, 96):
            raise RuntimeError("simulated bug")
        return real(display, findings, name, *args)

    monkeypatch.setattr(grounding, "annotated_image", broken_for_png_study)
    out = tmp_path / "out"
    assert _ground(model_dir, studies / "png-study", studies / "site-b", "--out-dir", out) == 1
    assert "png-study: internal error: simulated bug" in capsys.readouterr().err
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "chest-pa-001.json",
        "chest-pa-001.png",
        "chest-pa-001.pr.dcm",
        "chest-pa-001.sr.dcm",
        "summary.csv",
    ]


def test_png_and_sr_are_refused_with_out_dir(model_dir, studies, tmp_path, capsys):
    assert _ground(model_dir, studies, "--out-dir", tmp_path / "o", "--sr", tmp_path / "x") == 2
    assert "--sr is for one study" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def _copy_as(source, out, **tags):
    import pydicom

    ds = pydicom.dcmread(source)
    for key, value in tags.items():
        setattr(ds, key, value)
    ds.save_as(out)
    return out


@pytest.fixture
def pa_and_lateral(tmp_path, demo_study):
    """A two-view study (lateral numbered first) and a study of one lateral film."""
    two = tmp_path / "views" / "pa-lat"
    two.mkdir(parents=True)
    source = demo_study / "image.dcm"
    _copy_as(source, two / "1-lat.dcm", ViewPosition="LL", SeriesNumber=1, SeriesDescription="LAT")
    _copy_as(source, two / "2-pa.dcm", ViewPosition="PA", SeriesNumber=2)
    (two / "report.txt").write_text("Small left pleural effusion.\n")
    one = tmp_path / "views" / "lat-only"
    one.mkdir()
    _copy_as(source, one / "lat.dcm", ViewPosition="LATERAL", SeriesDescription="LAT")
    return two, one


def test_ground_json_grounds_the_frontal_film_and_skips_a_lateral(
    model_dir, pa_and_lateral, tmp_path
):
    two, one = pa_and_lateral
    out = tmp_path / "g.json"
    assert _ground(model_dir, two, one / "lat.dcm", "--json", out) == 0
    frontal, lateral = json.loads(out.read_text())["results"]
    assert frontal["image"] == str(two / "2-pa.dcm")
    assert frontal["view"] == {
        "label": "frontal PA",
        "kind": "frontal",
        "position": "PA",
        "source": "ViewPosition",
        "mirrored": False,
        "upside_down": False,
        "transposed": False,
    }
    assert frontal["skipped"] is None and frontal["error"] is None
    assert frontal["findings"][0]["phrase"] == PHRASE
    assert lateral["view"]["label"] == "lateral" and lateral["view"]["source"] == "ViewPosition"
    assert lateral["error"] is None and lateral["findings"] == []
    assert lateral["skipped"] == "lateral view: grounding runs on the frontal film"


def test_batch_summary_says_each_view_and_why_a_study_was_skipped(
    model_dir, pa_and_lateral, tmp_path
):
    two, _ = pa_and_lateral
    out = tmp_path / "out"
    assert _ground(model_dir, two.parent, "--out-dir", out) == 0
    with open(out / "summary.csv", newline="") as handle:
        rows = {row["study"]: row for row in csv.DictReader(handle)}
    pa, lat = rows[str(two)], rows[str(two.parent / "lat-only")]
    assert (pa["view"], pa["skipped"], pa["findings"]) == ("frontal PA (ViewPosition)", "", "1")
    assert (lat["view"], lat["error"], lat["findings"]) == ("lateral (ViewPosition)", "", "0")
    assert lat["skipped"] == "lateral view: grounding runs on the frontal film"
    assert sorted(p.name for p in out.iterdir()) == [
        "lat-only.json",
        "lat-only.png",  # the film, unannotated: nothing was grounded
        "pa-lat.json",
        "pa-lat.png",
        "pa-lat.pr.dcm",
        "pa-lat.sr.dcm",
        "summary.csv",
    ]


@pytest.mark.parametrize(
    ("flag", "name", "written", "why"),
    [
        ("--sr", "lat.sr.dcm", False, "(no SR written)"),
        ("--gsps", "lat.pr.dcm", False, "(no GSPS written)"),
        ("--png", "lat.png", True, "(the PNG is the film, unannotated)"),
    ],
)
def test_an_export_of_a_lateral_says_why_it_holds_no_findings(
    model_dir, pa_and_lateral, tmp_path, capsys, flag, name, written, why
):
    _, one = pa_and_lateral
    out = tmp_path / name
    assert _ground(model_dir, one, flag, out) == 0
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"{one / 'lat.dcm'}: lateral view: grounding runs on the frontal film {why}"
    )
    assert out.exists() == written
