"""Fuzz target: opening a DICOM file, as a study folder does it.

The input is one file, alone in a folder. `open_study(folder)` classifies it from a header-only
read (`_classify`: SR, presentation state, image or why not), and `first_image` reads it whole
and decodes frame 0 (`load_image`: size guards, inflation, decoders, LUTs, windows).
Contract: StudyError with one line, or an image; any other exception is a finding.
"""

from __future__ import annotations

import atheris
from _harness import WITH_PYDICOM, Scratch, fuzz, one_line, small_limits

with atheris.instrument_imports(include=WITH_PYDICOM):
    from knowmvg_viewer.study import StudyError, open_study

scratch = Scratch("input.dcm")


def check(data: bytes) -> None:
    scratch.write(data)
    try:
        image = open_study(scratch.folder).first_image
    except StudyError as exc:
        one_line(exc)
        return
    if image.stored.ndim not in (2, 3) or not image.presets:
        raise AssertionError(
            f"image of shape {image.stored.shape} with {len(image.presets)} presets"
        )


if __name__ == "__main__":
    small_limits()
    fuzz(check)
