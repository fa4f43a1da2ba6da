"""The PACS panel: saved nodes, a study search, retrieval into the cache, Send to PACS.

A thin view over `knowmvg_viewer.pacs`: every network call runs as a job on the PACS
worker thread; the panel only builds jobs and shows their outcome. The saved nodes are
`knowmvg_viewer.pacs.SavedNodes` (one JSON file, never a password); passwords are asked
for once per session and kept in memory only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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

from ..pacs.cache import DEFAULT_MAX_AGE_DAYS, StudyCache
from ..pacs.client import PacsClient, SendResult, make_client
from ..pacs.errors import PacsError
from ..pacs.nodes import DEFAULT_CALLING_AET, DicomwebNode, DimseNode, PacsNode
from ..pacs.query import DateRange, StudyQuery, StudyRecord
from ..pacs.saved_nodes import (
    NodeFileError,
    SavedNode,
    SavedNodes,
    default_nodes_path,
    set_aside,
)
from .forms import ok_cancel_buttons
from .worker import PacsThread

log = logging.getLogger(__name__)

CACHE_LIMIT_KEY = "pacs/cache_limit_gb"
DEFAULT_CACHE_LIMIT_GB = 5.0
CACHE_AGE_KEY = "pacs/cache_max_age_days"  # retrieved studies hold full patient data
_LEGACY_NODES_KEY = "pacs/nodes"  # where versions before pacs-nodes.json kept the nodes
_CURRENT_NODE_KEY = "pacs/current_node"
_RESULT_COLUMNS = ("Patient", "Patient ID", "Date", "Description", "Modalities", "Images")


def cache_limit_bytes(settings: QSettings) -> int | None:
    """The user's cache size limit (File > Settings); None when there is none."""
    try:
        limit_gb = float(settings.value(CACHE_LIMIT_KEY, DEFAULT_CACHE_LIMIT_GB))
    except (TypeError, ValueError):
        limit_gb = DEFAULT_CACHE_LIMIT_GB
    return int(limit_gb * 1e9) if limit_gb > 0 else None


def cache_max_age_days(settings: QSettings) -> float | None:
    """How long a retrieved study is kept after its last use (File > Settings); None: no
    age limit."""
    try:
        days = float(settings.value(CACHE_AGE_KEY, DEFAULT_MAX_AGE_DAYS))
    except (TypeError, ValueError):
        days = DEFAULT_MAX_AGE_DAYS
    return days if days > 0 else None


def study_cache(settings: QSettings) -> StudyCache:
    """The retrieved-studies cache in the per-user cache folder, with the user's limits."""
    return StudyCache(
        max_bytes=cache_limit_bytes(settings), max_age_days=cache_max_age_days(settings)
    )


def _load_nodes(settings: QSettings, path: Path) -> tuple[SavedNodes, str | None]:
    """The saved nodes, those an older version kept in the settings moved into the file
    once; a corrupt file is set aside and the panel starts with none. Returns the nodes
    and a warning for the status line, if any."""
    legacy = settings.value(_LEGACY_NODES_KEY)
    try:
        nodes = SavedNodes.load(path, legacy=str(legacy) if legacy else None)
    except NodeFileError as exc:
        try:
            kept = f"; the file is kept as {set_aside(path).name}"
        except OSError:
            kept = ""
        warning = f"{exc.reason}; starting with no PACS nodes{kept}"
        log.warning("%s", warning)
        return SavedNodes(path), warning
    if legacy is not None and path.exists():
        settings.remove(_LEGACY_NODES_KEY)
    return nodes, None


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
    """Search a node, open a study from it (retrieved into the cache), send files to it.

    The window uses the nodes (`node_names`, `node`, `has_nodes`, `send_node_index`),
    `send_files`, `is_busy`, `apply_settings` and `stop`, and listens to `study_retrieved`
    and `message`. The saved nodes live in `nodes_path` (default: the per-user config
    folder), not in the settings; the settings keep the cache limit and the chosen node.
    """

    study_retrieved = Signal(Path)  # a complete local study folder, ready to open
    job_finished = Signal()  # any job, success or not (tests and the status bar use it)
    cache_measured = Signal()
    message = Signal(str)  # a one-line outcome for the status bar

    def __init__(
        self,
        settings: QSettings,
        cache: StudyCache,
        parent=None,
        *,
        nodes_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._cache = cache
        self._nodes, startup_warning = _load_nodes(settings, nodes_path or default_nodes_path())
        self._records: list[StudyRecord] = []
        self._last_error: str | None = None
        self._last_sent: list[SendResult] = []
        self._study_nodes: dict[str, PacsNode] = {}  # StudyInstanceUID -> node it came from
        self._passwords: dict[str, str] = {}  # per session, in memory only
        self._request = 0
        self._handlers: dict[int, Callable[[object], None]] = {}
        self._quiet: dict[int, Callable[[object], None]] = {}  # jobs that show no busy state
        self._password_key: str | None = None  # the session password the current job uses
        self._cancel = threading.Event()
        self._pacs = PacsThread(self)
        self._pacs.worker.finished.connect(self._on_finished)
        self._pacs.worker.failed.connect(self._on_failed)
        self._pacs.worker.progress.connect(self._on_progress)
        self._build()
        self._refresh_nodes(_as_int(settings.value(_CURRENT_NODE_KEY, 0)))
        self._node_box.currentIndexChanged.connect(
            lambda index: self._settings.setValue(_CURRENT_NODE_KEY, index)
        )
        self._set_busy(False)
        if startup_warning:
            self._status.setText(startup_warning)
        self._last_error = startup_warning

    # -- the window's interface --------------------------------------------------------
    def node_names(self) -> list[str]:
        """How each saved node is shown ("name  (address)"), in order."""
        return [_label(saved) for saved in self._nodes]

    def node(self, index: int) -> PacsNode:
        """The saved node at `index` (IndexError when there is none)."""
        return self._nodes[index].node

    def has_nodes(self) -> bool:
        return len(self._nodes) > 0

    def current_node(self) -> PacsNode | None:
        index = self._node_box.currentIndex()
        return self._nodes[index].node if 0 <= index < len(self._nodes) else None

    def send_node_index(self, study_uid: str | None) -> int:
        """The node the study was retrieved from, if it is still saved, else the current
        node (-1 when there are no nodes)."""
        origin = self._study_nodes.get(study_uid or "")
        index = self._nodes.index_of(origin) if origin is not None else None
        return self._node_box.currentIndex() if index is None else index

    def is_busy(self) -> bool:
        """A search, retrieval, send or cache clearing is running (one at a time)."""
        return bool(self._handlers)

    def apply_settings(self, settings: QSettings) -> None:
        """Take up changed cache limits (File > Settings)."""
        self._cache.max_bytes = cache_limit_bytes(settings)
        self._cache.max_age_days = cache_max_age_days(settings)
        self._refresh_cache_label()

    @property
    def last_error(self) -> str | None:
        """The last job's failure as shown to the user; None after a success."""
        return self._last_error

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        self._node_box = QComboBox()
        self._add_button = QPushButton("Add…")
        self._edit_button = QPushButton("Edit…")
        self._remove_button = QPushButton("Remove")
        self._verify_button = QPushButton("Verify")
        self._add_button.clicked.connect(self._add_node)
        self._edit_button.clicked.connect(self._edit_node)
        self._remove_button.clicked.connect(self._remove_node)
        self._verify_button.clicked.connect(self._verify)
        node_row = QHBoxLayout()
        node_row.addWidget(self._node_box, 1)
        for button in (
            self._add_button,
            self._edit_button,
            self._remove_button,
            self._verify_button,
        ):
            node_row.addWidget(button)

        self._patient_id = QLineEdit()
        self._patient_name = QLineEdit()
        self._patient_name.setPlaceholderText("wildcards: DOE^J*")
        self._study_date = QLineEdit()
        self._study_date.setPlaceholderText("YYYYMMDD or YYYYMMDD-YYYYMMDD")
        self._accession = QLineEdit()
        self._modality = QComboBox()
        self._modality.setEditable(True)
        self._modality.addItems(["", "CR", "DX", "CT", "MR", "US", "SR"])
        form = QFormLayout()
        form.addRow("Patient ID", self._patient_id)
        form.addRow("Patient name", self._patient_name)
        form.addRow("Study date", self._study_date)
        form.addRow("Accession", self._accession)
        form.addRow("Modality", self._modality)
        for field in (self._patient_id, self._patient_name, self._study_date, self._accession):
            field.returnPressed.connect(self.search)
        self._search_button = QPushButton("Search")
        self._search_button.clicked.connect(self.search)

        self._table = QTableWidget(0, len(_RESULT_COLUMNS))
        self._table.setHorizontalHeaderLabels(_RESULT_COLUMNS)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.verticalHeader().hide()
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._table.horizontalHeader().setStretchLastSection(True)
        self._table.doubleClicked.connect(lambda index: self.open_study(index.row()))
        self._open_button = QPushButton("Open study")
        self._open_button.clicked.connect(lambda: self.open_study(self._table.currentRow()))

        self._progress = QProgressBar()
        self._progress.setTextVisible(True)
        self._cancel_button = QPushButton("Cancel")
        self._cancel_button.clicked.connect(self.cancel)
        self._status = QLabel()
        self._status.setWordWrap(True)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self._progress, 1)
        progress_row.addWidget(self._cancel_button)

        self._cache_label = QLabel("Cache: measuring…")
        self._clear_cache_button = QPushButton("Clear cache")
        self._clear_cache_button.clicked.connect(self._clear_cache)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self._cache_label, 1)
        cache_row.addWidget(self._clear_cache_button)

        layout = QVBoxLayout(self)
        layout.addLayout(node_row)
        layout.addLayout(form)
        layout.addWidget(self._search_button)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._open_button)
        layout.addLayout(progress_row)
        layout.addWidget(self._status)
        layout.addLayout(cache_row)
        self._refresh_cache_label()

    # -- nodes -------------------------------------------------------------------------
    def _refresh_nodes(self, select: int | None = None) -> None:
        current = self._node_box.currentIndex() if select is None else select
        self._node_box.clear()
        self._node_box.addItems(self.node_names())
        if self._nodes:
            self._node_box.setCurrentIndex(min(max(current, 0), len(self._nodes) - 1))
        has_node = bool(self._nodes)
        for widget in (self._edit_button, self._remove_button):
            widget.setEnabled(has_node)

    def add_saved_node(self, saved: SavedNode) -> None:
        """Save a node and make it the current one."""
        self._save(lambda: self._nodes.add(saved))
        self._refresh_nodes(len(self._nodes) - 1)
        self._set_busy(self.is_busy())

    def _save(self, change: Callable[[], None]) -> None:
        """Apply a change to the saved nodes; a failed write is one message, and the
        change still holds for this session."""
        try:
            change()
        except OSError as exc:
            self._fail(f"cannot save the PACS nodes to {self._nodes.path} ({exc.strerror or exc})")

    def _add_node(self) -> None:
        dialog = NodeDialog(parent=self)
        if dialog.exec():
            self.add_saved_node(dialog.saved_node())

    def _edit_node(self) -> None:
        index = self._node_box.currentIndex()
        if index < 0:
            return
        dialog = NodeDialog(self._nodes[index], self)
        if dialog.exec():
            saved = dialog.saved_node()
            self._save(lambda: self._nodes.replace(index, saved))
            self._refresh_nodes(index)

    def _remove_node(self) -> None:
        index = self._node_box.currentIndex()
        if index >= 0:
            self._save(lambda: self._nodes.remove(index))
            self._refresh_nodes()
            self._set_busy(self.is_busy())

    def _client(self, node: PacsNode | None = None) -> PacsClient | None:
        """A client for the node, asking for a DICOMweb password once per session."""
        node = node or self.current_node()
        if node is None:
            self._fail("add a PACS node first")
            return None
        if self.is_busy():
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
        self._last_error = None
        self._status.setText(label)
        self._progress.setRange(0, 0)
        self._set_busy(True)
        self._pacs.submit(self._request, job)

    def _submit_quiet(self, job, on_done: Callable[[object], None]) -> None:
        """A background job with no busy state, no cancel and no message (cache size)."""
        self._request += 1
        self._quiet[self._request] = on_done
        self._pacs.submit(self._request, job)

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
            self._progress.setRange(0, total)
            self._progress.setValue(done)
            if total:
                self._progress.setFormat("%v of %m images")

    def _fail(self, message: str) -> None:
        self._last_error = message
        self._status.setText(message)
        self.message.emit(message)
        log.warning("%s", message)

    def _set_busy(self, busy: bool) -> None:
        self._progress.setVisible(busy)
        self._cancel_button.setVisible(busy)
        for widget in (self._search_button, self._verify_button, self._open_button):
            widget.setEnabled(not busy and bool(self._nodes))
        if not busy:
            self._progress.reset()

    def cancel(self) -> None:
        """Stop the running job at its next step; a retrieval leaves nothing behind."""
        self._cancel.set()
        self._status.setText("cancelling…")

    def stop(self) -> None:
        self._cancel.set()
        self._pacs.stop()

    # -- actions -----------------------------------------------------------------------
    def _verify(self) -> None:
        client = self._client()
        if client is not None:
            node = client.node
            self._submit(
                f"verifying {node}…",
                lambda progress: client.verify(),
                lambda _: self._done(f"{node} answers"),
            )

    def _query(self) -> StudyQuery | None:
        """The search form as a query; None (and one message) when a field is malformed."""
        date = self._study_date.text().strip()
        try:
            return StudyQuery(
                patient_id=self._patient_id.text().strip() or None,
                patient_name=self._patient_name.text().strip() or None,
                study_date=DateRange.parse(date) if date else None,
                accession_number=self._accession.text().strip() or None,
                modality=self._modality.currentText().strip() or None,
            )
        except PacsError as exc:
            self._fail(exc.reason)
            return None

    def search(self) -> None:
        query = self._query()
        client = self._client() if query is not None else None
        if client is not None:
            self._submit(
                f"searching {client.node}…",
                lambda progress: client.find_studies(query),
                self._show_records,
            )

    def _show_records(self, records: object) -> None:
        """Most recent study first, as a worklist reads."""
        self._records = sorted(
            records,  # type: ignore[arg-type]
            key=lambda r: (r.study_date, r.study_time),
            reverse=True,
        )
        self._table.setRowCount(len(self._records))
        for row, record in enumerate(self._records):
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
                self._table.setItem(row, column, QTableWidgetItem(text))
        if self._records:
            self._table.selectRow(0)
        self._done(f"{len(self._records)} stud{'y' if len(self._records) == 1 else 'ies'} found")

    def open_study(self, row: int) -> None:
        """Retrieve the study in the background (or take it from the cache), then open it."""
        if not 0 <= row < len(self._records):
            return
        uid = self._records[row].study_instance_uid
        node = self.current_node()
        if node is not None:
            self._study_nodes[uid] = node
        cached = self._cache.lookup(uid)
        if cached is not None:
            self._done("opened from the cache")
            self.study_retrieved.emit(cached)
            return
        client = self._client()
        if client is None:
            return
        cancel = threading.Event()

        def job(progress):
            return self._cache.fetch(client, uid, progress=progress, cancel=cancel)

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
        self._last_sent = list(results)  # type: ignore[arg-type]

    def _clear_cache(self) -> None:
        if self.is_busy():
            self._fail("wait for the running retrieval to finish before clearing the cache")
            return
        answer = QMessageBox.question(self, "PACS cache", "Delete every cached study?")
        if answer == QMessageBox.StandardButton.Yes:
            self._submit("clearing the cache…", lambda progress: self._cache.clear(), self._cleared)

    def _cleared(self, _result: object) -> None:
        self._refresh_cache_label()
        self._done("cache cleared")

    def _refresh_cache_label(self) -> None:
        """Measured on the PACS thread: a big cache takes a while to walk."""
        self._submit_quiet(lambda progress: self._cache.size_bytes(), self._show_cache_size)

    def _show_cache_size(self, size: int) -> None:
        limit = self._cache.max_bytes
        of = f" of {limit / 1e9:.1f} GB" if limit else ""
        self._cache_label.setText(f"Cache: {size / 1e6:.1f} MB{of}")
        self.cache_measured.emit()

    def _done(self, text: str) -> None:
        self._status.setText(text)
        self.message.emit(text)


def _as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _label(saved: SavedNode) -> str:
    return f"{saved.name}  ({saved.node})"


def _display_date(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 else value


class SendDialog(QDialog):
    """Choose the node and what goes along with the SR: a presentation state (on by default:
    PACS viewers such as Weasis draw its boxes, not the SR's) and the annotated image."""

    def __init__(self, node_names: list[str], index: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send to PACS")
        self._node_box = QComboBox()
        self._node_box.addItems(node_names)
        self._node_box.setCurrentIndex(max(index, 0))
        self._with_image = QComboBox()
        self._with_image.addItems(["SR only", "SR and annotated image (secondary capture)"])
        self._with_gsps = QCheckBox("with a presentation state (GSPS) drawing the boxes")
        self._with_gsps.setChecked(True)
        form = QFormLayout()
        form.addRow("Node", self._node_box)
        form.addRow("Send", self._with_image)
        form.addRow("", self._with_gsps)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def chosen_index(self) -> int:
        """The index of the chosen node, as in `PacsPanel.node_names()`."""
        return self._node_box.currentIndex()

    @property
    def include_image(self) -> bool:
        return self._with_image.currentIndex() == 1

    @property
    def include_presentation_state(self) -> bool:
        return self._with_gsps.isChecked()
