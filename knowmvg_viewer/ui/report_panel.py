"""The report: sections in bold, grounded phrases highlighted in their box colour,
negated mentions struck through in grey. Click selects a finding, hover explains it,
a text selection can be grounded on demand, and the text can be edited."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QTextEdit, QToolTip

from ..findings import FindingsState
from ..render.annotate import confidence_text, uncertainty_text
from ..study import Report

NO_REPORT_TEXT = "No report found for this study. Choose Edit report to type or paste one."


class ReportPanel(QTextEdit):
    finding_clicked = Signal(int)
    ground_selection_requested = Signal(str, int, int)  # text, start, end

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setPlaceholderText(NO_REPORT_TEXT)
        self.setMouseTracking(True)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.setFont(font)
        self.report: Report | None = None
        self.state: FindingsState | None = None

    # -- content -------------------------------------------------------------------
    def show_report(self, report: Report | None) -> None:
        self.report = report
        self.state = None
        self.setPlainText(report.text if report is not None else "")
        if report is not None:
            self._embolden_headers(report)
        self.setExtraSelections([])
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def current_text(self) -> str:
        return self.toPlainText()

    def set_editing(self, editing: bool) -> None:
        """While editing, highlights are hidden (their offsets would no longer hold)."""
        self.setReadOnly(not editing)
        if editing:
            self.setExtraSelections([])
        self.setFocus()

    def _embolden_headers(self, report: Report) -> None:
        header = QTextCharFormat()
        header.setFontWeight(QFont.Weight.Bold)
        cursor = QTextCursor(self.document())
        for section in report.sections:
            if not section.name:
                continue
            cursor.setPosition(section.start)
            cursor.setPosition(section.body_start, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(header)

    def section_names(self) -> list[str]:
        return [s.name for s in self.report.sections] if self.report else []

    # -- highlights ----------------------------------------------------------------
    def show_findings(self, state: FindingsState) -> None:
        self.state = state
        selections = []
        length = len(self.toPlainText())
        for highlight in state.highlights():
            if highlight.end > length:
                continue
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(highlight.start)
            cursor.setPosition(highlight.end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = self._format(highlight, highlight.index == state.selected)
            selections.append(selection)
        self.setExtraSelections(selections)

    @staticmethod
    def _format(highlight, selected: bool) -> QTextCharFormat:
        text_format = QTextCharFormat()
        colour = QColor(*highlight.colour)
        if highlight.rejected:  # by the reviewer: struck through, no colour
            text_format.setForeground(QColor(120, 120, 120))
            text_format.setFontStrikeOut(True)
            if selected:
                text_format.setFontWeight(QFont.Weight.Bold)
            return text_format
        if highlight.negated:
            text_format.setForeground(QColor(120, 120, 120))
            text_format.setFontStrikeOut(True)
            text_format.setFontItalic(True)
            return text_format
        colour.setAlpha(200 if selected else (45 if highlight.uncertain else 90))
        text_format.setBackground(colour)
        if highlight.uncertain:  # hedged: a pale fill under a dark wavy line
            text_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            text_format.setUnderlineColor(QColor(*highlight.colour).darker(300))
        if selected:
            text_format.setFontWeight(QFont.Weight.Bold)
            text_format.setFontUnderline(True)
        return text_format

    # -- interaction ---------------------------------------------------------------
    def _finding_under(self, position) -> int | None:
        if self.state is None or not self.isReadOnly():
            return None
        offset = self.cursorForPosition(position).position()
        return self.state.finding_at(offset)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            index = self._finding_under(event.position().toPoint())
            if index is not None:
                self.finding_clicked.emit(index)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.state is not None:
            index = self._finding_under(self.viewport().mapFromGlobal(event.globalPos()))
            if index is not None:
                QToolTip.showText(event.globalPos(), self._explain(index), self)
                return True
            QToolTip.hideText()
        return super().event(event)

    def _explain(self, index: int) -> str:
        finding = self.state.findings[index]
        if finding.negated:
            return f"{finding.phrase}: negated, not localised"
        priors = ", ".join(f"{region} ({weight:.2f})" for region, weight in finding.priors)
        lines = [finding.phrase]
        if finding.uncertain:
            lines.append("uncertain: the report hedges this finding")
        if finding.located_by is not None:
            start, end = finding.located_by
            lines.append(f"located at: {self.toPlainText()[start:end]}")
        if finding.shown_confidence is not None:
            spread = uncertainty_text(finding)
            spread = f", uncertainty {spread}" if spread else ""
            kind = "confidence" if finding.confidence is not None else "score"
            lines.append(f"{kind} {confidence_text(finding)}{spread}")
        if priors:
            lines.append(f"location priors: {priors}")
        return "\n".join(lines)

    def selected_text_span(self) -> tuple[str, int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        text = self.toPlainText()[start:end]
        return (text, start, end) if text.strip() else None

    def request_ground_selection(self) -> None:
        selected = self.selected_text_span()
        if selected is not None:
            self.ground_selection_requested.emit(*selected)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        menu: QMenu = self.createStandardContextMenu()
        action = menu.addAction("Ground selection")
        action.setEnabled(self.selected_text_span() is not None)
        action.triggered.connect(self.request_ground_selection)
        menu.exec(event.globalPos())
