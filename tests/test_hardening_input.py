"""Hostile or odd input files (hardening issue): reports that never end, block, or come
in UTF-16; images claiming gigabytes, deflate bombs, decoder panics, broken LUTs. Each is
read correctly or refused with one line, never hangs or exhausts memory."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file

from knowmvg_viewer.limits import InputLimits, set_limits
from knowmvg_viewer.study import StudyError, load_image, load_text_report, open_study
from knowmvg_viewer.study.report import MAX_REPORT_BYTES

from . import hostile_files as hostile

REPORT = "FINDINGS: Small left pleural effusion.\nIMPRESSION: Left effusion."


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig", "utf-8"]
)
def test_a_report_in_any_unicode_encoding_reads_as_its_text(tmp_path, encoding):
    """Windows Notepad's "Unicode" is UTF-16 with a byte order mark; some tools drop it."""
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode(encoding))
    report = load_text_report(path)
    assert report.text == REPORT
    assert [section.name for section in report.sections] == ["FINDINGS", "IMPRESSION"]


def test_dev_zero_is_refused_without_reading_it_all():
    with pytest.raises(StudyError, match="not a regular file"):
        load_text_report("/dev/zero")


def test_a_fifo_is_refused_instead_of_hanging(tmp_path):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException | object] = []
    reader = threading.Thread(
        target=lambda: outcome.append(_attempt(lambda: load_text_report(fifo))), daemon=True
    )
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "reading a FIFO report hung"
    assert isinstance(outcome[0], StudyError) and "not a regular file" in str(outcome[0])


def _attempt(call):
    try:
        return call()
    except BaseException as exc:  # noqa: BLE001 - handed to the test thread
        return exc


def test_a_report_growing_past_the_limit_is_refused_by_what_is_read(tmp_path, monkeypatch):
    """The limit holds on the bytes read, not on what stat() says."""
    from knowmvg_viewer.study import report as report_module

    path = tmp_path / "report.txt"
    path.write_bytes(b"a" * 2000)
    monkeypatch.setattr(report_module, "MAX_REPORT_BYTES", 1000)
    with pytest.raises(StudyError, match="report too large"):
        load_text_report(path)
    assert MAX_REPORT_BYTES >= 1 << 20


def test_a_binary_file_is_not_taken_as_a_report(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"\x00\x01\x02" * 100 + b"FINDINGS: effusion")
    with pytest.raises(StudyError, match="not a text report"):
        load_text_report(path)


# -- hostile images: refused before decoding, one line each --------------------------------
def _one_line_refusal(path: Path, reason: str) -> str:
    with pytest.raises(StudyError, match=reason) as caught:
        load_image(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
    return str(caught.value)


def test_a_tiny_file_claiming_65535_squared_pixels_is_refused_before_decoding(tmp_path):
    path = hostile.rle_huge(tmp_path / "a.dcm")
    assert path.stat().st_size < 16_000
    tracemalloc.start()
    try:
        _one_line_refusal(path, "image too large to open: 65535 x 65535 pixels")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20  # was 8.5 GB of RSS before an error


def test_compressed_data_far_too_small_for_its_frame_is_refused(tmp_path):
    path = hostile.saved(hostile.tiny_rle_claiming(4000, 4000), tmp_path / "a.dcm")
    _one_line_refusal(path, "RLE Lossless .* pixel data too small")


def test_a_decoder_panic_is_one_line_not_a_crash(tmp_path):
    """pyo3's PanicException is a BaseException: `except Exception` let it through."""
    path = hostile.rle_panic(tmp_path / "panic.dcm")
    _one_line_refusal(path, "cannot decode pixel data with transfer syntax RLE Lossless")


def test_a_deflate_bomb_is_refused_while_inflating(tmp_path):
    path = hostile.deflate_bomb(tmp_path / "bomb.dcm", inflated_mb=8)
    assert path.stat().st_size < 100_000  # 8 MB of zeros deflate to almost nothing
    previous = set_limits(InputLimits(max_inflated_bytes=1 << 20))
    try:
        _one_line_refusal(path, r"deflated data inflates past 1 MB")
        with pytest.raises(StudyError, match="inflates past"):
            open_study(tmp_path)  # the header-only read of a folder is bounded too
    finally:
        set_limits(previous)


def test_a_real_deflated_file_still_reads_as_pydicom_reads_it():
    path = Path(get_testdata_file("image_dfl.dcm"))
    image = load_image(path)
    assert np.array_equal(image.stored, pydicom.dcmread(path).pixel_array)
    assert "Deflated" in image.transfer_syntax


def test_a_voi_lut_of_2000_bits_is_skipped_and_the_image_opens(tmp_path):
    image = load_image(hostile.voi_lut_of_2000_bits(tmp_path / "a.dcm"))
    assert all(preset.source != "voi-lut" for preset in image.presets)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (
            hostile.lut_item([4096, 0, 16], b"\x00\x01" * 10, "OW"),
            "10 entries; the descriptor says 4096",
        ),
        (hostile.lut_item([4, 0, 8], [0, 300, 600, 900]), "entries outside 8 bits"),
        (hostile.lut_item([4, 0, 12], [0, 1, 2, 3]), "12 bits per entry"),
    ],
)
def test_a_modality_lut_that_breaks_its_descriptor_is_one_line(tmp_path, item, reason):
    path = hostile.with_modality_lut(item, tmp_path / "a.dcm")
    _one_line_refusal(path, f"invalid Modality LUT \\({reason}")


def test_a_nan_rescale_is_refused_instead_of_rendering_garbage(tmp_path):
    _one_line_refusal(hostile.nan_rescale_with_voi_lut(tmp_path / "a.dcm"), "invalid rescale")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "knowmvg_viewer.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "RUST_BACKTRACE": "1"},
    )


def test_the_cli_says_a_decoder_panic_in_exactly_one_line(tmp_path):
    """The Rust panic message goes to the debug log, not to the user's terminal."""
    path = hostile.rle_panic(tmp_path / "panic.dcm")
    done = _cli("info", str(path))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{path}: cannot decode pixel data with transfer syntax RLE Lossless "
        "(1.2.840.10008.1.2.5) (index out of bounds: the len is 54 but the index is 54)"
    ]


def test_library_warnings_add_no_lines_to_a_cli_error(tmp_path):
    """pydicom warns about the invalid DS 'NaN' while reading; the user sees one line."""
    path = hostile.saved(hostile.ct(RescaleSlope="NaN"), tmp_path / "nan.dcm")
    done = _cli("render", str(path), str(tmp_path / "out.png"))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{path}: invalid rescale (RescaleSlope nan, RescaleIntercept -1024.0)"
    ]


@pytest.mark.parametrize(("verbose", "shown"), [(False, False), (True, True)])
def test_library_warnings_reach_stderr_only_when_verbose(verbose, shown):
    """highdicom's warnings quote header values such as the patient's name."""
    code = (
        "import warnings\n"
        "from knowmvg_viewer._logging import configure_logging\n"
        f"configure_logging({verbose})\n"
        "warnings.warn(\"Value of Patient's Name 'Smith^John^^^^^' is invalid\", UserWarning)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert ("Smith^John" in done.stderr) is shown


def test_a_study_error_from_the_decoder_process_arrives_as_itself(tmp_path):
    """StudyError must pickle: the viewer decodes in a child process, and an unpicklable
    error was taken for a crashed child ("the image decoder crashed on this file")."""
    import pickle

    from knowmvg_viewer.study.process_decoder import ProcessDecoder

    error = pickle.loads(pickle.dumps(StudyError(tmp_path / "x.dcm", "bad header")))
    assert (error.path, error.reason) == (tmp_path / "x.dcm", "bad header")
    path = hostile.eight_bit_modality_lut_over_255(tmp_path / "lut.dcm")
    decoder = ProcessDecoder()
    try:
        with pytest.raises(StudyError, match="invalid Modality LUT"):
            decoder(path)
    finally:
        decoder.shutdown()


def _decode_forever(path, frame):  # run in the decoder's child process
    import time

    time.sleep(600)


def test_a_decode_that_never_ends_is_given_up_and_the_next_film_decodes(demo_study):
    """A codec looping forever (pydicom's JPEG 2000 box walk did, on a 27 KB file) must not
    stall the viewer's decoding for good."""
    import time

    from knowmvg_viewer.study.process_decoder import ProcessDecoder

    stuck = ProcessDecoder(timeout_s=2.0, decode=_decode_forever)
    start = time.monotonic()
    try:
        with pytest.raises(StudyError, match="decoding took longer than 2 s and was given up"):
            stuck(demo_study / "image.dcm")
    finally:
        stuck.shutdown()
    assert time.monotonic() - start < 30
    decoder = ProcessDecoder(timeout_s=60.0)
    try:
        assert decoder(demo_study / "image.dcm").width == 1700
    finally:
        decoder.shutdown()
