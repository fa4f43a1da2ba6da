"""The hardening issue's probes, rerun against the installed command line.

Each probe builds a hostile or clumsy input in a scratch folder, runs one `knowmvg` command
in a child process (with a time limit, its peak memory measured), and classifies what
happened: "clean error" (exit 2, exactly one stderr line naming the input), "ok" (exit 0 and
the expected output), "traceback", "hang" (the time limit), "data lost" (an output that
should be there is not, or one that should not be is), "memory" (peak RSS over the probe's
bound). Usage:

    .venv/bin/python bench/hardening_probes.py [--keep DIR]

Prints a table, then one JSON object on its last line: {"probes": N, "as_expected": M,
"results": {name: outcome}}.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests import hostile_files as hostile  # noqa: E402  (the tests' hostile inputs)

DEMO = REPO / "resources" / "demo" / "chest-pa-001"
KNOWMVG = [sys.executable, "-m", "knowmvg_viewer.cli"]


@dataclass
class Run:
    code: int | None  # None: killed at the time limit
    stdout: bytes
    stderr: str
    seconds: float
    peak_mb: float


def run(args: list[str], *, timeout: float = 120, cwd: Path | None = None) -> Run:
    """One child process; its peak RSS as GNU time measures it."""
    with tempfile.NamedTemporaryFile(suffix=".rss") as rss:
        command = ["/usr/bin/time", "-f", "%M", "-o", rss.name, *args]
        start = time.perf_counter()
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            start_new_session=True,
        )
        try:
            out, err = child.communicate(timeout=timeout)
            code = child.returncode
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            out, err = child.communicate()
            code = None
        seconds = time.perf_counter() - start
        text = Path(rss.name).read_text().strip().splitlines()
    peak_mb = int(text[-1]) / 1024 if text and text[-1].isdigit() else float("nan")
    stderr = err.decode("utf-8", "replace")
    stderr = "\n".join(line for line in stderr.splitlines() if not line.startswith("Command "))
    return Run(code, out, stderr, seconds, peak_mb)


def classify(result: Run, path: Path | str, *, max_mb: float = 1500) -> str:
    """'clean error' for exit 2 with one stderr line naming the input."""
    if result.code is None:
        return "hang"
    if "Traceback" in result.stderr:
        return "traceback"
    if result.peak_mb > max_mb:
        return f"memory ({result.peak_mb:.0f} MB)"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if result.code == 2 and len(lines) == 1 and str(path) in lines[0]:
        return "clean error"
    if result.code == 0:
        return "ok"
    return f"exit {result.code}, {len(lines)} stderr lines"


# -- hostile inputs: the tests' own (tests/hostile_files.py) --------------------------------
def thin_png(path: Path) -> Path:
    import cv2

    cv2.imwrite(str(path), np.full((300, 1), 128, np.uint8))
    return path


def tampered_model(folder: Path, change: dict) -> Path:
    source = REPO / "resources" / "models" / "knowmvg-tiny"
    shutil.copytree(source, folder)
    config = json.loads((folder / "config.json").read_text())
    for key, value in change.items():
        if key.startswith("lm."):
            config["lm"][key[3:]] = value
        else:
            config[key] = value
    (folder / "config.json").write_text(json.dumps(config))
    return folder


# -- the probes ----------------------------------------------------------------------------
def probes(scratch: Path) -> list[tuple[str, str, Callable[[], str]]]:
    """(name, expected outcome, probe) in the issue's order."""
    report = ["--report-text", "Small left pleural effusion."]

    def info(make: Callable[[Path], Path], name: str, max_mb: float = 1500) -> Callable[[], str]:
        def probe() -> str:
            path = make(scratch / name)
            return classify(run([*KNOWMVG, "info", str(path)]), path, max_mb=max_mb)

        return probe

    def render(make: Callable[[Path], Path], name: str) -> Callable[[], str]:
        def probe() -> str:
            path = make(scratch / name)
            out = scratch / f"{name}.png"
            result = run([*KNOWMVG, "render", str(path), str(out), "--overwrite"])
            outcome = classify(result, path)
            return outcome if outcome != "ok" or out.exists() else "data lost"

        return probe

    def ground_with_model(change: dict, name: str) -> Callable[[], str]:
        def probe() -> str:
            model = tampered_model(scratch / name, change)
            result = run([*KNOWMVG, "ground", str(DEMO), *report, "--model", str(model)])
            return classify(result, model, max_mb=2000)

        return probe

    def thin() -> str:
        path = thin_png(scratch / "thin.png")
        return classify(run([*KNOWMVG, "ground", str(path), *report, "--json", "-"]), path)

    def batch_kill() -> str:
        root = scratch / "kill-in"
        for n in range(5):
            shutil.copytree(DEMO, root / f"study-{n}")
        out = scratch / "kill-out"
        command = [*KNOWMVG, "ground", str(root), "--out-dir", str(out)]
        broken_after_kill = 0
        for delay in (4.0, 5.5, 7.0, 8.5, 10.0):
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            child.send_signal(signal.SIGKILL)
            child.wait()
            for n in range(5):
                if (out / f"study-{n}.json").exists():
                    present = [
                        s
                        for s in (".png", ".sr.dcm", ".pr.dcm")
                        if (out / f"study-{n}{s}").exists()
                    ]
                    broken_after_kill += len(present) != 3
        run(command, timeout=300)
        complete = all(
            (out / f"study-{n}{s}").exists()
            for n in range(5)
            for s in (".json", ".png", ".sr.dcm", ".pr.dcm")
        )
        leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
        if broken_after_kill or not complete or leftovers:
            return f"data lost ({broken_after_kill} partial, leftovers {leftovers})"
        return "ok"

    def sr_fails() -> str:
        study = scratch / "odd-time"
        shutil.copytree(DEMO, study)
        ds = pydicom.dcmread(study / "image.dcm")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds.StudyTime = "15:18:59"
        ds.save_as(study / "image.dcm")
        out = scratch / "odd-out"
        result = run([*KNOWMVG, "ground", str(study), "--out-dir", str(out)])
        kept = (out / "odd-time.json").exists() and (out / "odd-time.png").exists()
        if "Traceback" in result.stderr:
            return "traceback"
        return "ok (JSON, PNG kept; no SR said)" if kept and result.code == 2 else "data lost"

    def dot_out() -> str:
        study = scratch / "dot-study"
        shutil.copytree(DEMO, study)
        run([*KNOWMVG, "ground", ".", "--out-dir", "../dot-out"], cwd=study)
        beside = [p.name for p in scratch.iterdir() if p.name.startswith("dot-out.")]
        inside = (scratch / "dot-out" / "dot-study.json").exists()
        return "ok" if inside and not beside else f"data lost (beside OUT: {beside})"

    def overwrite_special() -> str:
        fifo = scratch / "out.fifo"
        os.mkfifo(fifo)
        link_target = scratch / "target.png"
        link_target.write_bytes(b"old")
        link = scratch / "link.png"
        link.symlink_to(link_target)
        image = DEMO / "image.dcm"
        run([*KNOWMVG, "render", str(image), str(link), "--overwrite"])
        fifo_result = run([*KNOWMVG, "render", str(image), str(fifo), "--overwrite"], timeout=30)
        stdout = run([*KNOWMVG, "render", str(image), "/dev/stdout"])
        kept = link.is_symlink() and stat.S_ISFIFO(fifo.stat().st_mode)
        png_on_stdout = stdout.code == 0 and stdout.stdout.startswith(b"\x89PNG")
        fifo_ok = fifo_result.code == 2 and "nobody reads" in fifo_result.stderr
        return "ok" if kept and png_on_stdout and fifo_ok else "data lost"

    def own_sr() -> str:
        study = scratch / "own-sr"
        study.mkdir()
        shutil.copy(DEMO / "image.dcm", study / "image.dcm")
        run([*KNOWMVG, "ground", str(study), *report, "--sr", str(study / "ai.sr.dcm")])
        result = run([*KNOWMVG, "ground", str(study), "--json", "-"])
        if result.code != 0:
            return classify(result, study)
        text = json.loads(result.stdout)["results"][0]["report"]
        return "ok (not taken as the report)" if text == "" else "wrong report"

    def report_dev_zero() -> str:
        return classify(
            run([*KNOWMVG, "ground", str(DEMO), "--report", "/dev/zero"], timeout=60), "/dev/zero"
        )

    def report_fifo() -> str:
        fifo = scratch / "report.fifo"
        os.mkfifo(fifo)
        return classify(
            run([*KNOWMVG, "ground", str(DEMO), "--report", str(fifo)], timeout=60), fifo
        )

    def report_utf16() -> str:
        path = scratch / "report-utf16.txt"
        path.write_bytes("FINDINGS: Small left pleural effusion.".encode("utf-16"))
        result = run([*KNOWMVG, "ground", str(DEMO), "--report", str(path), "--json", "-"])
        findings = json.loads(result.stdout)["results"][0]["findings"] if result.code == 0 else []
        return "ok" if findings else f"wrong ({len(findings)} findings)"

    return [
        (
            "1 RLE 65535x65535 (7.8 KB)",
            "clean error",
            info(hostile.rle_huge, "rle_huge.dcm", max_mb=600),
        ),
        (
            "2 deflate bomb (inflates to 2 GB)",
            "clean error",
            info(hostile.deflate_bomb, "bomb.dcm", max_mb=1000),
        ),
        ("4 pylibjpeg-rle panic", "clean error", info(hostile.rle_panic, "panic.dcm")),
        ("5 VOI LUT of 2000 bits", "ok", render(hostile.voi_lut_of_2000_bits, "voi_bits.dcm")),
        (
            "6 Modality LUT shorter than descriptor",
            "clean error",
            render(hostile.short_modality_lut, "mlut_short.dcm"),
        ),
        (
            "7 8-bit Modality LUT over 255",
            "clean error",
            render(hostile.eight_bit_modality_lut_over_255, "mlut_8bit.dcm"),
        ),
        (
            "8 NaN rescale with a VOI LUT",
            "clean error",
            render(hostile.nan_rescale_with_voi_lut, "nan_voi.dcm"),
        ),
        ("9 image 1 pixel wide", "clean error", thin),
        ("10 config hidden size 0", "clean error", ground_with_model({"lm.hidden_size": 0}, "m1")),
        (
            "10 config hidden size 1e9",
            "clean error",
            ground_with_model({"lm.hidden_size": 10**9}, "m2"),
        ),
        ("10 config image_size -5", "clean error", ground_with_model({"image_size": -5}, "m3")),
        (
            "10 config image_size 200000",
            "clean error",
            ground_with_model({"image_size": 200000}, "m4"),
        ),
        (
            "10 config layers 100000",
            "clean error",
            ground_with_model({"decoder_layers": 100000}, "m5"),
        ),
        ("10 config wrong type", "clean error", ground_with_model({"image_size": "big"}, "m6")),
        ("14 batch killed 5 times, rerun", "ok", batch_kill),
        ("15 only the SR cannot be built", "ok (JSON, PNG kept; no SR said)", sr_fails),
        ("16 ground . --out-dir ../out", "ok", dot_out),
        ("17 --overwrite on FIFO/symlink, /dev/stdout", "ok", overwrite_special),
        ("18 own AI SR in the study folder", "ok (not taken as the report)", own_sr),
        ("19 --report /dev/zero", "clean error", report_dev_zero),
        ("19 --report FIFO", "clean error", report_fifo),
        ("19 UTF-16 report", "ok", report_utf16),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    args = parser.parse_args()
    scratch = Path(args.keep or tempfile.mkdtemp(prefix="knowmvg-probes-"))
    scratch.mkdir(parents=True, exist_ok=True)
    results: dict[str, str] = {}
    try:
        for name, expected, probe in probes(scratch):
            start = time.perf_counter()
            try:
                outcome = probe()
            except Exception as exc:  # a probe that cannot run is reported, not fatal
                outcome = f"probe failed: {type(exc).__name__}: {exc}"
            results[name] = outcome
            mark = "as expected" if outcome == expected else f"EXPECTED {expected}"
            print(
                f"{name:44s} {outcome:36s} {mark} ({time.perf_counter() - start:.1f} s)", flush=True
            )
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    expected = {name: want for name, want, _ in probes(Path(tempfile.gettempdir()))}
    summary = {
        "probes": len(results),
        "as_expected": sum(results[name] == expected[name] for name in results),
        "results": results,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
