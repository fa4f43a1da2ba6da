"""The export and send-to-PACS flows: dialogs, overwrite questions, one message per failure.

What is written comes from the session as it stands (the exporters are Qt-free); this module
only asks the user where, and says what happened. With File > Settings > Anonymise exported
files, the files written here hold no patient identity (export/anonymise.py); what is sent to
a PACS keeps it, so that it joins the patient's study there.

Under review (issue 13) every export says what the review stands by: its final findings
(rejected ones left out, the reviewer's boxes and assertions). Once every finding is
reviewed, the SR is VERIFIED by the reviewer of Settings and the PNG caption says "reviewed
by ..."; before, the SR is unverified and the caption says "partly reviewed by ...". The
JSON says who reviewed and who verified.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..export.annotated import export_annotated, study_record
from ..export.anonymise import anonymised_record, installation_salt
from ..export.presentation_state import drawable, export_presentation_state
from ..export.secondary_capture import export_secondary_capture
from ..export.source import SourceImage
from ..export.sr import export_sr
from ..export.verification import review_record
from ..session import Session
from ..study import StudyError
from .dialogs import anonymise_exports
from .pacs_panel import PacsPanel, SendDialog
from .qimage import to_qimage


class ExportFlows:
    def __init__(
        self,
        session: Session,
        parent: QWidget,
        pacs_panel: PacsPanel,
        show_error: Callable[[str], None],
        show_status: Callable[[str], None],
        show_pacs: Callable[[], None],
        settings: QSettings,
    ) -> None:
        self.session, self.parent, self.pacs_panel = session, parent, pacs_panel
        self.settings = settings
        self.show_error, self.show_status, self.show_pacs = show_error, show_status, show_pacs
        self.last_export: tuple[Path, Path] | None = None
        self._outgoing: tempfile.TemporaryDirectory | None = None

    # -- annotated PNG + JSON ------------------------------------------------------------
    def export_to(self, path: Path, overwrite: bool = False) -> tuple[Path, Path]:
        session, image = self.session, self.session.image
        review, result = session.review, session.findings.result
        record = study_record(
            image.path,
            image.width,
            image.height,
            session.report_text,
            session.export_findings(),
            spacing=image.spacing,
            review=None if review is None else review_record(review, session.verification()),
            view=image.view,
            skipped=session.note,
            report_truncated=bool(result is not None and result.report_truncated),
        )
        record["measurements"] = [m.to_json() for m in session.measurements]
        anonymise = anonymise_exports(self.settings)
        if anonymise:
            record = anonymised_record(record)
        pixels = session.annotated_pixels(session.review_caption(anonymise))
        written = export_annotated(
            path, pixels, record, session.model_info or {}, overwrite=overwrite
        )
        self.last_export = written
        return written

    def choose_export(self) -> None:
        if self.session.image is None:
            return
        suggested = self.session.image.path.with_suffix(".annotated.png").name
        path = self._ask_path("Export annotated PNG", suggested, "PNG image (*.png)")
        if path is None:
            return
        path = path.with_suffix(".png")
        overwrite = self._may_replace(path, path.with_suffix(".json"))
        if overwrite is None:
            return
        try:
            png, sidecar = self.export_to(path, overwrite)
        except OSError as exc:
            self.show_error(f"{path}: cannot write ({exc.strerror or exc})")
            return
        self.show_status(self._written(f"exported {png.name} and {sidecar.name}"))

    # -- DICOM SR --------------------------------------------------------------------------
    def export_sr_to(
        self, path: Path, overwrite: bool = False, anonymise: bool | None = None
    ) -> Path:
        """StudyError for a source that is not a DICOM image or nothing to report.
        `anonymise` None: as the settings say. VERIFIED by the reviewer once the review is
        complete (`Session.verification`)."""
        anonymise = anonymise_exports(self.settings) if anonymise is None else anonymise
        verification = self.session.verification()
        if verification is not None and anonymise:
            verification = verification.anonymised()
        return export_sr(
            path,
            self._source(anonymise),
            self.session.export_findings(),
            self.session.model_info or {},
            overwrite=overwrite,
            verification=verification,
        )

    def choose_sr_export(self) -> None:
        written = self._choose_dicom_export(
            "DICOM SR export needs a DICOM image; this is not one",
            ("Export DICOM SR", ".sr.dcm", "DICOM SR (*.dcm)"),
            self.export_sr_to,
        )
        if written is None:
            return
        problem = self.session.verification_problem()
        if problem is not None:  # written, but the user expects a verified SR
            self.show_error(f"exported {written.name}, {problem}")
            return
        self.show_status(self._written(f"exported {written.name}"))

    def _written(self, text: str) -> str:
        """TEXT, and what a verified export left out."""
        left_out = self.session.queries_left_out()
        if left_out:
            text += f"; {left_out} query finding(s) left out (not part of the verified review)"
        return text

    def _choose_dicom_export(
        self,
        not_dicom: str,
        dialog: tuple[str, str, str],
        write: Callable[[Path, bool], Path],
    ) -> Path | None:
        """Ask where (title, suffix, filter of `dialog`), whether to replace, then write; one
        message for a raster image or a failure. The path written, else None."""
        image = self.session.image
        if image is None:
            return None
        if image.header is None:
            self.show_error(f"{image.path.name}: {not_dicom}")
            return None
        title, suffix, file_filter = dialog
        path = self._ask_path(title, image.path.with_suffix(suffix).name, file_filter)
        overwrite = None if path is None else self._may_replace(path)
        if overwrite is None:
            return None
        try:
            return write(path, overwrite)
        except StudyError as exc:
            self.show_error(str(exc))
        except OSError as exc:
            self.show_error(f"{path}: cannot write ({exc.strerror or exc})")
        return None

    # -- DICOM presentation state (GSPS) ---------------------------------------------------
    def export_presentation_state_to(
        self, path: Path, overwrite: bool = False, anonymise: bool | None = None
    ) -> Path:
        """The boxes at the window and polarity on screen: every boxed finding the confidence
        threshold leaves on the overlay, whichever one is selected. StudyError for a source
        that is not a greyscale DICOM image, or nothing to draw."""
        session = self.session
        return export_presentation_state(
            path,
            self._source(anonymise),
            self._gsps_findings(),
            session.model_info or {},
            session.viewing.window,
            invert=session.viewing.invert,
            overwrite=overwrite,
        )

    def _source(self, anonymise: bool | None) -> SourceImage:
        """The image the DICOM exports reference, anonymised when asked (None: as the
        settings say); StudyError for an image that is not DICOM."""
        source = SourceImage.from_image(self.session.image)
        if anonymise_exports(self.settings) if anonymise is None else anonymise:
            source = source.without_identifiers(installation_salt())
        return source

    def _gsps_findings(self) -> list:
        return self.session.export_findings(threshold=True)

    def choose_presentation_state_export(self) -> None:
        written = self._choose_dicom_export(
            "a presentation state needs a DICOM image; this is not one",
            (
                "Export presentation state (GSPS)",
                ".pr.dcm",
                "DICOM presentation state (*.dcm)",
            ),
            self.export_presentation_state_to,
        )
        if written is not None:
            self.show_status(self._written(f"exported {written.name}"))

    # -- clipboard and PACS ----------------------------------------------------------------
    def copy_annotated(self) -> None:
        if self.session.image is not None:
            caption = self.session.review_caption(anonymise_exports(self.settings))
            pixels = self.session.annotated_pixels(caption)
            QGuiApplication.clipboard().setImage(to_qimage(pixels))
            self.show_status("annotated image copied")

    def choose_send(self) -> None:
        """Send the SR (and, as chosen, the presentation state and the annotated image) to a
        saved node."""
        if self.session.image is None:
            return
        if not self.pacs_panel.has_nodes():
            self.show_pacs()
            self.show_error("add a PACS node in the PACS panel first")
            return
        uid = self.session.image.attributes.get("StudyInstanceUID")
        index = self.pacs_panel.send_node_index(uid)
        dialog = SendDialog(self.pacs_panel.node_names(), index, self.parent)
        if dialog.exec():
            node = self.pacs_panel.node(dialog.chosen_index())
            self.send_to_pacs(
                node,
                include_image=dialog.include_image,
                include_presentation_state=dialog.include_presentation_state,
            )

    def send_to_pacs(
        self, node, include_image: bool = False, include_presentation_state: bool = False
    ) -> bool:
        """Write the outgoing objects to a private temporary folder, then send them in the
        background; False (with one message) when there is nothing to send. The presentation
        state goes along when asked for and there are boxes to draw (only negated findings:
        the SR alone says so)."""
        if self.pacs_panel.is_busy():
            self.show_error("the PACS panel is busy; wait for it or cancel first")
            return False
        self.cleanup()
        self._outgoing = tempfile.TemporaryDirectory(prefix="knowmvg-send-")
        folder = Path(self._outgoing.name)
        try:
            # sent to the patient's study: never anonymised
            files = [self.export_sr_to(folder / "findings-sr.dcm", anonymise=False)]
            if include_presentation_state and drawable(self._gsps_findings()):
                pr = folder / "findings-pr.dcm"
                files.append(self.export_presentation_state_to(pr, anonymise=False))
            if include_image:
                files.append(
                    export_secondary_capture(
                        folder / "annotated-sc.dcm",
                        self.session.image,
                        self.session.annotated_pixels(self.session.review_caption()),
                    )
                )
        except StudyError as exc:
            self.show_error(str(exc))
            return False
        except OSError as exc:
            self.show_error(f"cannot prepare the files to send ({exc.strerror or exc})")
            return False
        return self.pacs_panel.send_files(files, node)

    def cleanup(self) -> None:
        if self._outgoing is not None:
            self._outgoing.cleanup()
            self._outgoing = None

    # -- dialogs ---------------------------------------------------------------------------
    def _ask_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent,
            title,
            suggested,
            file_filter,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return Path(path) if path else None

    def _may_replace(self, *paths: Path) -> bool | None:
        """False: nothing to replace; True: the user agreed to; None: the user declined."""
        existing = next((p for p in paths if p.exists()), None)
        if existing is None:
            return False
        answer = QMessageBox.question(
            self.parent, self.parent.windowTitle(), f"{paths[0].name} exists. Replace it?"
        )
        return True if answer == QMessageBox.StandardButton.Yes else None
