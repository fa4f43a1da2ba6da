"""`knowmvg ground --out-dir` under kill -9, partial failures and odd paths (hardening
issue, items 14-16, 13 and 19): each study's outputs are published together, a rerun
cleans up after a killed run, an SR that cannot be built costs only itself, "." never
writes beside OUT, and the JSON is strict."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knowmvg_viewer.cli import main as cli_main
from knowmvg_viewer.export.annotated import json_bytes
from knowmvg_viewer.export.output_stage import STAGING_FOLDER, OutputStage, recover

PHRASE = "left pleural effusion"
SUFFIXES = (".json", ".png", ".sr.dcm", ".pr.dcm")


def _ground(model_dir, *args) -> int:
    return cli_main(["ground", *map(str, args), "--model", str(model_dir), "--phrase", PHRASE])


def _batch_command(model_dir, root: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "knowmvg_viewer.cli",
        "ground",
        str(root),
        "--out-dir",
        str(out),
        "--model",
        str(model_dir),
        "--phrase",
        PHRASE,
    ]


def _complete_or_absent(out: Path, stems: list[str]) -> dict[str, str]:
    """Each study's state: 'complete' (all four outputs), 'absent' (none), else the list."""
    states = {}
    for stem in stems:
        present = [suffix for suffix in SUFFIXES if (out / f"{stem}{suffix}").exists()]
        states[stem] = {4: "complete", 0: "absent"}.get(len(present), ",".join(present))
    return states


@pytest.mark.slow
def test_a_batch_killed_at_any_moment_leaves_whole_studies_after_a_rerun(
    model_dir, demo_study, tmp_path
):
    """kill -9 three times at different moments: after each kill a study with its JSON has
    all its outputs (the JSON is published last); the rerun completes or removes what the
    kill interrupted, so every study ends complete and nothing temporary is left."""
    root = tmp_path / "in"
    stems = [f"study-{n}" for n in range(5)]
    for stem in stems:
        shutil.copytree(demo_study, root / stem)
    out = tmp_path / "out"
    for kill in range(3):
        process = subprocess.Popen(
            _batch_command(model_dir, root, out),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        done_before = sum(state == "complete" for state in _complete_or_absent(out, stems).values())
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:  # wait for progress
            staged = out / STAGING_FOLDER
            progressed = sum(
                state == "complete" for state in _complete_or_absent(out, stems).values()
            )
            if progressed > done_before or (staged.exists() and kill % 2):
                break
            time.sleep(0.005)
        time.sleep(0.03 * kill)  # a different moment each time
        process.send_signal(signal.SIGKILL)
        process.wait()
        for stem, state in _complete_or_absent(out, stems).items():
            if (out / f"{stem}.json").exists():
                assert state == "complete", (kill, stem, state)
    rerun = subprocess.run(
        _batch_command(model_dir, root, out), capture_output=True, text=True, timeout=300
    )
    assert set(_complete_or_absent(out, stems).values()) == {"complete"}, rerun.stderr
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    # studies finished before the rerun are refused as already there, the others written
    assert rerun.returncode in (0, 2)


def test_recover_completes_a_publish_cut_between_two_renames(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "s.sr.dcm").write_bytes(b"old SR of an earlier run")
    stage = OutputStage(out, "s")
    finals = [out / "s.png", out / "s.json"]
    for final in finals:
        stage.path(final).write_bytes(final.name.encode())
    journal = stage.folder.with_name(stage.folder.name + ".publish")
    moves = [[str(stage.path(f)), str(f)] for f in finals]
    journal.write_text(json.dumps({"moves": moves, "remove": [str(out / "s.sr.dcm")]}))
    os.replace(stage.path(finals[0]), finals[0])  # the kill came after the first rename
    (out / ".summary.csv.0a1b2c3d.part").write_bytes(b"half a summary")
    lines = recover(out)
    assert sorted(p.name for p in out.iterdir()) == ["s.json", "s.png"]
    assert (out / "s.json").read_bytes() == b"s.json"
    assert "completed the interrupted outputs of s" in lines
    assert "removed .summary.csv.0a1b2c3d.part, a write cut short" in lines


def test_recover_removes_a_study_staged_but_never_published(tmp_path):
    stage = OutputStage(tmp_path, "s")
    stage.path(tmp_path / "s.png").write_bytes(b"png")
    assert recover(tmp_path) == ["removed the unfinished outputs of s"]
    assert list(tmp_path.iterdir()) == []


def test_a_study_whose_sr_cannot_be_built_keeps_its_json_and_png(
    model_dir, demo_study, tmp_path, capsys
):
    """A StudyTime written "15:18:59" (as in pydicom's real OT-PAL-8-face.dcm), which
    highdicom refuses: the SR and GSPS are not written, the JSON and PNG are."""
    import warnings

    import pydicom

    root = tmp_path / "in" / "odd-time"
    shutil.copytree(demo_study, root)
    ds = pydicom.dcmread(root / "image.dcm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.StudyTime = "15:18:59"
    ds.save_as(root / "image.dcm")
    out = tmp_path / "out"
    assert _ground(model_dir, root, "--out-dir", out) == 2
    err = capsys.readouterr().err
    assert "odd-time: no DICOM SR (" in err
    assert sorted(p.name for p in out.iterdir()) == ["odd-time.json", "odd-time.png", "summary.csv"]
    summary = (out / "summary.csv").read_text().splitlines()
    assert "no DICOM SR" in summary[1]
    assert json.loads((out / "odd-time.json").read_text())["results"][0]["findings"]


def test_dot_as_the_study_writes_inside_the_output_folder(model_dir, demo_study, tmp_path):
    study = tmp_path / "chest-study"
    shutil.copytree(demo_study, study)
    cwd = os.getcwd()
    os.chdir(study)
    try:
        assert _ground(model_dir, ".", "--out-dir", "../out") == 0
    finally:
        os.chdir(cwd)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "chest-study.json",
        "chest-study.png",
        "chest-study.pr.dcm",
        "chest-study.sr.dcm",
        "summary.csv",
    ]
    assert not any(p.name.startswith("out.") for p in tmp_path.iterdir())


def test_the_json_is_strict_a_nan_becomes_null():
    data = json.loads(
        json_bytes({"score": float("nan"), "box": [1.0, float("inf"), 2.0, 3.0]}),
        parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"),
    )
    assert data == {"score": None, "box": [1.0, None, 2.0, 3.0]}


def test_a_report_cut_at_the_token_limit_says_so_in_the_json(model_dir, demo_study, tmp_path):
    long_report = "FINDINGS: " + "Small left pleural effusion. " * 400
    out = tmp_path / "out.json"
    assert _ground(model_dir, demo_study, "--report-text", long_report, "--json", out) == 0
    (record,) = json.loads(out.read_text())["results"]
    assert record["report_truncated"] is True
    assert _ground(model_dir, demo_study, "--json", out, "--overwrite") == 0
    (record,) = json.loads(out.read_text())["results"]
    assert record["report_truncated"] is False


def test_anonymise_writes_no_identifier_and_no_image_path(model_dir, chest_film_raw, tmp_path):
    import pydicom

    out = tmp_path / "out"
    assert (
        _ground(
            model_dir,
            chest_film_raw,
            "--out-dir",
            out,
            "--anonymise",
            "--json",
            tmp_path / "all.json",
        )
        == 0
    )
    for path in out.iterdir():
        data = path.read_bytes()
        for identifier in (b"CompressedSamples", b"9RG1", b"19400305", b"exam Number", b"ward"):
            assert identifier not in data, (path.name, identifier)
    record = json.loads((tmp_path / "all.json").read_text())["results"][0]
    assert record["image"] is None and record["anonymised"] is True
    assert str(chest_film_raw.parent) not in (tmp_path / "all.json").read_text()
    sr = pydicom.dcmread(out / "RG1_UNCR.sr.dcm")
    assert sr.PatientIdentityRemoved == "YES" and not sr.PatientName
