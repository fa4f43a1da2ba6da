"""Settings (model directory, device, threads, PACS cache limits, box confidence threshold,
anonymised exports, the reviewer's name and organisation) and model information."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..pacs.cache import DEFAULT_MAX_AGE_DAYS
from .forms import ok_cancel_buttons
from .pacs_panel import CACHE_AGE_KEY, CACHE_LIMIT_KEY, DEFAULT_CACHE_LIMIT_GB
from .review_flow import ORGANISATION_KEY, REVIEWER_KEY, reviewer_settings

MODEL_CARD = "MODEL_CARD.md"
MIN_CONFIDENCE_KEY = "overlay/min_confidence"
ANONYMISE_KEY = "export/anonymise"


def anonymise_exports(settings: QSettings) -> bool:
    """Whether exported files leave out the patient's identity (File > Settings)."""
    value = settings.value(ANONYMISE_KEY, False)
    return value is True or str(value).lower() in ("true", "1")


class SettingsDialog(QDialog):
    """Writes model/dir, model/device, model/threads into QSettings on OK."""

    def __init__(self, settings: QSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.model_dir = QLineEdit(str(settings.value("model/dir", "")))
        self.model_dir.setPlaceholderText("bundled default model")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.model_dir)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        self.device = QComboBox()
        self.device.addItems(["auto", "cpu", "cuda", "mps"])
        self.device.setCurrentText(str(settings.value("model/device", "auto")))
        self.threads = QSpinBox()
        self.threads.setRange(0, 64)
        self.threads.setSpecialValueText("default")
        self.threads.setValue(int(settings.value("model/threads", 0) or 0))
        self.cache_limit = QDoubleSpinBox()
        self.cache_limit.setRange(0.0, 10_000.0)
        self.cache_limit.setDecimals(1)
        self.cache_limit.setSuffix(" GB")
        self.cache_limit.setSpecialValueText("no limit")
        self.cache_limit.setValue(
            float(settings.value(CACHE_LIMIT_KEY, DEFAULT_CACHE_LIMIT_GB) or 0.0)
        )
        self.min_confidence = QDoubleSpinBox()
        self.min_confidence.setRange(0.0, 0.95)
        self.min_confidence.setSingleStep(0.05)
        self.min_confidence.setDecimals(2)
        self.min_confidence.setSpecialValueText("show all boxes")
        self.min_confidence.setToolTip(
            "Boxes whose calibrated confidence is lower are hidden; they stay listed, greyed"
        )
        self.min_confidence.setValue(float(settings.value(MIN_CONFIDENCE_KEY, 0.0) or 0.0))
        self.cache_age = QDoubleSpinBox()
        self.cache_age.setRange(0.0, 3650.0)
        self.cache_age.setDecimals(0)
        self.cache_age.setSuffix(" days")
        self.cache_age.setSpecialValueText("no limit")
        self.cache_age.setToolTip(
            "Retrieved studies hold full patient data; older ones are removed"
        )
        self.cache_age.setValue(float(settings.value(CACHE_AGE_KEY, DEFAULT_MAX_AGE_DAYS) or 0.0))
        self.anonymise = QCheckBox("Anonymise exported files")
        self.anonymise.setToolTip(
            "PNG, JSON, SR, GSPS and SC files without patient name, ID, birth date, accession "
            "number or referring physician (dates kept to the year, new UIDs); what is sent "
            "to a PACS keeps them, so it joins the patient's study"
        )
        self.anonymise.setChecked(anonymise_exports(settings))
        name, organisation = reviewer_settings(settings)
        self.reviewer = QLineEdit(name)
        self.reviewer.setPlaceholderText("recorded with each review change")
        self.organisation = QLineEdit(organisation)
        self.organisation.setPlaceholderText("the verifying organisation of a reviewed SR")
        form = QFormLayout()
        form.addRow("Model directory", holder)
        form.addRow("Device", self.device)
        form.addRow("CPU threads", self.threads)
        form.addRow("PACS cache limit", self.cache_limit)
        form.addRow("PACS cache keeps studies", self.cache_age)
        form.addRow("Hide boxes below confidence", self.min_confidence)
        form.addRow("Exports", self.anonymise)
        form.addRow("Reviewer", self.reviewer)
        form.addRow("Reviewer's organisation", self.organisation)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Model directory", self.model_dir.text())
        if path:
            self.model_dir.setText(path)

    def accept(self) -> None:
        self.settings.setValue("model/dir", self.model_dir.text().strip())
        self.settings.setValue("model/device", self.device.currentText())
        self.settings.setValue("model/threads", self.threads.value())
        self.settings.setValue(CACHE_LIMIT_KEY, self.cache_limit.value())
        self.settings.setValue(MIN_CONFIDENCE_KEY, self.min_confidence.value())
        self.settings.setValue(CACHE_AGE_KEY, self.cache_age.value())
        self.settings.setValue(ANONYMISE_KEY, self.anonymise.isChecked())
        self.settings.setValue(REVIEWER_KEY, self.reviewer.text().strip())
        self.settings.setValue(ORGANISATION_KEY, self.organisation.text().strip())
        super().accept()


class ModelInfoDialog(QDialog):
    """The loaded model's description and its model card (Markdown)."""

    def __init__(self, info: dict | None, error: str | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model information")
        self.resize(720, 560)
        browser = QTextBrowser()
        browser.setMarkdown(model_info_markdown(info, error))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(browser)
        layout.addWidget(buttons)


def model_info_markdown(info: dict | None, error: str | None) -> str:
    if info is None:
        return f"**No model loaded.**\n\n{error or 'The model is still loading.'}"
    lines = [f"**{info['name']}** ({info['size']}) on {info['device']}", ""]
    lines += [f"- {key}: {value}" for key, value in info.items() if key not in ("name",)]
    card = Path(info["path"]) / MODEL_CARD if info.get("path") else None
    if card is not None and card.is_file():
        lines += ["", "---", "", card.read_text(encoding="utf-8")]
    else:
        lines += ["", "This model directory has no model card."]
    return "\n".join(lines)
