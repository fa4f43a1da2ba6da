"""`knowmvg pacs echo|find|get|send`: the PACS client on the command line (DESIGN section 7).

Exit status: 0 all went well; 2 a failure the user can fix (bad node, unreachable or
refusing node, bad UID, missing file), one stderr line each naming the node or file;
1 an internal error (raised to cli.main, which logs it). The DICOMweb password comes from
the environment, never from the command line (it would show in `ps` and shell history).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .client import PacsClient, make_client
from .errors import PacsError, PacsInputError
from .nodes import DEFAULT_CALLING_AET, DicomwebNode, DimseNode, PacsNode
from .query import DateRange, StudyQuery, StudyRecord

EXIT_OK, EXIT_BAD_INPUT = 0, 2
PASSWORD_ENV = "KNOWMVG_DICOMWEB_PASSWORD"

Handler = Callable[[argparse.Namespace], int]


def add_pacs_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `pacs` with its four actions to the `knowmvg` subcommands."""
    node = argparse.ArgumentParser(add_help=False)
    where = node.add_argument_group("node (one of)").add_mutually_exclusive_group(required=True)
    where.add_argument("--node", metavar="AET@HOST:PORT", help="a DICOM (DIMSE) node")
    where.add_argument("--dicomweb", metavar="URL", help="a DICOMweb service root")
    node.add_argument(
        "--calling-aet",
        metavar="AET",
        help=f"our AE title for --node (default {DEFAULT_CALLING_AET})",
    )
    node.add_argument(
        "--user", metavar="NAME", help=f"DICOMweb basic-auth user; password from ${PASSWORD_ENV}"
    )

    pacs = commands.add_parser("pacs", help="query, retrieve and send studies (DIMSE, DICOMweb)")
    actions = pacs.add_subparsers(dest="pacs_action", required=True, metavar="ACTION")

    echo = actions.add_parser("echo", parents=[node], help="check the node answers")
    echo.set_defaults(handler=_guarded(run_echo))

    find = actions.add_parser("find", parents=[node], help="search studies")
    find.add_argument("--patient-id", metavar="ID", help="wildcards * and ? allowed")
    find.add_argument("--patient-name", metavar="NAME", help="e.g. 'DOE^J*'")
    find.add_argument("--date", metavar="YYYYMMDD[-YYYYMMDD]", help="study date or range")
    find.add_argument("--accession", metavar="A", help="accession number")
    find.add_argument("--modality", metavar="M", help="a modality in the study, e.g. CR")
    find.add_argument("--json", action="store_true", help="a JSON list, one object per study")
    find.set_defaults(handler=_guarded(run_find))

    get = actions.add_parser("get", parents=[node], help="retrieve a whole study into a folder")
    get.add_argument("--study", required=True, metavar="UID", help="StudyInstanceUID")
    get.add_argument("--out", required=True, type=Path, metavar="DIR", help="absent or empty")
    get.add_argument(
        "--move-port",
        type=int,
        metavar="PORT",
        help="retrieve by C-MOVE to a storage SCP on PORT (the node must know our AE "
        "title at this host and port); default C-GET",
    )
    get.set_defaults(handler=_guarded(run_get))

    send = actions.add_parser("send", parents=[node], help="store files (C-STORE / STOW-RS)")
    send.add_argument("files", nargs="+", type=Path, metavar="FILE")
    send.set_defaults(handler=_guarded(run_send))
    return pacs


def _guarded(handler: Handler) -> Handler:
    """PacsErrors become one stderr line and exit status 2; pynetdicom's own error log
    lines (which repeat ours) are silenced unless -v."""

    def run(args: argparse.Namespace) -> int:
        if not getattr(args, "verbose", False):
            logging.getLogger("pynetdicom").setLevel(logging.CRITICAL)
        try:
            return handler(args)
        except PacsError as exc:
            print(exc, file=sys.stderr)
            return EXIT_BAD_INPUT

    return run


def node_from_args(args: argparse.Namespace) -> PacsNode:
    """The node the options name; PacsInputError for options that do not fit it."""
    move_port = getattr(args, "move_port", None)
    if args.node is not None:
        if args.user is not None:
            raise PacsInputError(None, "--user applies to --dicomweb only")
        node = DimseNode.parse(args.node, calling_aet=args.calling_aet or DEFAULT_CALLING_AET)
        if move_port is not None:
            node = DimseNode(node.called_aet, node.host, node.port, node.calling_aet, move_port)
        return node
    if args.calling_aet is not None:
        raise PacsInputError(None, "--calling-aet applies to --node only")
    if move_port is not None:
        raise PacsInputError(None, "--move-port applies to --node only (DIMSE C-MOVE)")
    password = None
    if args.user is not None:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            raise PacsInputError(None, f"--user needs the password in ${PASSWORD_ENV}")
    return DicomwebNode(args.dicomweb, username=args.user, password=password)


def run_echo(args: argparse.Namespace) -> int:
    client = make_client(node_from_args(args))
    start = time.perf_counter()
    client.verify()
    protocol = "C-ECHO" if isinstance(client.node, DimseNode) else "QIDO-RS"
    print(f"{client.node}: {protocol} ok ({(time.perf_counter() - start) * 1000:.0f} ms)")
    return EXIT_OK


def run_find(args: argparse.Namespace) -> int:
    query = StudyQuery(
        patient_id=args.patient_id,
        patient_name=args.patient_name,
        study_date=DateRange.parse(args.date) if args.date else None,
        accession_number=args.accession,
        modality=args.modality,
    )
    studies = make_client(node_from_args(args)).find_studies(query)
    if args.json:
        json.dump([study.to_json() for study in studies], sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif studies:
        sys.stdout.write(format_table(studies) + "\n")
    else:
        print("no matching studies")
    return EXIT_OK


TABLE_COLUMNS: Sequence[tuple[str, Callable[[StudyRecord], str]]] = (
    ("Date", lambda s: s.study_date),
    ("PatientID", lambda s: s.patient_id),
    ("PatientName", lambda s: s.patient_name),
    ("Accession", lambda s: s.accession_number),
    ("Modalities", lambda s: "/".join(s.modalities_in_study)),
    ("Series", lambda s: "" if s.number_of_series is None else str(s.number_of_series)),
    ("Images", lambda s: "" if s.number_of_instances is None else str(s.number_of_instances)),
    ("Description", lambda s: s.study_description),
    ("StudyInstanceUID", lambda s: s.study_instance_uid),
)


def format_table(studies: Sequence[StudyRecord]) -> str:
    """Columns padded to their widest cell; the long UID last so it never pushes others."""
    rows = [[name for name, _ in TABLE_COLUMNS]]
    rows += [[cell(study) for _, cell in TABLE_COLUMNS] for study in studies]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def run_get(args: argparse.Namespace) -> int:
    client = make_client(node_from_args(args))
    try:  # Ctrl-C (KeyboardInterrupt) also leaves no partial study: see staging.py
        result = client.retrieve_study(args.study, args.out, _progress_printer())
    finally:
        if sys.stderr.isatty():
            sys.stderr.write("\n")
    megabytes = result.size_bytes / 1e6
    print(f"{result.folder}: {result.instances} instances, {megabytes:.1f} MB from {client.node}")
    return EXIT_OK


def _progress_printer() -> Callable[[int, int], None] | None:
    """A one-line counter on an interactive terminal; nothing when stderr is redirected."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{done}/{total or '?'} instances")
        sys.stderr.flush()

    return show


def run_send(args: argparse.Namespace) -> int:
    client: PacsClient = make_client(node_from_args(args))
    results = client.send(args.files)
    for result in results:
        if result.ok:
            print(f"{result.path}: sent to {client.node}")
        else:
            print(f"{result.path}: {result.reason}", file=sys.stderr)
    return EXIT_OK if all(result.ok for result in results) else EXIT_BAD_INPUT
