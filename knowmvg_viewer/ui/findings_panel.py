"""The findings list: phrase, score and an uncertainty hint, coloured like its box; a box on
the other side from the one the report names is marked, and one below the confidence
threshold is greyed. Under review each row starts with its review state (✓ accepted,
✗ rejected and struck through, ✎ edited, + added, ○ pending)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from ..findings import FindingsState
from ..render.annotate import confidence_text, uncertainty_text

INDEX_ROLE = Qt.ItemDataRole.UserRole
SIDE_MARKER = "\N{WARNING SIGN} side?"
SIDE_TOOLTIP = "the box lies in the other hemithorax from the side the report names"
BELOW_THRESHOLD = "(below threshold)"
GREY = QColor(130, 130, 130)
REVIEW_MARKS = {
    "pending": "\N{WHITE CIRCLE}",
    "accepted": "\N{CHECK MARK}",
    "rejected": "\N{BALLOT X}",
    "edited": "\N{LOWER RIGHT PENCIL}",
    "added": "+",
}


class FindingsPanel(QListWidget):
    finding_chosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.currentItemChanged.connect(self._on_current)
        self._quiet = False

    def show_state(self, state: FindingsState) -> None:
        self._quiet = True
        self.clear()
        for index in range(len(state.findings)):
            self.addItem(self._item(state, index))
        self._quiet = False
        self.select(state.selected)

    def show_note(self, text: str) -> None:
        """A line in place of findings, saying why there are none (a lateral or oblique film)."""
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setForeground(GREY)
        self.addItem(item)

    def _item(self, state: FindingsState, index: int) -> QListWidgetItem:
        finding = state.findings[index]
        if finding.negated:
            text = f"{finding.phrase}   (negated)"
        else:
            score = confidence_text(finding) or "-"
            spread = uncertainty_text(finding)
            spread = f"  {spread}" if spread else ""
            prefix = "query: " if finding.source == "query" else ""
            prefix += "? " if finding.uncertain else ""
            hedge = "  uncertain" if finding.uncertain else ""
            side = f"  {SIDE_MARKER}" if finding.laterality_conflict else ""
            hidden = f"  {BELOW_THRESHOLD}" if state.is_hidden(index) else ""
            text = f"{prefix}{finding.phrase}   ({score}){spread}{hedge}{side}{hidden}"
        review = state.review_states.get(index)
        if review is not None:
            text = f"{REVIEW_MARKS[review]} {text}"
        item = QListWidgetItem(text)
        item.setData(INDEX_ROLE, index)
        swatch = QPixmap(14, 14)
        swatch.fill(QColor(*state.colour(index)))
        item.setIcon(QIcon(swatch))
        if finding.uncertain:
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
        if review == "rejected":
            font = item.font()
            font.setStrikeOut(True)
            item.setFont(font)
            item.setForeground(GREY)
        elif finding.negated:
            item.setForeground(GREY)
            if review is None:  # under review, a negation is reviewed too
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        elif state.is_hidden(index):
            item.setForeground(GREY)
        tips = [f"review: {review}"] if review is not None else []
        if finding.laterality_conflict:
            tips.append(SIDE_TOOLTIP)
        if finding.confidence is not None:
            tips.append(f"confidence {confidence_text(finding)} (calibrated P(IoU >= 0.5))")
        if finding.score is not None:
            tips.append(f"score {finding.score:.2f} (the model's predicted IoU)")
        if finding.priors:
            tips.append("location priors: " + ", ".join(f"{r} {w:.2f}" for r, w in finding.priors))
        if tips:
            item.setToolTip("\n".join(tips))
        return item

    def select(self, index: int | None) -> None:
        self._quiet = True
        for row in range(self.count()):
            if self.item(row).data(INDEX_ROLE) == index:
                self.setCurrentRow(row)
                break
        else:
            self.clearSelection()
        self._quiet = False

    def _on_current(self, current: QListWidgetItem | None, _previous) -> None:
        if not self._quiet and current is not None:
            self.finding_chosen.emit(int(current.data(INDEX_ROLE)))
