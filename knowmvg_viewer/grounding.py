"""`knowmvg ground`: studies in, findings out (JSON, annotated PNG); batch rules of DESIGN 7."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from model_core.engine import GroundingEngine
from model_core.results import GroundingResult

from .export.annotated import annotated_image, study_record
from .export.atomic import encode_png, write_bytes_atomic
from .study import (
    DisplayRenderer,
    Report,
    StudyError,
    load_image,
    load_text_report,
    model_input,
    open_study,
)

log = logging.getLogger(__name__)

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def ground_paths(args: argparse.Namespace) -> int:
    if args.png is not None and len(args.paths) > 1:
        raise StudyError(args.png, "--png takes exactly one input PATH")
    override = _report_override(args)
    try:
        engine = GroundingEngine.load(args.model, device=args.device, threads=args.threads)
    except ValueError as exc:
        print(f"{args.model or 'default model'}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not engine.trained:
        print(
            f"warning: {engine.name} is an untrained checkpoint; its boxes are meaningless",
            file=sys.stderr,
        )
    results, failed = [], False
    for path in args.paths:
        record, result, display = _ground_one(engine, path, override, args.phrase)
        results.append(record)
        if record["error"] is not None:
            failed = True
            print(f"{path}: {record['error']}", file=sys.stderr)
        elif args.png is not None:
            failed |= not _write_png(args.png, display, result, engine.name, args.overwrite)
    document = {"model": engine.describe(), "results": results}
    if args.json is not None:
        failed |= not _write_json(args.json, document, args.overwrite)
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _report_override(args: argparse.Namespace) -> Report | None:
    if args.report is not None:
        return load_text_report(args.report)
    if args.report_text is not None:
        return Report.from_text(args.report_text)
    return None


def _ground_one(engine, path: Path, override: Report | None, phrases: list[str] | None):
    """One study -> (JSON record, result or None, display image or None); bad input never
    raises, it becomes the record's error."""
    try:
        study = open_study(path)
        image = load_image(study.images[0])
    except StudyError as exc:
        return study_record(path, None, None, "", [], error=exc.reason), None, None
    report = override or study.report or Report.from_text("")
    pixels = model_input(image)
    if phrases:
        result = engine.ground_phrase(pixels, report.text, phrases)
    else:
        result = engine.ground(pixels, report.text)
    record = study_record(
        study.images[0],
        image.width,
        image.height,
        report.text,
        result.findings,
        result.to_json()["timing_ms"],
        image.spacing,
    )
    display = DisplayRenderer(image).render(image.default_preset())
    return record, result, display


def _write_png(
    out: Path, display, result: GroundingResult, model_name: str, overwrite: bool
) -> bool:
    annotated = annotated_image(display, result.findings, model_name)
    return _write(out, encode_png(annotated), overwrite)


def _write_json(out: Path, document: dict, overwrite: bool) -> bool:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if str(out) == "-":
        sys.stdout.write(text)
        return True
    return _write(out, text.encode("utf-8"), overwrite)


def _write(out: Path, data: bytes, overwrite: bool) -> bool:
    try:
        write_bytes_atomic(out, data, overwrite=overwrite)
    except FileExistsError:
        print(f"{out}: already exists (use --overwrite to replace it)", file=sys.stderr)
        return False
    except OSError as exc:
        print(f"{out}: cannot write ({exc.strerror or exc})", file=sys.stderr)
        return False
    return True
