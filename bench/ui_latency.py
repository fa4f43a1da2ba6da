"""Viewer responsiveness: click-to-overlay, heatmap opacity change on a 2k x 2k image, the
longest GUI-thread stall while grounding runs in the worker (a 5 ms heartbeat timer), and
opening a 20-image study folder: time to the first image shown, to all thumbnails, and the
longest GUI stall meanwhile (grounding of the first image runs at the same time, as in use).

Targets on a 2-core CPU: click-to-overlay <= 16 ms, opacity change <= 16 ms, no stall over
50 ms; folder: first image <= 1 s, no stall over 50 ms. Runs offscreen; prints one JSON
object on its last line. Run it with nothing else on the CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from knowmvg_viewer.resources import demo_study_dir  # noqa: E402
from knowmvg_viewer.ui.main_window import MainWindow  # noqa: E402
from model_core.data.synthetic.generator import display_image, generate_study  # noqa: E402

REPEATS = 30
FOLDER_IMAGES = 20


def square_study(folder: Path) -> Path:
    """A 2048 x 2048 synthetic film (16-bit PNG) with its report beside it."""
    study = generate_study(20_999_999, size=2048)
    image = display_image(study)
    side = 2048
    canvas = np.zeros((side, side), np.float32)
    canvas[: image.shape[0], : image.shape[1]] = image[:side, :side]
    path = folder / "film.png"
    cv2.imwrite(str(path), np.rint(canvas * 65535).astype(np.uint16))
    (folder / "film.txt").write_text(study.report)
    return path


def study_folder(folder: Path, film: Path | None = None) -> Path:
    """FOLDER_IMAGES copies of a DICOM film (default: the demo's 2048 x 1700 uncompressed
    16-bit film), with the demo's report."""
    demo = demo_study_dir()
    folder.mkdir()
    for n in range(FOLDER_IMAGES):
        shutil.copy(film or demo / "image.dcm", folder / f"image-{n:02d}.dcm")
    shutil.copy(demo / "report.txt", folder / "report.txt")
    return folder


def open_folder(window: MainWindow, folder: Path) -> dict:
    """Open the folder as the user does; time the first image and the thumbnails."""
    arrived: list[int] = []
    all_arrived = QEventLoop()

    def thumbnail(index: int, *_) -> None:
        arrived.append(index)
        if len(arrived) == FOLDER_IMAGES:
            all_arrived.quit()

    window.session.thumbnail_ready.connect(thumbnail)
    beats, stall = heartbeat()
    start = time.perf_counter()
    window.open_path(folder)
    wait(window, window.load_finished)
    first_image = time.perf_counter() - start
    if len(arrived) < FOLDER_IMAGES:
        QTimer.singleShot(120_000, all_arrived.quit)
        all_arrived.exec()
    thumbnails = time.perf_counter() - start
    longest = stall()
    beats.stop()
    if window.session.busy:
        wait(window, window.grounding_finished)
    return {
        "folder_images": FOLDER_IMAGES,
        "folder_first_image_s": round(first_image, 3),
        "folder_all_thumbnails_s": round(thumbnails, 3),
        "folder_thumbnails_shown": len(arrived),
        "folder_longest_gui_stall_ms": round(longest, 1),
    }


def wait(window: MainWindow, signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def paint_ms(action) -> float:
    start = time.perf_counter()
    action()
    QApplication.processEvents()
    return (time.perf_counter() - start) * 1000.0


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model directory (default: bundled)")
    parser.add_argument(
        "--folder-film",
        type=Path,
        help="the DICOM film the 20-image folder is made of (default: the demo's; try a "
        "JPEG 2000 one, e.g. pydicom-data's RG1_J2KR.dcm, for slow decodes)",
    )
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication([])  # noqa: F841 (keeps Qt alive)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        window = MainWindow(args.model, "cpu")
        window.resize(1400, 900)
        window.show()
        session = window.session
        if session.model_info is None:
            wait(window, window.model_ready)
        path = square_study(Path(tmp))
        window.open_path(path)  # decoded in the worker; grounding starts once it is shown
        wait(window, window.load_finished)
        beats, stall = heartbeat()
        if session.busy:
            wait(window, window.grounding_finished)
        longest_stall = stall()
        beats.stop()
        for phrase in ("left pleural effusion", "right lower lobe"):
            window.grounding.query(phrase)
            wait(window, window.grounding_finished)
        boxed = session.findings.boxed_indices()

        def click(index: int) -> None:
            session.select(index)
            window.view.viewport().repaint()

        clicks = [paint_ms(lambda n=n: click(boxed[n % len(boxed)])) for n in range(REPEATS)]
        overlay_only = []  # selection + the image view painted, before the other widgets
        for n in range(REPEATS):
            start = time.perf_counter()
            click(boxed[n % len(boxed)])
            overlay_only.append((time.perf_counter() - start) * 1000.0)
            QApplication.processEvents()
        opacity = [
            paint_ms(
                lambda v=v: (window.controls.opacity.setValue(v), window.view.viewport().repaint())
            )
            for v in np.linspace(10, 90, REPEATS).astype(int)
        ]
        result = {
            "image": [session.image.width, session.image.height],
            "model": (session.model_info or {}).get("name"),
            "findings": len(session.findings.findings),
            "click_to_overlay_painted_ms_p50": round(statistics.median(overlay_only), 2),
            "click_to_overlay_painted_ms_max": round(max(overlay_only), 2),
            "click_to_window_idle_ms_p50": round(statistics.median(clicks), 2),
            "click_to_window_idle_ms_max": round(max(clicks), 2),
            "opacity_change_ms_p50": round(statistics.median(opacity), 2),
            "opacity_change_ms_max": round(max(opacity), 2),
            "longest_gui_stall_while_grounding_ms": round(longest_stall, 1),
        }
        folder = study_folder(Path(tmp) / "folder", args.folder_film)
        result.update(open_folder(window, folder))
        window.close()
    return result


def heartbeat():
    """A 5 ms timer on the GUI thread; returns (timer, fn giving the longest gap seen)."""
    clock = QElapsedTimer()
    clock.start()
    gaps = {"last": 0, "max": 0.0}

    def tick() -> None:
        now = clock.elapsed()
        gaps["max"] = max(gaps["max"], now - gaps["last"])
        gaps["last"] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    return timer, lambda: float(gaps["max"])


if __name__ == "__main__":
    print(json.dumps(main()))
