"""Cold start to the first painted window, on a virtual X server.

Starts Xvfb, launches the viewer (the venv's `knowmvg-viewer`, or the bundle with
`--exe dist/knowmvg-viewer/knowmvg-viewer`) on the demo study, grabs the screen every
~30 ms with `xwd`, and records when it first shows anything (the window painted) and when
it last changed before staying unchanged for 4 s (study shown and grounded). Runs several
times; the first run after `sync; echo 3 > /proc/sys/vm/drop_caches` is a cold start.
Needs the Debian packages xvfb and x11-apps (xwd) and Qt's xcb libraries
(libxcb-icccm4, libxcb-keysyms1, libxcb-cursor0). Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DISPLAY = ":97"
SETTLE_S = 4.0  # unchanged this long: the study is shown and grounded (model load is ~2 s)


def screen() -> bytes:
    """The root window's pixels (XWD, header skipped)."""
    dump = subprocess.run(
        ["xwd", "-root", "-silent", "-display", DISPLAY], capture_output=True, check=True
    ).stdout
    header_size = int.from_bytes(dump[:4], "big")
    colours = int.from_bytes(dump[76:80], "big")
    return dump[header_size + 12 * colours :]


def measure(exe: Path, timeout_s: float) -> dict:
    blank = hashlib.sha1(screen()).digest()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, DISPLAY=DISPLAY, HOME=home, XDG_CONFIG_HOME=f"{home}/config")
        env.pop("QT_QPA_PLATFORM", None)
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(exe)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        first = last_change = None
        previous = blank
        try:
            while time.perf_counter() - start < timeout_s:
                now = hashlib.sha1(screen()).digest()
                elapsed = time.perf_counter() - start
                if now != previous:
                    first = first or elapsed
                    last_change, previous = elapsed, now
                elif last_change is not None and elapsed - last_change > SETTLE_S:
                    break
                time.sleep(0.03)
        finally:
            process.terminate()
            process.wait(10)
    return {"first_paint_s": first, "settled_s": last_change}


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exe", type=Path, default=REPO_ROOT / ".venv" / "bin" / "knowmvg-viewer")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    for tool in ("Xvfb", "xwd"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install xvfb x11-apps")
    server = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
    try:
        time.sleep(1.0)
        runs = [measure(args.exe, args.timeout) for _ in range(args.runs)]
    finally:
        server.terminate()
        server.wait(10)
    firsts = [r["first_paint_s"] for r in runs if r["first_paint_s"] is not None]
    settled = [r["settled_s"] for r in runs if r["settled_s"] is not None]
    return {
        "exe": str(args.exe),
        "runs": [{k: None if v is None else round(v, 2) for k, v in r.items()} for r in runs],
        "first_paint_first_run_s": runs[0]["first_paint_s"] and round(runs[0]["first_paint_s"], 2),
        "first_paint_median_s": round(statistics.median(firsts), 2) if firsts else None,
        "grounded_and_settled_median_s": round(statistics.median(settled), 2) if settled else None,
    }


if __name__ == "__main__":
    print(json.dumps(main()))
