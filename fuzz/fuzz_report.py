"""Fuzz target: reading a text report (`load_text_report`: byte limit, encoding detection,
binary refusal, newline normalisation, section split).

Contract: StudyError with one line, or a Report whose sections index its text exactly:
in order, not overlapping, `start <= body_start <= end` inside the text, each found again
by `section_at`, and reading its own text back gives the same sections.
"""

from __future__ import annotations

import atheris
from _harness import OURS, Scratch, check_sections, fuzz, one_line, small_limits

with atheris.instrument_imports(include=OURS):
    from knowmvg_viewer.study import StudyError, load_text_report

scratch = Scratch("report.txt")


def check(data: bytes) -> None:
    try:
        report = load_text_report(scratch.write(data))
    except StudyError as exc:
        one_line(exc)
        return
    check_sections(report)


if __name__ == "__main__":
    small_limits()
    fuzz(check)
