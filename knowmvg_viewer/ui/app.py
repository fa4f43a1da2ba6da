"""`knowmvg-viewer`: the desktop application's entry point."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from .._logging import configure_logging
from ..resources import demo_study_dir
from .main_window import APP_NAME, DEFAULT_SIZE, MainWindow

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="knowmvg-viewer", description="Open a chest study.")
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="an image file or a study folder (default: the bundled demo study)",
    )
    parser.add_argument("--model", type=Path, metavar="DIR", help="grounding model directory")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda", "mps"], help="inference device")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="render the window after loading and grounding to PNG, then exit",
    )
    parser.add_argument(
        "--select", type=int, metavar="N", help="select finding N (0-based) before the screenshot"
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def save_screenshot(window: MainWindow, path: Path) -> bool:
    QApplication.processEvents()
    ok = window.grab().save(str(path))
    if not ok:
        log.error("%s: cannot write the screenshot", path)
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("KnowMVG")
    window = MainWindow(args.model, args.device)
    if args.screenshot is not None:  # headless: a fixed size, and nothing remembered
        window.remember_geometry = False
        window.resize(*DEFAULT_SIZE)
    window.show()
    window.open_path(args.path or demo_study_dir())
    if args.screenshot is not None:
        opened = wait_for_load(window)
        if opened:
            wait_for_grounding(window)
        if args.select is not None:
            window.session.select(args.select)
        ok = save_screenshot(window, args.screenshot)
        window.close()
        return 0 if ok and opened else 2
    return app.exec()


def wait_for_load(window: MainWindow, timeout_ms: int = 60_000) -> bool:
    """Block (with the event loop running) until the study opened; False if it failed."""
    outcome: list[bool] = []
    loop = QEventLoop()
    window.load_finished.connect(lambda ok: (outcome.append(ok), loop.quit()))
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    return bool(outcome and outcome[0])


def wait_for_grounding(window: MainWindow, timeout_ms: int = 180_000) -> None:
    """Block (with the event loop running) until the model loaded and grounding ended."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    window.grounding_finished.connect(loop.quit)
    window.model_ready.connect(lambda ok: None if ok else loop.quit())
    session = window.session
    pending = session.model_error is None and (
        session.model_info is None or session.busy or window.grounding.pending
    )
    if pending:
        timer.start(timeout_ms)
        loop.exec()


if __name__ == "__main__":
    sys.exit(main())
