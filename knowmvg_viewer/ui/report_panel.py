"""The report, shown with its sections; read-only for now."""

from __future__ import annotations

from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from ..study import Report

NO_REPORT_TEXT = "No report found for this study."


class ReportPanel(QTextEdit):
    """Plain text of the report with section headers in bold; offsets match `Report.text`."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setPlaceholderText(NO_REPORT_TEXT)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.setFont(font)
        self.report: Report | None = None

    def show_report(self, report: Report | None) -> None:
        self.report = report
        self.setPlainText(report.text if report is not None else "")
        if report is not None:
            self._embolden_headers(report)
        self.moveCursor(QTextCursor.MoveOperation.Start)

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
