"""Where exports go (hardening issue, item 17): only regular files are replaced; a link
stays a link, a FIFO or /dev/stdout is written into, a folder or socket is left alone."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading

import pytest

from knowmvg_viewer.export.atomic import write_bytes_atomic


def test_an_existing_fifo_is_written_into_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    received: list[bytes] = []
    ready = threading.Event()

    def read() -> None:
        with fifo.open("rb") as stream:
            ready.set()
            received.append(stream.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for _ in range(200):  # the reader opens the FIFO; the writer needs it open
        try:
            write_bytes_atomic(fifo, b'{"a": 1}', overwrite=True)
            break
        except OSError:
            ready.wait(0.01)
    reader.join(timeout=5)
    assert received == [b'{"a": 1}']
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # not replaced by a regular file


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="a FIFO that nobody reads"):
        write_bytes_atomic(fifo, b"x", overwrite=True)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_null_takes_the_bytes_and_is_left_a_device():
    write_bytes_atomic("/dev/null", b"x", overwrite=True)
    write_bytes_atomic("/dev/null", b"x")  # writing into a stream is not overwriting a file
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symlink_stays_a_link_and_its_target_gets_the_bytes(tmp_path):
    target = tmp_path / "real.json"
    target.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with pytest.raises(FileExistsError):
        write_bytes_atomic(link, b"new")
    write_bytes_atomic(link, b"new", overwrite=True)
    assert link.is_symlink() and target.read_bytes() == b"new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "absent.json")
    write_bytes_atomic(dangling, b"made")
    assert dangling.is_symlink() and (tmp_path / "absent.json").read_bytes() == b"made"


def test_a_folder_or_a_socket_is_never_replaced(tmp_path):
    folder = tmp_path / "out.png"
    folder.mkdir()
    with pytest.raises(OSError, match="not a regular file"):
        write_bytes_atomic(folder, b"x", overwrite=True)
    assert folder.is_dir()
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(OSError, match="not a regular file"):
            write_bytes_atomic(path, b"x", overwrite=True)
        assert stat.S_ISSOCK(path.stat().st_mode)
    finally:
        server.close()


def test_render_to_dev_stdout_writes_the_png_to_the_pipe(demo_study):
    image = next(p for p in sorted(demo_study.iterdir()) if p.suffix == ".dcm")
    done = subprocess.run(
        [sys.executable, "-m", "knowmvg_viewer.cli", "render", str(image), "/dev/stdout"],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"\x89PNG\r\n\x1a\n")
