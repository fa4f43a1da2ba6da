"""Fine-tuning a site model from the viewer (issue 13), pytest-qt offscreen: Review > Fine-tune
runs in the worker with a progress dialog, the new model is offered and loaded, Settings lists
the installed models and rolls back by choosing an older one, Cancel writes nothing, and a store
without reviews is one message."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QPushButton

from knowmvg_viewer import site_models
from knowmvg_viewer.site_models import models_folder
from knowmvg_viewer.ui.dialogs import SettingsDialog
from knowmvg_viewer.ui.grounding_flow import MODEL_DIR_KEY
from knowmvg_viewer.ui.main_window import MainWindow
from model_core.finetune import FineTuneCancelled

from .test_site_models import FAST, reviewed_store

pytestmark = pytest.mark.ui
WAIT_MS = 180_000


@pytest.fixture()
def window(qtbot, model_dir):
    win = MainWindow(model_dir, "cpu")
    qtbot.addWidget(win)
    win.settings.setValue(MODEL_DIR_KEY, str(model_dir))
    win.finetune.confirm_start = lambda text: True
    win.finetune.job_settings = dict(FAST)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.session.model_info is not None, timeout=WAIT_MS)
    yield win
    win.close()


def test_a_fine_tune_from_the_review_menu_is_offered_loaded_and_can_be_rolled_back(
    window, qtbot, model_dir
):
    flow = window.finetune
    reviewed_store(window.session.review_store.folder, 12)
    offered: list[str] = []
    flow.offer_switch = lambda text: offered.append(text) or True
    assert window.actions.fine_tune in window.menuBar().actions()[4].menu().actions()
    with qtbot.waitSignal(window.model_ready, timeout=WAIT_MS):  # the new model is loaded
        window.actions.fine_tune.trigger()
        assert flow.dialog is not None and flow.dialog.isVisible() and flow.job.running
    out = flow.out
    assert out.parent == models_folder() and (out / "model.safetensors").is_file()
    assert flow.dialog is None and "AP50" in offered[0] and out.name in offered[0]
    assert window.settings.value(MODEL_DIR_KEY) == str(out)
    assert window.session.model_info["path"] == str(out)

    dialog = SettingsDialog(window.settings, window)
    entries = [dialog.model.itemData(i) for i in range(dialog.model.count())]
    assert [e.bundled for e in entries] == [True, False] and entries[1].path == out
    assert dialog.chosen_model_dir() == str(out)
    assert f"from {model_dir.name}" in dialog.model.currentText()
    assert "held-out site AP50" in dialog.model_summary.text()
    dialog.model.setCurrentIndex(0)  # roll back to the bundled default
    dialog.accept()
    assert window.settings.value(MODEL_DIR_KEY) == ""


def test_cancel_in_the_progress_dialog_stops_the_job_and_writes_nothing(window, qtbot, monkeypatch):
    training = threading.Event()

    def fake_job(store, base, out, *, cancel, progress, **settings):
        progress("train", 1, 600)
        training.set()
        if cancel.wait(30):
            raise FineTuneCancelled("cancelled")
        raise AssertionError("never cancelled")

    monkeypatch.setattr(site_models, "fine_tune_from_reviews", fake_job)
    flow = window.finetune
    flow.start()
    qtbot.waitUntil(lambda: "step 1 of about 600" in flow.dialog.labelText(), timeout=10_000)
    assert training.is_set() and 16 <= flow.dialog.value() < 20
    with qtbot.waitSignal(flow.job.cancelled, timeout=10_000):
        flow.dialog.findChild(QPushButton).click()
    assert flow.dialog is None and not flow.job.running
    assert "no model was written" in window.statusBar().currentMessage()
    assert not models_folder().exists() or list(models_folder().iterdir()) == []


def test_without_reviews_fine_tuning_is_one_message(window, qtbot):
    with qtbot.waitSignal(window.finetune.job.failed, timeout=WAIT_MS):
        window.finetune.start()
    assert "review" in window.last_error and window.finetune.dialog is None


def test_settings_say_when_the_chosen_model_is_gone_and_refuse_a_folder_that_is_no_model(
    window, tmp_path
):
    window.settings.setValue(MODEL_DIR_KEY, str(tmp_path / "deleted-model"))
    dialog = SettingsDialog(window.settings, window)
    assert "is not a model directory" in dialog.model_summary.text()
    assert dialog.chosen_model_dir() == ""  # OK would use the bundled default
    (tmp_path / "empty").mkdir()
    assert not dialog.add_model_dir(tmp_path / "empty") and dialog.model.count() == 1
    assert "config.json and model.safetensors" in dialog.model_summary.text()
