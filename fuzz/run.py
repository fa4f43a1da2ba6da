"""Run the fuzz targets one after another, each for a set time, and summarise each run.

    python fuzz/run.py --seconds 60                  # every target
    python fuzz/run.py --seconds 1200 dicom report   # some of them
    python fuzz/run.py --reproduce dicom FILE...     # one input, its exception and traceback

Seeds are built once into fuzz/seeds/<target>/; what the fuzzer finds goes into
fuzz/corpus/<target>/ (kept between runs) and fuzz/artifacts/<target>/ (findings, timeouts,
out-of-memory inputs). All three folders are ignored by git. Exit status 1 when a run left
a finding or an artifact.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parent
TARGETS = ("dicom", "report", "sr", "gsps", "multipart")
LIBFUZZER_FLAGS = ["-rss_limit_mb=2048", "-timeout=10", "-print_final_stats=1"]
STATUS = re.compile(r"^#(\d+)\s+(\w+)\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+).*?exec/s: (\d+)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="per target (default 60)")
    parser.add_argument("--reproduce", metavar="TARGET", choices=TARGETS)
    parser.add_argument("names", nargs="*", help=f"targets ({', '.join(TARGETS)}) or files")
    args = parser.parse_args(argv)
    if args.reproduce:
        return reproduce(args.reproduce, [Path(name) for name in args.names])
    unknown = sorted(set(args.names) - set(TARGETS))
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(TARGETS)}")
    results = [run(target, args.seconds) for target in args.names or TARGETS]
    print("\ntarget     seconds  executions  exec/s   cov    ft  corpus  left")
    print("\n".join(line for line, _ in results))
    return 1 if any(left for _, left in results) else 0


def run(target: str, seconds: int) -> tuple[str, int]:
    """Fuzz TARGET for SECONDS; one summary line, and how many inputs it left in artifacts."""
    seeds, corpus, artifacts = (
        FUZZ_DIR / kind / target for kind in ("seeds", "corpus", "artifacts")
    )
    if not seeds.is_dir() or not any(seeds.iterdir()):
        sys.path.insert(0, str(FUZZ_DIR))
        print(f"{target}: built {importlib.import_module('seeds').build(target, seeds)} seeds")
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    before = set(artifacts.iterdir())
    command = [
        sys.executable,
        str(FUZZ_DIR / f"fuzz_{target}.py"),
        str(corpus),
        str(seeds),
        f"-max_total_time={seconds}",
        f"-artifact_prefix={artifacts}/",
        *LIBFUZZER_FLAGS,
    ]
    env = dict(os.environ, KNOWMVG_FUZZ_ARTIFACTS=str(artifacts))
    print(f"\n== {target}: {' '.join(command)}", flush=True)
    started = time.monotonic()
    status, executed = None, None
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process:
        for line in process.stderr:
            sys.stderr.write(line)
            status = STATUS.match(line) or status
            if line.startswith("stat::number_of_executed_units:"):
                executed = int(line.split(":")[-1])
    elapsed = time.monotonic() - started
    new = sorted(p for p in set(artifacts.iterdir()) - before if p.suffix != ".txt")
    for path in new:
        print(f"{target}: left {path}")
    runs = executed if executed is not None else int(status.group(1)) if status else 0
    cov, ft, corp = (status.group(3), status.group(4), status.group(5)) if status else ("-",) * 3
    line = (
        f"{target:<10} {elapsed:7.0f} {runs:11d} {runs / max(elapsed, 1):7.0f} "
        f"{cov:>5} {ft:>5} {corp:>7} {len(new):5d}"
    )
    return line, len(new)


def reproduce(target: str, files: list[Path]) -> int:
    """Feed FILES to TARGET's check without catching anything (no libFuzzer, no atheris
    instrumentation needed): the first broken contract raises with its traceback."""
    sys.path.insert(0, str(FUZZ_DIR))
    sys.argv = [sys.argv[0]]
    module = importlib.import_module(f"fuzz_{target}")
    if hasattr(module, "small_limits"):
        module.small_limits()
    for path in files:
        module.check(path.read_bytes())
        print(f"{path}: within the contract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
