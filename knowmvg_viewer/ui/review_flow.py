"""The radiologist's review from the window (issue 13): accept, reject, move or resize a box,
change an assertion, re-link a phrase to report text, add a missed finding, each one an
undoable command on one QUndoStack. The review itself is the session's (Qt-free); this module
asks who the reviewer is when nobody said, and turns gestures into session calls.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRectF, QSettings
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from ..review import ReviewChange, ReviewError
from ..session import NO_REVIEWER, Session

REVIEWER_KEY = "review/name"
ORGANISATION_KEY = "review/organisation"
ASSERTION_LABELS = {"positive": "Positive", "uncertain": "Uncertain", "negated": "Negated"}


def reviewer_settings(settings: QSettings) -> tuple[str, str]:
    """(name, organisation) as File > Settings has them; "" when not set."""
    return (
        str(settings.value(REVIEWER_KEY, "") or "").strip(),
        str(settings.value(ORGANISATION_KEY, "") or "").strip(),
    )


class ReviewCommand(QUndoCommand):
    """One review action. It is applied before it is pushed (so a refused one never reaches
    the stack); undo puts the finding back as it was, redo applies the action again."""

    def __init__(
        self,
        session: Session,
        text: str,
        apply: Callable[[], ReviewChange],
        change: ReviewChange,
        report: Callable[[str], None],
    ) -> None:
        super().__init__(text)
        self.session, self.apply, self.change, self.report = session, apply, change, report
        self._applied = True

    def redo(self) -> None:
        if self._applied:  # the push itself: already done
            self._applied = False
            return
        try:
            self.change = self.apply()
        except ReviewError as exc:
            self.report(str(exc))

    def undo(self) -> None:
        try:
            self.session.restore_finding(self.change.index, self.change.before)
        except ReviewError as exc:
            self.report(str(exc))


class ReviewFlow(QObject):
    """`view` draws the box of a finding being added (`start_drawing`); `report_panel` gives
    the selected report text for re-linking and adding."""

    def __init__(
        self,
        session: Session,
        settings: QSettings,
        view,
        report_panel,
        show_error: Callable[[str], None],
        show_status: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.session, self.settings, self.view, self.report_panel = (
            session,
            settings,
            view,
            report_panel,
        )
        self.show_error, self.show_status, self.parent_widget = show_error, show_status, parent
        self.stack = QUndoStack(self)
        self._review = None  # the review the stack's commands belong to
        self._adding: tuple[str, tuple[int, int]] | None = None  # text waiting for its box
        self.apply_settings()
        session.review_changed.connect(self._on_review_changed)
        view.box_edited.connect(self.move_box)
        view.box_drawn.connect(self._finish_add)
        view.drawing_cancelled.connect(self._cancel_add)

    def apply_settings(self) -> None:
        self.session.reviewer, self.session.reviewer_organisation = reviewer_settings(self.settings)

    def _on_review_changed(self) -> None:
        """Another study, film or grounding run: the old commands no longer apply."""
        if self.session.review is not self._review:
            self._review = self.session.review
            self.stack.clear()
            self._cancel_add()

    # -- who reviews ---------------------------------------------------------------------
    def ask_name(self) -> str:
        name, ok = QInputDialog.getText(
            self.parent_widget,
            "Reviewer",
            "Your name, recorded with each review change (File > Settings > Reviewer):",
            QLineEdit.EchoMode.Normal,
        )
        return name.strip() if ok else ""

    def _reviewer_ready(self) -> bool:
        """The reviewer's name, asked for once when Settings has none."""
        if self.session.reviewer.strip():
            return True
        name = self.ask_name()
        if not name:
            self.show_error(NO_REVIEWER)
            return False
        self.settings.setValue(REVIEWER_KEY, name)
        self.session.reviewer = name
        return True

    # -- actions -------------------------------------------------------------------------
    def _do(self, text: str, apply: Callable[[], ReviewChange]) -> bool:
        if self.session.review is None:
            self.show_status("nothing to review: the film has no findings under review")
            return False
        if not self._reviewer_ready():
            return False
        try:
            change = apply()
        except ReviewError as exc:
            self.show_error(str(exc))
            return False
        self.stack.push(ReviewCommand(self.session, text, apply, change, self.show_error))
        return True

    def _selected(self) -> int | None:
        index = self.session.review_index()
        if index is None:
            self.show_status("select a finding of the review first")
        return index

    def _phrase(self, index: int) -> str:
        return self.session.review.findings[index].phrase

    def accept(self) -> None:
        index = self._selected()
        if index is not None and self._do(
            f"Accept '{self._phrase(index)}'", lambda: self.session.accept_finding(index)
        ):
            self._advance()

    def reject(self) -> None:
        index = self._selected()
        if index is not None and self._do(
            f"Reject '{self._phrase(index)}'", lambda: self.session.reject_finding(index)
        ):
            self._advance()

    def _advance(self) -> None:
        if self.session.step_unreviewed(1) is None:
            self.show_status(self._done_text())

    def _done_text(self) -> str:
        reviewed, total = self.session.review_progress()
        return f"all {total} findings reviewed" if reviewed == total else ""

    def step(self, delta: int) -> None:
        if self.session.review is None:
            return
        if self.session.step_unreviewed(delta) is None:
            self.show_status(self._done_text())

    def set_assertion(self, assertion: str) -> None:
        index = self._selected()
        if index is not None:
            self._do(
                f"{ASSERTION_LABELS[assertion]}: '{self._phrase(index)}'",
                lambda: self.session.set_finding_assertion(index, assertion),
            )

    def move_box(self, index: int, rect: QRectF) -> None:
        box = (rect.left(), rect.top(), rect.right(), rect.bottom())
        if self.session.review_index(index) is None:
            return
        if not self._do(
            f"Move the box of '{self._phrase(index)}'",
            lambda: self.session.move_finding_box(index, box),
        ):
            self.session.findings_changed.emit()  # the box goes back where it was

    def relink(self) -> None:
        index = self._selected()
        text = self._report_selection()
        if index is None or text is None:
            return
        phrase, span = text
        self._do(
            f"Link '{self._phrase(index)}' to '{phrase}'",
            lambda: self.session.relink_finding(index, span, phrase),
        )

    def _report_selection(self) -> tuple[str, tuple[int, int]] | None:
        selected = self.report_panel.selected_text_span()
        if selected is None:
            self.show_status("select the finding's text in the report first")
            return None
        text, start, end = selected
        return text, (start, end)

    # -- adding a finding: its report text, then its box drawn on the film -----------------
    def start_add(self) -> None:
        if self.session.review is None:
            self.show_status("nothing to review: the film has no findings under review")
            return
        text = self._report_selection()
        if text is None or not self._reviewer_ready():
            return
        self._adding = text
        self.view.start_drawing()
        self.show_status(f"drag a box on the film for '{text[0]}' (Esc cancels)")

    def _finish_add(self, rect: QRectF) -> None:
        if self._adding is None:
            return
        phrase, span = self._adding
        self._adding = None
        box = (rect.left(), rect.top(), rect.right(), rect.bottom())
        self._do(f"Add '{phrase}'", lambda: self.session.add_finding(phrase, span, box))

    def _cancel_add(self) -> None:
        if self._adding is not None:
            self._adding = None
            self.view.stop_drawing()
