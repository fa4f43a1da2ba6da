"""Atomic file writes: a reader never sees a half-written export.

Files get the mode every other tool gives them (0666 less the umask), so an export in a shared
reading-room folder is readable by colleagues; `mkstemp`'s private 0600 is not used.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

import cv2
import numpy as np


def write_bytes_atomic(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`.

    Raises FileExistsError when `path` exists and `overwrite` is false; on any
    failure the temporary file is removed and `path` is untouched.

    Only regular files are replaced. A symbolic link stays a link: its target is written.
    A stream that exists (a FIFO, /dev/stdout, /dev/null) is written into, not replaced by
    a file, overwrite or not; anything else (a folder, a block device, a socket) is an
    OSError and is left alone.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode  # of what a link points to
    except FileNotFoundError:
        mode = None
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        _write_stream(path, data)  # through any link: /dev/stdout -> /proc/self/fd/1 -> pipe
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file (not replaced)", str(path))
    if mode is not None and not overwrite:
        raise FileExistsError(f"{path}: already exists (not overwritten)")
    fd, tmp_name = _create_temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _write_stream(path: Path, data: bytes) -> None:
    """Write into an existing FIFO or character device. A FIFO nobody reads is an error
    (ENXIO), never a hang: it is opened non-blocking, then written blocking."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "a FIFO that nobody reads", str(path)) from None
        raise
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new hidden file beside `path`, opened for writing, mode 0666 less the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of an 8-bit grey (H, W) or RGB (H, W, 3) array."""
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    ok, buffer = cv2.imencode(".png", pixels)
    if not ok:
        raise ValueError(f"PNG encoding failed for an array of shape {pixels.shape}")
    return buffer.tobytes()
