"""`knowmvg`: the headless command line (DESIGN section 7).

Exit status: 0 all went well; 2 bad input or usage (one stderr line per failure,
the batch goes on); 1 an internal error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from ._logging import configure_logging
from .export.atomic import encode_png, write_bytes_atomic
from .pacs.command import add_pacs_parser
from .study import (
    DisplayRenderer,
    RadiographImage,
    Report,
    StudyError,
    VoiFunction,
    WindowPreset,
    load_image,
    open_study,
)

log = logging.getLogger("knowmvg")

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["evaluate"]:  # one implementation: model_core.evaluate owns the options
        from model_core.evaluate import main as evaluate_main

        configure_logging()
        return evaluate_main(argv[1:], prog="knowmvg evaluate")
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.handler(args)
    except StudyError as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `knowmvg ... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # the last line of defence: an internal error, with its traceback
        log.exception("internal error")
        return EXIT_INTERNAL


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="knowmvg", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress at INFO")
    commands = parser.add_subparsers(dest="command", required=True)

    info = commands.add_parser("info", help="describe images and their reports")
    info.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    info.add_argument("--json", action="store_true", help="one JSON list on stdout")
    info.set_defaults(handler=run_info)

    render = commands.add_parser("render", help="write the display image at native resolution")
    render.add_argument("image", type=Path, metavar="IMAGE")
    render.add_argument("out", type=Path, metavar="OUT.png")
    window = render.add_mutually_exclusive_group()
    window.add_argument("--preset", type=int, metavar="N", help="window preset, 1-based")
    window.add_argument("--window", type=float, nargs=2, metavar=("CENTER", "WIDTH"))
    render.add_argument("--invert", action="store_true")
    render.add_argument("--overwrite", action="store_true", help="replace an existing OUT.png")
    render.set_defaults(handler=run_render)

    ground = commands.add_parser("ground", help="find and localise the report's findings")
    ground.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    report = ground.add_mutually_exclusive_group()
    report.add_argument("--report", type=Path, metavar="FILE", help="report text file")
    report.add_argument("--report-text", metavar="TEXT", help="report text")
    ground.add_argument(
        "--phrase",
        action="append",
        metavar="TEXT",
        help="ground this phrase (query mode); repeatable",
    )
    ground.add_argument("--model", type=Path, metavar="DIR", help="model directory")
    ground.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    ground.add_argument("--threads", type=int, metavar="N", help="CPU threads for inference")
    ground.add_argument("--json", type=Path, metavar="OUT", help="results as JSON ('-': stdout)")
    ground.add_argument("--png", type=Path, metavar="OUT", help="annotated image (one PATH)")
    ground.add_argument(
        "--sr", type=Path, metavar="OUT", help="DICOM SR (TID 1500) of the findings (one PATH)"
    )
    ground.add_argument(
        "--gsps",
        type=Path,
        metavar="OUT",
        help="DICOM presentation state (GSPS) drawing the boxes at the default window, for "
        "PACS viewers that do not draw an SR's regions (one PATH)",
    )
    ground.add_argument(
        "--out-dir",
        type=Path,
        metavar="DIR",
        help="batch: per study a JSON, an annotated PNG and (DICOM) an SR (.sr.dcm) and a GSPS "
        "(.pr.dcm), plus summary.csv",
    )
    ground.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    ground.add_argument(
        "--anonymise",
        action="store_true",
        help="write no patient name, ID, birth date, accession number or referring physician "
        "(dates kept to the year, new UIDs) and no image path in the JSON",
    )
    ground.set_defaults(handler=run_ground)

    synth = commands.add_parser("synth", help="generate synthetic chest studies")
    synth.add_argument("--out", type=Path, required=True, help="output folder")
    synth.add_argument("--n", type=int, required=True, help="number of studies")
    synth.add_argument(
        "--seed",
        type=int,
        required=True,
        help="first seed; studies use seeds S..S+N-1 (train from 0, val from "
        "10000000, test from 20000000)",
    )
    synth.add_argument("--format", choices=["ms-cxr", "studies", "jsonl"], default="studies")
    synth.add_argument("--size", type=int, metavar="PX", help="long side in pixels")
    synth.set_defaults(handler=run_synth)

    add_pacs_parser(commands)
    add_dataset_parser(commands)
    add_finetune_parser(commands)
    evaluate = commands.add_parser(
        "evaluate",
        help="score a model or predictions (python -m model_core.evaluate)",
        add_help=False,
    )
    evaluate.set_defaults(handler=None)
    return parser


def add_dataset_parser(commands: argparse._SubParsersAction) -> None:
    dataset = commands.add_parser("dataset", help="the site dataset of reviewed studies")
    actions = dataset.add_subparsers(dest="action", required=True)
    export = actions.add_parser(
        "export",
        help="write the reviewed studies as an MS-CXR-layout dataset (CSV and films), "
        "without patient identifiers",
    )
    export.add_argument(
        "--reviews",
        type=Path,
        nargs="?",
        metavar="DIR",
        help="the review folder (default: the user data folder's reviews)",
    )
    export.add_argument("--out", type=Path, required=True, metavar="OUT", help="output folder")
    export.add_argument(
        "--include-partial",
        action="store_true",
        help="also partly reviewed studies (their reviewed findings only)",
    )
    export.add_argument(
        "--no-reports",
        action="store_true",
        help="leave the report text out (its patient names, IDs and birth date are masked, "
        "but free text can name others); phrases then train as their own reports",
    )
    export.add_argument(
        "--overwrite", action="store_true", help="replace a site dataset already at OUT"
    )
    export.set_defaults(handler=run_dataset_export)


def run_dataset_export(args: argparse.Namespace) -> int:
    from .review import ReviewStore
    from .site_dataset import SiteDatasetError, export_site_dataset

    store = ReviewStore(args.reviews)
    try:
        summary = export_site_dataset(
            store,
            args.out,
            include_partial=args.include_partial,
            include_reports=not args.no_reports,
            overwrite=args.overwrite,
        )
    except SiteDatasetError as exc:
        raise StudyError(None, str(exc)) from None
    except OSError as exc:
        raise StudyError(args.out, f"cannot write ({exc.strerror or exc})") from None
    print(summary.line())
    return EXIT_BAD_INPUT if summary.problems else EXIT_OK


def add_finetune_parser(commands: argparse._SubParsersAction) -> None:
    tune = commands.add_parser(
        "finetune",
        help="fine-tune a model on a site dataset into a new model directory (never over BASE)",
    )
    tune.add_argument("--model", type=Path, required=True, metavar="BASE", help="base model")
    tune.add_argument(
        "--data", type=Path, required=True, metavar="SITE", help="site dataset (MS-CXR layout)"
    )
    tune.add_argument("--out", type=Path, required=True, metavar="NEW", help="new model folder")
    tune.add_argument("--steps", type=int, metavar="N", help="optimiser steps (default 600)")
    tune.add_argument(
        "--minutes", type=float, metavar="M", help="training time budget (default 20)"
    )
    tune.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    tune.add_argument("--threads", type=int, metavar="N", help="CPU threads")
    tune.add_argument("--seed", type=int, default=0, help="split and training seed")
    tune.add_argument(
        "--held-out",
        type=float,
        default=0.2,
        metavar="FRACTION",
        help="share of the site's studies kept out of training and scored before and after",
    )
    tune.add_argument("--batch-size", type=int, metavar="N", help="default 16")
    tune.add_argument("--lr", type=float, help="learning rate (default 2e-4)")
    tune.add_argument(
        "--replay",
        type=int,
        metavar="N",
        help="synthetic training studies replayed beside the site's (default: three per site "
        "training study; 0: none)",
    )
    tune.add_argument("--json", action="store_true", help="the result as JSON on stdout")
    tune.set_defaults(handler=run_finetune)


def run_finetune(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from model_core.finetune import (
        FineTuneCancelled,
        FineTuneError,
        FineTuneSettings,
        finetune,
    )

    chosen = {}
    if args.steps is not None or args.minutes is not None:  # one given: that one alone
        chosen = {"steps": args.steps, "minutes": args.minutes}
    for name in ("threads", "batch_size", "lr", "replay"):  # else FineTuneSettings' defaults
        if getattr(args, name) is not None:
            chosen[name] = getattr(args, name)
    bar: list[tqdm] = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase != "train":
            log.info("%s %d/%d", phase, done, total)
            return
        if not bar:
            bar.append(tqdm(total=total or None, desc="fine-tune", unit="step", file=sys.stderr))
        bar[0].total = total or None  # the time budget may end training before the steps
        bar[0].update(done - bar[0].n)

    try:
        settings = FineTuneSettings(
            **chosen, held_out=args.held_out, seed=args.seed, device=args.device
        )
        result = finetune(
            args.model,
            args.data,
            args.out,
            settings,
            command=_command(args),
            progress=progress,
        )
    except FineTuneError as exc:
        raise StudyError(None, str(exc)) from None
    except (KeyboardInterrupt, FineTuneCancelled):
        print(f"{args.out}: fine-tune cancelled; nothing was written", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        if bar:
            bar[0].close()
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(result.line())
    if result.dropped:  # the model is written; the site data had rows or films left out
        print(
            f"{args.data}: {result.dropped} row(s) or film(s) left out, see the warnings "
            f"above; listed in {args.out / 'MODEL_CARD.md'}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK


def _command(args: argparse.Namespace) -> str:
    """The command line, as recorded in the model card (rebuilt from the parsed options)."""
    words = ["knowmvg", "finetune", "--model", str(args.model), "--data", str(args.data)]
    words += ["--out", str(args.out)]
    flags = ("steps", "minutes", "device", "threads", "seed", "held_out", "batch_size", "lr")
    for flag in (*flags, "replay"):
        value = getattr(args, flag)
        if value is not None:
            words += [f"--{flag.replace('_', '-')}", str(value)]
    return shlex.join(words)


def run_info(args: argparse.Namespace) -> int:
    records: list[dict] = []
    failed = False
    for path in args.paths:
        try:
            records += describe_path(path)
        except StudyError as exc:
            failed = True
            print(exc, file=sys.stderr)
            records.append({"path": str(path), "error": exc.reason})
    if args.json:
        json.dump(records, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for record in records:
            if "error" not in record:
                sys.stdout.write(format_info(record) + "\n")
    return EXIT_BAD_INPUT if failed else EXIT_OK


def describe_path(path: Path) -> list[dict]:
    """One record per image of the study at `path`; unreadable images get an error record."""
    study = open_study(path)
    records = []
    for index, image_path in enumerate(study.images):
        try:
            records.append(describe_image(study.image(index), study.report))
        except StudyError as exc:
            print(exc, file=sys.stderr)
            records.append({"path": str(image_path), "error": exc.reason})
    return records


def describe_image(image: RadiographImage, report: Report | None) -> dict:
    spacing = image.spacing
    return {
        "path": str(image.path),
        "modality": image.modality,
        "width": image.width,
        "height": image.height,
        "frames": image.n_frames,
        "photometric_interpretation": image.photometric,
        "transfer_syntax": image.transfer_syntax,
        "bits_stored": image.bits_stored,
        "spacing_mm": [spacing.row_mm, spacing.col_mm] if spacing else None,
        "spacing_kind": spacing.kind if spacing else None,
        "window_presets": [_preset_record(p) for p in image.presets],
        "report": _report_record(report),
    }


def _preset_record(preset: WindowPreset) -> dict:
    if preset.is_lut:
        return {"name": preset.name, "source": preset.source, "lut_entries": len(preset.lut)}
    return {
        "name": preset.name,
        "source": preset.source,
        "center": preset.center,
        "width": preset.width,
        "function": preset.function.value,
    }


def _report_record(report: Report | None) -> dict | None:
    if report is None:
        return None
    return {
        "source": report.source,
        "characters": len(report.text),
        "sections": [
            {"name": s.name, "start": s.start, "body_start": s.body_start, "end": s.end}
            for s in report.sections
        ],
    }


def format_info(record: dict) -> str:
    spacing = record["spacing_mm"]
    spacing_text = (
        f"{spacing[0]:g} x {spacing[1]:g} mm ({record['spacing_kind']})" if spacing else "unknown"
    )
    presets = ", ".join(
        p["name"] if "center" not in p else f"{p['name']} {p['center']:g}/{p['width']:g}"
        for p in record["window_presets"]
    )
    report = record["report"]
    sections = (
        ", ".join(s["name"] or "(untitled)" for s in report["sections"]) if report else "no report"
    )
    return (
        f"{record['path']}\n"
        f"  modality {record['modality']}, {record['width']} x {record['height']}, "
        f"{record['frames']} frame(s), {record['photometric_interpretation']}\n"
        f"  transfer syntax {record['transfer_syntax']}\n"
        f"  spacing {spacing_text}\n"
        f"  window presets: {presets}\n"
        f"  report sections: {sections}"
    )


def run_render(args: argparse.Namespace) -> int:
    image = load_image(args.image)
    preset = _chosen_preset(image, args)
    pixels = DisplayRenderer(image).render(preset, invert=args.invert)
    try:
        write_bytes_atomic(args.out, encode_png(pixels), overwrite=args.overwrite)
    except FileExistsError:
        raise StudyError(args.out, "already exists (use --overwrite to replace it)") from None
    except OSError as exc:
        raise StudyError(args.out, f"cannot write ({exc.strerror or exc})") from None
    return EXIT_OK


def run_synth(args: argparse.Namespace) -> int:
    from model_core.data.synthetic import export

    if args.n < 1 or args.seed < 0:
        raise StudyError(None, f"--n must be >= 1 and --seed >= 0 (got {args.n}, {args.seed})")
    seeds = range(args.seed, args.seed + args.n)
    writer = {
        "ms-cxr": export.write_ms_cxr,
        "studies": export.write_study_folders,
        "jsonl": export.write_jsonl,
    }[args.format]
    try:
        writer(args.out, seeds, args.size)
    except (FileExistsError, ValueError) as exc:
        raise StudyError(args.out, str(exc)) from None
    return EXIT_OK


def run_ground(args: argparse.Namespace) -> int:
    from .grounding import ground_paths  # imports torch: only when grounding

    return ground_paths(args)


def _chosen_preset(image: RadiographImage, args: argparse.Namespace) -> WindowPreset:
    if args.window is not None:
        center, width = args.window
        if width <= 0:
            raise StudyError(args.image, f"window width must be positive, got {width:g}")
        return WindowPreset("User", center, width, VoiFunction.LINEAR, source="user")
    if args.preset is not None:
        if not 1 <= args.preset <= len(image.presets):
            names = ", ".join(f"{i + 1} {p.name}" for i, p in enumerate(image.presets))
            raise StudyError(args.image, f"preset {args.preset} does not exist (presets: {names})")
        return image.presets[args.preset - 1]
    return image.default_preset()


if __name__ == "__main__":
    sys.exit(main())
