"""A local Orthanc PACS holding the demo studies, to try the PACS panel and `knowmvg pacs`.

    .venv/bin/python scripts/local_pacs.py                 # until Ctrl-C
    .venv/bin/python scripts/local_pacs.py --for 60 &      # in the background for a minute

DICOM node ORTHANC@127.0.0.1:4242 (our AE title KNOWMVG is registered for C-MOVE to port
11112), DICOMweb http://127.0.0.1:8042/dicom-web. Storage is temporary and removed on exit.
Needs Orthanc (`bash scripts/install_orthanc.sh`, which `make test` runs).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from tests.orthanc import OrthancServer, orthanc_missing_reason  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dicom-port", type=int, default=4242)
    parser.add_argument("--http-port", type=int, default=8042)
    parser.add_argument("--move-port", type=int, default=11112, help="our C-MOVE destination")
    parser.add_argument("--for", dest="seconds", type=float, help="stop after this many seconds")
    args = parser.parse_args()
    reason = orthanc_missing_reason()
    if reason is not None:
        print(reason, file=sys.stderr)
        return 2
    server = OrthancServer()
    server.dicom_port, server.http_port, server.move_port = (
        args.dicom_port,
        args.http_port,
        args.move_port,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with server:
        server.upload(*sorted((REPO_ROOT / "resources" / "demo").glob("*/*.dcm")))
        print(f"DICOM node {server.node_text}  DICOMweb {server.dicomweb_url}", flush=True)
        try:
            deadline = None if args.seconds is None else time.monotonic() + args.seconds
            while server.running and (deadline is None or time.monotonic() < deadline):
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
