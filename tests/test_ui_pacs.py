"""The viewer's PACS panel against a real Orthanc: search, open, send back, faults."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pydicom
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog

from knowmvg_viewer.pacs import DicomwebNode, DimseNode, SavedNode, StudyCache, default_nodes_path
from knowmvg_viewer.ui.main_window import MainWindow
from knowmvg_viewer.ui.pacs_panel import CACHE_LIMIT_KEY, PacsPanel, SendDialog

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


@pytest.fixture(autouse=True)
def isolated_nodes_file(tmp_path, monkeypatch):
    """The saved nodes live in the per-user config folder; keep the user's own out of it."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))


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


@pytest.fixture()
def panel_alone(qtbot, tmp_path):
    """A panel with no window, its settings and nodes file in tmp_path."""

    def make() -> PacsPanel:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        cache = StudyCache(tmp_path / "cache")
        panel = PacsPanel(settings, cache, nodes_path=tmp_path / "pacs-nodes.json")
        qtbot.addWidget(panel)
        return panel

    return make


NODES = [
    SavedNode("pacs", DimseNode("ORTHANC", "10.0.0.5", 4242, calling_aet="WS1", move_port=11112)),
    SavedNode("web", DicomwebNode("https://pacs.example/dicom-web", "me", "s3cret-pw")),
]


def test_nodes_persist_in_their_file_not_in_the_settings(panel_alone, tmp_path):
    panel = panel_alone()
    assert not panel.has_nodes() and panel.node_names() == [] and panel.send_node_index(None) == -1
    for saved in NODES:
        panel.add_saved_node(saved)
    assert panel.node_names() == [
        "pacs  (ORTHANC@10.0.0.5:4242)",
        "web  (https://pacs.example/dicom-web)",
    ]
    assert panel.node(1) == NODES[1].node and panel.current_node() == NODES[1].node
    panel._settings.sync()
    assert "s3cret-pw" not in (tmp_path / "pacs-nodes.json").read_text()
    assert "ORTHANC" not in (tmp_path / "settings.ini").read_text()
    panel.stop()
    reopened = panel_alone()
    assert reopened.has_nodes() and reopened.node(0) == NODES[0].node
    assert reopened.node(1).password is None  # asked for again, once per session
    assert reopened.current_node() == NODES[1].node  # the last chosen node is remembered
    reopened.stop()


def test_nodes_in_the_old_settings_key_move_into_the_file_once(panel_alone, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("pacs/nodes", json.dumps([saved.to_json() for saved in NODES]))
    settings.sync()
    panel = panel_alone()
    assert [panel.node(i) for i in range(2)] == [saved.node for saved in NODES]
    assert (tmp_path / "pacs-nodes.json").exists()
    panel._settings.sync()
    assert "ORTHANC" not in (tmp_path / "settings.ini").read_text()  # the old key is gone
    panel.stop()


def test_a_corrupt_nodes_file_starts_empty_says_so_and_is_kept(panel_alone, tmp_path, caplog):
    (tmp_path / "pacs-nodes.json").write_text("{truncated")
    panel = panel_alone()
    assert not panel.has_nodes()
    assert "unreadable saved PACS nodes" in panel.last_error and "\n" not in panel.last_error
    assert "pacs-nodes.json.corrupt" in panel.last_error
    assert (tmp_path / "pacs-nodes.json.corrupt").read_text() == "{truncated"
    assert "unreadable saved PACS nodes" in caplog.text
    panel.add_saved_node(NODES[0])  # and the panel works: a new file is written
    assert json.loads((tmp_path / "pacs-nodes.json").read_text())["nodes"][0]["name"] == "pacs"
    panel.stop()


def test_the_send_node_follows_the_study_origin_when_nodes_are_removed(panel_alone):
    panel = panel_alone()
    for saved in NODES:
        panel.add_saved_node(saved)
    panel._study_nodes["1.2.3"] = NODES[1].node  # as open_study records it
    panel._node_box.setCurrentIndex(0)
    assert panel.send_node_index("1.2.3") == 1
    panel._remove_node()  # node 0: the origin is now at index 0
    assert panel.send_node_index("1.2.3") == 0
    panel.add_saved_node(NODES[0])
    panel._node_box.setCurrentIndex(0)
    panel._remove_node()  # the origin itself: fall back to the current node
    assert panel.send_node_index("1.2.3") == panel._node_box.currentIndex() == 0
    panel.stop()


def test_send_dialog_offers_the_node_names(qtbot):
    dialog = SendDialog(["a  (A@h:1)", "b  (B@h:2)"], 1)
    qtbot.addWidget(dialog)
    assert dialog.chosen_index() == 1 and not dialog.include_image
    dialog._with_image.setCurrentIndex(1)
    assert dialog.include_image


def test_apply_settings_takes_up_a_new_cache_limit(panel_alone, qtbot):
    panel = panel_alone()
    panel._settings.setValue(CACHE_LIMIT_KEY, 1.5)
    with qtbot.waitSignal(panel.cache_measured, timeout=WAIT_MS):
        panel.apply_settings(panel._settings)
    assert panel._cache.max_bytes == 1_500_000_000
    assert panel._cache_label.text().endswith("of 1.5 GB")
    panel.stop()


def test_search_open_ground_and_send_back(window, qtbot, corpus):
    panel = window.pacs_panel
    panel.add_saved_node(_dimse(corpus))
    panel._patient_id.setText("DEMO-0001")
    _run(qtbot, panel, panel.search)
    assert panel.last_error is None
    (record,) = panel._records
    assert panel._table.rowCount() == 1 and panel._table.item(0, 1).text() == "DEMO-0001"
    assert panel._table.item(0, 5).text() == str(len(corpus.studies[record.study_instance_uid]))

    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        _run(qtbot, panel, lambda: panel.open_study(0))
    assert window.session.study is not None
    assert window.session.study.path == panel._cache.lookup(record.study_instance_uid)
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.grounding.query("left pleural effusion")

    with qtbot.waitSignal(panel.job_finished, timeout=WAIT_MS):
        assert window.exports.send_to_pacs(panel.current_node(), include_image=True)
    assert panel.last_error is None, panel.last_error
    assert [r.ok for r in panel._last_sent] == [True, True]
    for sent in panel._last_sent:
        instance = corpus.server.find_instance(sent.sop_instance_uid)
        assert instance is not None
        stored = corpus.server.get_json(f"/instances/{instance}/simplified-tags")
        assert stored["StudyInstanceUID"] == record.study_instance_uid
    sr_tags = corpus.server.get_json(
        f"/instances/{corpus.server.find_instance(panel._last_sent[0].sop_instance_uid)}"
        "/simplified-tags"
    )
    assert sr_tags["SOPClassUID"] == pydicom.uid.ComprehensiveSRStorage


def test_unreachable_node_is_one_message_and_the_panel_stays_usable(window, qtbot):
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("nobody", DimseNode("NOBODY", "127.0.0.1", free_port())))
    _run(qtbot, panel, panel.search)
    assert panel.last_error is not None and "NOBODY@127.0.0.1" in panel.last_error
    assert "\n" not in panel.last_error
    assert panel._search_button.isEnabled() and not panel.is_busy()


def test_malformed_date_is_refused_before_any_network(window):
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("x", DimseNode("X", "127.0.0.1", 104)))
    panel._study_date.setText("2024-01-01")
    panel.search()
    assert not panel.is_busy() and panel.last_error.startswith("invalid date")


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
    panel._patient_id.setText("DEMO-*")
    _run(qtbot, panel, panel.search)
    _run(qtbot, panel, panel.search)
    assert panel.last_error is None and len(panel._records) == 2
    assert len(asked) == 1
    window.settings.sync()
    assert DICOMWEB_PASSWORD not in Path(window.settings.fileName()).read_text()
    stored = default_nodes_path().read_text()
    assert DICOMWEB_USER in stored and DICOMWEB_PASSWORD not in stored


def test_send_without_findings_or_nodes_says_why(window, qtbot, demo_study):
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.open_path(demo_study)
    window.exports.choose_send()
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
    panel._remove_node()
    assert panel.is_busy() and panel._cancel_button.isVisibleTo(panel)
    assert not panel._search_button.isEnabled()
    panel.search()  # refused, not queued behind the stalled request
    assert panel.last_error.startswith("a PACS request is running")
    with qtbot.waitSignal(panel.job_finished, timeout=WAIT_MS):
        release.set()
    assert not panel.is_busy() and panel._search_button.isEnabled()


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
    assert panel.last_error is None and panel._records


def test_the_cache_size_is_measured_off_the_gui_thread(window, qtbot):
    panel = window.pacs_panel
    (panel._cache.root / "1.2.3").mkdir(parents=True)
    (panel._cache.root / "1.2.3" / "x.dcm").write_bytes(b"\0" * 2_500_000)
    with qtbot.waitSignal(panel.cache_measured, timeout=WAIT_MS):
        panel._refresh_cache_label()
    assert panel._cache_label.text().startswith("Cache: 2.5 MB of 5.0 GB")


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
        (row,) = [i for i, r in enumerate(panel._records) if r.study_instance_uid == study_uid]

        def kill_after_first(request_id, done, total):
            if done == 1:
                server.kill()

        panel._pacs.worker.progress.connect(kill_after_first)
        _run(qtbot, panel, lambda: panel.open_study(row))
    assert panel.last_error is not None and "\n" not in panel.last_error
    assert "ORTHANC@127.0.0.1" in panel.last_error
    assert window.session.study is None  # nothing was opened
    assert panel._cache.lookup(study_uid) is None
    assert [p.name for p in panel._cache.root.iterdir()] == []
    assert panel._search_button.isEnabled()  # and the panel is ready for the next request


def test_worklist_order_and_sending_back_to_where_the_study_came_from(window, qtbot, corpus):
    panel = window.pacs_panel
    panel.add_saved_node(SavedNode("elsewhere", DimseNode("OTHER", "127.0.0.1", free_port())))
    panel.add_saved_node(_dimse(corpus))
    _run(qtbot, panel, panel.search)
    dates = [r.study_date for r in panel._records]
    assert len(dates) >= 3 and dates == sorted(dates, reverse=True)  # most recent first
    row = next(i for i, r in enumerate(panel._records) if r.patient_id == "DEMO-0001")
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        _run(qtbot, panel, lambda: panel.open_study(row))
    panel._node_box.setCurrentIndex(0)
    uid = panel._records[row].study_instance_uid
    assert panel.send_node_index(uid) == 1  # the node the study was retrieved from
    assert panel.send_node_index("1.2.3.4") == 0  # any other study: the current node
    reopened = PacsPanel(window.settings, panel._cache)
    assert reopened.current_node() == panel.node(0)  # the last chosen node is remembered
    reopened.stop()
