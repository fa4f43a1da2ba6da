"""DIMSE (classic DICOM networking) with pynetdicom: C-ECHO, C-FIND, C-GET / C-MOVE, C-STORE.

Retrieval first lists the study's instances (image-level C-FIND) so that we know the total
for progress, the SOP classes to negotiate, and when the study is complete. For C-GET we
propose one presentation context per (SOP class, transfer syntax) with the SCP role: the
PACS then sends each instance in the syntax it is stored in, without transcoding (Orthanc
cannot transcode JPEG 2000 without a plugin, and a single context listing many syntaxes
makes it pick an uncompressed one). Received instances are written as the bytes the peer
sent (`Event.encoded_dataset`), never decoded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from pydicom.dataset import Dataset
from pydicom.uid import (
    JPEG2000,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)
from pynetdicom import (
    AE,
    ALL_TRANSFER_SYNTAXES,
    AllStoragePresentationContexts,
    Association,
    build_context,
    build_role,
    evt,
)
from pynetdicom.pdu_primitives import A_ABORT, A_ASSOCIATE, A_P_ABORT
from pynetdicom.presentation import PresentationContext
from pynetdicom.sop_class import (
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)
from pynetdicom.status import code_to_category

from ..limits import limits
from .client import PacsClient, ProgressCallback, SendResult
from .errors import (
    AssociationRejected,
    NodeUnreachable,
    PacsError,
    PacsInputError,
    PacsTimeout,
    RetrieveCancelled,
    ServerFailure,
    StudyNotFound,
)
from .nodes import DimseNode
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

MAX_CONTEXTS = 128  # PS3.8: at most 128 presentation contexts per association (odd IDs 1-255)
# The largest PDU we accept: with pynetdicom's default (16 KB) Orthanc 1.10 sends 16 KB
# PDUs; with this it sends 128 KB ones (DCMTK's ceiling): C-GET of the bench's 50-image
# study went from ~285 to ~375 MB/s (A/B, same process). Passed to associate():
# ae.maximum_pdu_size only sets what we accept as an SCP.
MAX_PDU_BYTES = 4 * 1024 * 1024
# Preference order: the first ones survive when many SOP classes share the 128 contexts.
RETRIEVE_TRANSFER_SYNTAXES = (
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    RLELossless,
    JPEGBaseline8Bit,
    JPEG2000,
    JPEGLossless,
    JPEGExtended12Bit,
    JPEGLSNearLossless,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
)
STATUS_OK = 0x0000
STATUS_OUT_OF_RESOURCES = 0xA700
STATUS_UNEXPECTED_INSTANCE = 0xC000


def quiet_pynetdicom(level: int = logging.WARNING) -> None:
    """pynetdicom logs every PDU at INFO; we report outcomes ourselves. An app that set a
    level of its own keeps it."""
    logger = logging.getLogger("pynetdicom")
    if logger.level == logging.NOTSET:
        logger.setLevel(level)


quiet_pynetdicom()


@dataclass
class _Probe:
    """What happened while associating, from pynetdicom's events, to explain a failure."""

    connected: bool = False
    reject: A_ASSOCIATE | None = None
    aborted_by_peer: bool = False
    stored: bool = False  # a C-STORE on this association was answered

    def handlers(self) -> list[tuple]:
        return [(evt.EVT_CONN_OPEN, self._on_open), (evt.EVT_ACSE_RECV, self._on_acse)]

    def _on_open(self, event: evt.Event) -> None:
        self.connected = True

    def _on_acse(self, event: evt.Event) -> None:
        self._note(event.primitive)  # type: ignore[attr-defined]

    def read_unread_reply(self, assoc: Association) -> None:
        """Note a rejection the DUL queued but the ACSE never read.

        A node that rejects and closes at once (Orthanc does) can close before pynetdicom's
        ACSE checks the socket; it then aborts without reading the queued A-ASSOCIATE-RJ,
        and the rejection's reason would be lost on a loaded machine. (Only a rejection: a
        refused connection queues an A-P-ABORT of our own transport, not the node's.)
        """
        for primitive in list(assoc.dul.to_user_queue.queue):
            if _is_rejection(primitive):
                self.reject = primitive

    def _note(self, primitive: object) -> None:
        if _is_rejection(primitive):
            self.reject = primitive
        elif isinstance(primitive, (A_ABORT, A_P_ABORT)):
            self.aborted_by_peer = True


def _is_rejection(primitive: object) -> bool:
    return isinstance(primitive, A_ASSOCIATE) and primitive.result in (0x01, 0x02)


@dataclass
class _StoreState:
    """Shared between the store handler (association thread) and the retrieving thread."""

    writer: StudyFolderWriter
    cancel: threading.Event
    expected: set[str] | None = None  # C-MOVE: our port is open, refuse other instances
    write_error: str | None = None

    def handle(self, event: evt.Event) -> int:
        if self.cancel.is_set():
            return STATUS_OUT_OF_RESOURCES
        uid = str(event.request.AffectedSOPInstanceUID)
        if self.expected is not None and uid not in self.expected:
            log.warning("refused an instance that is not part of the requested study")
            return STATUS_UNEXPECTED_INSTANCE
        try:
            self.writer.write(uid, event.encoded_dataset())
        except PacsInputError as exc:  # a bad UID, or the disk: it names the destination
            self.write_error = self.write_error or str(exc)
            return STATUS_OUT_OF_RESOURCES
        return STATUS_OK


def storage_contexts(sop_classes: Sequence[str]) -> list[PresentationContext]:
    """One context per (SOP class, transfer syntax), as many syntaxes as the limit allows.

    One slot is kept for the C-GET context itself.
    """
    classes = list(dict.fromkeys(sop_classes))
    if not classes:
        return []
    if len(classes) > MAX_CONTEXTS - 1:
        raise PacsInputError(None, f"study has {len(classes)} SOP classes; C-GET allows 127")
    per_class = max(1, min(len(RETRIEVE_TRANSFER_SYNTAXES), (MAX_CONTEXTS - 1) // len(classes)))
    return [
        build_context(sop_class, [syntax])
        for sop_class in classes
        for syntax in RETRIEVE_TRANSFER_SYNTAXES[:per_class]
    ]


class DimseClient(PacsClient):
    """A PacsClient for a DimseNode; C-GET unless the node names a C-MOVE port."""

    node: DimseNode

    # -- associations ----------------------------------------------------------------
    def _ae(self) -> AE:
        ae = AE(ae_title=self.node.calling_aet)
        ae.connection_timeout = self.timeouts.connect
        ae.acse_timeout = self.timeouts.connect
        ae.dimse_timeout = self.timeouts.dimse
        ae.network_timeout = self.timeouts.network
        ae.maximum_pdu_size = MAX_PDU_BYTES
        return ae

    @contextmanager
    def _association(
        self,
        contexts: Sequence[PresentationContext],
        roles: Sequence = (),
        handlers: Sequence[tuple] = (),
        ae: AE | None = None,
    ) -> Iterator[tuple[Association, _Probe]]:
        """An established association (and its probe), released on success, aborted on error."""
        ae = ae or self._ae()
        ae.requested_contexts = list(contexts)
        probe = _Probe()
        started = time.monotonic()
        try:
            assoc = ae.associate(
                self.node.host,
                self.node.port,
                ae_title=self.node.called_aet,
                ext_neg=list(roles) or None,
                evt_handlers=[*handlers, *probe.handlers()],
                max_pdu=MAX_PDU_BYTES,
            )
        except OSError as exc:  # the host name does not resolve
            reason = f"cannot resolve host {self.node.host!r} ({exc.strerror or exc})"
            raise NodeUnreachable(self.node, reason) from None
        if not assoc.is_established:
            probe.read_unread_reply(assoc)
            raise self._association_error(probe, time.monotonic() - started)
        try:
            yield assoc, probe
        except BaseException:
            assoc.abort()
            raise
        else:
            assoc.release()

    def _association_error(self, probe: _Probe, elapsed: float) -> PacsError:
        node = self.node
        if probe.reject is not None:
            return AssociationRejected(node, _rejection_reason(probe.reject, node))
        if probe.aborted_by_peer:
            return AssociationRejected(node, "the node aborted the association request")
        if not probe.connected:
            if elapsed >= self.timeouts.connect * 0.9:
                return PacsTimeout(node, f"no answer to connect within {self.timeouts.connect:g} s")
            return NodeUnreachable(
                node, f"cannot connect to {node.host} port {node.port} (refused or unreachable)"
            )
        if elapsed >= self.timeouts.connect * 0.9:
            return PacsTimeout(node, f"no association answer within {self.timeouts.connect:g} s")
        return AssociationRejected(node, "no presentation context accepted (service not offered)")

    def _lost(self, probe: _Probe, what: str, idle_s: float, answered: bool = False) -> PacsError:
        """The error for a request that got no (further) response.

        A node that refuses a service to our AE title often just closes the connection
        (Orthanc does), so a close before any answer says so and names our AE title.
        """
        if idle_s >= self.timeouts.dimse * 0.9 and not probe.aborted_by_peer:
            return PacsTimeout(self.node, f"no {what} response within {self.timeouts.dimse:g} s")
        if not answered:
            return AssociationRejected(
                self.node,
                f"the node closed the association without answering the {what} "
                f"(does it allow {what} from our AE title {self.node.calling_aet!r}?)",
            )
        return NodeUnreachable(self.node, f"connection lost during {what}")

    # -- echo and find ----------------------------------------------------------------
    def verify(self) -> None:
        with self._association([build_context(Verification)]) as (assoc, probe):
            sent = time.monotonic()
            status = assoc.send_c_echo()
            if "Status" not in status:
                raise self._lost(probe, "C-ECHO", time.monotonic() - sent)
            if status.Status != STATUS_OK:
                raise ServerFailure(
                    self.node, f"C-ECHO failed (status 0x{status.Status:04X})", status.Status
                )
        log.info("C-ECHO %s: ok", self.node)

    def find_studies(self, query: StudyQuery | None = None) -> list[StudyRecord]:
        query = query or StudyQuery()
        identifier = _identifier("STUDY", STUDY_RETURN_KEYS, query.matching_keys())
        found = [StudyRecord.from_dataset(ds) for ds in self._find(identifier)]
        log.info("C-FIND %s: %d studies", self.node, len(found))
        return found

    def find_series(self, study_uid: str) -> list[SeriesRecord]:
        uid = validate_uid(study_uid, "StudyInstanceUID")
        identifier = _identifier("SERIES", SERIES_RETURN_KEYS, {"StudyInstanceUID": uid})
        return [SeriesRecord.from_dataset(ds) for ds in self._find(identifier)]

    def _find(self, identifier: Dataset) -> list[Dataset]:
        model = StudyRootQueryRetrieveInformationModelFind
        with self._association([build_context(model)]) as (assoc, probe):
            results: list[Dataset] = []
            last = time.monotonic()
            for status, found in assoc.send_c_find(identifier, model):
                if "Status" not in status:
                    raise self._lost(probe, "C-FIND", time.monotonic() - last, bool(results))
                last = time.monotonic()
                category = code_to_category(status.Status)
                if category == "Pending" and found is not None:
                    results.append(found)
                    if len(results) > limits().max_query_results:  # a server without end
                        raise ServerFailure(
                            self.node,
                            f"C-FIND: more than {limits().max_query_results} matches; narrow "
                            "the search (KNOWMVG_MAX_QUERY_RESULTS)",
                        )
                elif category not in ("Pending", "Success"):
                    raise ServerFailure(
                        self.node,
                        f"C-FIND failed (status 0x{status.Status:04X}{_comment(status)})",
                        status.Status,
                    )
            return results

    def _find_instances(self, study_uid: str) -> list[Dataset]:
        keys = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID")
        return self._find(_identifier("IMAGE", keys, {"StudyInstanceUID": study_uid}))

    # -- retrieve ---------------------------------------------------------------------
    def _retrieve_into(
        self,
        study_uid: str,
        writer: StudyFolderWriter,
        progress: ProgressCallback,
        cancel: threading.Event,
    ) -> None:
        instances = self._find_instances(study_uid)
        if not instances:
            known = self._find(
                _identifier("STUDY", ("StudyInstanceUID",), {"StudyInstanceUID": study_uid})
            )
            reason = "has no instances" if known else "is not on this node"
            raise StudyNotFound(self.node, f"study {study_uid} {reason}")
        expected = {str(ds.SOPInstanceUID) for ds in instances}
        sop_classes = sorted({str(ds.SOPClassUID) for ds in instances if ds.get("SOPClassUID")})
        state = _StoreState(writer, cancel)
        progress(0, len(expected))
        if self.node.move_port is None:
            self._c_get(study_uid, sop_classes, state, progress, len(expected))
        else:
            state.expected = expected
            self._c_move(study_uid, state, progress, len(expected))
        if cancel.is_set():
            return
        if state.write_error:
            raise PacsInputError(None, state.write_error)
        missing = expected - writer.written
        if missing:
            raise ServerFailure(
                self.node, f"incomplete study: {len(missing)} of {len(expected)} instances missing"
            )

    def _c_get(
        self,
        study_uid: str,
        sop_classes: list[str],
        state: _StoreState,
        progress: ProgressCallback,
        total: int,
    ) -> None:
        model = StudyRootQueryRetrieveInformationModelGet
        contexts = [build_context(model), *storage_contexts(sop_classes)]
        roles = [build_role(uid, scp_role=True) for uid in sop_classes]
        handlers = [(evt.EVT_C_STORE, state.handle)]
        with self._association(contexts, roles, handlers) as (assoc, probe):
            responses = assoc.send_c_get(_retrieve_identifier(study_uid), model)
            self._follow_retrieve(assoc, probe, responses, "C-GET", state, progress, total)

    def _c_move(
        self, study_uid: str, state: _StoreState, progress: ProgressCallback, total: int
    ) -> None:
        """C-MOVE to our own storage SCP, listening on `move_port` for this retrieval only."""
        model = StudyRootQueryRetrieveInformationModelMove
        ae = self._ae()
        ae.require_called_aet = True
        for context in AllStoragePresentationContexts:
            ae.add_supported_context(context.abstract_syntax, ALL_TRANSFER_SYNTAXES)
        port = self.node.move_port
        try:
            server = ae.start_server(
                ("", port), block=False, evt_handlers=[(evt.EVT_C_STORE, state.handle)]
            )
        except OSError as exc:
            raise PacsInputError(
                None, f"cannot listen on C-MOVE port {port} ({exc.strerror})"
            ) from None
        try:
            with self._association([build_context(model)], ae=ae) as (assoc, probe):
                responses = assoc.send_c_move(
                    _retrieve_identifier(study_uid), self.node.calling_aet, model
                )
                self._follow_retrieve(assoc, probe, responses, "C-MOVE", state, progress, total)
        finally:
            server.shutdown()

    def _follow_retrieve(
        self,
        assoc: Association,
        probe: _Probe,
        responses: Iterator[tuple[Dataset, Dataset | None]],
        what: str,
        state: _StoreState,
        progress: ProgressCallback,
        total: int,
    ) -> None:
        """Report progress per response; stop on cancel; turn a failed final status into an
        error that says what went wrong."""
        last = time.monotonic()
        answered = False
        for status, _ in responses:
            if state.cancel.is_set():
                assoc.abort()
                raise RetrieveCancelled(self.node, f"{what} cancelled")
            if "Status" not in status:
                answered = answered or state.writer.count > 0
                raise self._lost(probe, what, time.monotonic() - last, answered)
            last, answered = time.monotonic(), True
            progress(state.writer.count, total)
            category = code_to_category(status.Status)
            if category == "Pending":
                continue
            if category == "Success":
                return
            if state.write_error:  # our side failed (disk full, ...): say so, as DICOMweb does
                raise PacsInputError(None, state.write_error)
            raise ServerFailure(
                self.node, _retrieve_failure(what, status, state, self.node), status.Status
            )

    # -- send -------------------------------------------------------------------------
    def _send_files(
        self, files: list[OutgoingFile], progress: ProgressCallback, cancel: threading.Event
    ) -> list[SendResult]:
        results: dict[int, SendResult] = {}
        sendable = [(i, f) for i, f in enumerate(files) if f.error is None]
        for i, f in enumerate(files):
            if f.error is not None:
                results[i] = SendResult(f.path, False, None, f.error)
        done = 0
        progress(0, len(files))
        for batch in _context_batches(sendable):
            pairs = dict.fromkeys((f.sop_class_uid, f.transfer_syntax_uid) for _, f in batch)
            contexts = [build_context(sop, [syntax]) for sop, syntax in pairs]
            with self._association(contexts) as (assoc, probe):
                for i, f in batch:
                    if cancel.is_set():
                        results[i] = SendResult(f.path, False, f.sop_instance_uid, "cancelled")
                        continue
                    results[i] = self._store_one(assoc, probe, f)
                    done += 1
                    progress(done, len(files))
        return [results[i] for i in range(len(files))]

    def _store_one(self, assoc: Association, probe: _Probe, f: OutgoingFile) -> SendResult:
        if not assoc.is_established:
            return SendResult(f.path, False, f.sop_instance_uid, "connection lost before sending")
        sent = time.monotonic()
        try:
            status = assoc.send_c_store(f.path)
        except (OSError, ValueError) as exc:
            return SendResult(f.path, False, f.sop_instance_uid, f"not sent ({exc})")
        if "Status" not in status:
            reason = self._lost(probe, "C-STORE", time.monotonic() - sent, probe.stored).reason
            return SendResult(f.path, False, f.sop_instance_uid, reason)
        probe.stored = True
        category = code_to_category(status.Status)
        if category in ("Success", "Warning"):
            note = "" if category == "Success" else f"warning 0x{status.Status:04X}"
            return SendResult(f.path, True, f.sop_instance_uid, note)
        reason = f"C-STORE refused (status 0x{status.Status:04X}{_comment(status)})"
        return SendResult(f.path, False, f.sop_instance_uid, reason)


def _context_batches(
    files: list[tuple[int, OutgoingFile]],
) -> Iterator[list[tuple[int, OutgoingFile]]]:
    """Group files so that no association needs more than 128 (SOP class, syntax) pairs."""
    batch: list[tuple[int, OutgoingFile]] = []
    pairs: set[tuple[str, str]] = set()
    for item in files:
        pair = (item[1].sop_class_uid, item[1].transfer_syntax_uid)
        if pair not in pairs and len(pairs) == MAX_CONTEXTS:
            yield batch
            batch, pairs = [], set()
        pairs.add(pair)
        batch.append(item)
    if batch:
        yield batch


def _identifier(level: str, return_keys: Sequence[str], matching: dict[str, str]) -> Dataset:
    ds = Dataset()
    ds.QueryRetrieveLevel = level
    for keyword in return_keys:
        setattr(ds, keyword, "")
    for keyword, value in matching.items():
        setattr(ds, keyword, value)
    if any(not value.isascii() for value in matching.values()):
        ds.SpecificCharacterSet = "ISO_IR 192"
    return ds


def _retrieve_identifier(study_uid: str) -> Dataset:
    ds = Dataset()
    ds.QueryRetrieveLevel = "STUDY"
    ds.StudyInstanceUID = study_uid
    return ds


def _comment(status: Dataset) -> str:
    comment = status.get("ErrorComment")
    return f": {str(comment).strip()}" if comment else ""


def _retrieve_failure(what: str, status: Dataset, state: _StoreState, node: DimseNode) -> str:
    code = status.Status
    failed = int(status.get("NumberOfFailedSuboperations") or 0)
    if code == 0xA801:
        return (
            f"{what} refused: the node does not know move destination {node.calling_aet!r} "
            f"(register it with our host and port {node.move_port})"
        )
    hint = ""
    if what == "C-MOVE" and state.writer.count == 0:  # it never reached our storage SCP
        hint = f" (can the node send to {node.calling_aet!r} at our port {node.move_port}?)"
    if failed and code_to_category(code) == "Warning":
        return f"{what}: {failed} instance(s) could not be transferred{hint}"
    return f"{what} failed (status 0x{code:04X}{_comment(status)}){hint}"


def _rejection_reason(reject: A_ASSOCIATE, node: DimseNode) -> str:
    """Name the AE title the node objected to, when it says which."""
    diagnostic = reject.diagnostic
    if reject.result_source == 0x01 and diagnostic == 0x07:
        return f"association rejected: called AE title {node.called_aet!r} not recognised"
    if reject.result_source == 0x01 and diagnostic == 0x03:
        return f"association rejected: calling AE title {node.calling_aet!r} not recognised"
    return (
        f"association rejected ({reject.reason_str.lower()}); check the called AE title "
        f"{node.called_aet!r} and that the node knows our AE title {node.calling_aet!r}"
    )
