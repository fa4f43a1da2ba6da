"""Hostile or odd input files (hardening issue): reports that never end, block, or come
in UTF-16; each is read correctly or refused with one line, never hangs."""

from __future__ import annotations

import os
import threading

import pytest

from knowmvg_viewer.study import StudyError, load_text_report
from knowmvg_viewer.study.report import MAX_REPORT_BYTES

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
