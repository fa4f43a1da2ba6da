"""A strip of thumbnails, shown when a study has several images; the worker renders them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem

from .qimage import to_qpixmap
from .worker import THUMBNAIL_SIZE


class ThumbnailStrip(QListWidget):
    image_chosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        # a fixed cell: thumbnails arrive after their entries, and must not overlap them
        self.setGridSize(QSize(THUMBNAIL_SIZE + 24, THUMBNAIL_SIZE + 30))
        self.setFixedWidth(THUMBNAIL_SIZE + 36)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.currentRowChanged.connect(self._on_row_changed)
        self._quiet = False

    def show_study(self, images: list[Path]) -> None:
        """One entry per image, named by file until its thumbnail arrives."""
        self._quiet = True
        self.clear()
        for path in images:
            item = QListWidgetItem(path.name)
            item.setToolTip(str(path))
            self.addItem(item)
        self.setCurrentRow(0)
        self._quiet = False
        self.setVisible(len(images) > 1)

    def set_thumbnail(self, index: int, pixels: np.ndarray | None, label: str) -> None:
        """The worker's rendering of image `index`; None: it cannot be shown (disabled)."""
        item = self.item(index)
        if item is None:
            return
        item.setText(label)
        if pixels is not None:
            item.setIcon(QIcon(to_qpixmap(pixels)))
        else:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)

    def select_quietly(self, index: int) -> None:
        self._quiet = True
        self.setCurrentRow(index)
        self._quiet = False

    def _on_row_changed(self, row: int) -> None:
        if not self._quiet and row >= 0:
            self.image_chosen.emit(row)
