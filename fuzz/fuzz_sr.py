"""Fuzz target: an SR as a study folder reads it: a header-only read (`read_dicom`), then
`not_a_report` (our own AI output, TID 1500) and `sr_report` (content tree to sections).

`sr_report` runs on every readable dataset, SR or not (`load_sr_report` takes any file).
Contract: StudyError with one line, or a Report (sections as in fuzz_report);
`not_a_report` answers a reason or None and never raises.
"""

from __future__ import annotations

import atheris
from _harness import WITH_PYDICOM, Scratch, check_sections, fuzz, one_line, small_limits

with atheris.instrument_imports(include=WITH_PYDICOM):
    from knowmvg_viewer.study import StudyError
    from knowmvg_viewer.study.dicom import read_dicom
    from knowmvg_viewer.study.report import not_a_report, sr_report

scratch = Scratch("report.dcm")


def check(data: bytes) -> None:
    path = scratch.write(data)
    try:
        dataset = read_dicom(path, header_only=True)
        if dataset is None:
            return
        reason = not_a_report(dataset)
        if reason is not None and not isinstance(reason, str):
            raise AssertionError(f"not_a_report returned {reason!r}")
        report = sr_report(dataset, path)
    except StudyError as exc:
        one_line(exc)
        return
    check_sections(report)


if __name__ == "__main__":
    small_limits()
    fuzz(check)
