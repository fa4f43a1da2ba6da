"""Pictures of the viewer as a user sees it, for the guide and for review:

- `--screen PNG`: the whole screen with the window as it opens (no saved geometry), the demo
  study grounded. Run it under a real X server, e.g. a 1920x1080 Xvfb:
      xvfb-run -s "-screen 0 1920x1080x24" \\
          .venv/bin/python scripts/make_window_pictures.py --screen out.png
- `--pa-lateral PNG`: a synthetic PA + lateral study (one patient, two views): the window as it
  opens on the frontal film, grounded, with the lateral in the thumbnail strip; and beside it
  (`<PNG stem>-lateral.png`) the lateral chosen, which is not grounded and says why.
- `--wrong-side PNG`: the demo film with a report of ours whose "left middle lobe pneumonia"
  (a dictation slip: the left lung has no middle lobe) is boxed on the right: the wrong-side flag.
- `--export PNG`: the viewer's own PNG export of a film with a dozen findings and a ruler,
  made through the export flow (PNG + JSON sidecar), to check that the caption margin holds
  them all and the film stays whole.
- `--review PNG`: the demo study mid-review (issue 13): findings accepted, one rejected, one
  box moved and resized by the reviewer and selected (its handles showing), the progress in
  the status bar.

- `--fine-tune PNG --reviews DIR --site-model DIR`: Review > Fine-tune under way on the
  reviews in DIR (a real job, grabbed at its first training steps, then cancelled); and
  beside it (`<PNG stem>-settings.png`) File > Settings listing the installed models, with
  the fine-tuned model DIR (e.g. the one `bench/site_adaptation.py --work` keeps) installed.

Settings and caches go to a scratch folder; nothing of the user's is read or written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QRectF, QTimer
from PySide6.QtGui import QGuiApplication, QPainter
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


WRONG_SIDE_REPORT = """FINDINGS:
Left middle lobe pneumonia. Small left pleural effusion. The heart is enlarged.
No pneumothorax.

IMPRESSION:
Left middle lobe pneumonia.
"""
PA_LATERAL_SEED = 20_000_123  # a test-split patient


def grab(window: MainWindow, out: Path) -> None:
    settle()
    window.grab().save(str(out))
    print(f"{out}: {window.session.image.view.describe()}, {window.view_label.text()}")


def pa_lateral_pictures(out: Path, scratch: Path) -> None:
    from model_core.data.synthetic.export import dicom_bytes
    from model_core.data.synthetic.generator import generate_study

    study = scratch / "pa-lateral"
    study.mkdir()
    for view in ("lateral", "frontal"):
        film = generate_study(PA_LATERAL_SEED, view=view)
        (study / f"{view}.dcm").write_bytes(dicom_bytes(film))
    (study / "report.txt").write_text(generate_study(PA_LATERAL_SEED).report)
    window = headless_window()
    open_grounded(window, study)
    window.session.select(0)
    grab(window, out)
    with_lateral = out.with_name(f"{out.stem}-lateral{out.suffix}")
    window.thumbnails.setCurrentRow(1)
    wait_for_load(window)
    wait_for_grounding(window)
    grab(window, with_lateral)
    window.close()


def demo_film_with(report: str, folder: Path) -> Path:
    """A study of the demo film with a report of ours."""
    folder.mkdir()
    shutil.copy(demo_study_dir() / "image.dcm", folder / "image.dcm")
    (folder / "report.txt").write_text(report)
    return folder


def wrong_side_picture(out: Path, scratch: Path) -> None:
    window = headless_window()
    open_grounded(window, demo_film_with(WRONG_SIDE_REPORT, scratch / "wrong-side"))
    flagged = [i for i, f in enumerate(window.session.findings.findings) if f.laterality_conflict]
    window.session.select(flagged[0] if flagged else 0)
    grab(window, out)
    print(f"{len(flagged)} finding(s) flagged on the wrong side")
    window.close()


def headless_window() -> MainWindow:
    window = MainWindow()
    window.remember_geometry = False
    window.resize(1400, 900)
    window.show()
    return window


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
    window = MainWindow()
    window.remember_geometry = False
    window.show()
    open_grounded(window, demo_film_with(TWELVE_FINDINGS, scratch / "twelve"))
    session = window.session
    session.add_measurement((420.0, 1180.0), (1290.0, 1180.0))  # a cardiac width, say
    png, sidecar = window.exports.export_to(out, overwrite=True)
    boxed = len(session.findings.boxed_indices())
    print(f"{png}: {boxed} boxed findings of {len(session.findings.findings)}; {sidecar}")
    window.close()


def own_gsps_picture(out: Path, scratch: Path) -> None:
    """The viewer's own GSPS reopened: exported from one window at a narrow lung window,
    inverted, then the folder opened in a fresh window with the AI's boxes hidden, so what is
    on screen (window, polarity, orange boxes and labels) is the presentation state's."""
    folder = demo_film_with(demo_study_dir().joinpath("report.txt").read_text(), scratch / "gsps")
    window = headless_window()
    open_grounded(window, folder)
    window.session.drag_window(-400.0, -250.0)  # narrower and darker than the default
    window.session.toggle_invert()
    written = window.exports.export_presentation_state_to(folder / "findings.pr.dcm")
    print(f"{written}: window {window.session.viewing.window}")
    window.close()
    reopened = headless_window()
    open_grounded(reopened, folder)
    reopened.session.set_overlays(boxes=False, heatmap=False)
    grab(reopened, out)
    print(reopened.session.presentation_text())
    reopened.close()


def review_picture(out: Path) -> None:
    """Review gestures go through the window's review flow (the undo stack), as keys would."""
    window = headless_window()
    window.settings.setValue("review/name", "Dr Anna Smith")
    window.settings.setValue("review/organisation", "St Elsewhere")
    window.review.apply_settings()
    open_grounded(window, demo_study_dir())
    session, review = window.session, window.review
    boxed = session.findings.boxed_indices()
    for index in (boxed[0], boxed[2], boxed[3]):
        session.select(index)
        review.accept()
    session.select(boxed[-1])
    review.reject()
    edited = boxed[1]
    x0, y0, x1, y1 = session.findings.findings[edited].box
    width, height = x1 - x0, y1 - y0
    box = QRectF(x0 - 0.5 * width, y0 - 0.6 * height, 1.7 * width, 1.6 * height)
    review.move_box(edited, box)
    session.select(edited)
    grab(window, out)
    print(f"{window.review_label.text()}; states {session.findings.review_states}")
    window.close()


def fine_tune_pictures(out: Path, reviews: Path, site_model: Path) -> None:
    from knowmvg_viewer.review import ReviewStore
    from knowmvg_viewer.site_models import models_folder
    from knowmvg_viewer.ui.dialogs import SettingsDialog

    shutil.copytree(site_model, models_folder() / site_model.name)
    window = headless_window()
    open_grounded(window, demo_study_dir())
    window.session.review_store = ReviewStore(reviews)
    flow = window.finetune
    flow.confirm_start = lambda text: True
    flow.start()
    while flow.job.running and "Training" not in flow.dialog.labelText():
        settle(500)
    settle(3000)
    picture = window.grab()  # the progress window is its own top-level: drawn over it
    dialog_picture = flow.dialog.grab()
    painter = QPainter(picture)
    corner = picture.rect().center() - dialog_picture.rect().center()
    painter.drawPixmap(corner, dialog_picture)
    painter.end()
    picture.save(str(out))
    print(f"{out}: {flow.dialog.labelText()} {flow.dialog.value()}%")
    flow.cancel()
    while flow.job.running:
        settle(500)
    dialog = SettingsDialog(window.settings, window)
    dialog.model.setCurrentIndex(1)  # the site model, newest first after the bundled one
    dialog.show()
    settle()
    settings_out = out.with_name(f"{out.stem}-settings.png")
    dialog.grab().save(str(settings_out))
    print(f"{settings_out}: {dialog.model.currentText()}; {dialog.model_summary.text()}")
    dialog.close()
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screen", type=Path, metavar="PNG")
    parser.add_argument("--export", type=Path, metavar="PNG")
    parser.add_argument("--pa-lateral", type=Path, metavar="PNG")
    parser.add_argument("--wrong-side", type=Path, metavar="PNG")
    parser.add_argument("--own-gsps", type=Path, metavar="PNG")
    parser.add_argument("--review", type=Path, metavar="PNG")
    parser.add_argument("--fine-tune", type=Path, metavar="PNG")
    parser.add_argument("--reviews", type=Path, metavar="DIR", help="for --fine-tune")
    parser.add_argument("--site-model", type=Path, metavar="DIR", help="for --fine-tune")
    args = parser.parse_args()
    if args.fine_tune is not None and (args.reviews is None or args.site_model is None):
        parser.error("--fine-tune needs --reviews and --site-model")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")  # reviews
        app = QApplication.instance() or QApplication([])
        app.setOrganizationName("KnowMVG-pictures")
        if args.screen is not None:
            screen_picture(args.screen)
        if args.export is not None:
            export_picture(args.export, Path(tmp))
        if args.pa_lateral is not None:
            pa_lateral_pictures(args.pa_lateral, Path(tmp))
        if args.wrong_side is not None:
            wrong_side_picture(args.wrong_side, Path(tmp))
        if args.own_gsps is not None:
            own_gsps_picture(args.own_gsps, Path(tmp))
        if args.review is not None:
            review_picture(args.review)
        if args.fine_tune is not None:
            fine_tune_pictures(args.fine_tune, args.reviews, args.site_model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
