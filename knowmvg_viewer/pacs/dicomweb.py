"""DICOMweb: QIDO-RS (echo, find), WADO-RS (retrieve) and STOW-RS (send, dicomweb-client).

QIDO-RS and WADO-RS are plain GETs on one requests session, for two reasons found against
Orthanc 1.10: dicomweb-client percent-encodes the wildcards * and ?, which Orthanc 1.10
does not decode (so no wildcard search would match), and its multipart reader passes on a
truncated last instance when the server dies mid-response (multipart.py refuses it).
Instances are requested with `transfer-syntax=*`, so they arrive as stored, and are written
as the received bytes. HTTP failures become the same PacsError kinds as DIMSE ones:
refused connection -> NodeUnreachable, 401/403 -> AssociationRejected, an unknown study ->
StudyNotFound, other errors -> ServerFailure.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from urllib.parse import quote, urlencode

import pydicom
import requests
from dicomweb_client.api import DICOMwebClient
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from ..limits import limits, megabytes
from .client import PacsClient, ProgressCallback, SendResult
from .errors import (
    AssociationRejected,
    NodeUnreachable,
    PacsError,
    PacsTimeout,
    RetrieveCancelled,
    ServerFailure,
    StudyNotFound,
)
from .multipart import IncompleteMultipart, PartTooLarge, boundary_of, iter_parts
from .nodes import DicomwebNode
from .query import (
    SERIES_RETURN_KEYS,
    STUDY_RETURN_KEYS,
    SeriesRecord,
    StudyQuery,
    StudyRecord,
    validate_uid,
)
from .sending import OutgoingFile
from .staging import StudyFolderWriter

log = logging.getLogger(__name__)

# WADO-RS: every instance in the transfer syntax it is stored in (no transcoding)
AS_STORED = 'multipart/related; type="application/dicom"; transfer-syntax=*'
CHUNK_BYTES = 1 << 20


class DicomwebClient(PacsClient):
    """A PacsClient for a DicomwebNode."""

    node: DicomwebNode

    def _session(self) -> requests.Session:
        session = requests.Session()
        if self.node.username is not None:
            session.auth = (self.node.username, self.node.password or "")
        return session

    def _client(self) -> DICOMwebClient:
        client = DICOMwebClient(
            self.node.url,
            session=self._session(),
            timeout=(self.timeouts.connect, self.timeouts.network),
            chunk_size=CHUNK_BYTES,
        )
        client.set_http_retry_params(retry=False)  # fail fast; the user decides to retry
        return client

    @contextmanager
    def _http(self, what: str) -> Iterator[None]:
        """Translate requests/dicomweb-client failures into one-line PacsErrors."""
        node = self.node
        try:
            yield
        except PacsError:
            raise
        except requests.Timeout:
            raise PacsTimeout(node, f"{what}: no answer within the time limit") from None
        except requests.HTTPError as exc:
            raise self._http_error(what, exc.response) from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if _connected_before(exc):
                raise NodeUnreachable(node, f"{what}: connection lost") from None
            reason = f"{what}: cannot connect (refused or unreachable)"
            raise NodeUnreachable(node, reason) from None
        except requests.RequestException as exc:
            raise NodeUnreachable(node, f"{what}: {type(exc).__name__}") from None
        except IncompleteMultipart:
            raise NodeUnreachable(node, f"{what}: connection lost (response cut short)") from None
        except PartTooLarge:
            size = megabytes(limits().max_instance_bytes)
            reason = f"{what}: an instance larger than {size} (KNOWMVG_MAX_INSTANCE_BYTES)"
            raise ServerFailure(node, reason) from None
        except ValueError as exc:  # dicomweb-client: a response it cannot parse
            raise ServerFailure(node, f"{what}: unexpected response ({exc})") from None

    def _http_error(self, what: str, response: requests.Response | None) -> Exception:
        code = response.status_code if response is not None else 0
        phrase = _phrase(code)
        if code == HTTPStatus.UNAUTHORIZED:
            user = self.node.username
            if user:
                return AssociationRejected(
                    self.node, f"{what}: authentication failed for user {user!r}"
                )
            return AssociationRejected(
                self.node, f"{what}: authentication required (no user name given)"
            )
        if code == HTTPStatus.FORBIDDEN:
            return AssociationRejected(self.node, f"{what}: access denied (HTTP 403)")
        if code == HTTPStatus.NOT_FOUND:
            reason = f"{what}: HTTP 404 (is this the DICOMweb root URL?)"
            return ServerFailure(self.node, reason, code)
        return ServerFailure(self.node, f"{what}: HTTP {code} {phrase}", code)

    # -- echo and find ----------------------------------------------------------------
    def verify(self) -> None:
        with self._http("QIDO-RS ping"):
            self._get_json(self._session(), "studies", {"limit": 1})
        log.info("QIDO-RS %s: ok", self.node)

    def find_studies(self, query: StudyQuery | None = None) -> list[StudyRecord]:
        query = query or StudyQuery()
        params = {**query.matching_keys(), "includefield": list(STUDY_RETURN_KEYS)}
        found = self._search("studies", params, "StudyInstanceUID", "QIDO-RS study search")
        records = [StudyRecord.from_dataset(ds) for ds in found]
        log.info("QIDO-RS %s: %d studies", self.node, len(records))
        return records

    def find_series(self, study_uid: str) -> list[SeriesRecord]:
        uid = validate_uid(study_uid, "StudyInstanceUID")
        params = {"includefield": list(SERIES_RETURN_KEYS)}
        found = self._search(
            f"studies/{uid}/series", params, "SeriesInstanceUID", "QIDO-RS series search"
        )
        for ds in found:
            ds.StudyInstanceUID = ds.get("StudyInstanceUID") or uid
        return [SeriesRecord.from_dataset(ds) for ds in found]

    def _search(self, path: str, params: dict, key: str, what: str) -> list[Dataset]:
        """All matches, page by page; stops when a page brings nothing new, which also
        guards against servers that ignore `offset` (Orthanc 1.10 with ModalitiesInStudy),
        and refuses a search past `max_query_results` (a server paging forever)."""
        session = self._session()
        results: dict[str, Dataset] = {}
        most = limits().max_query_results
        with self._http(what):
            while True:
                page = self._get_json(session, path, {**params, "offset": len(results)})
                fresh = [ds for ds in page if str(ds.get(key, "")) not in results]
                if not fresh:
                    return list(results.values())
                results.update((str(ds.get(key, "")), ds) for ds in fresh)
                if len(results) > most:
                    raise ServerFailure(
                        self.node,
                        f"{what}: more than {most} matches; narrow the search "
                        "(KNOWMVG_MAX_QUERY_RESULTS)",
                    )

    def _get_json(self, session: requests.Session, path: str, params: dict) -> list[Dataset]:
        """One QIDO-RS request. Wildcards * and ? go unescaped (RFC 3986 allows them in a
        query): Orthanc 1.10 does not percent-decode query values, so %2A would not match."""
        query = urlencode(params, doseq=True, safe="*?", quote_via=quote)
        response = session.get(
            f"{self.node.url}/{path}?{query}",
            headers={"Accept": "application/dicom+json"},
            timeout=(self.timeouts.connect, self.timeouts.network),
            stream=True,
        )
        with response:
            if response.status_code == HTTPStatus.NOT_FOUND and path.startswith("studies/"):
                return []  # the series or instances of a study the server does not know
            response.raise_for_status()
            body = _bounded_body(response, limits().max_query_bytes, self.node)
        if response.status_code == HTTPStatus.NO_CONTENT or not body:
            return []
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ServerFailure(self.node, f"QIDO-RS: the answer is not JSON ({exc})") from None
        return [Dataset.from_json(item) for item in (payload if isinstance(payload, list) else [])]

    # -- retrieve ---------------------------------------------------------------------
    def _retrieve_into(
        self,
        study_uid: str,
        writer: StudyFolderWriter,
        progress: ProgressCallback,
        cancel: threading.Event,
    ) -> None:
        listed = self._search(
            f"studies/{study_uid}/instances",
            {"includefield": "SOPInstanceUID"},
            "SOPInstanceUID",
            "QIDO-RS instance search",
        )
        expected = {str(ds.SOPInstanceUID) for ds in listed}
        if not expected:
            raise StudyNotFound(self.node, f"study {study_uid} is not on this node")
        total = len(expected)
        progress(0, total)
        with self._http("WADO-RS retrieve"), self._wado_stream(study_uid) as instances:
            for data in instances:
                if cancel.is_set():
                    raise RetrieveCancelled(self.node, "WADO-RS retrieval cancelled")
                writer.write(_sop_instance_uid(data, self.node), data)
                progress(writer.count, total)
        missing = expected - writer.written
        if missing:
            raise ServerFailure(
                self.node, f"incomplete study: {len(missing)} of {total} instances missing"
            )

    @contextmanager
    def _wado_stream(self, study_uid: str) -> Iterator[Iterator[bytes]]:
        """The study's instances as Part 10 bytes, as stored, each complete (multipart.py)."""
        response = self._session().get(
            f"{self.node.url}/studies/{study_uid}",
            headers={"Accept": AS_STORED},
            stream=True,
            timeout=(self.timeouts.connect, self.timeouts.network),
        )
        with response:
            response.raise_for_status()
            content_type = response.headers.get("Content-Type", "")
            boundary = boundary_of(content_type)
            chunks = response.iter_content(chunk_size=CHUNK_BYTES)
            most = limits().max_instance_bytes
            if boundary is None:  # some servers send a lone instance unwrapped
                if not content_type.startswith("application/dicom"):
                    raise ServerFailure(self.node, f"WADO-RS: unexpected {content_type!r}")
                yield iter([_bounded_body(response, most, self.node, PartTooLarge)])
            else:
                yield iter_parts(chunks, boundary, most)

    # -- send -------------------------------------------------------------------------
    def _send_files(
        self, files: list[OutgoingFile], progress: ProgressCallback, cancel: threading.Event
    ) -> list[SendResult]:
        client = self._client()
        results = []
        progress(0, len(files))
        for done, f in enumerate(files, start=1):
            if f.error is not None:
                results.append(SendResult(f.path, False, None, f.error))
            elif cancel.is_set():
                results.append(SendResult(f.path, False, f.sop_instance_uid, "cancelled"))
            else:
                try:
                    results.append(self._store_one(client, f))
                except (NodeUnreachable, PacsTimeout, AssociationRejected) as exc:
                    if not any(r.ok for r in results):
                        raise  # the node, not the file: nothing was sent
                    results.append(SendResult(f.path, False, f.sop_instance_uid, exc.reason))
                except PacsError as exc:
                    results.append(SendResult(f.path, False, f.sop_instance_uid, exc.reason))
            progress(done, len(files))
        return results

    def _store_one(self, client: DICOMwebClient, f: OutgoingFile) -> SendResult:
        """One STOW-RS request per file, so each file gets its own status."""
        try:
            ds = pydicom.dcmread(f.path)
        except (OSError, ValueError, EOFError) as exc:
            return SendResult(f.path, False, f.sop_instance_uid, f"unreadable ({exc})")
        with self._http("STOW-RS"):
            answer = client.store_instances([ds])
        failed = answer.get("FailedSOPSequence") or []
        if failed:
            reason = failed[0].get("FailureReason")
            return SendResult(f.path, False, f.sop_instance_uid, f"STOW-RS refused ({reason})")
        return SendResult(f.path, True, f.sop_instance_uid)


def _sop_instance_uid(data: bytes, node: DicomwebNode) -> str:
    """Read from the instance's header only: the bytes are stored exactly as received."""
    try:
        ds = pydicom.dcmread(
            io.BytesIO(data), stop_before_pixels=True, specific_tags=["SOPInstanceUID"]
        )
        return str(ds.SOPInstanceUID)
    except (InvalidDicomError, AttributeError, ValueError, EOFError):
        raise ServerFailure(node, "WADO-RS: a response part is not a DICOM instance") from None


def _bounded_body(
    response: requests.Response,
    most: int,
    node: DicomwebNode,
    too_large: type[Exception] | None = None,
) -> bytes:
    """The streamed response body, refused once it passes `most` bytes (never buffered
    whole first): `too_large` is raised if given, else a ServerFailure."""
    body = bytearray()
    for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
        body += chunk
        if len(body) > most:
            if too_large is not None:
                raise too_large(f"larger than {most} bytes")
            reason = f"QIDO-RS: an answer larger than {megabytes(most)} (KNOWMVG_MAX_QUERY_BYTES)"
            raise ServerFailure(node, reason)
    return bytes(body)


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def _connected_before(exc: Exception) -> bool:
    """True for a connection that dropped mid-response rather than one never made."""
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return True
    text = str(exc)
    return "Connection aborted" in text or "RemoteDisconnected" in text
