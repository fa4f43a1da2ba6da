"""A hostile DICOMweb server (hardening issue, item 3): an endless WADO-RS part, QIDO-RS
pages that never run out, a QIDO-RS answer without end. Each is refused with one clear
PacsError, within a bounded amount of memory, instead of buffering or paging forever."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from knowmvg_viewer.limits import InputLimits, limits, set_limits
from knowmvg_viewer.pacs import DicomwebNode
from knowmvg_viewer.pacs.cache import StudyCache
from knowmvg_viewer.pacs.client import make_client
from knowmvg_viewer.pacs.errors import ServerFailure
from knowmvg_viewer.pacs.multipart import PartTooLarge, iter_parts

STUDY = "1.2.3.4"
BOUNDARY = "b0undary"


def _study(uid: str) -> dict:
    return {"0020000D": {"vr": "UI", "Value": [uid]}}


class HostileServer(BaseHTTPRequestHandler):
    """Modes: 'endless-part' (WADO-RS), 'endless-pages' (QIDO-RS), 'endless-json'."""

    mode = "endless-part"
    sent = 0  # bytes or studies served, so a test sees the refusal came early

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path.endswith("/instances"):  # the instance list before a retrieve
            instance = {"00080018": {"vr": "UI", "Value": ["1.2.3.4.5"]}}
            offset = int(query.get("offset", ["0"])[0])
            return self._json([instance] if offset == 0 else [])
        if url.path == f"/studies/{STUDY}":
            return self._endless_part()
        if self.mode == "endless-json":
            return self._endless_json()
        offset = int(query.get("offset", ["0"])[0])
        return self._json([_study(f"1.2.{offset + i}") for i in range(10)])  # always fresh

    def _json(self, payload: list) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/dicom+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        type(self).sent += len(payload)

    def _endless_json(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/dicom+json")
        self.end_headers()
        self.wfile.write(b"[")
        try:
            for _ in range(10_000):  # 640 MB if nobody stops reading
                self.wfile.write(json.dumps(_study("1.2.3")).encode() * 1000 + b",")
                type(self).sent += 1
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _endless_part(self) -> None:
        self.send_response(200)
        self.send_header(
            "Content-Type", f'multipart/related; type="application/dicom"; boundary={BOUNDARY}'
        )
        self.end_headers()
        self.wfile.write(f"--{BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n".encode())
        chunk = b"\0" * (1 << 20)
        try:
            for _ in range(4096):  # 4 GB if nobody stops reading
                self.wfile.write(chunk)
                type(self).sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def hostile() -> Iterator[tuple[str, type[HostileServer]]]:
    handler = type("Handler", (HostileServer,), {"sent": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def small_limits() -> Iterator[InputLimits]:
    previous = set_limits(
        InputLimits(max_instance_bytes=8 << 20, max_query_results=50, max_query_bytes=4 << 20)
    )
    try:
        yield limits()
    finally:
        set_limits(previous)


def test_an_endless_wado_part_is_refused_at_the_instance_limit(hostile, small_limits, tmp_path):
    url, handler = hostile
    client = make_client(DicomwebNode(url))
    with pytest.raises(ServerFailure, match="an instance larger than 8 MB") as caught:
        client.retrieve_study(STUDY, tmp_path / "study")
    assert "\n" not in str(caught.value)
    assert handler.sent < 64 << 20  # stopped reading long before the 4 GB the server offers
    assert not (tmp_path / "study").exists()  # all or nothing


def test_qido_pages_without_end_stop_at_the_result_limit(hostile, small_limits):
    url, handler = hostile
    handler.mode = "endless-pages"
    with pytest.raises(ServerFailure, match="more than 50 matches; narrow the search"):
        make_client(DicomwebNode(url)).find_studies()
    assert handler.sent <= 70


def test_an_endless_qido_answer_is_refused_at_the_byte_limit(hostile, small_limits):
    url, handler = hostile
    handler.mode = "endless-json"
    with pytest.raises(ServerFailure, match="an answer larger than 4 MB"):
        make_client(DicomwebNode(url)).find_studies()


def test_a_part_past_the_limit_is_refused_however_it_is_chunked():
    body = b"--b\r\n\r\n" + b"x" * 5000 + b"\r\n--b\r\n\r\nshort\r\n--b--"
    for size in (1, 7, 4096, len(body)):
        chunks = [body[i : i + size] for i in range(0, len(body), size)]
        with pytest.raises(PartTooLarge):
            list(iter_parts(chunks, b"b", max_part_bytes=1000))
        assert list(iter_parts(chunks, b"b", max_part_bytes=5000)) == [b"x" * 5000, b"short"]


def test_limits_come_from_the_environment_and_ignore_nonsense(caplog):
    read = InputLimits.from_environment(
        {
            "KNOWMVG_MAX_PIXELS": "1000",
            "KNOWMVG_MAX_EXPANSION": "2.5",
            "KNOWMVG_MAX_QUERY_RESULTS": "-3",
        }
    )
    assert read.max_pixels == 1000 and read.max_expansion == 2.5
    assert read.max_query_results == InputLimits().max_query_results
    assert "KNOWMVG_MAX_QUERY_RESULTS='-3' is not a positive number" in caplog.text


def _cached(root, uid: str, age_days: float):
    folder = root / uid
    folder.mkdir(parents=True)
    (folder / "1.dcm").write_bytes(b"x" * 1000)
    then = time.time() - age_days * 86400
    os.utime(folder, (then, then))
    return folder


def test_the_study_cache_forgets_studies_past_its_age_limit(tmp_path):
    """It holds full patient data: a study unused for longer than the limit is removed."""
    cache = StudyCache(tmp_path, max_bytes=None, max_age_days=30)
    old, recent = _cached(tmp_path, "1.2.1", 31), _cached(tmp_path, "1.2.2", 29)
    assert cache.evict() == ["1.2.1"]
    assert not old.exists() and recent.exists()
    stale = _cached(tmp_path, "1.2.3", 40)
    assert cache.lookup("1.2.3") is None  # never opened again
    assert not stale.exists()
    assert cache.lookup("1.2.2") == recent


def test_an_age_limit_of_none_keeps_old_studies(tmp_path):
    cache = StudyCache(tmp_path, max_bytes=None, max_age_days=None)
    old = _cached(tmp_path, "1.2.1", 400)
    assert cache.evict() == [] and cache.lookup("1.2.1") == old
