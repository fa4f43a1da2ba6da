"""A strip of thumbnails, shown when a study has several images."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

from .qimage import to_qpixmap

THUMBNAIL_SIZE = 96


class ThumbnailStrip(QListWidget):
    image_chosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.setFixedWidth(THUMBNAIL_SIZE + 36)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.currentRowChanged.connect(self._on_row_changed)
        self._quiet = False

    def show_images(self, entries: list[tuple[Path, str, np.ndarray | None]]) -> None:
        """`entries`: (path, label, 8-bit display image or None when it failed to load)."""
        self._quiet = True
        self.clear()
        for path, label, pixels in entries:
            item = QListWidgetItem(label)
            item.setToolTip(str(path))
            if pixels is not None:
                item.setIcon(QIcon(to_qpixmap(_shrink(pixels))))
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.addItem(item)
        self.setCurrentRow(0)
        self._quiet = False
        self.setVisible(len(entries) > 1)

    def _on_row_changed(self, row: int) -> None:
        if not self._quiet and row >= 0:
            self.image_chosen.emit(row)


def _shrink(pixels: np.ndarray) -> np.ndarray:
    height, width = pixels.shape[:2]
    scale = THUMBNAIL_SIZE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
