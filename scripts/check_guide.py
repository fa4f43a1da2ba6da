"""Run every `bash` block of the user guide, in order, in a fresh clone; stop at the first
failure. Proves the guide's commands work as written on a new machine.

    .venv/bin/python scripts/check_guide.py [--guide docs/user-guide.md] [--keep]

The clone is of the current commit (uncommitted changes are not in it); `make setup` builds
its own .venv first. Prints the last lines of output and the failing block on error.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)


def bash_blocks(guide: Path) -> list[str]:
    return BLOCK.findall(guide.read_text(encoding="utf-8"))


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run in its own process group, and end whatever it left in the background."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate()
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guide", type=Path, default=REPO_ROOT / "docs" / "user-guide.md")
    parser.add_argument("--keep", action="store_true", help="keep the clone for inspection")
    parser.add_argument(
        "--reuse", type=Path, metavar="CLONE", help="a kept clone: pull this commit into it"
    )
    args = parser.parse_args()
    blocks = bash_blocks(args.guide)
    scratch = Path(tempfile.mkdtemp(prefix="knowmvg-guide-"))
    clone = args.reuse or scratch / "clone"
    try:
        if args.reuse is None:
            subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True)
        else:
            subprocess.run(["git", "-C", str(clone), "pull", "-q"], check=True)
            shutil.rmtree(clone / "guide-out", ignore_errors=True)
        setup = run(["make", "setup"], clone)
        if setup.returncode != 0:
            print(setup.stdout[-3000:], setup.stderr[-3000:], "make setup failed", sep="\n")
            return 1
        (clone / "guide-out").mkdir()
        for number, block in enumerate(blocks, 1):
            start = time.perf_counter()
            done = run(["bash", "-euo", "pipefail", "-c", block], clone)
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
                print(f"FAILED: block {number} of {len(blocks)} (exit {done.returncode}):")
                print(block)
                return 1
            first = block.strip().splitlines()[0]
            print(f"ok  block {number:2d}/{len(blocks)}  {seconds:6.1f} s  {first[:80]}")
        print(f"all {len(blocks)} bash blocks of {args.guide.name} ran as written")
        return 0
    finally:
        keep_clone = args.keep or args.reuse is not None
        if keep_clone:
            print(f"clone kept in {clone}")
        if not (args.keep and args.reuse is None):  # the temporary folder holds the clone
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
