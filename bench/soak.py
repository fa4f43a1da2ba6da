"""Soak test: the real viewer window (offscreen) opens, grounds, exports and leaves study after
study in a loop, for 30 minutes by default, and reports memory and handles at the start, after
a warm-up and at the end, and every error.

Each iteration opens the next study of the set (the bundled demo studies, pydicom-data's real
CR chest film RG1 uncompressed and JPEG 2000 with the example reports in docs/examples/rg1,
RG1 alone without a report, synthetic DICOM studies and a synthetic PNG with a sidecar
report), waits for the grounding with the bundled default model, grounds one free-text query,
shows the second image of a multi-image study, selects a boxed finding, toggles the heatmap
off and on, and exports the annotated PNG + JSON, the DICOM SR, the secondary capture and
(when the viewer has it) the presentation state into a temporary folder deleted after the
iteration. Opening the next study replaces the current one, as in use.

After every cycle over the study set it samples, after a garbage collection: resident memory
(this process, and apart the decoding child), open file descriptors, Python and OS threads, Qt
widgets, the QObjects under the window and the items in the image's scene; every sample has
the same study open, and the run ends with a whole cycle (up to a few minutes past --minutes
on a busy machine). The baseline is the first sample after the warm-up; target: resident
memory grows by at most 50 MB after it, and handles do not grow.
An error is an exception (in the loop, a Qt slot or a thread), a failed or timed-out load or
grounding, a message box shown to the user, or a Qt critical message; the first ten are kept.
Log records at ERROR (which also reach the user as a message), Python warnings and Qt warnings
are counted apart. None's reference count is sampled too: on Python 3.11 (None is not yet
immortal) a C extension that returns None without a reference makes it fall on every call until
the interpreter aborts ("Fatal Python error: none_dealloc"); PySide6 6.12.0 does so on every Qt
method returning void. The run stops with an error before that, reports (target not met) and
exits with status 1 without the interpreter's teardown, which would abort it.

Usage (offscreen; settings and caches go to a temporary folder, never the user's own):

    .venv/bin/python bench/soak.py [--minutes 30] [--warmup-minutes 3] [--out soak.json]
        [--model DIR] [--diagnose [--trace-allocations]]

--diagnose also diffs the live Python objects by type between the warm-up and the end, and
--trace-allocations (much slower) the allocation sites, with tracemalloc, to find what grows.
On a shared machine the iterations are slower and fewer fit in the time.
Prints a short summary and, on its last line, one JSON object.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
import warnings
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_GROWTH_MB = 50.0
WAIT_S = 300.0  # one open or grounding on a busy 2-core machine
KEPT_ERRORS = 10
SYNTHETIC_SEEDS = (7_100_001, 7_100_002, 7_100_003)
QUERY = "right lower lobe"
MB = 1024 * 1024
# None's reference count: below this, a few more iterations of a C extension that releases
# None without owning it would abort the interpreter ("none_dealloc"); the run stops first.
NONE_REFS_FLOOR = 20_000


# -- the studies ---------------------------------------------------------------------------
def prepare_studies(root: Path) -> list[Path]:
    """The study set, written under ROOT where it is not bundled: paths to open in turn."""
    from knowmvg_viewer.resources import demo_study_dir
    from model_core.data.synthetic.export import write_study_folders

    demo = demo_study_dir().parent
    studies = sorted(p for p in demo.iterdir() if p.is_dir())
    studies += real_film_studies(root / "rg1")
    studies += write_study_folders(root / "synthetic", SYNTHETIC_SEEDS)
    studies.append(synthetic_png(root / "png", SYNTHETIC_SEEDS[0] + 100))
    return studies


def real_film_studies(folder: Path) -> list[Path]:
    """pydicom-data's CR chest film RG1, uncompressed and JPEG 2000 lossless, each with one
    of the example reports, and the uncompressed file alone (no report: nothing grounded)."""
    from pydicom.data import get_testdata_file

    reports = sorted((REPO_ROOT / "docs" / "examples" / "rg1").glob("*.txt"))
    studies = []
    for name, report in zip(("RG1_UNCR.dcm", "RG1_J2KR.dcm"), reports, strict=False):
        study = folder / Path(name).stem
        study.mkdir(parents=True)
        shutil.copy(get_testdata_file(name), study / "image.dcm")
        shutil.copy(report, study / "report.txt")
        studies.append(study)
    alone = folder / "no-report"
    alone.mkdir()
    shutil.copy(get_testdata_file("RG1_UNCR.dcm"), alone / "RG1_UNCR.dcm")
    return [*studies, alone / "RG1_UNCR.dcm"]


def synthetic_png(folder: Path, seed: int) -> Path:
    """A synthetic film as a 16-bit PNG with its report beside it (a non-DICOM source)."""
    import cv2
    import numpy as np

    from model_core.data.synthetic.generator import display_image, generate_study

    folder.mkdir(parents=True)
    study = generate_study(seed)
    path = folder / "film.png"
    cv2.imwrite(str(path), np.rint(display_image(study) * 65535).astype(np.uint16))
    (folder / "film.txt").write_text(study.report)
    return path


# -- measuring -----------------------------------------------------------------------------
def resident_mb() -> tuple[float, float]:
    """Resident memory of this process and of its children (the decoder), in MB."""
    try:
        import psutil
    except ImportError:
        return _vm_rss_kb("self") / 1024, 0.0
    process = psutil.Process()
    children = 0
    for child in process.children(recursive=True):
        try:
            children += child.memory_info().rss
        except psutil.Error:  # a child that just ended
            pass
    return process.memory_info().rss / MB, children / MB


def _vm_rss_kb(pid: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return float(line.split()[1])
    return 0.0


def sample(window) -> dict:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    gc.collect()
    rss, children = resident_mb()
    return {
        "rss_mb": round(rss, 1),
        "decoder_rss_mb": round(children, 1),
        "fds": len(os.listdir("/proc/self/fd")),
        "threads": threading.active_count(),
        "os_threads": len(os.listdir("/proc/self/task")),
        "widgets": len(QApplication.allWidgets()),
        "qobjects": len(window.findChildren(QObject)),  # actions, timers, ... under the window
        "scene_items": len(window.view.scene().items()),
        "none_refs": sys.getrefcount(None),  # immortal (huge, constant) from Python 3.12
    }


class ObjectCensus:
    """Live Python objects by type (and, with tracemalloc, allocation sites), to diff."""

    def __init__(self, allocations: bool) -> None:
        self.allocations = allocations
        if allocations:
            import tracemalloc

            tracemalloc.start(12)
        self.counts: collections.Counter | None = None
        self.snapshot = None

    def take(self) -> None:
        gc.collect()
        self.counts = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
        if self.allocations:
            import tracemalloc

            self.snapshot = tracemalloc.take_snapshot()

    def growth(self, top: int = 10) -> tuple[dict, list[str]]:
        before, before_snapshot = self.counts, self.snapshot
        self.take()
        grown = self.counts.copy()
        grown.subtract(before)
        types = {name: n for name, n in grown.most_common(top) if n > 0}
        sites = []
        if self.allocations:
            diff = self.snapshot.compare_to(before_snapshot, "traceback")
            for stat in diff[:top]:
                frames = " <- ".join(f"{f.filename}:{f.lineno}" for f in stat.traceback[:4])
                sites.append(f"{stat.size_diff / 1024:+.0f} KiB in {stat.count_diff:+d}: {frames}")
        return types, sites


# -- driving the window --------------------------------------------------------------------
def wait_until(predicate, timeout_s: float = WAIT_S) -> bool:
    """Run the event loop until PREDICATE holds; False on timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return True
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s

    def check() -> None:
        if predicate() or time.monotonic() > deadline:
            loop.quit()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return predicate()


class Soak:
    """One window, driven as a user would, that records what went wrong."""

    def __init__(self, window) -> None:
        self.window = window
        self.errors: list[str] = []
        self.error_count = 0
        self.shown: set[str] = set()  # messages counted this iteration, not counted again
        self.log_errors: list[str] = []
        self.log_error_count = 0
        self.warnings: collections.Counter = collections.Counter()
        self.context = "start"
        self.loads: list[bool] = []
        self.groundings = 0
        self.exports: collections.Counter = collections.Counter()
        window.load_finished.connect(self.loads.append)
        window.grounding_finished.connect(self._grounded)

    def _grounded(self) -> None:
        self.groundings += 1

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < KEPT_ERRORS:
            self.errors.append(f"{self.context}: {message}")

    def log_error(self, message: str) -> None:
        self.log_error_count += 1
        if len(self.log_errors) < KEPT_ERRORS:
            self.log_errors.append(f"{self.context}: {message}")

    def message_error(self, what: str) -> None:
        """The message the window last showed, once."""
        message = self.window.last_error
        self.shown.add(message)
        self.error(f"{what}: {message}")

    # -- one iteration -----------------------------------------------------------------------
    def iterate(self, study: Path, out: Path) -> None:
        window, session = self.window, self.window.session
        window.last_error = None
        self.shown.clear()
        if not self._open(study):
            return
        if session.can_ground:
            self._ground(lambda: window.grounding.query(QUERY), "query")
        if session.study is not None and len(session.study.images) > 1:
            self._show_image(1)
        boxed = session.findings.boxed_indices()
        session.select(boxed[0] if boxed else None)
        for _ in range(2):  # heatmap off, then on again
            window.actions.heatmap.trigger()
        self._export(out)
        self._collect_messages()

    def _open(self, study: Path) -> bool:
        before_loads, before_grounding = len(self.loads), self.groundings
        self.window.open_path(study)
        if not wait_until(lambda: len(self.loads) > before_loads):
            self.error("the study did not open in time")
            return False
        if not self.loads[-1]:
            self.message_error("the study failed to open")
            return False
        return self._settled(lambda: self.groundings > before_grounding, "grounding")

    def _show_image(self, index: int) -> None:
        before_loads, before_grounding = len(self.loads), self.groundings
        self.window.show_image(index)
        if not wait_until(lambda: len(self.loads) > before_loads):
            self.error(f"image {index} did not show in time")
            return
        if not self.loads[-1]:
            self.message_error(f"image {index} failed to show")
            return
        self._settled(lambda: self.groundings > before_grounding, f"grounding of image {index}")

    def _ground(self, request, what: str) -> None:
        before = self.groundings
        request()
        self._settled(lambda: self.groundings > before, what)

    def _settled(self, ended, what: str) -> bool:
        """Wait for a grounding that starts by itself (or not: no report, no model)."""
        session = self.window.session
        idle = lambda: ended() or not (session.busy or self.window.grounding.pending)  # noqa: E731
        if not wait_until(idle):
            self.error(f"{what} did not end in time")
            return False
        if self.window.last_error and self.window.last_error not in self.shown:
            self.message_error(what)
        return True

    def _export(self, out: Path) -> None:
        from knowmvg_viewer.export.secondary_capture import export_secondary_capture

        window, session = self.window, self.window.session
        jobs = [("png+json", lambda: window.exports.export_to(out / "annotated.png"))]
        if session.image.header is not None:  # DICOM exports need a DICOM source
            if session.findings.findings:
                jobs.append(("sr", lambda: window.exports.export_sr_to(out / "findings-sr.dcm")))
            jobs.append(
                (
                    "sc",
                    lambda: export_secondary_capture(
                        out / "annotated-sc.dcm", session.image, session.annotated_pixels()
                    ),
                )
            )
            gsps = getattr(window.exports, "export_presentation_state_to", None)
            if gsps is not None and session.findings.boxed_indices():
                jobs.append(("gsps", lambda: gsps(out / "findings-pr.dcm")))
        for name, job in jobs:
            try:
                job()
            except Exception as exc:
                self.error(f"{name} export: {type(exc).__name__}: {exc}")
            else:
                self.exports[name] += 1

    def _collect_messages(self) -> None:
        """A message box shown is an error; close it as the user would."""
        from PySide6.QtCore import QCoreApplication, QEvent
        from PySide6.QtWidgets import QApplication, QMessageBox

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                if widget.text() not in self.shown:
                    self.error(f"message shown: {widget.text()}")
                widget.close()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def install_error_hooks(soak: Soak) -> None:
    """Uncaught exceptions (a Qt slot's, a thread's) are errors; log records at ERROR, Python
    warnings and Qt warnings are counted apart (the offscreen platform's notice about size
    hints is not counted)."""

    def uncaught(kind, value, _tb) -> None:
        soak.error("uncaught " + "".join(traceback.format_exception_only(kind, value)).strip())

    def warned(message, category, filename, lineno, file=None, line=None) -> None:
        soak.warnings[f"{category.__name__}: {str(message).splitlines()[0][:120]}"] += 1

    def qt_message(kind, _context, message: str) -> None:
        from PySide6.QtCore import QtMsgType

        if "propagateSizeHints" in message:
            return
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            soak.error(f"Qt: {message}")
        elif kind == QtMsgType.QtWarningMsg:
            soak.warnings[f"Qt: {message[:120]}"] += 1

    from PySide6.QtCore import qInstallMessageHandler

    logging.getLogger().addHandler(ErrorLog(soak))
    sys.excepthook = uncaught
    threading.excepthook = lambda args: uncaught(args.exc_type, args.exc_value, None)
    warnings.showwarning = warned
    qInstallMessageHandler(qt_message)


class ErrorLog(logging.Handler):
    """Log records at ERROR or above (a worker's traceback, for one), kept apart from the
    errors: a failure that also reached the user would count twice."""

    def __init__(self, soak: Soak) -> None:
        super().__init__(logging.ERROR)
        self.soak = soak

    def emit(self, record: logging.LogRecord) -> None:
        self.soak.log_error(f"{record.name}: {record.getMessage().splitlines()[0]}")


# -- the run -------------------------------------------------------------------------------
def isolate_user_state(root: Path) -> None:
    """Settings and caches in ROOT, never the user's own."""
    from PySide6.QtCore import QSettings

    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_CACHE_HOME"] = str(root / "cache")
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(root / "settings"))


def open_window(model: Path | None):
    from knowmvg_viewer.ui.main_window import DEFAULT_SIZE, MainWindow

    window = MainWindow(model, "cpu")
    window.remember_geometry = False
    window.resize(*DEFAULT_SIZE)
    window.show()
    if window.session.model_info is None and window.session.model_error is None:
        wait_until(lambda: window.session.model_info or window.session.model_error)
    if window.session.model_info is None:
        raise SystemExit(f"the model did not load: {window.session.model_error}")
    return window


def run(args: argparse.Namespace, root: Path) -> dict:
    isolate_user_state(root)
    studies = prepare_studies(root / "studies")
    window = open_window(args.model)
    soak = Soak(window)
    install_error_hooks(soak)
    census = ObjectCensus(args.trace_allocations) if args.diagnose else None
    samples = [(0.0, sample(window))]  # (seconds, sample) at the start and after each cycle
    durations: list[float] = []
    warm: int | None = None  # index in samples of the baseline
    began = time.monotonic()
    iteration = 0
    # whole cycles over the study set, so that every sample has the same study open
    while iteration % len(studies) or time.monotonic() - began < args.minutes * 60:
        study = studies[iteration % len(studies)]
        soak.context = f"iteration {iteration} ({study.name})"
        durations.append(one_iteration(soak, study, root))
        iteration += 1
        if sys.getrefcount(None) < NONE_REFS_FLOOR:
            samples.append((time.monotonic() - began, sample(window)))
            stopped = none_released(samples, iteration)
            soak.error(stopped)
            break
        if iteration % len(studies):
            continue
        elapsed = time.monotonic() - began
        samples.append((elapsed, sample(window)))
        if warm is None and elapsed >= args.warmup_minutes * 60:
            warm = len(samples) - 1
            if census is not None:
                census.take()
        print(
            f"[{elapsed / 60:5.1f} min] {iteration} iterations, {samples[-1][1]}, "
            f"errors {soak.error_count}",
            flush=True,
        )
    else:
        stopped = None
    elapsed = time.monotonic() - began
    growth = census.growth() if census is not None and census.counts is not None else None
    window.close()
    result = summary(samples, len(samples) - 1 if warm is None else warm, durations, elapsed)
    result.update(
        versions=versions(),
        stopped_early=stopped,
        warmup_minutes=args.warmup_minutes,
        studies=len(studies),
        study_names=[s.name for s in studies],
        exports=dict(soak.exports),
        errors=soak.error_count,
        first_errors=soak.errors,
        log_errors=soak.log_error_count,
        first_log_errors=soak.log_errors,
        warnings=dict(soak.warnings),
    )
    result["target_met"] = result["target_met"] and stopped is None  # the whole time, or not
    if growth is not None:
        result["object_growth"], result["allocation_growth"] = growth
    return result


def versions() -> dict:
    import PySide6
    import torch

    return {
        "python": sys.version.split()[0],
        "pyside6": PySide6.__version__,
        "torch": torch.__version__,
    }


def none_released(samples: list[tuple[float, dict]], iterations: int) -> str:
    import PySide6

    start, end = samples[0][1]["none_refs"], samples[-1][1]["none_refs"]
    return (
        f"stopped early: None's reference count fell from {start} to {end}, "
        f"{(start - end) / iterations:.0f} per iteration; a C extension releases None without "
        f"owning it, and the interpreter would soon abort (PySide6 {PySide6.__version__}, "
        f"Python {sys.version.split()[0]})"
    )


def one_iteration(soak: Soak, study: Path, root: Path) -> float:
    """Seconds one iteration took; its exports go to a folder deleted after it."""
    tick = time.monotonic()
    out = Path(tempfile.mkdtemp(prefix="iteration-", dir=root))
    try:
        soak.iterate(study, out)
    except Exception as exc:
        soak.error(f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return time.monotonic() - tick


def summary(samples: list[tuple[float, dict]], warm: int, durations, elapsed: float) -> dict:
    start, baseline, end = samples[0][1], samples[warm][1], samples[-1][1]
    after = samples[warm:]
    result = {
        "minutes": round(elapsed / 60, 2),
        "iterations": len(durations),
        "cycles_after_warmup": len(after) - 1,
        "iteration_s_median": round(statistics.median(durations), 2) if durations else None,
        "rss_start_mb": start["rss_mb"],
        "rss_after_warmup_mb": baseline["rss_mb"],
        "rss_end_mb": end["rss_mb"],
        "growth_after_warmup_mb": round(end["rss_mb"] - baseline["rss_mb"], 1),
        "rss_slope_after_warmup_mb_per_h": slope_per_hour(after),
        "max_rss_mb": max(s["rss_mb"] for _, s in samples),
        "decoder_rss_start_mb": start["decoder_rss_mb"],
        "decoder_rss_after_warmup_mb": baseline["decoder_rss_mb"],
        "decoder_rss_end_mb": end["decoder_rss_mb"],
    }
    for key in ("fds", "threads", "os_threads", "widgets", "qobjects", "scene_items", "none_refs"):
        result.update(
            {
                f"{key}_start": start[key],
                f"{key}_after_warmup": baseline[key],
                f"{key}_end": end[key],
            }
        )
    result["target_met"] = result["growth_after_warmup_mb"] <= TARGET_GROWTH_MB
    result["handles_stable"] = all(
        end[key] <= baseline[key] for key in ("fds", "threads", "os_threads", "widgets", "qobjects")
    )
    return result


def slope_per_hour(samples: list[tuple[float, dict]]) -> float | None:
    """Least-squares slope of RSS over time, MB per hour (None with fewer than 3 samples)."""
    if len(samples) < 3:
        return None
    times = [t / 3600 for t, _ in samples]
    values = [s["rss_mb"] for _, s in samples]
    return round(statistics.linear_regression(times, values).slope, 1)


def report(result: dict) -> None:
    print(
        f"{result['iterations']} iterations over {result['studies']} studies in "
        f"{result['minutes']} min (median {result['iteration_s_median']} s each)\n"
        f"RSS start {result['rss_start_mb']} MB, after warm-up {result['rss_after_warmup_mb']} "
        f"MB, end {result['rss_end_mb']} MB: growth {result['growth_after_warmup_mb']} MB "
        f"(target <= {TARGET_GROWTH_MB:.0f}: {'met' if result['target_met'] else 'MISSED'}), "
        f"slope {result['rss_slope_after_warmup_mb_per_h']} MB/h\n"
        f"after warm-up -> end: fds {result['fds_after_warmup']} -> {result['fds_end']}, "
        f"OS threads {result['os_threads_after_warmup']} -> {result['os_threads_end']}, "
        f"widgets {result['widgets_after_warmup']} -> {result['widgets_end']}, QObjects "
        f"{result['qobjects_after_warmup']} -> {result['qobjects_end']}, scene items "
        f"{result['scene_items_after_warmup']} -> {result['scene_items_end']}\n"
        f"errors: {result['errors']}, error log records: {result['log_errors']}"
    )
    for line in result["first_errors"] + result["first_log_errors"]:
        print(f"  {line}")
    for warning, count in result["warnings"].items():
        print(f"  warning x{count}: {warning}")
    if "object_growth" in result:
        print(f"  live objects grown after warm-up: {result['object_growth']}")
    for line in result.get("allocation_growth", []):
        print(f"  {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument(
        "--warmup-minutes", type=float, default=3.0, help="the RSS baseline is taken after it"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON result here")
    parser.add_argument("--model", type=Path, help="model directory (default: bundled)")
    parser.add_argument(
        "--diagnose", action="store_true", help="diff live objects by type after the warm-up"
    )
    parser.add_argument(
        "--trace-allocations",
        action="store_true",
        help="with --diagnose: also diff tracemalloc allocation sites (slow)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("KnowMVG")
    with tempfile.TemporaryDirectory(prefix="knowmvg-soak-") as tmp:
        result = run(args, Path(tmp))
    report(result)
    line = json.dumps(result)
    if args.out is not None:
        args.out.write_text(line + "\n")
    print(line, flush=True)
    if result["stopped_early"]:  # the interpreter's own teardown would release None to zero
        sys.stderr.flush()
        os._exit(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
