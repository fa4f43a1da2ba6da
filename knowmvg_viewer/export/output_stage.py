"""A batch study's outputs, published together: `OUT/<study>.json`, `.png`, `.sr.dcm`,
`.pr.dcm` are either all there or none is, even when the process is killed (`kill -9`).

Each study's files are first written in full into its own staging folder under the hidden
`OUT/.knowmvg-staging/`. Publishing writes a journal naming every rename and removal it
is about to make (fsync'd), makes them (the JSON last), then deletes the journal. A kill
before the journal leaves only a staging folder; a kill after it leaves a journal that the
next run (`recover`) completes. So after any kill and a rerun, each study has either its
complete set or nothing; between the kill and the rerun, a study whose JSON is present is
complete. `recover` also removes the temporary files of atomic writes cut short
(`.<name>.<hex>.part`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
from pathlib import Path

from .atomic import write_bytes_atomic

log = logging.getLogger(__name__)

STAGING_FOLDER = ".knowmvg-staging"
JOURNAL_SUFFIX = ".publish"
_PART_FILE = re.compile(r"^\..+\.[0-9a-f]{8}\.part$")  # atomic.py's temporary names


class OutputStage:
    """Where one study's outputs are written before they are published into `out_dir`."""

    def __init__(self, out_dir: Path, stem: str) -> None:
        self.out_dir = Path(out_dir)
        self.stem = stem
        root = self.out_dir / STAGING_FOLDER
        root.mkdir(exist_ok=True)
        self.folder = root / f"{stem}.{secrets.token_hex(4)}"
        self.folder.mkdir()

    def path(self, final: Path) -> Path:
        """Where to write the output that will be published as `final`."""
        return self.folder / final.name

    def publish(self, finals: list[Path], remove: list[Path] = ()) -> None:
        """Move the staged files for `finals` into place (in that order: put the JSON last)
        and remove the outputs in `remove` (an older run's that this one does not make)."""
        moves = [(str(self.path(final)), str(final)) for final in finals]
        journal = self.folder.with_name(self.folder.name + JOURNAL_SUFFIX)
        record = {"moves": moves, "remove": [str(path) for path in remove]}
        write_bytes_atomic(journal, json.dumps(record).encode("utf-8"))
        _complete(journal, self.folder)

    def discard(self) -> None:
        """Drop whatever was staged (the study failed)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        _remove_if_empty(self.folder.parent)


def recover(out_dir: Path) -> list[str]:
    """Finish the publishes a killed run had started and delete what it left half-made;
    what was done, one line each."""
    out_dir = Path(out_dir)
    done: list[str] = []
    root = out_dir / STAGING_FOLDER
    if root.is_dir():
        for journal in sorted(root.glob(f"*{JOURNAL_SUFFIX}")):
            folder = journal.with_name(journal.name.removesuffix(JOURNAL_SUFFIX))
            try:
                _complete(journal, folder)
            except (OSError, ValueError) as exc:
                done.append(f"could not complete {journal.name} ({exc})")
            else:
                done.append(f"completed the interrupted outputs of {folder.name.rsplit('.', 1)[0]}")
        for leftover in sorted(root.iterdir()) if root.is_dir() else []:
            if leftover.is_dir() and not _journal_of(leftover).exists():
                shutil.rmtree(leftover, ignore_errors=True)
                done.append(f"removed the unfinished outputs of {leftover.name.rsplit('.', 1)[0]}")
            elif leftover.is_file() and _PART_FILE.match(leftover.name):
                leftover.unlink(missing_ok=True)
        _remove_if_empty(root)  # a journal that could not be completed stays for a look
    for part in sorted(out_dir.glob(".*.part")):
        if _PART_FILE.match(part.name) and part.is_file():
            part.unlink(missing_ok=True)
            done.append(f"removed {part.name}, a write cut short")
    for line in done:
        log.info("%s: %s", out_dir, line)
    return done


def _journal_of(folder: Path) -> Path:
    return folder.with_name(folder.name + JOURNAL_SUFFIX)


def _complete(journal: Path, folder: Path) -> None:
    """Make the journal's renames and removals (again: each is idempotent), then forget it."""
    record = json.loads(journal.read_text(encoding="utf-8"))
    for staged, final in record["moves"]:
        if Path(staged).exists():
            os.replace(staged, final)
    for path in record["remove"]:
        Path(path).unlink(missing_ok=True)
    _sync_folder(Path(record["moves"][0][1]).parent if record["moves"] else folder.parent)
    journal.unlink()
    shutil.rmtree(folder, ignore_errors=True)
    _remove_if_empty(folder.parent)


def _remove_if_empty(root: Path) -> None:
    try:
        root.rmdir()  # the staging root is left behind only while it holds something
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """fsync a folder so its renames survive a power cut (not possible on Windows)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
