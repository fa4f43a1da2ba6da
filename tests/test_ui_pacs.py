"""The viewer's PACS panel against a real Orthanc: search, open, send back, faults."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pydicom
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog

from knowmvg_viewer.pacs import DicomwebNode, DimseNode
from knowmvg_viewer.ui.main_window import MainWindow
from knowmvg_viewer.ui.pacs_panel import (
    NODES_KEY,
    PacsPanel,
    SavedNode,
    load_saved_nodes,
    save_nodes,
)

from .orthanc import OrthancServer, free_port
from .pacs_fixtures import (
    DICOMWEB_PASSWORD,
    DICOMWEB_USER,
    big_study,
    corpus_fixture,  # noqa: F401  (the `corpus` fixture)
    require_orthanc,
)

pytestmark = [pytest.mark.ui, pytest.mark.slow]
WAIT_MS = 60_000


@pytest.fixture()
def window(qtbot, model_dir):
    win = MainWindow(model_dir, "cpu")
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    with qtbot.waitSignal(win.model_ready, timeout=WAIT_MS):
        pass
    yield win
    win.close()


def _dimse(corpus) -> SavedNode:
    server = corpus.server
    return SavedNode("test PACS", DimseNode(server.aet, "127.0.0.1", server.dicom_port))


def _run(qtbot, panel, action) -> None:
    with qtbot.waitSignal(panel.job_finished, timeout=WAIT_MS):
        action()


def test_saved_nodes_round_trip_without_passwords(tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    nodes = [
        SavedNode(
            "pacs", DimseNode("ORTHANC", "10.0.0.5", 4242, calling_aet="WS1", move_port=11112)
        ),
        SavedNode("web", DicomwebNode("https://pacs.example/dicom-web", "me", "s3cret-pw")),
    ]
    save_nodes(settings, nodes)
    settings.sync()
    assert "s3cret-pw" not in (tmp_path / "settings.ini").read_text()
    loaded = load_saved_nodes(settings)
    assert loaded == nodes  # the password is not part of a node's identity
    assert loaded[1].node.password is None
    settings.setValue(NODES_KEY, '[{"kind": "dimse", "called_aet": "", "host": "h", "port": 1}]')
    assert load_saved_nodes(settings) == []  # a broken entry is skipped, not fatal


def test_search_open_ground_and_send_back(window, qtbot, corpus):
    panel = window.pacs_panel
    panel.add_saved_node(_dimse(corpus))
    panel.patient_id.setText("DEMO-0001")
    _run(qtbot, panel, panel.search)
    assert panel.last_error is None
    (record,) = panel.records
    assert panel.table.rowCount() == 1 and panel.table.item(0, 1).text() == "DEMO-0001"
    assert panel.table.item(0, 5).text() == str(len(corpus.studies[record.study_instance_uid]))

    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        _run(qtbot, panel, lambda: panel.open_study(0))
    assert window.study is not None
    assert window.study.path == panel.cache.lookup(record.study_instance_uid)
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.ground_query("left pleural effusion")

    with qtbot.waitSignal(panel.job_finished, timeout=WAIT_MS):
        assert window.send_to_pacs(panel.current_node(), include_image=True)
    assert panel.last_error is None, panel.last_error
    assert [r.ok for r in panel.last_sent] == [True, True]
    for sent in panel.last_sent:
        instance = corpus.server.find_instance(sent.sop_instance_uid)
        assert instance is not None
        stored = corpus.server.get_json(f"/instances/{instance}/simplified-tags")
        assert stored["StudyInstanceUID"] == record.study_instance_uid
    sr_tags = corpus.server.get_json(
        f"/instances/{corpus.server.find_instance(panel.last_sent[0].sop_instance_uid)}"
        "/simplified-tags"
    )
    assert sr_tags["SOPClassUID"] == pydicom.uid.ComprehensiveSRStorage


def test_unreachable_node_is_one_message_and_the_panel_stays_usable(window, qtbot):
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("nobody", DimseNode("NOBODY", "127.0.0.1", free_port())))
    _run(qtbot, panel, panel.search)
    assert panel.last_error is not None and "NOBODY@127.0.0.1" in panel.last_error
    assert "\n" not in panel.last_error
    assert panel.search_button.isEnabled() and not panel.busy


def test_malformed_date_is_refused_before_any_network(window):
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("x", DimseNode("X", "127.0.0.1", 104)))
    panel.study_date.setText("2024-01-01")
    panel.search()
    assert not panel.busy and panel.last_error.startswith("invalid date")


def test_dicomweb_asks_for_the_password_once_and_never_stores_it(
    window, qtbot, corpus, monkeypatch
):
    asked = []

    def give_password(*args, **kwargs):
        asked.append(args[2])
        return DICOMWEB_PASSWORD, True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(give_password))
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("web", DicomwebNode(corpus.server.dicomweb_url, DICOMWEB_USER)))
    panel.patient_id.setText("DEMO-*")
    _run(qtbot, panel, panel.search)
    _run(qtbot, panel, panel.search)
    assert panel.last_error is None and len(panel.records) == 2
    assert len(asked) == 1
    window.settings.sync()
    stored = Path(window.settings.fileName()).read_text()
    assert DICOMWEB_USER in stored and DICOMWEB_PASSWORD not in stored


def test_send_without_findings_or_nodes_says_why(window, qtbot, demo_study):
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.open_path(demo_study)
    window.choose_send()
    assert window.last_error == "add a PACS node in the PACS panel first"


def _stalled_job(panel, release: threading.Event) -> None:
    """A job that sits like a request waiting on a silent server."""
    panel._submit("waiting on a silent server…", lambda progress: release.wait(30), lambda _: None)


def test_editing_nodes_during_a_request_keeps_it_cancellable(window, qtbot, corpus):
    panel = window.pacs_panel
    panel.add_saved_node(_dimse(corpus))
    release = threading.Event()
    _stalled_job(panel, release)
    panel.add_saved_node(SavedNode("second", DimseNode("B", "127.0.0.1", 104)))
    panel.remove_node()
    assert panel.busy and panel.cancel_button.isVisibleTo(panel)
    assert not panel.search_button.isEnabled()
    panel.search()  # refused, not queued behind the stalled request
    assert panel.last_error.startswith("a PACS request is running")
    with qtbot.waitSignal(panel.job_finished, timeout=WAIT_MS):
        release.set()
    assert not panel.busy and panel.search_button.isEnabled()


def test_closing_the_window_does_not_wait_for_a_stalled_request(qtbot, model_dir):
    win = MainWindow(model_dir, "cpu")
    qtbot.addWidget(win)
    release = threading.Event()
    _stalled_job(win.pacs_panel, release)
    start = time.perf_counter()
    win.close()
    assert time.perf_counter() - start < 5.0
    release.set()


def test_a_wrong_dicomweb_password_is_asked_again(window, qtbot, corpus, monkeypatch):
    answers = iter(["wrong-password", DICOMWEB_PASSWORD])
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *args, **kwargs: (next(answers), True))
    )
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("web", DicomwebNode(corpus.server.dicomweb_url, DICOMWEB_USER)))
    _run(qtbot, panel, panel.search)
    assert panel.last_error is not None
    _run(qtbot, panel, panel.search)
    assert panel.last_error is None and panel.records


def test_the_cache_size_is_measured_off_the_gui_thread(window, qtbot):
    panel = window.pacs_panel
    (panel.cache.root / "1.2.3").mkdir(parents=True)
    (panel.cache.root / "1.2.3" / "x.dcm").write_bytes(b"\0" * 2_500_000)
    with qtbot.waitSignal(panel.cache_measured, timeout=WAIT_MS):
        panel._refresh_cache_label()
    assert panel.cache_label.text().startswith("Cache: 2.5 MB of 5.0 GB")


def test_server_dying_mid_retrieval_is_one_message_and_nothing_partial(window, qtbot, tmp_path):
    require_orthanc()
    study_uid, paths = big_study(tmp_path / "source", n=6)
    panel = window.pacs_panel
    with OrthancServer() as server:
        server.upload(*paths)
        panel.add_saved_node(
            SavedNode("dies", DimseNode(server.aet, "127.0.0.1", server.dicom_port))
        )
        _run(qtbot, panel, panel.search)
        (row,) = [i for i, r in enumerate(panel.records) if r.study_instance_uid == study_uid]

        def kill_after_first(request_id, done, total):
            if done == 1:
                server.kill()

        panel.pacs.worker.progress.connect(kill_after_first)
        _run(qtbot, panel, lambda: panel.open_study(row))
    assert panel.last_error is not None and "\n" not in panel.last_error
    assert "ORTHANC@127.0.0.1" in panel.last_error
    assert window.study is None  # nothing was opened
    assert panel.cache.lookup(study_uid) is None
    assert [p.name for p in panel.cache.root.iterdir()] == []
    assert panel.search_button.isEnabled()  # and the panel is ready for the next request


def test_worklist_order_and_sending_back_to_where_the_study_came_from(window, qtbot, corpus):
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("elsewhere", DimseNode("OTHER", "127.0.0.1", free_port())))
    panel.add_saved_node(_dimse(corpus))
    _run(qtbot, panel, panel.search)
    dates = [r.study_date for r in panel.records]
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)  # most recent first
    row = next(i for i, r in enumerate(panel.records) if r.patient_id == "DEMO-0001")
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        _run(qtbot, panel, lambda: panel.open_study(row))
    panel.node_box.setCurrentIndex(0)
    assert window._send_node_index() == 1  # the node the study was retrieved from
    reopened = PacsPanel(window.settings, panel.cache)
    assert reopened.node_box.currentIndex() == 0  # the last chosen node is remembered
    reopened.stop()
