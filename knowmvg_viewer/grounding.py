"""`knowmvg ground`: studies in, findings out (JSON, annotated PNG, DICOM SR and GSPS); the
batch mode (`--out-dir`); exit rules of DESIGN 7. `ground_radiograph` grounds one loaded film for
the command line and the viewer alike: frontal films only, in standard orientation.

Importing this module does not import torch; the engine is loaded when asked for.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from model_core.results import GroundingResult

from .export.annotated import annotated_image, json_bytes, study_record
from .export.anonymise import anonymised_record, installation_salt
from .export.atomic import encode_png, write_bytes_atomic
from .export.output_stage import OutputStage, recover
from .export.presentation_state import drawable, export_presentation_state
from .export.source import SourceImage
from .export.sr import export_sr, reportable
from .study import (
    DisplayRenderer,
    FilmView,
    RadiographImage,
    Report,
    Study,
    StudyError,
    WindowPreset,
    discover_studies,
    load_text_report,
    model_input,
    open_study,
    upright_pixels,
)
from .study.views import LATERAL, OBLIQUE

if TYPE_CHECKING:
    from model_core.engine import GroundingEngine

log = logging.getLogger(__name__)

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
SUMMARY_FILE = "summary.csv"
SUMMARY_COLUMNS = ("study", "findings", "seconds", "error", "view", "skipped")
SKIPPED_LATERAL = "lateral view: grounding runs on the frontal film"
SKIPPED_OBLIQUE = "oblique view: grounding runs on the frontal film"
SKIPPED = {LATERAL: SKIPPED_LATERAL, OBLIQUE: SKIPPED_OBLIQUE}
MIN_FILM_SIDE = 32  # pixels; a thumbnail or a 1-pixel-wide file is not a radiograph


@dataclass(frozen=True)
class ExportOptions:
    """How the CLI writes what identifies the patient: as it is, or anonymised
    (`--anonymise`: export/anonymise.py says what that removes)."""

    anonymise: bool = False
    salt: bytes = b""

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ExportOptions:
        if not getattr(args, "anonymise", False):
            return cls()
        return cls(True, installation_salt())

    def source(self, image: RadiographImage) -> SourceImage:
        """The DICOM source the SR and GSPS reference (StudyError for a raster image)."""
        source = SourceImage.from_image(image)
        return source.without_identifiers(self.salt) if self.anonymise else source

    def record(self, record: dict) -> dict:
        """A `--json` study record as written."""
        return anonymised_record(record) if self.anonymise else record


@dataclass
class GroundedImage:
    """One radiograph's grounding: `result` is None when it was not grounded, and
    `skipped` says why (a lateral or oblique film). Boxes and heatmaps are those of the image
    as stored, mirrored or not."""

    image: RadiographImage
    result: GroundingResult | None
    skipped: str | None = None

    @property
    def view(self) -> FilmView:
        return self.image.view


def ground_radiograph(
    engine: GroundingEngine,
    image: RadiographImage,
    report: str,
    queries: Sequence[str] | None = None,
) -> GroundedImage:
    """Ground the report's findings (or `queries`) on one frontal film.

    A lateral or oblique film is not grounded (`skipped` says so); a film smaller than
    MIN_FILM_SIDE is a StudyError. A film stored mirrored (PatientOrientation "R\\..."), upside down
    ("...\\H") or turned by 90 degrees ("F\\L"...) is transposed and flipped for the model,
    which always sees the patient's right on the image left and the head at the top, and
    its result is mapped back onto the stored pixels.
    """
    if min(image.width, image.height) < MIN_FILM_SIDE:
        raise StudyError(
            image.path,
            f"image is {image.width} x {image.height} pixels: too small to ground "
            f"(at least {MIN_FILM_SIDE} a side)",
        )
    view = image.view
    if not view.groundable:
        return GroundedImage(image, None, SKIPPED[view.kind])
    pixels = upright_pixels(model_input(image), view.transposed, view.mirrored, view.upside_down)
    if queries:
        result = engine.ground_phrase(pixels, report, list(queries))
    else:
        result = engine.ground(pixels, report)
    result = result.flipped(view.mirrored, view.upside_down)
    return GroundedImage(image, result.transposed() if view.transposed else result)


@dataclass
class GroundedStudy:
    """One study's outcome: its `ground --json` record, and for a success what the
    exporters need (the result, the display image and the window it was rendered at, the
    image grounded: its header is the SR's and GSPS's reference, so the file is not read
    again)."""

    record: dict
    result: GroundingResult | None = None
    display: np.ndarray | None = None
    image: RadiographImage | None = None
    window: WindowPreset | None = None

    @property
    def error(self) -> str | None:
        return self.record["error"]

    @property
    def skipped(self) -> str | None:
        return self.record.get("skipped")

    @property
    def findings(self) -> list:
        return [] if self.result is None else self.result.findings

    def annotated_png(self, model_name: str) -> bytes:
        """The display image at native size with boxes and caption, as PNG bytes."""
        return encode_png(annotated_image(self.display, self.findings, model_name))


def ground_paths(args: argparse.Namespace) -> int:
    for flag, value in (("--png", args.png), ("--sr", args.sr), ("--gsps", args.gsps)):
        if value is not None and args.out_dir is not None:
            raise StudyError(value, f"{flag} is for one study; --out-dir writes each study's own")
        if value is not None and len(args.paths) > 1:
            raise StudyError(value, f"{flag} takes exactly one input PATH (use --out-dir)")
    override = _report_override(args)
    engine = _load_engine(args)
    if engine is None:
        return EXIT_BAD_INPUT
    if args.out_dir is not None:
        return _ground_batch(engine, args, override)
    results, failed = [], False
    exports = ExportOptions.from_args(args)
    for path in args.paths:
        grounded = ground_study(engine, path, override, args.phrase)
        results.append(exports.record(grounded.record))
        if grounded.error is not None:
            failed = True
            print(f"{path}: {grounded.error}", file=sys.stderr)
            continue
        if args.png is not None:
            failed |= not _write_png(args.png, grounded, engine.name, args.overwrite)
        if args.sr is not None:
            failed |= not _write_sr(args.sr, grounded, engine.describe(), args.overwrite, exports)
        if args.gsps is not None:
            failed |= not _write_gsps(
                args.gsps, grounded, engine.describe(), args.overwrite, exports
            )
    document = {"model": engine.describe(), "results": results}
    if args.json is not None:
        failed |= not _write_json(args.json, document, args.overwrite)
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _load_engine(args: argparse.Namespace) -> GroundingEngine | None:
    from model_core.engine import GroundingEngine  # torch: only when grounding

    try:
        engine = GroundingEngine.load(args.model, device=args.device, threads=args.threads)
    except ValueError as exc:
        print(f"{args.model or 'default model'}: {exc}", file=sys.stderr)
        return None
    if not engine.trained:
        print(
            f"warning: {engine.name} is an untrained checkpoint; its boxes are meaningless",
            file=sys.stderr,
        )
    return engine


def _report_override(args: argparse.Namespace) -> Report | None:
    if args.report is not None:
        return load_text_report(args.report)
    if args.report_text is not None:
        return Report.from_text(args.report_text)
    return None


def ground_study(
    engine: GroundingEngine, path: Path, override: Report | None, phrases: list[str] | None
) -> GroundedStudy:
    """Open, ground and render one study (its frontal film); bad input never raises, it
    becomes the error. A lateral or oblique film is not grounded: the record says why in
    `skipped`."""
    try:
        study = open_study(path)
        index, image = frontal_image(study)
    except StudyError as exc:
        return GroundedStudy(study_record(path, None, None, "", [], error=exc.reason))
    report = override or study.report or Report.from_text("")
    try:
        grounded = ground_radiograph(engine, image, report.text, phrases)
    except StudyError as exc:
        record = study_record(
            study.images[index],
            image.width,
            image.height,
            report.text,
            [],
            error=exc.reason,
            view=image.view,
        )
        return GroundedStudy(record)
    result = grounded.result
    record = study_record(
        study.images[index],
        image.width,
        image.height,
        report.text,
        [] if result is None else result.findings,
        {} if result is None else result.to_json()["timing_ms"],
        image.spacing,
        view=image.view,
        skipped=grounded.skipped,
        # the model reads a report's first max_report_tokens tokens; said here, not only on stderr
        report_truncated=bool(result is not None and result.report_truncated),
    )
    window = image.default_preset()
    display = DisplayRenderer(image).render(window)
    return GroundedStudy(record, result, display, image, window)


def frontal_image(study: Study) -> tuple[int, RadiographImage]:
    """The image to ground: the first one (a folder lists frontal films first, by their
    headers), or, when that one turns out to be a lateral or oblique, the first later image
    that is not. A study of laterals only gives its first image (not grounded, and said so)."""
    first = study.image(0)
    if first.view.groundable:
        return 0, first
    for index in range(1, len(study.images)):
        try:
            image = study.image(index)
        except StudyError as exc:
            log.info("%s", exc)
            continue
        if image.view.groundable:
            return index, image
    return 0, first


# -- batch ------------------------------------------------------------------------------
def _ground_batch(
    engine: GroundingEngine, args: argparse.Namespace, override: Report | None
) -> int:
    """Each study under the PATHs to OUT/<study>.json, .png and (DICOM) .sr.dcm and .pr.dcm,
    then OUT/summary.csv; a failing study is reported and the rest go on."""
    out_dir: Path = args.out_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(
            f"{out_dir}: cannot create the output folder ({exc.strerror or exc})", file=sys.stderr
        )
        return EXIT_BAD_INPUT
    for line in recover(out_dir):  # a killed run's half-published studies
        tqdm.write(f"{out_dir}: {line}", file=sys.stderr)
    studies = [study for path in args.paths for study in discover_studies(path)]
    names = _output_names(studies)
    model = engine.describe()
    exports = ExportOptions.from_args(args)
    rows, records, failed, internal = [], [], False, False
    for study_path in tqdm(studies, desc="grounding", unit="study", disable=None, file=sys.stderr):
        start = time.perf_counter()
        stem = out_dir / names[study_path]
        error = None if args.overwrite else _existing_outputs(stem)
        findings, view, skipped = 0, "", ""
        if error is None:
            try:
                grounded = ground_study(engine, study_path, override, args.phrase)
                error = grounded.error or _write_study_outputs(stem, grounded, model, exports)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # a bug (or a native panic) must not cost the others
                log.exception("%s: internal error", study_path)
                error, internal = f"internal error: {exc}", True
            else:
                findings = 0 if grounded.error else len(grounded.record["findings"])
                view = "" if grounded.image is None else grounded.image.view.describe()
                skipped = grounded.skipped or ""
                records.append(exports.record(grounded.record))
        seconds = time.perf_counter() - start
        if error is not None:
            failed = True
            tqdm.write(f"{study_path}: {error}", file=sys.stderr)
        rows.append((str(study_path), findings, f"{seconds:.3f}", error or "", view, skipped))
    failed |= not _write(out_dir / SUMMARY_FILE, _summary_csv(rows), args.overwrite)
    if args.json is not None:
        document = {"model": model, "results": records}
        failed |= not _write_json(args.json, document, args.overwrite)
    log.info(
        "grounded %d of %d studies into %s",
        len(rows) - sum(bool(r[3]) for r in rows),
        len(rows),
        out_dir,
    )
    if internal:
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _output_names(studies: list[Path]) -> dict[Path, str]:
    """A file stem per study: the folder (or file) name, made unique with -2, -3, ...; "."
    and ".." are named by the folder they stand for, so nothing lands beside OUT."""
    names: dict[Path, str] = {}
    used: set[str] = set()
    for path in studies:
        named = path if path.name not in ("", ".", "..") else path.resolve()
        base = (named.name if path.is_dir() else named.stem) or "study"
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        names[path] = name
    return names


def _study_outputs(stem: Path) -> list[Path]:
    """Named by appending, not with_suffix: study folders are often UIDs full of dots."""
    suffixes = (".json", ".png", ".sr.dcm", ".pr.dcm")
    return [stem.parent / f"{stem.name}{suffix}" for suffix in suffixes]


def _existing_outputs(stem: Path) -> str | None:
    """Checked before grounding, so a rerun without --overwrite costs nothing."""
    existing = [p.name for p in _study_outputs(stem) if p.exists()]
    if existing:
        return f"{', '.join(existing)} already in {stem.parent} (use --overwrite to replace)"
    return None


def _write_study_outputs(
    stem: Path, grounded: GroundedStudy, model: dict, exports: ExportOptions
) -> str | None:
    """The study's JSON and PNG and, for a DICOM image with findings, SR and (greyscale film
    with boxes) GSPS: written in full into a staging folder, then published together
    (output_stage.py), so a kill leaves the complete set or nothing. An SR or GSPS that
    cannot be built costs only itself: the JSON and PNG are published, the reason returned.
    An --overwrite run removes an older run's SR/GSPS that this one does not make."""
    outputs = _study_outputs(stem)
    json_out, png_out, sr_out, gsps_out = outputs
    image, findings = grounded.image, grounded.findings
    dicom = image is not None and image.header is not None
    sr = dicom and bool(reportable(findings))  # else no SR: nothing to say
    gsps = dicom and not image.is_color and bool(drawable(findings))  # else nothing to draw
    try:
        stage = OutputStage(stem.parent, stem.name)
    except OSError as exc:
        return f"cannot write to {stem.parent} ({exc.strerror or exc})"
    made, failures = [], []
    try:
        write_bytes_atomic(stage.path(png_out), grounded.annotated_png(model["name"]))
        made.append(png_out)
        source = exports.source(image) if dicom else None
        for wanted, out, kind, write in (
            (sr, sr_out, "DICOM SR", lambda at: export_sr(at, source, findings, model)),
            (
                gsps,
                gsps_out,
                "presentation state",
                lambda at: export_presentation_state(at, source, findings, model, grounded.window),
            ),
        ):
            if not wanted:
                continue
            try:
                write(stage.path(out))
                made.append(out)
            except StudyError as exc:
                failures.append(f"no {kind} ({exc.reason})")
        document = {"model": model, "results": [exports.record(grounded.record)]}
        write_bytes_atomic(stage.path(json_out), json_bytes(document))
        made.append(json_out)  # published last: a study with its JSON is complete
        stage.publish(made, remove=[out for out in outputs if out not in made])
    except StudyError as exc:
        stage.discard()
        return exc.reason
    except OSError as exc:
        stage.discard()
        return f"cannot write to {stem.parent} ({exc.strerror or exc})"
    except BaseException:
        stage.discard()
        raise
    return "; ".join(failures) or None


def _summary_csv(rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# -- single outputs ---------------------------------------------------------------------
def _write_png(out: Path, grounded: GroundedStudy, model_name: str, overwrite: bool) -> bool:
    """A film that was not grounded (a lateral or oblique) is written unannotated, and a stderr line
    says why, as for the SR and GSPS."""
    if grounded.skipped is not None:
        print(
            f"{grounded.record['image']}: {grounded.skipped} (the PNG is the film, unannotated)",
            file=sys.stderr,
        )
    return _write(out, grounded.annotated_png(model_name), overwrite)


def _write_sr(
    out: Path, grounded: GroundedStudy, model: dict, overwrite: bool, exports: ExportOptions
) -> bool:
    return _write_dicom(
        out,
        grounded,
        "SR",
        lambda source, findings: export_sr(out, source, findings, model, overwrite=overwrite),
        exports,
    )


def _write_gsps(
    out: Path, grounded: GroundedStudy, model: dict, overwrite: bool, exports: ExportOptions
) -> bool:
    """The presentation state at the window the PNG was rendered with (the image's default)."""
    return _write_dicom(
        out,
        grounded,
        "GSPS",
        lambda source, findings: export_presentation_state(
            out, source, findings, model, grounded.window, overwrite=overwrite
        ),
        exports,
    )


def _write_dicom(
    out: Path,
    grounded: GroundedStudy,
    kind: str,
    write: Callable[[SourceImage, list], object],
    exports: ExportOptions,
) -> bool:
    """One DICOM export of a single study: a lateral (not grounded) is not a failure, an
    image the exporter refuses is one stderr line."""
    if grounded.skipped is not None:
        print(
            f"{grounded.record['image']}: {grounded.skipped} (no {kind} written)", file=sys.stderr
        )
        return True
    findings = grounded.result.findings
    try:
        return _attempt_write(out, lambda: write(exports.source(grounded.image), findings))
    except StudyError as exc:
        print(f"{exc} (no {kind} written to {out})", file=sys.stderr)
        return False


def _write_json(out: Path, document: dict, overwrite: bool) -> bool:
    if str(out) == "-":
        sys.stdout.write(json_bytes(document).decode("utf-8"))
        return True
    return _write(out, json_bytes(document), overwrite)


def _write(out: Path, data: bytes, overwrite: bool) -> bool:
    return _attempt_write(out, lambda: write_bytes_atomic(out, data, overwrite=overwrite))


def _attempt_write(out: Path, write: Callable[[], object]) -> bool:
    """Run one atomic write; an existing file or a write error is one stderr line."""
    try:
        write()
    except FileExistsError:
        print(f"{out}: already exists (use --overwrite to replace it)", file=sys.stderr)
        return False
    except OSError as exc:
        print(f"{out}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return False
    return True
