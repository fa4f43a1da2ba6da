"""Display pipeline timing on the real CR chest film (RG1_J2KR.dcm), against pydicom's path.

Measures open+decode+first render and one window/level drag step at native
resolution, ours and the reference (apply_modality_lut, apply_voi_lut, scale to
8 bits, invert MONOCHROME1) in the same run, and checks they agree within one
grey level. Prints the figures as one JSON object on the last line.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pydicom
from pydicom.pixels import apply_modality_lut, apply_voi_lut

from knowmvg_viewer.study import load_image
from knowmvg_viewer.study.viewing import ViewingState

REPEATS = 30


def chest_film() -> Path:
    import data_store

    return Path(data_store.__file__).parent / "data" / "RG1_J2KR.dcm"


def reference_render(ds: pydicom.Dataset, stored: np.ndarray) -> np.ndarray:
    values = apply_voi_lut(apply_modality_lut(stored, ds), ds).astype(np.float64)
    top = 2.0**ds.BitsStored - 1.0
    scaled = np.rint(values / top * 255.0)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        scaled = 255.0 - scaled
    return scaled.astype(np.uint8)


def median_ms(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main() -> dict:
    path = chest_film()
    start = time.perf_counter()
    state = ViewingState(load_image(path))
    ours_first = state.render()
    open_ms = (time.perf_counter() - start) * 1000.0

    start = time.perf_counter()
    ds = pydicom.dcmread(path)
    stored = ds.pixel_array
    reference_first = reference_render(ds, stored)
    reference_open_ms = (time.perf_counter() - start) * 1000.0
    max_diff = int(np.abs(ours_first.astype(np.int16) - reference_first.astype(np.int16)).max())

    def our_step() -> None:
        state.drag_window(3.0, 2.0)
        state.render()

    def reference_step() -> None:
        ds.WindowCenter = float(ds.WindowCenter) + 50.0
        ds.WindowWidth = float(ds.WindowWidth) + 75.0
        reference_render(ds, stored)

    ours_step_ms = median_ms(our_step)
    reference_step_ms = median_ms(reference_step)
    figures = {
        "file": path.name,
        "size": [state.image.width, state.image.height],
        "cpu_threads": os.cpu_count(),
        "open_decode_first_render_ms": round(open_ms, 1),
        "reference_open_decode_first_render_ms": round(reference_open_ms, 1),
        "drag_step_ms": round(ours_step_ms, 2),
        "reference_drag_step_ms": round(reference_step_ms, 2),
        "drag_speedup": round(reference_step_ms / ours_step_ms, 1),
        "max_grey_level_difference": max_diff,
    }
    figures.update(qt_step(state))
    return figures


def qt_step(state: ViewingState) -> dict:
    """The drag step as the viewer does it, including the QPixmap upload (offscreen Qt)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtWidgets import QApplication

        from knowmvg_viewer.ui.qimage import to_qpixmap
    except ImportError:
        return {}
    _app = QApplication.instance() or QApplication([])

    def step() -> None:
        state.drag_window(3.0, 2.0)
        to_qpixmap(state.render())

    return {"drag_step_with_qpixmap_ms": round(median_ms(step), 2)}


if __name__ == "__main__":
    result = main()
    print(json.dumps(result))
