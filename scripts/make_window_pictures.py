"""Pictures of the viewer as a user sees it, for the guide and for review:

- `--screen PNG`: the whole screen with the window as it opens (no saved geometry), the demo
  study grounded. Run it under a real X server, e.g. a 1920x1080 Xvfb:
      xvfb-run -s "-screen 0 1920x1080x24" \\
          .venv/bin/python scripts/make_window_pictures.py --screen out.png
- `--export PNG`: the viewer's own PNG export of a film with a dozen findings and a ruler,
  made through the export flow (PNG + JSON sidecar), to check that the caption margin holds
  them all and the film stays whole.

Settings and caches go to a scratch folder; nothing of the user's is read or written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from knowmvg_viewer.resources import demo_study_dir  # noqa: E402
from knowmvg_viewer.ui.app import wait_for_grounding, wait_for_load  # noqa: E402
from knowmvg_viewer.ui.main_window import MainWindow  # noqa: E402

# A report of ours with twelve positive findings in the zones of the demo film.
TWELVE_FINDINGS = """FINDINGS:
Endotracheal tube tip 4 cm above the carina. Right internal jugular central venous catheter
with its tip in the lower SVC. Enteric tube courses below the diaphragm.
Patchy consolidation in the right lower lobe. Small left pleural effusion.
The heart is enlarged. 1.5 cm nodule in the left upper zone.
Left basilar atelectasis. Mild interstitial oedema.
Small right apical pneumothorax. Elevated right hemidiaphragm.
Old healed fracture of the left seventh rib.

IMPRESSION:
Right lower lobe pneumonia. Small right pneumothorax.
"""


def settle(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def open_grounded(window: MainWindow, path: Path) -> None:
    window.open_path(path)
    if not wait_for_load(window):
        raise SystemExit(f"{path}: {window.last_error}")
    wait_for_grounding(window)


def screen_picture(out: Path) -> None:
    window = MainWindow()
    window.remember_geometry = False
    window.show()
    open_grounded(window, demo_study_dir())
    window.session.select(0)
    settle()
    screen = QGuiApplication.primaryScreen()
    size = screen.geometry()
    print(f"screen {size.width()}x{size.height()}, window {window.width()}x{window.height()}")
    screen.grabWindow(0).save(str(out))
    window.close()


def export_picture(out: Path, scratch: Path) -> None:
    study = scratch / "twelve"
    study.mkdir()
    shutil.copy(demo_study_dir() / "image.dcm", study / "image.dcm")
    (study / "report.txt").write_text(TWELVE_FINDINGS)
    window = MainWindow()
    window.remember_geometry = False
    window.show()
    open_grounded(window, study)
    session = window.session
    session.add_measurement((420.0, 1180.0), (1290.0, 1180.0))  # a cardiac width, say
    png, sidecar = window.exports.export_to(out, overwrite=True)
    boxed = len(session.findings.boxed_indices())
    print(f"{png}: {boxed} boxed findings of {len(session.findings.findings)}; {sidecar}")
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", type=Path, metavar="PNG")
    parser.add_argument("--export", type=Path, metavar="PNG")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        app = QApplication.instance() or QApplication([])
        app.setOrganizationName("KnowMVG-pictures")
        if args.screen is not None:
            screen_picture(args.screen)
        if args.export is not None:
            export_picture(args.export, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
