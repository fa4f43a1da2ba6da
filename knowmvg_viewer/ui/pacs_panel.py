"""The PACS panel: saved nodes, a study search, retrieval into the cache, Send to PACS.

A thin view over `knowmvg_viewer.pacs`: every network call runs as a job on the PACS
worker thread; the panel only builds jobs and shows their outcome. Passwords are asked
for once per session and kept in memory, never written to the settings file.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..pacs.cache import StudyCache
from ..pacs.client import PacsClient, SendResult, make_client
from ..pacs.errors import PacsError
from ..pacs.nodes import DEFAULT_CALLING_AET, DicomwebNode, DimseNode, PacsNode
from ..pacs.query import DateRange, StudyQuery, StudyRecord
from .forms import ok_cancel_buttons
from .worker import PacsThread

log = logging.getLogger(__name__)

NODES_KEY = "pacs/nodes"
CURRENT_NODE_KEY = "pacs/current_node"
CACHE_LIMIT_KEY = "pacs/cache_limit_gb"
DEFAULT_CACHE_LIMIT_GB = 5.0
RESULT_COLUMNS = ("Patient", "Patient ID", "Date", "Description", "Modalities", "Images")


@dataclass(frozen=True)
class SavedNode:
    """A node as the user named it; what QSettings stores (never a password)."""

    name: str
    node: PacsNode

    def to_json(self) -> dict:
        node = self.node
        if isinstance(node, DimseNode):
            return {
                "name": self.name,
                "kind": "dimse",
                "called_aet": node.called_aet,
                "host": node.host,
                "port": node.port,
                "calling_aet": node.calling_aet,
                "move_port": node.move_port,
            }
        return {"name": self.name, "kind": "dicomweb", "url": node.url, "username": node.username}

    @classmethod
    def from_json(cls, data: dict) -> SavedNode:
        if data.get("kind") == "dicomweb":
            node: PacsNode = DicomwebNode(data["url"], username=data.get("username") or None)
        else:
            node = DimseNode(
                data["called_aet"],
                data["host"],
                int(data["port"]),
                calling_aet=data.get("calling_aet") or DEFAULT_CALLING_AET,
                move_port=data.get("move_port"),
            )
        return cls(str(data.get("name") or node), node)


def cache_limit_bytes(settings: QSettings) -> int | None:
    """The user's cache size limit (File > Settings); None when there is none."""
    try:
        limit_gb = float(settings.value(CACHE_LIMIT_KEY, DEFAULT_CACHE_LIMIT_GB))
    except (TypeError, ValueError):
        limit_gb = DEFAULT_CACHE_LIMIT_GB
    return int(limit_gb * 1e9) if limit_gb > 0 else None


def study_cache(settings: QSettings) -> StudyCache:
    """The retrieved-studies cache in the per-user cache folder, with the user's size limit."""
    return StudyCache(max_bytes=cache_limit_bytes(settings))


def load_saved_nodes(settings: QSettings) -> list[SavedNode]:
    """The saved nodes; an entry that no longer parses is skipped with a warning."""
    try:
        entries = json.loads(str(settings.value(NODES_KEY, "[]") or "[]"))
    except json.JSONDecodeError:
        log.warning("the saved PACS nodes are unreadable; starting with none")
        return []
    nodes = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            nodes.append(SavedNode.from_json(entry))
        except (PacsError, KeyError, TypeError, ValueError) as exc:
            log.warning("skipping a saved PACS node: %s", exc)
    return nodes


def save_nodes(settings: QSettings, nodes: list[SavedNode]) -> None:
    settings.setValue(NODES_KEY, json.dumps([n.to_json() for n in nodes]))


class NodeDialog(QDialog):
    """Add or edit one node: DIMSE (AE title, host, port, C-GET or C-MOVE) or DICOMweb."""

    def __init__(self, saved: SavedNode | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PACS node")
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItems(["DICOM (DIMSE)", "DICOMweb"])
        self.called_aet = QLineEdit()
        self.host = QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(104)
        self.calling_aet = QLineEdit(DEFAULT_CALLING_AET)
        self.move_port = QSpinBox()
        self.move_port.setRange(0, 65535)
        self.move_port.setSpecialValueText("C-GET (no port)")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://pacs.example.org/dicom-web")
        self.username = QLineEdit()
        self.username.setPlaceholderText("none; the password is asked for when needed")

        dimse = QWidget()
        dimse_form = QFormLayout(dimse)
        dimse_form.addRow("Called AE title", self.called_aet)
        dimse_form.addRow("Host", self.host)
        dimse_form.addRow("Port", self.port)
        dimse_form.addRow("Our AE title", self.calling_aet)
        dimse_form.addRow("Retrieve by C-MOVE to port", self.move_port)
        web = QWidget()
        web_form = QFormLayout(web)
        web_form.addRow("Base URL", self.url)
        web_form.addRow("User name", self.username)
        self.pages = QStackedWidget()
        self.pages.addWidget(dimse)
        self.pages.addWidget(web)
        self.kind.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Kind", self.kind)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if saved is not None:
            self._show(saved)

    def _show(self, saved: SavedNode) -> None:
        self.name.setText(saved.name)
        node = saved.node
        if isinstance(node, DimseNode):
            self.kind.setCurrentIndex(0)
            self.called_aet.setText(node.called_aet)
            self.host.setText(node.host)
            self.port.setValue(node.port)
            self.calling_aet.setText(node.calling_aet)
            self.move_port.setValue(node.move_port or 0)
        else:
            self.kind.setCurrentIndex(1)
            self.url.setText(node.url)
            self.username.setText(node.username or "")

    def saved_node(self) -> SavedNode:
        """The node the fields describe; PacsError (one line) when they do not."""
        if self.kind.currentIndex() == 0:
            node: PacsNode = DimseNode(
                self.called_aet.text().strip(),
                self.host.text().strip(),
                self.port.value(),
                calling_aet=self.calling_aet.text().strip() or DEFAULT_CALLING_AET,
                move_port=self.move_port.value() or None,
            )
        else:
            node = DicomwebNode(self.url.text().strip(), username=self.username.text() or None)
        return SavedNode(self.name.text().strip() or str(node), node)

    def accept(self) -> None:
        try:
            self.saved_node()
        except PacsError as exc:
            self.error.setText(exc.reason)
            return
        super().accept()


class PacsPanel(QWidget):
    """Search a node, open a study from it (retrieved into the cache), send files to it."""

    study_retrieved = Signal(Path)  # a complete local study folder, ready to open
    job_finished = Signal()  # any job, success or not (tests and the status bar use it)
    cache_measured = Signal()
    message = Signal(str)  # a one-line outcome for the status bar

    def __init__(self, settings: QSettings, cache: StudyCache, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.cache = cache
        self.nodes = load_saved_nodes(settings)
        self.records: list[StudyRecord] = []
        self.last_error: str | None = None
        self.last_sent: list[SendResult] = []
        self.study_nodes: dict[str, int] = {}  # StudyInstanceUID -> node it was opened from
        self._passwords: dict[str, str] = {}  # per session, in memory only
        self._request = 0
        self._handlers: dict[int, Callable[[object], None]] = {}
        self._quiet: dict[int, Callable[[object], None]] = {}  # jobs that show no busy state
        self._password_key: str | None = None  # the session password the current job uses
        self._cancel = threading.Event()
        self.pacs = PacsThread(self)
        self.pacs.worker.finished.connect(self._on_finished)
        self.pacs.worker.failed.connect(self._on_failed)
        self.pacs.worker.progress.connect(self._on_progress)
        self._build()
        self._refresh_nodes(_as_int(settings.value(CURRENT_NODE_KEY, 0)))
        self.node_box.currentIndexChanged.connect(
            lambda index: self.settings.setValue(CURRENT_NODE_KEY, index)
        )
        self._set_busy(False)

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        self.node_box = QComboBox()
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.verify_button = QPushButton("Verify")
        self.add_button.clicked.connect(self.add_node)
        self.edit_button.clicked.connect(self.edit_node)
        self.remove_button.clicked.connect(self.remove_node)
        self.verify_button.clicked.connect(self.verify)
        node_row = QHBoxLayout()
        node_row.addWidget(self.node_box, 1)
        for button in (self.add_button, self.edit_button, self.remove_button, self.verify_button):
            node_row.addWidget(button)

        self.patient_id = QLineEdit()
        self.patient_name = QLineEdit()
        self.patient_name.setPlaceholderText("wildcards: DOE^J*")
        self.study_date = QLineEdit()
        self.study_date.setPlaceholderText("YYYYMMDD or YYYYMMDD-YYYYMMDD")
        self.accession = QLineEdit()
        self.modality = QComboBox()
        self.modality.setEditable(True)
        self.modality.addItems(["", "CR", "DX", "CT", "MR", "US", "SR"])
        form = QFormLayout()
        form.addRow("Patient ID", self.patient_id)
        form.addRow("Patient name", self.patient_name)
        form.addRow("Study date", self.study_date)
        form.addRow("Accession", self.accession)
        form.addRow("Modality", self.modality)
        for field in (self.patient_id, self.patient_name, self.study_date, self.accession):
            field.returnPressed.connect(self.search)
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.search)

        self.table = QTableWidget(0, len(RESULT_COLUMNS))
        self.table.setHorizontalHeaderLabels(RESULT_COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_study(index.row()))
        self.open_button = QPushButton("Open study")
        self.open_button.clicked.connect(lambda: self.open_study(self.table.currentRow()))

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.status = QLabel()
        self.status.setWordWrap(True)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        self.cache_label = QLabel("Cache: measuring…")
        self.clear_cache_button = QPushButton("Clear cache")
        self.clear_cache_button.clicked.connect(self.clear_cache)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self.cache_label, 1)
        cache_row.addWidget(self.clear_cache_button)

        layout = QVBoxLayout(self)
        layout.addLayout(node_row)
        layout.addLayout(form)
        layout.addWidget(self.search_button)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.open_button)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addLayout(cache_row)
        self._refresh_cache_label()

    # -- nodes -------------------------------------------------------------------------
    def _refresh_nodes(self, select: int | None = None) -> None:
        current = self.node_box.currentIndex() if select is None else select
        self.node_box.clear()
        for saved in self.nodes:
            self.node_box.addItem(f"{saved.name}  ({saved.node})")
        if self.nodes:
            self.node_box.setCurrentIndex(min(max(current, 0), len(self.nodes) - 1))
        has_node = bool(self.nodes)
        for widget in (self.edit_button, self.remove_button):
            widget.setEnabled(has_node)

    def add_saved_node(self, saved: SavedNode) -> None:
        self.nodes.append(saved)
        save_nodes(self.settings, self.nodes)
        self._refresh_nodes(len(self.nodes) - 1)
        self._set_busy(self.busy)

    def add_node(self) -> None:
        dialog = NodeDialog(parent=self)
        if dialog.exec():
            self.add_saved_node(dialog.saved_node())

    def edit_node(self) -> None:
        index = self.node_box.currentIndex()
        if index < 0:
            return
        dialog = NodeDialog(self.nodes[index], self)
        if dialog.exec():
            self.nodes[index] = dialog.saved_node()
            save_nodes(self.settings, self.nodes)
            self._refresh_nodes(index)

    def remove_node(self) -> None:
        index = self.node_box.currentIndex()
        if index >= 0:
            del self.nodes[index]
            save_nodes(self.settings, self.nodes)
            self._refresh_nodes()
            self._set_busy(self.busy)

    def current_node(self) -> PacsNode | None:
        index = self.node_box.currentIndex()
        return self.nodes[index].node if 0 <= index < len(self.nodes) else None

    def _client(self, node: PacsNode | None = None) -> PacsClient | None:
        """A client for the node, asking for a DICOMweb password once per session."""
        node = node or self.current_node()
        if node is None:
            self._fail("add a PACS node first")
            return None
        if self.busy:
            self._fail("a PACS request is running; wait for it or cancel it first")
            return None
        self._password_key = None
        if isinstance(node, DicomwebNode) and node.username and node.password is None:
            key = f"{node.username}@{node.url}"
            self._password_key = key
            if key not in self._passwords:
                password, ok = QInputDialog.getText(
                    self,
                    "DICOMweb password",
                    f"Password for {node.username} at {node.url}",
                    QLineEdit.EchoMode.Password,
                )
                if not ok:
                    return None
                self._passwords[key] = password
            node = DicomwebNode(node.url, node.username, self._passwords[key])
        return make_client(node)

    # -- jobs --------------------------------------------------------------------------
    def _submit(
        self,
        label: str,
        job,
        on_done: Callable[[object], None],
        cancel: threading.Event | None = None,
    ) -> None:
        self._request += 1
        self._handlers = {self._request: on_done}  # one job at a time; older ones are stale
        self._cancel = cancel or threading.Event()
        self.last_error = None
        self.status.setText(label)
        self.progress.setRange(0, 0)
        self._set_busy(True)
        self.pacs.submit(self._request, job)

    def _submit_quiet(self, job, on_done: Callable[[object], None]) -> None:
        """A background job with no busy state, no cancel and no message (cache size)."""
        self._request += 1
        self._quiet[self._request] = on_done
        self.pacs.submit(self._request, job)

    def _on_finished(self, request_id: int, result: object) -> None:
        quiet = self._quiet.pop(request_id, None)
        if quiet is not None:
            quiet(result)
            return
        handler = self._handlers.pop(request_id, None)
        if handler is None:
            return
        self._set_busy(False)
        handler(result)
        self.job_finished.emit()

    def _on_failed(self, request_id: int, message: str, kind: str) -> None:
        if self._quiet.pop(request_id, None) is not None:
            log.warning("%s", message)
            return
        if self._handlers.pop(request_id, None) is None:
            return
        if kind == "AssociationRejected" and self._password_key is not None:
            self._passwords.pop(self._password_key, None)  # a wrong password is asked again
        self._set_busy(False)
        self._fail(message)
        self.job_finished.emit()

    def _on_progress(self, request_id: int, done: int, total: int) -> None:
        if request_id in self._handlers:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            if total:
                self.progress.setFormat("%v of %m images")

    def _fail(self, message: str) -> None:
        self.last_error = message
        self.status.setText(message)
        self.message.emit(message)
        log.warning("%s", message)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        for widget in (self.search_button, self.verify_button, self.open_button):
            widget.setEnabled(not busy and bool(self.nodes))
        if not busy:
            self.progress.reset()

    @property
    def busy(self) -> bool:
        return bool(self._handlers)

    def cancel(self) -> None:
        """Stop the running job at its next step; a retrieval leaves nothing behind."""
        self._cancel.set()
        self.status.setText("cancelling…")

    def stop(self) -> None:
        self._cancel.set()
        self.pacs.stop()

    # -- actions -----------------------------------------------------------------------
    def verify(self) -> None:
        client = self._client()
        if client is not None:
            node = client.node
            self._submit(
                f"verifying {node}…",
                lambda progress: client.verify(),
                lambda _: self._done(f"{node} answers"),
            )

    def query(self) -> StudyQuery | None:
        """The search form as a query; None (and one message) when a field is malformed."""
        date = self.study_date.text().strip()
        try:
            return StudyQuery(
                patient_id=self.patient_id.text().strip() or None,
                patient_name=self.patient_name.text().strip() or None,
                study_date=DateRange.parse(date) if date else None,
                accession_number=self.accession.text().strip() or None,
                modality=self.modality.currentText().strip() or None,
            )
        except PacsError as exc:
            self._fail(exc.reason)
            return None

    def search(self) -> None:
        query = self.query()
        client = self._client() if query is not None else None
        if client is not None:
            self._submit(
                f"searching {client.node}…",
                lambda progress: client.find_studies(query),
                self._show_records,
            )

    def _show_records(self, records: object) -> None:
        """Most recent study first, as a worklist reads."""
        self.records = sorted(
            records,  # type: ignore[arg-type]
            key=lambda r: (r.study_date, r.study_time),
            reverse=True,
        )
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            images = "" if record.number_of_instances is None else str(record.number_of_instances)
            cells = (
                record.patient_name.replace("^", " ").strip(),
                record.patient_id,
                _display_date(record.study_date),
                record.study_description,
                ", ".join(record.modalities_in_study),
                images,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.records:
            self.table.selectRow(0)
        self._done(f"{len(self.records)} stud{'y' if len(self.records) == 1 else 'ies'} found")

    def open_study(self, row: int) -> None:
        """Retrieve the study in the background (or take it from the cache), then open it."""
        if not 0 <= row < len(self.records):
            return
        uid = self.records[row].study_instance_uid
        self.study_nodes[uid] = self.node_box.currentIndex()
        cached = self.cache.lookup(uid)
        if cached is not None:
            self._done("opened from the cache")
            self.study_retrieved.emit(cached)
            return
        client = self._client()
        if client is None:
            return
        cancel = threading.Event()

        def job(progress):
            return self.cache.fetch(client, uid, progress=progress, cancel=cancel)

        self._submit(f"retrieving from {client.node}…", job, self._retrieved, cancel)

    def _retrieved(self, folder: object) -> None:
        self._refresh_cache_label()
        self._done("study retrieved")
        self.study_retrieved.emit(Path(folder))  # type: ignore[arg-type]

    def send_files(self, files: list[Path], node: PacsNode | None = None) -> bool:
        """Store the files on the node (C-STORE or STOW-RS), in the background; False when
        nothing was started (no node, busy, password prompt cancelled)."""
        client = self._client(node)
        if client is None:
            return False
        cancel = threading.Event()

        def job(progress):
            return client.send(files, progress=progress, cancel=cancel)

        self._submit(f"sending {len(files)} file(s) to {client.node}…", job, self._sent, cancel)
        return True

    def _sent(self, results: object) -> None:
        failures = [r for r in results if not r.ok]  # type: ignore[attr-defined]
        if failures:
            self._fail("; ".join(f"{r.path.name}: {r.reason}" for r in failures))
        else:
            self._done(f"sent {len(results)} file(s)")  # type: ignore[arg-type]
        self.last_sent = list(results)  # type: ignore[arg-type]

    def clear_cache(self) -> None:
        if self.busy:
            self._fail("wait for the running retrieval to finish before clearing the cache")
            return
        answer = QMessageBox.question(self, "PACS cache", "Delete every cached study?")
        if answer == QMessageBox.StandardButton.Yes:
            self._submit("clearing the cache…", lambda progress: self.cache.clear(), self._cleared)

    def _cleared(self, _result: object) -> None:
        self._refresh_cache_label()
        self._done("cache cleared")

    def _refresh_cache_label(self) -> None:
        """Measured on the PACS thread: a big cache takes a while to walk."""
        self._submit_quiet(lambda progress: self.cache.size_bytes(), self._show_cache_size)

    def _show_cache_size(self, size: int) -> None:
        limit = self.cache.max_bytes
        of = f" of {limit / 1e9:.1f} GB" if limit else ""
        self.cache_label.setText(f"Cache: {size / 1e6:.1f} MB{of}")
        self.cache_measured.emit()

    def _done(self, text: str) -> None:
        self.status.setText(text)
        self.message.emit(text)


def _as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _display_date(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 else value


class SendDialog(QDialog):
    """Choose the node and whether the annotated image goes along with the SR."""

    def __init__(self, nodes: list[SavedNode], current: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send to PACS")
        self.node_box = QComboBox()
        self.node_box.addItems([f"{n.name}  ({n.node})" for n in nodes])
        self.node_box.setCurrentIndex(max(current, 0))
        self.with_image = QComboBox()
        self.with_image.addItems(["SR only", "SR and annotated image (secondary capture)"])
        form = QFormLayout()
        form.addRow("Node", self.node_box)
        form.addRow("Send", self.with_image)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def include_image(self) -> bool:
        return self.with_image.currentIndex() == 1
