"""Fuzz target: a Grayscale Softcopy Presentation State as a study folder reads it: a
header-only read (`read_dicom`), `read_presentation_state` (presentation_reader.py), then what
the viewer asks of the result for an image it references (window, polarity, drawing in
pixels, what is left out).

Contract: StudyError with one line, or a PresentationState whose questions answer without
raising; any other exception is a finding.
"""

from __future__ import annotations

import atheris
import numpy as np
from _harness import WITH_PYDICOM, Scratch, fuzz, one_line, small_limits

with atheris.instrument_imports(include=WITH_PYDICOM):
    from pydicom.dataset import Dataset

    from knowmvg_viewer.study import RadiographImage, StudyError, read_presentation_state
    from knowmvg_viewer.study.dicom import read_dicom
    from knowmvg_viewer.study.presentation_state import is_presentation_state

scratch = Scratch("state.dcm")


def check(data: bytes) -> None:
    path = scratch.write(data)
    try:
        dataset = read_dicom(path, header_only=True)
        if dataset is None:
            return
        is_presentation_state(dataset)
        state = read_presentation_state(dataset, path)
    except StudyError as exc:
        one_line(exc)
        return
    for reference in state.images[:4]:
        image = _image(reference.sop_instance_uid, reference.frames)
        if not state.applies_to(image):
            raise AssertionError(f"the state does not apply to its own {reference}")
        state.window_for(image)
        state.drawing_for(image)
        state.unsupported_for(image)
    _ = state.inverse


def _image(uid: str, frames: tuple[int, ...]) -> RadiographImage:
    """A small 12-bit film with that SOP Instance UID, at the first frame referenced."""
    header = Dataset()
    header.SOPInstanceUID = uid
    stored = np.zeros((64, 48), dtype=np.uint16)
    image = RadiographImage(path=scratch.path, stored=stored, bits_stored=12, header=header)
    image.frame_index = frames[0] - 1 if frames else 0
    image.modality_slope, image.modality_intercept = 0.5, -1024.0
    return image


if __name__ == "__main__":
    small_limits()
    fuzz(check)
