"""Settings (the model, chosen among the installed ones, device, threads, PACS cache limits,
box confidence threshold, anonymised exports, the reviewer's name and organisation) and model
information."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..pacs.cache import DEFAULT_MAX_AGE_DAYS
from ..site_models import InstalledModel, installed_models, read_model
from .forms import ok_cancel_buttons
from .grounding_flow import MODEL_DIR_KEY
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
    """Writes the settings into QSettings on OK. The model is chosen among the installed
    ones (the bundled default and the site's fine-tuned models, newest first); rolling back
    a fine-tune is choosing an older one. Browse… adds a model directory from elsewhere."""

    def __init__(self, settings: QSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.model = QComboBox()
        self.model.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.model_summary = QLabel()
        self.model_summary.setWordWrap(True)
        self.model.currentIndexChanged.connect(self._show_model_summary)
        chosen = str(settings.value(MODEL_DIR_KEY, "") or "").strip()
        for model in installed_models([chosen] if chosen else []):
            self._add_model(model)
        self._choose_model(chosen)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.model, 1)
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
        form.addRow("Model", holder)
        form.addRow("", self.model_summary)
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

    def _add_model(self, model: InstalledModel) -> None:
        self.model.addItem(model.label, model)
        self.model.setItemData(self.model.count() - 1, str(model.path), Qt.ItemDataRole.ToolTipRole)

    def _model_index(self, directory: str) -> int:
        """The entry of DIRECTORY (empty: the bundled default), or -1."""
        for index in range(self.model.count()):
            model: InstalledModel = self.model.itemData(index)
            if model.bundled and not directory:
                return index
            if directory and model.path.resolve() == Path(directory).resolve():
                return index
        return -1

    def _choose_model(self, directory: str) -> None:
        index = self._model_index(directory)
        if index >= 0:
            self.model.setCurrentIndex(index)
        elif directory:  # gone, or no longer a model directory
            self.model_summary.setText(
                f"{directory} is not a model directory; OK uses the model selected above"
            )

    def _show_model_summary(self, index: int) -> None:
        model = self.model.itemData(index)
        self.model_summary.setText(model.summary() if model is not None else "")

    def chosen_model_dir(self) -> str:
        """What goes into model/dir: empty for the bundled default."""
        model: InstalledModel | None = self.model.currentData()
        if model is None or model.bundled:
            return ""
        return str(model.path)

    def _browse(self) -> None:
        start = self.chosen_model_dir()
        path = QFileDialog.getExistingDirectory(self, "Model directory", start)
        if path:
            self.add_model_dir(Path(path))

    def add_model_dir(self, path: Path) -> bool:
        """Add and select the model directory PATH; False (and a line saying why) if it is not
        one."""
        model = read_model(path)
        if model is None:
            self.model_summary.setText(
                f"{path} is not a model directory (it needs config.json and model.safetensors)"
            )
            return False
        if self._model_index(str(path)) < 0:
            self._add_model(model)
        self._choose_model(str(path))
        return True

    def accept(self) -> None:
        self.settings.setValue(MODEL_DIR_KEY, self.chosen_model_dir())
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
