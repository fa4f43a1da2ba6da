"""A real Orthanc PACS for the PACS tests and bench/pacs_retrieve.py (never a mock).

`OrthancServer` writes a throw-away orthanc.json (loopback ports, temporary storage, our AE
titles registered, DICOMweb plugin on), starts /usr/sbin/Orthanc on it and stops it in
every case. Test scaffolding only: the product never imports this module.
"""

from __future__ import annotations

import base64
import ctypes
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ORTHANC_BINARY = Path("/usr/sbin/Orthanc")
DICOMWEB_PLUGIN = Path("/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
NOT_INSTALLED = "Orthanc not installed: run scripts/install_orthanc.sh"
SERVER_AET = "ORTHANC"
CLIENT_AET = "KNOWMVG"


def orthanc_missing_reason() -> str | None:
    """None when Orthanc and its DICOMweb plugin are installed, else why the tests skip."""
    binary = ORTHANC_BINARY if ORTHANC_BINARY.exists() else shutil.which("Orthanc")
    if binary is None or not DICOMWEB_PLUGIN.exists():
        return NOT_INSTALLED
    return None


def _die_with_parent() -> None:
    """Runs in the child before exec: on Linux, Orthanc gets SIGTERM when we die, so a
    killed test run leaves no server behind."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OrthancServer:
    """One Orthanc process on free loopback ports; use as a context manager.

    `users` turns on HTTP basic authentication ({name: password}); the REST helpers
    here use the first user. `move_port` is where Orthanc sends C-MOVE results for
    our AE title KNOWMVG.
    """

    def __init__(
        self,
        users: dict[str, str] | None = None,
        startup_timeout_s: float = 30.0,
        log_to: Path | None = None,
    ) -> None:
        self.users = dict(users or {})
        self.startup_timeout_s = startup_timeout_s
        self.http_port = free_port()
        self.dicom_port = free_port()
        self.move_port = free_port()
        self.aet = SERVER_AET
        self._workdir = Path(tempfile.mkdtemp(prefix="knowmvg-orthanc-"))
        self._log_to = log_to
        self._process: subprocess.Popen | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        storage = self._workdir / "storage"
        return {
            "Name": "knowmvg-test",
            "StorageDirectory": str(storage),
            "IndexDirectory": str(storage),
            "HttpPort": self.http_port,
            "DicomPort": self.dicom_port,
            "DicomAet": self.aet,
            "DicomCheckCalledAet": True,
            "RemoteAccessAllowed": False,
            "AuthenticationEnabled": bool(self.users),
            "RegisteredUsers": self.users,
            "DicomModalities": {
                "knowmvg": {"AET": CLIENT_AET, "Host": "127.0.0.1", "Port": self.move_port},
            },
            "DicomAlwaysAllowFind": False,
            "DicomAlwaysAllowGet": False,
            "DicomAlwaysAllowMove": False,
            "DicomScuTimeout": 10,
            "DicomScpTimeout": 30,
            "DicomAssociationCloseDelay": 0,
            "SaveJobs": False,
            "StorageCompression": False,
            "OrthancExplorerEnabled": False,
            "WebDavEnabled": False,
            "HttpCompressionEnabled": False,
            "Plugins": [str(DICOMWEB_PLUGIN)],
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": False},
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def dicomweb_url(self) -> str:
        return f"{self.url}/dicom-web"

    @property
    def node_text(self) -> str:
        """The node as the CLI spells it: AET@HOST:PORT."""
        return f"{self.aet}@127.0.0.1:{self.dicom_port}"

    def start(self) -> OrthancServer:
        reason = orthanc_missing_reason()
        if reason is not None:
            raise RuntimeError(reason)
        config_path = self._workdir / "orthanc.json"
        config_path.write_text(json.dumps(self.config(), indent=2))
        log = open(self._log_to or self._workdir / "orthanc.log", "wb")  # noqa: SIM115
        binary = ORTHANC_BINARY if ORTHANC_BINARY.exists() else Path(shutil.which("Orthanc"))
        self._process = subprocess.Popen(
            [str(binary), str(config_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        log.close()
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"Orthanc exited at start-up: {self.log_tail()}")
            try:
                self.get_json("/system")
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Orthanc did not answer within {self.startup_timeout_s:g} s")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def stop(self, timeout_s: float = 10.0) -> None:
        """Terminate the process (kill if it does not exit in time); idempotent."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout_s)

    def kill(self) -> None:
        """Stop at once, as a crash or a pulled cable would (used mid-transfer)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def log_tail(self, lines: int = 20) -> str:
        path = self._log_to or self._workdir / "orthanc.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> OrthancServer:
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.cleanup()

    # -- REST --------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: bytes | None = None, ctype: str = ""):
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if ctype:
            request.add_header("Content-Type", ctype)
        if self.users:
            name, password = next(iter(self.users.items()))
            token = base64.b64encode(f"{name}:{password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        return urllib.request.urlopen(request, timeout=60)

    def get_bytes(self, path: str) -> bytes:
        with self._request("GET", path) as response:
            return response.read()

    def get_json(self, path: str) -> Any:
        return json.loads(self.get_bytes(path))

    def post_json(self, path: str, payload: Any) -> Any:
        body = json.dumps(payload).encode()
        with self._request("POST", path, body, "application/json") as response:
            return json.loads(response.read())

    def upload(self, *paths: Path) -> list[str]:
        """POST each file to /instances; returns Orthanc's instance ids."""
        ids = []
        for path in paths:
            body = Path(path).read_bytes()
            with self._request("POST", "/instances", body, "application/dicom") as response:
                ids.append(json.loads(response.read())["ID"])
        return ids

    def upload_bytes(self, data: bytes) -> str:
        with self._request("POST", "/instances", data, "application/dicom") as response:
            return json.loads(response.read())["ID"]

    def find_instance(self, sop_instance_uid: str) -> str | None:
        """Orthanc's id of the instance with this SOP Instance UID, or None."""
        found = self.post_json(
            "/tools/find", {"Level": "Instance", "Query": {"SOPInstanceUID": sop_instance_uid}}
        )
        return found[0] if found else None

    def delete_study(self, study_instance_uid: str) -> None:
        """Remove a study a test stored, so later queries see the corpus alone."""
        with self._request("DELETE", f"/studies/{self.study_id(study_instance_uid)}"):
            pass

    def study_id(self, study_instance_uid: str) -> str:
        found = self.post_json(
            "/tools/find", {"Level": "Study", "Query": {"StudyInstanceUID": study_instance_uid}}
        )
        if not found:
            raise KeyError(study_instance_uid)
        return found[0]
