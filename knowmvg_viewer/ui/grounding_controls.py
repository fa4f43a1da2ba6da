"""The grounding toolbar: query field, overlay toggles, heatmap colormap/threshold/opacity,
and a colour bar. Emits changes; keeps no state beyond its widgets."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSlider, QToolBar

from ..render.colormap import COLORMAPS, colour_table


class GroundingControls(QToolBar):
    query_submitted = Signal(str)
    heatmap_style_changed = Signal()  # colormap or threshold
    opacity_changed = Signal(float)
    min_confidence_changed = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__("Grounding", parent)
        self.setObjectName("grounding-toolbar")
        self.setMovable(False)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Ground a phrase…")
        self.query.setClearButtonEnabled(True)
        self.query.setMaximumWidth(260)
        self.query.returnPressed.connect(self._submit)
        self.colormap = QComboBox()
        self.colormap.addItems(list(COLORMAPS))
        self.colormap.setToolTip("Heatmap colour map")
        self.colormap.currentTextChanged.connect(lambda _: self._restyle())
        self.threshold = self._slider(0, 90, 20, "Heatmap threshold: values below are transparent")
        self.threshold.valueChanged.connect(lambda _: self.heatmap_style_changed.emit())
        self.opacity = self._slider(0, 100, 50, "Heatmap opacity")
        self.opacity.valueChanged.connect(lambda v: self.opacity_changed.emit(v / 100.0))
        self.min_confidence = self._slider(
            0, 95, 0, "Hide boxes whose calibrated confidence is below this (they stay listed)"
        )
        self.min_confidence.setSingleStep(5)
        self.min_confidence.setPageStep(10)
        self.min_confidence_label = QLabel(" min conf. 0.00 ")
        self.min_confidence.valueChanged.connect(self._confidence_moved)
        self.colour_bar = QLabel()
        self.colour_bar.setToolTip("Heatmap scale: low (left) to high (right)")
        self.addWidget(self.query)
        self.addSeparator()
        self.addWidget(QLabel(" Heatmap "))
        self.addWidget(self.colormap)
        self.addWidget(QLabel(" threshold "))
        self.addWidget(self.threshold)
        self.addWidget(QLabel(" opacity "))
        self.addWidget(self.opacity)
        self.addWidget(self.colour_bar)
        self.addSeparator()
        self.addWidget(self.min_confidence_label)
        self.addWidget(self.min_confidence)
        self._restyle()

    @staticmethod
    def _slider(low: int, high: int, value: int, tip: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(low, high)
        slider.setValue(value)
        slider.setMaximumWidth(110)
        slider.setToolTip(tip)
        return slider

    def _submit(self) -> None:
        text = self.query.text().strip()
        if text:
            self.query_submitted.emit(text)

    def _restyle(self) -> None:
        table = colour_table(self.colormap.currentText())
        ramp = np.ascontiguousarray(np.repeat(table[None], 12, axis=0))
        image = QImage(ramp.data, 256, 12, ramp.strides[0], QImage.Format.Format_RGB888)
        self.colour_bar.setPixmap(QPixmap.fromImage(image.copy()).scaled(120, 12))
        self.heatmap_style_changed.emit()

    def colormap_name(self) -> str:
        return self.colormap.currentText()

    def threshold_value(self) -> float:
        return self.threshold.value() / 100.0

    def opacity_value(self) -> float:
        return self.opacity.value() / 100.0

    def _confidence_moved(self, value: int) -> None:
        self.min_confidence_label.setText(f" min conf. {value / 100:.2f} ")
        self.min_confidence_changed.emit(value / 100.0)

    def apply_settings(
        self, colormap: str, threshold: float, opacity: float, min_confidence: float = 0.0
    ) -> None:
        if colormap in COLORMAPS:
            self.colormap.setCurrentText(colormap)
        self.threshold.setValue(round(threshold * 100))
        self.opacity.setValue(round(opacity * 100))
        self.min_confidence.setValue(round(min_confidence * 100))
