"""`knowmvg info` and `knowmvg render`: outputs, exit statuses, one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest

from knowmvg_viewer.cli import EXIT_BAD_INPUT, EXIT_OK, main
from knowmvg_viewer.study import DisplayRenderer, load_image

from .conftest import pydicom_data_dir


@pytest.fixture()
def study_folder(tmp_path, chest_film_j2k):
    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(chest_film_j2k, folder / "chest.dcm")
    (folder / "report.txt").write_text("FINDINGS:\nLungs are clear.\nIMPRESSION:\nNormal.\n")
    return folder


def test_info_json_lists_one_object_per_image_with_errors(study_folder, tmp_path, capsys):
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"not dicom at all" * 10)
    status = main(["info", str(study_folder), str(bad), "--json"])
    captured = capsys.readouterr()
    records = json.loads(captured.out)
    assert status == EXIT_BAD_INPUT
    assert [r["path"] for r in records] == [str(study_folder / "chest.dcm"), str(bad)]
    good = records[0]
    assert good["modality"] == "CR" and good["photometric_interpretation"] == "MONOCHROME1"
    assert (good["width"], good["height"]) == (1841, 1955)
    assert "JPEG 2000" in good["transfer_syntax"]
    assert good["window_presets"][0]["center"] == 15000.0
    assert [s["name"] for s in good["report"]["sections"]] == ["FINDINGS", "IMPRESSION"]
    assert records[1]["error"].startswith("not a DICOM file")
    assert captured.err.strip().splitlines() == [f"{bad}: {records[1]['error']}"]


def test_info_text_output(study_folder, capsys):
    assert main(["info", str(study_folder)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "modality CR" in out and "MONOCHROME1" in out and "FINDINGS, IMPRESSION" in out


def test_render_default_window_matches_the_display_pipeline(chest_film_raw, tmp_path):
    out = tmp_path / "film.png"
    assert main(["render", str(chest_film_raw), str(out)]) == EXIT_OK
    written = cv2.imread(str(out), cv2.IMREAD_UNCHANGED)
    image = load_image(chest_film_raw)
    assert written.shape == (image.height, image.width)
    assert np.array_equal(written, DisplayRenderer(image).render(image.default_preset()))


def test_render_window_and_invert_change_the_output(chest_film_raw, tmp_path):
    plain, custom = tmp_path / "a.png", tmp_path / "b.png"
    main(["render", str(chest_film_raw), str(plain)])
    main(["render", str(chest_film_raw), str(custom), "--window", "12000", "8000", "--invert"])
    a, b = cv2.imread(str(plain), 0), cv2.imread(str(custom), 0)
    assert a.shape == b.shape and not np.array_equal(a, b)


def test_render_refuses_to_overwrite_without_flag(chest_film_raw, tmp_path, capsys):
    out = tmp_path / "film.png"
    out.write_bytes(b"keep me")
    assert main(["render", str(chest_film_raw), str(out)]) == EXIT_BAD_INPUT
    assert out.read_bytes() == b"keep me"
    assert "already exists" in capsys.readouterr().err
    assert main(["render", str(chest_film_raw), str(out), "--overwrite"]) == EXIT_OK
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_render_unknown_preset_names_the_choices(chest_film_raw, tmp_path, capsys):
    assert main(["render", str(chest_film_raw), str(tmp_path / "x.png"), "--preset", "9"]) == 2
    err = capsys.readouterr().err
    assert "preset 9 does not exist" in err and "1 Window 1" in err
    assert not (tmp_path / "x.png").exists()


def test_render_into_missing_folder_is_bad_input(chest_film_raw, tmp_path, capsys):
    target = tmp_path / "missing" / "x.png"
    assert main(["render", str(chest_film_raw), str(target)]) == EXIT_BAD_INPUT
    assert "cannot write" in capsys.readouterr().err


def test_console_script_reports_undecodable_file_on_one_line():
    path = pydicom_data_dir().parent.parent / "pydicom" / "data" / "test_files" / "JPEG-lossy.dcm"
    result = subprocess.run(
        [sys.executable, "-m", "knowmvg_viewer.cli", "info", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == EXIT_BAD_INPUT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "JPEG Extended" in lines[0] and "Traceback" not in result.stderr


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    """`knowmvg info ... --json | head -1` on output larger than the pipe buffer: exit 0,
    no traceback."""
    ok, png = cv2.imencode(".png", np.zeros((8, 8), np.uint8))
    for i in range(1000):
        (tmp_path / f"{i:04d}.png").write_bytes(png.tobytes())
    shell = f"{sys.executable} -m knowmvg_viewer.cli info {tmp_path} --json | head -1"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True)
    assert done.stdout == "[\n"
    assert "Traceback" not in done.stderr and done.returncode == 0
