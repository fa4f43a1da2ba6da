"""What the fuzz targets share: a scratch file in tmpfs, small input limits, the contract
checks, and the libFuzzer entry point that records each distinct finding and keeps going.

Standard library only at import time: a target imports this first, then imports the code
under test inside `atheris.instrument_imports()`, so that coverage guides the fuzzer.
"""

from __future__ import annotations

import _thread
import atexit
import hashlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parent
REPO = FUZZ_DIR.parent
# The packages whose Python code is instrumented for coverage.
OURS = ["knowmvg_viewer", "model_core"]
WITH_PYDICOM = [*OURS, "pydicom"]
ARTIFACTS_ENV = "KNOWMVG_FUZZ_ARTIFACTS"  # where findings go (run.py sets it per target)
SLOW_SECONDS = 8.0  # CPU seconds: an input running longer is a finding (before -timeout=10)


class Scratch:
    """One file in a private tmpfs folder, rewritten for every input: the code under test
    reads paths, and it should read them the real way (a path, not an in-memory buffer)."""

    def __init__(self, name: str) -> None:
        root = Path("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir())
        for stale in root.glob("knowmvg-fuzz-*"):  # left by runs libFuzzer ended (no atexit)
            if not _alive(stale.name.rpartition("-")[2]):
                shutil.rmtree(stale, ignore_errors=True)
        self.folder = root / f"knowmvg-fuzz-{os.getpid()}"
        self.folder.mkdir(exist_ok=True)
        self.path = self.folder / name
        atexit.register(shutil.rmtree, self.folder, True)

    def write(self, data: bytes) -> Path:
        self.path.write_bytes(data)
        return self.path


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        pass
    return True


def small_limits() -> None:
    """Input limits far below the defaults, so one input never costs much memory or time;
    the guards they drive are the same code."""
    from knowmvg_viewer.limits import InputLimits, set_limits

    set_limits(
        InputLimits(
            max_pixels=4_000_000,
            max_frame_bytes=32 << 20,
            max_expansion=200.0,
            max_inflated_bytes=32 << 20,
            max_instance_bytes=32 << 20,
        )
    )


def one_line(exc: BaseException) -> None:
    """A documented error is one line, fit for a dialog or stderr."""
    text = str(exc)
    if "\n" in text or "\r" in text:
        raise AssertionError(f"{type(exc).__name__} message is not one line: {text!r}")


def check_sections(report) -> None:
    """A Report's sections index its text exactly: in order, not overlapping, `start <=
    body_start <= end` inside the text, each found again by `section_at`; and its own text
    splits into the same sections again."""
    text, previous_end = report.text, 0
    if "\r" in text:
        raise AssertionError("a carriage return survived normalisation")
    for section in report.sections:
        if not previous_end <= section.start <= section.body_start <= section.end <= len(text):
            raise AssertionError(f"{section} out of order in a text of {len(text)} characters")
        if section.start < section.end and report.section_at(section.start) is not section:
            raise AssertionError(f"section_at({section.start}) is not {section}")
        report.section_text(section.name)
        previous_end = section.end
    if type(report).from_text(text).sections != report.sections:
        raise AssertionError("the report's own text splits into other sections")


def signature(exc: BaseException) -> str:
    """Where a finding happens: its type, the innermost frame, and the innermost frame of our
    own code (two inputs failing the same way count once)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.name != "_stop"]
    ours = [f for f in frames if "/knowmvg_viewer/" in f.filename or "/fuzz/" in f.filename]
    where = [f"{Path(f.filename).name}:{f.lineno}" for f in (frames[-1:] + ours[-1:])]
    return f"{type(exc).__name__} at {' < '.join(where) or 'unknown'}"


class Findings:
    """Saves each input whose exception breaks the contract, once per signature: the input as
    `<signature hash>-<input hash>.bin` and its traceback beside it as `.txt`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: set[str] = set()

    def record(self, data: bytes, exc: BaseException) -> Path | None:
        key = signature(exc)
        if key in self.seen:
            return None
        self.seen.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = hashlib.sha1(key.encode()).hexdigest()[:8] + "-" + hashlib.sha1(data).hexdigest()
        saved = self.folder / f"finding-{stem}.bin"
        saved.write_bytes(data)
        text = "".join(traceback.format_exception(exc))
        (self.folder / f"finding-{stem}.txt").write_text(f"{key}\n\n{text}")
        sys.stderr.write(f"\n==== FINDING {key}\n==== input: {saved}\n{text}\n")
        sys.stderr.flush()
        return saved


class Watchdog:
    """Raises TimeoutError in the main thread when one input runs past SLOW_SECONDS of CPU, so a
    Python-level hang is a finding with its traceback (where it was stuck) and fuzzing goes
    on; a hang inside C code is left to libFuzzer's -timeout. SIGURG, which libFuzzer does
    not use, carries the interruption (libFuzzer's own timer uses SIGALRM)."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.started = seconds, None
        # the main thread's CPU time: on a loaded machine wall time says little
        self.clock = time.pthread_getcpuclockid(threading.main_thread().ident)
        signal.signal(signal.SIGURG, self._stop)
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(0.5)
            if self._overdue():
                _thread.interrupt_main(signal.SIGURG)

    def now(self) -> float:
        return time.clock_gettime(self.clock)

    def _overdue(self) -> bool:
        started = self.started
        return started is not None and self.now() - started > self.seconds

    def _stop(self, signum, frame) -> None:
        if self._overdue():  # still the same input: it did not end meanwhile
            self.started = None
            raise TimeoutError(f"one input still running after {self.seconds:g} s of CPU time")


def fuzz(check: Callable[[bytes], None]) -> None:
    """Run libFuzzer on CHECK with the command line's arguments (corpus folders, -flags).

    An exception out of CHECK is a finding: it is saved (see Findings) and fuzzing goes on,
    so one run reports every distinct finding, an input running past SLOW_SECONDS included
    (Watchdog). Hangs in C code and memory blow-ups are libFuzzer's (-timeout,
    -rss_limit_mb): they stop the run and leave an artifact."""
    import atheris

    warnings.simplefilter("ignore")  # pydicom's notes on damaged input are not findings
    logging.getLogger().addHandler(logging.NullHandler())  # nor our skip warnings
    findings = Findings(Path(os.environ.get(ARTIFACTS_ENV, FUZZ_DIR / "artifacts")))
    watchdog = Watchdog(SLOW_SECONDS)

    def one_input(data: bytes) -> None:
        watchdog.started = watchdog.now()
        try:
            check(data)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # pyo3 panics are BaseExceptions; a finding all the same
            findings.record(data, exc)
        finally:
            watchdog.started = None

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
