"""`knowmvg ground`: studies in, findings out (JSON, annotated PNG); batch rules of DESIGN 7."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from model_core.engine import GroundingEngine
from model_core.results import GroundingResult

from .export.atomic import encode_png, write_bytes_atomic
from .render.annotate import annotate, annotations_for
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
    """One study -> (JSON record, result or None, display image or None); never raises
    for bad input."""
    record = {
        "image": str(path),
        "width": None,
        "height": None,
        "report": "",
        "findings": [],
        "timing_ms": {},
        "error": None,
    }
    try:
        study = open_study(path)
        image = load_image(study.images[0])
    except StudyError as exc:
        record["error"] = exc.reason
        return record, None, None
    report = override or study.report or Report.from_text("")
    record.update(
        image=str(study.images[0]), width=image.width, height=image.height, report=report.text
    )
    pixels = model_input(image)
    if phrases:
        result = engine.ground_phrase(pixels, report.text, phrases)
    else:
        result = engine.ground(pixels, report.text)
    record["findings"] = [f.to_json() for f in result.findings]
    record["timing_ms"] = result.to_json()["timing_ms"]
    display = DisplayRenderer(image).render(image.default_preset())
    return record, result, display


def _write_png(
    out: Path, display, result: GroundingResult, model_name: str, overwrite: bool
) -> bool:
    annotated = annotate(display, annotations_for(result.findings), model_name)
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
