"""Read one frame of a DICOM image into a RadiographImage, never modifying the file."""

from __future__ import annotations

import io
import logging
import os
import struct
import tempfile
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import DataElement, RawDataElement
from pydicom.dataset import Dataset, FileDataset
from pydicom.encaps import get_frame
from pydicom.errors import InvalidDicomError
from pydicom.filereader import _read_file_meta_info, read_preamble
from pydicom.filereader import read_dataset as read_dataset_body
from pydicom.multival import MultiValue
from pydicom.uid import (
    UID,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000TransferSyntaxes,
)
from pydicom.valuerep import VR

from ..limits import limits, megabytes
from .errors import StudyError
from .image import PixelSpacing, RadiographImage, VoiFunction, WindowPreset
from .window import auto_window, view_of

log = logging.getLogger(__name__)

SR_SOP_CLASS_PREFIX = "1.2.840.10008.5.1.4.1.1.88."
PREAMBLE_LESS_SUFFIXES = ("", ".dcm", ".dicom", ".ima")  # old exports without 'DICM'
INFLATE_STEP = 16 << 20  # bytes of inflated data per step of a deflated file
JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  "  # length and type of the 12-byte JP2 signature box
MAX_PALETTE_ENTRIES = 65536  # PS3.3 C.7.6.3.1.5: a palette LUT has at most 2^16 entries
FIRST_PIXEL_TAG = 0x7FE00008  # FloatPixelData; PixelData and what follows it come after


def read_dataset(path: Path, *, header_only: bool = False) -> Dataset:
    """dcmread with one clear StudyError for anything that is not readable DICOM.

    Files without the Part 10 preamble are accepted when a forced read finds an
    image or SOP header in them (old ACR-NEMA style exports do this).
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                ds = _read_deflated(path, header_only)
                if ds is None:
                    ds = pydicom.dcmread(path, stop_before_pixels=header_only)
            except InvalidDicomError:
                ds = pydicom.dcmread(path, stop_before_pixels=header_only, force=True)
                if not _looks_like_dicom(ds):
                    raise StudyError(path, "not a DICOM file") from None
            _convert_values(ds)
        for warning in caught:
            log.debug("%s: %s", path, warning.message)
        ds._truncated = any("End of file reached" in str(w.message) for w in caught)
    except FileNotFoundError:
        raise StudyError(path, "file not found") from None
    except IsADirectoryError:
        raise StudyError(path, "is a folder, not a file") from None
    except PermissionError:
        raise StudyError(path, "permission denied") from None
    except StudyError:
        raise
    except Exception as exc:  # pydicom raises many types for damaged files
        raise StudyError(path, f"unreadable DICOM ({_first_line(exc)})") from None
    _infer_transfer_syntax(ds)
    return ds


def _read_deflated(path: Path, header_only: bool) -> Dataset | None:
    """A Deflated Explicit VR Little Endian file, inflated here within the inflation limit
    (pydicom inflates the whole file at once: 4 MB can become 28 GB); None for any other
    file, which dcmread reads as usual."""
    with path.open("rb") as stream:
        try:
            preamble = read_preamble(stream, False)
            meta = _read_file_meta_info(stream)
        except (InvalidDicomError, ValueError, EOFError, KeyError, TypeError):
            return None
        if meta.get("TransferSyntaxUID") != DeflatedExplicitVRLittleEndian:
            return None
        compressed = stream.read()
    data = _inflated(compressed, limits().max_inflated_bytes, path)
    stop = (lambda tag, vr, length: tag >= FIRST_PIXEL_TAG) if header_only else None
    dataset = read_dataset_body(
        io.BytesIO(data), is_implicit_VR=False, is_little_endian=True, stop_when=stop
    )
    return FileDataset(
        path,
        dataset,
        preamble=preamble,
        file_meta=meta,
        is_implicit_VR=False,
        is_little_endian=True,
    )


def _convert_values(ds: Dataset) -> None:
    """Convert every top-level value now, where failing is this file's StudyError: pydicom
    converts a value when it is first read, so an element it cannot convert (an unknown VR,
    found by fuzzing) would raise NotImplementedError wherever the header is first looked at.
    Sequences stay as read; their readers take them item by item (presentation_reader.py)."""
    for dataset in (getattr(ds, "file_meta", Dataset()), ds):
        for tag in list(dataset.keys()):
            element = dataset.get_item(tag)
            if isinstance(element, RawDataElement) and not _holds_sequence(element):
                _convert_all(dataset[tag])  # dataset[tag] converts it in place


def _convert_all(element: DataElement) -> None:
    """When a value turns out to be a sequence after all (the file says SQ where the
    dictionary does not), the values of its items too."""
    if element.VR == VR.SQ:
        for item in element.value:
            for child in item:  # iterating converts each element
                _convert_all(child)


def _holds_sequence(element: RawDataElement) -> bool:
    """A sequence by the dictionary, or a private one written as SQ; an element the dictionary
    knows as something else but the file calls SQ (Manufacturer, found by fuzzing) is
    converted now like any value."""
    try:
        return dictionary_VR(element.tag) == VR.SQ
    except KeyError:  # private or unknown: as the file writes it
        return element.VR == VR.SQ


def _inflated(compressed: bytes, most: int, path: Path) -> bytearray:
    """Raw deflate data inflated in 16 MB steps, refused as soon as it passes `most` bytes
    (one call with a `max_length` would allocate the whole limit, and grow it twice over)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    data = bytearray()
    pending = memoryview(compressed)
    try:
        while True:
            data += inflater.decompress(pending, INFLATE_STEP)
            if len(data) > most:
                raise StudyError(
                    path,
                    f"deflated data inflates past {megabytes(most)} (KNOWMVG_MAX_INFLATED_BYTES)",
                )
            pending = memoryview(inflater.unconsumed_tail)
            if not pending:
                data += inflater.flush()
                return data
    except zlib.error as exc:
        raise StudyError(path, f"damaged deflated data ({exc})") from None


def _looks_like_dicom(ds: Dataset) -> bool:
    return any(key in ds for key in ("SOPClassUID", "PixelData", "Rows", "Modality"))


def _infer_transfer_syntax(ds: Dataset) -> None:
    """Give a file without one the transfer syntax it was read with (in memory only)."""
    if "TransferSyntaxUID" in getattr(ds, "file_meta", Dataset()):
        return
    implicit, little = ds.original_encoding
    if implicit is None:
        return
    uid = (
        ImplicitVRLittleEndian
        if implicit
        else (ExplicitVRLittleEndian if little else ExplicitVRBigEndian)
    )
    ds.ensure_file_meta()
    ds.file_meta.TransferSyntaxUID = UID(uid)


def is_dicom(path: Path) -> bool:
    """A Part 10 file ('DICM' after the preamble), or a preamble-less one that parses."""
    if _has_preamble(path):
        return True
    return path.suffix.lower() in PREAMBLE_LESS_SUFFIXES and _forced_read(path, True) is not None


def read_dicom(path: Path, *, header_only: bool = False) -> Dataset | None:
    """The dataset of PATH when it is DICOM, else None; one look at the preamble, one read.

    A Part 10 file that cannot be read is a StudyError (it is DICOM, and broken); a
    preamble-less file with a DICOM suffix (or none) is DICOM when a forced read finds a
    header in it.
    """
    if _has_preamble(path):
        return read_dataset(path, header_only=header_only)
    if path.suffix.lower() not in PREAMBLE_LESS_SUFFIXES:
        return None
    return _forced_read(path, header_only)


def _forced_read(path: Path, header_only: bool) -> Dataset | None:
    try:
        return read_dataset(path, header_only=header_only)
    except StudyError:
        return None


def _has_preamble(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.seek(128)
            return handle.read(4) == b"DICM"
    except OSError:
        return False


def is_structured_report(ds: Dataset) -> bool:
    return (
        str(ds.get("SOPClassUID", "")).startswith(SR_SOP_CLASS_PREFIX) or ds.get("Modality") == "SR"
    )


def dicom_image(ds: Dataset, path: Path, frame: int = 0) -> RadiographImage:
    """Decode `frame` (0-based) of a dataset read from PATH, with its display attributes.

    The image keeps the dataset as its header; the pixel data is dropped from it, so the
    file's bytes are not held beside the decoded frame.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # pydicom's VR and padding notes; not the user's concern
            image = _image_from_dataset(ds, path, frame)
    except StudyError:
        raise
    # a bad value, or damage pydicom meets only now: it converts values and parses sequences
    # when they are first read (NotImplementedError for an unknown VR, OSError in an item...)
    except Exception as exc:
        raise StudyError(path, f"invalid DICOM header ({_first_line(exc)})") from None
    del ds[FIRST_PIXEL_TAG:]  # also drops pydicom's cached array
    image.header = ds
    image.view = view_of(image)
    return image


def _image_from_dataset(ds: Dataset, path: Path, frame: int) -> RadiographImage:
    if "PixelData" not in ds and "FloatPixelData" not in ds and "DoubleFloatPixelData" not in ds:
        kind = "a structured report" if is_structured_report(ds) else "a DICOM object"
        if getattr(ds, "_truncated", False):
            kind = "the file is truncated"
        raise StudyError(path, f"no pixel data ({kind}, SOP class {_sop_class_name(ds)})")
    n_frames = int(ds.get("NumberOfFrames", 1) or 1)
    if not 0 <= frame < n_frames:
        raise StudyError(path, f"frame {frame} out of range (the file has {n_frames})")
    check_pixel_budget(ds, path, n_frames)
    stored = _decode_frame(ds, path, frame if n_frames > 1 else None)
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).strip()
    if photometric == "PALETTE COLOR":
        from pydicom.pixels import apply_color_lut

        _check_segmented_palette(ds, path)
        stored = np.asarray(apply_color_lut(stored, ds))
    if stored.ndim == 3 and stored.shape[-1] == 3:
        photometric = "RGB"  # pydicom converts YBR_* to RGB on decode
    elif stored.ndim != 2:
        raise StudyError(path, f"unsupported pixel array shape {stored.shape}")
    image = RadiographImage(
        path=path,
        stored=stored,
        photometric=photometric,
        modality=str(ds.get("Modality", "OT")),
        transfer_syntax=_transfer_syntax_text(ds),
        frame_index=frame,
        n_frames=n_frames,
        bits_stored=int(ds.get("BitsStored", 8) or 8),
        presentation_inverse=str(ds.get("PresentationLUTShape", "")).upper() == "INVERSE",
        spacing=_pixel_spacing(ds),
        attributes=_describe(ds),
    )
    if not image.is_color:
        _apply_modality_lut(ds, image)
    image.presets = _window_presets(ds, image)
    return image


def check_pixel_budget(ds: Dataset, path: Path, n_frames: int) -> None:
    """Refuse, before any decoding, a frame whose size the limits forbid (`limits.py`), or
    compressed pixel data far too small for the frame it claims: a few kilobytes of RLE
    or JPEG claiming 65535 x 65535 pixels would otherwise allocate gigabytes."""
    budget = limits()
    rows, columns = _as_int(ds.get("Rows")), _as_int(ds.get("Columns"))
    samples = max(1, _as_int(ds.get("SamplesPerPixel", 1)))
    bits = _as_int(ds.get("BitsAllocated", 16)) or 16
    if rows < 1 or columns < 1:
        raise StudyError(path, f"invalid image size {rows} x {columns} (Rows, Columns)")
    pixels = rows * columns * samples
    if pixels > budget.max_pixels:
        raise StudyError(
            path,
            f"image too large to open: {columns} x {rows} pixels x {samples} samples "
            f"(limit {budget.max_pixels:,}, KNOWMVG_MAX_PIXELS)",
        )
    frame_bytes = pixels * max(8, bits) // 8 * (3 if _decodes_to_rgb(ds) else 1)
    if frame_bytes > budget.max_frame_bytes:
        raise StudyError(
            path,
            f"image too large to open: one frame needs {megabytes(frame_bytes)} "
            f"(limit {megabytes(budget.max_frame_bytes)}, KNOWMVG_MAX_FRAME_BYTES)",
        )
    syntax = getattr(ds, "file_meta", Dataset()).get("TransferSyntaxUID")
    if syntax is None or not UID(syntax).is_compressed:
        return
    stored = len(ds.get("PixelData") or b"") / max(1, n_frames)
    if frame_bytes > budget.max_expansion * max(stored, 1.0):
        raise StudyError(
            path,
            f"{_transfer_syntax_text(ds)} pixel data too small for its image: "
            f"{int(stored):,} bytes per frame cannot hold {columns} x {rows} pixels "
            f"(limit {budget.max_expansion:g}x, KNOWMVG_MAX_EXPANSION)",
        )


def _decodes_to_rgb(ds: Dataset) -> bool:
    return str(ds.get("PhotometricInterpretation", "")).strip() == "PALETTE COLOR"


def _as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


@contextmanager
def _native_stderr_to_log() -> Iterator[None]:
    """Send what native decoders write straight to file descriptor 2 to the debug log.

    pylibjpeg-rle's Rust panics print "thread '<unnamed>' panicked at ..." and a note
    there before Python sees the exception, which would break the one-line error. The
    viewer decodes in a child process, so no other thread's output is diverted there; the
    CLI decodes between its own messages.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            written = sink.read(4096).decode("utf-8", "replace").strip()
            if written:
                log.debug("the decoder wrote to stderr: %s", written)


def _decode_frame(ds: Dataset, path: Path, index: int | None) -> np.ndarray:
    _check_jp2_boxes(ds, path, index or 0)
    try:
        ds.pixel_array_options(index=index)
        with _native_stderr_to_log():
            return ds.pixel_array
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    # decoders raise many types, and pylibjpeg-rle's Rust panics are BaseExceptions
    # (pyo3's PanicException); the user needs one message either way
    except BaseException as exc:
        raise StudyError(
            path,
            f"cannot decode pixel data with transfer syntax {_transfer_syntax_text(ds)} "
            f"({_compact(exc)})",
        ) from None


def _check_jp2_boxes(ds: Dataset, path: Path, index: int) -> None:
    """Refuse a JPEG 2000 frame wrapped in JP2 boxes where a box before the codestream box
    claims the rest of the data (length 0): there is no codestream after it, and pydicom
    (3.0.2, `get_j2k_parameters`) walks those boxes without an end, hanging the decode
    (found by fuzzing)."""
    syntax = getattr(ds, "file_meta", Dataset()).get("TransferSyntaxUID")
    if syntax not in JPEG2000TransferSyntaxes or "PixelData" not in ds:
        return
    try:
        frame = get_frame(
            ds.PixelData, index, number_of_frames=int(ds.get("NumberOfFrames", 1) or 1)
        )
    except Exception:
        return  # the decoder says what is wrong
    if not frame.startswith(JP2_SIGNATURE):
        return
    offset = len(JP2_SIGNATURE) + 4  # the signature box is 12 bytes
    while offset < len(frame):
        length = int.from_bytes(frame[offset : offset + 4], "big")
        if frame[offset + 4 : offset + 8] == b"jp2c":
            return
        if length == 0:
            raise StudyError(
                path, "damaged JPEG 2000 data (a JP2 box before the codestream has length 0)"
            )
        offset += length


def _check_segmented_palette(ds: Dataset, path: Path) -> None:
    """Refuse a segmented palette colour LUT (PS3.3 C.7.9) that expands past the 2^16 entries
    a LUT can have, before pydicom expands it without a bound: each indirect segment repeats
    up to 65535 segments, so 21 KB of segments cost 30 s and 600 MB, 120 KB gigabytes (found
    following a slow input of the dicom fuzz target)."""
    if "RedPaletteColorLookupTableData" in ds:
        return  # not segmented
    try:
        bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
        little = getattr(ds, "file_meta", Dataset())._tsyntax_encoding[1]
        little = ds.original_encoding[1] if little is None else little
    except Exception:
        return  # pydicom says what is wrong
    fmt = ("<" if little else ">") + ("B" if bits // 8 == 1 else "H")
    for colour in ("Red", "Green", "Blue", "Alpha"):
        data = ds.get(f"Segmented{colour}PaletteColorLookupTableData")
        if not data or len(data) % struct.calcsize(fmt):
            continue
        words = struct.unpack(f"{fmt[0]}{len(data) // struct.calcsize(fmt)}{fmt[1]}", data)
        if _palette_entries(words, fmt) > MAX_PALETTE_ENTRIES:
            raise StudyError(
                path,
                f"segmented {colour.lower()} palette LUT expands past "
                f"{MAX_PALETTE_ENTRIES} entries",
            )


def _palette_entries(words: tuple[int, ...], fmt: str) -> int:
    """How many entries segmented LUT data expands to, counted as pydicom expands it (an
    indirect segment repeats LENGTH segments from an offset, indirect ones among them), without
    building them; it stops once past MAX_PALETTE_ENTRIES, or after as many segments as could
    matter (zero-length segments add nothing)."""
    total, steps, most = 0, 0, len(words) + MAX_PALETTE_ENTRIES
    width = 4 if fmt[1] == "B" else 2  # words holding an indirect segment's offset

    def walk(offset: int, segments: int | None) -> None:
        nonlocal total, steps
        read = 0
        while offset + 1 < len(words) and total <= MAX_PALETTE_ENTRIES and steps <= most:
            opcode, length = words[offset], words[offset + 1]
            steps += 1
            if opcode in (0, 1):  # discrete: LENGTH values; linear: LENGTH steps to one value
                total += length
                offset += 2 + (length if opcode == 0 else 1)
            elif opcode == 2 and offset + 2 + width <= len(words):
                at = offset + 2
                if width == 2:  # 16-bit: the offset's low word first
                    target = words[at + 1] << 16 | words[at]
                else:  # 8-bit: four bytes, in pydicom's order for the byte order
                    b = [words[at + i] for i in ((3, 2, 1, 0) if fmt[0] == "<" else (2, 3, 0, 1))]
                    target = (b[0] << 8 | b[1]) << 16 | (b[2] << 8 | b[3])
                walk(target, length)
                offset = at + width
            else:
                return  # pydicom refuses it
            read += 1
            if read == segments:
                return

    walk(0, None)
    return total


def _apply_modality_lut(ds: Dataset, image: RadiographImage) -> None:
    """Keep linear rescale as slope/intercept; bake a Modality LUT Sequence into `stored`."""
    if "ModalityLUTSequence" in ds and len(ds.ModalityLUTSequence):
        image.stored = _modality_lut(ds, image)
        image.rescale_type = str(ds.ModalityLUTSequence[0].get("ModalityLUTType", ""))
        return
    slope = float(ds.get("RescaleSlope", 1.0) or 1.0)
    intercept = float(ds.get("RescaleIntercept", 0.0) or 0.0)
    if not (np.isfinite(slope) and np.isfinite(intercept)) or slope == 0.0:
        raise StudyError(
            image.path, f"invalid rescale (RescaleSlope {slope}, RescaleIntercept {intercept})"
        )
    image.modality_slope, image.modality_intercept = slope, intercept
    image.rescale_type = str(ds.get("RescaleType", ""))


def _modality_lut(ds: Dataset, image: RadiographImage) -> np.ndarray:
    """The stored values through the file's Modality LUT; StudyError for a LUT that does not
    hold what its descriptor says (too short, entries past its bit depth, wrong depth)."""
    from pydicom.pixels import apply_modality_lut

    item = ds.ModalityLUTSequence[0]
    try:
        n_entries, _, bits = (int(v) for v in item.LUTDescriptor)
        if bits not in (8, 16):  # PS3.3 C.11.1.1.1
            raise ValueError(f"{bits} bits per entry; 8 or 16 expected")
        entries = _lut_data(item, bits)
        if len(entries) < (n_entries or 65536):
            raise ValueError(f"{len(entries)} entries; the descriptor says {n_entries or 65536}")
        if len(entries) and (entries.min() < 0 or entries.max() >= 2**bits):
            raise ValueError(f"entries outside {bits} bits")
        with np.errstate(all="ignore"):
            return np.asarray(apply_modality_lut(image.stored, ds))
    except Exception as exc:  # pydicom: struct.error, OverflowError, IndexError ...
        raise StudyError(image.path, f"invalid Modality LUT ({_first_line(exc)})") from None


def _window_presets(ds: Dataset, image: RadiographImage) -> list[WindowPreset]:
    """VOI LUT Sequence items, then every WindowCenter/Width pair, then the automatic window."""
    presets: list[WindowPreset] = []
    if not image.is_color:
        presets += _voi_lut_presets(ds)
        presets += _window_pairs(ds)
    presets.append(auto_window(image))
    return presets


def _voi_lut_presets(ds: Dataset) -> list[WindowPreset]:
    presets = []
    try:
        items = list(ds.get("VOILUTSequence", []) or [])
    except Exception as exc:  # a damaged sequence: pydicom parses it when it is first read
        log.warning("skipping malformed VOI LUT Sequence (%s)", _first_line(exc))
        items = []
    for number, item in enumerate(items, start=1):
        try:
            n_entries, first, bits = (int(v) for v in item.LUTDescriptor)
            if not 8 <= bits <= 16:  # PS3.3 C.11.2.1.1: 8 to 16 bits per entry
                raise ValueError(f"{bits} bits per entry")
            lut = _lut_data(item, bits)
            if not len(lut) or not np.isfinite(lut).all():
                raise ValueError("no or non-finite entries")
            name = str(item.get("LUTExplanation", "") or f"VOI LUT {number}")
        except Exception as exc:  # also an item value pydicom cannot convert (unknown VR)
            log.warning("skipping malformed VOI LUT item %d (%s)", number, _first_line(exc))
            continue
        n_entries = n_entries or 65536
        if first < 0 and ds.get("PixelRepresentation", 0) == 0:
            first &= 0xFFFF  # US descriptor value read as signed
        presets.append(
            WindowPreset(
                name=name,
                source="voi-lut",
                lut=lut[:n_entries].astype(np.float32),
                lut_first=first,
                lut_max=float(2**bits - 1),
            )
        )
    return presets


def _lut_data(item: Dataset, bits: int) -> np.ndarray:
    raw = item.LUTData
    if isinstance(raw, bytes):
        dtype = "<u2" if bits > 8 else "u1"
        return np.frombuffer(raw, dtype=dtype)
    return np.asarray(list(raw) if isinstance(raw, MultiValue) else raw, dtype=np.float64).ravel()


def _window_pairs(ds: Dataset) -> list[WindowPreset]:
    centers = _as_list(ds.get("WindowCenter"))
    widths = _as_list(ds.get("WindowWidth"))
    explanations = _as_list(ds.get("WindowCenterWidthExplanation"))
    function = _voi_function(ds)
    presets = []
    for index, (center, width) in enumerate(zip(centers, widths, strict=False)):
        try:
            center_f, width_f = float(center), float(width)
        except (TypeError, ValueError):
            continue
        if width_f < 1.0 and function != VoiFunction.LINEAR_EXACT or width_f <= 0.0:
            continue  # PS3.3: width >= 1 (LINEAR, SIGMOID) or > 0 (LINEAR_EXACT)
        explanation = str(explanations[index]) if index < len(explanations) else ""
        name = explanation or f"Window {index + 1}"
        presets.append(WindowPreset(name, center_f, width_f, function, source="file"))
    return presets


def _voi_function(ds: Dataset) -> VoiFunction:
    value = str(ds.get("VOILUTFunction", "LINEAR") or "LINEAR").strip().upper()
    try:
        return VoiFunction(value)
    except ValueError:
        log.warning("unknown VOI LUT Function %r, using LINEAR", value)
        return VoiFunction.LINEAR


def _pixel_spacing(ds: Dataset) -> PixelSpacing | None:
    for keyword, kind in (("PixelSpacing", "pixel"), ("ImagerPixelSpacing", "detector")):
        values = _as_list(ds.get(keyword))
        try:
            row_mm, col_mm = float(values[0]), float(values[1])
        except (IndexError, TypeError, ValueError):
            continue
        if row_mm > 0 and col_mm > 0:
            return PixelSpacing(row_mm, col_mm, kind)
    return None


def _describe(ds: Dataset) -> dict[str, str]:
    """Header fields worth showing in `knowmvg info` and the viewer's title."""
    keys = (
        "PatientID",
        "PatientName",
        "StudyDate",
        "StudyDescription",
        "SeriesDescription",
        "ViewPosition",
        "PatientOrientation",
        "ImageLaterality",
        "BodyPartExamined",
        "Manufacturer",
        "StudyInstanceUID",
        "SeriesInstanceUID",
        "SOPInstanceUID",
        "SOPClassUID",
    )
    return {key: _attribute_text(ds.get(key)) for key in keys if ds.get(key) not in (None, "")}


def _attribute_text(value: object) -> str:
    """A header value as one string; multi-valued ones as DICOM writes them ("L\\F")."""
    return "\\".join(map(str, value)) if isinstance(value, MultiValue) else str(value)


def _transfer_syntax_text(ds: Dataset) -> str:
    uid = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
    if uid is None:
        return "unknown"
    return _shown(f"{uid.name} ({uid})" if uid.name != str(uid) else uid, 120)


def _sop_class_name(ds: Dataset) -> str:
    uid = ds.get("SOPClassUID") or getattr(ds, "file_meta", Dataset()).get(
        "MediaStorageSOPClassUID"
    )
    return _shown(getattr(uid, "name", None) or uid or "unknown")


def _shown(value: object, limit: int = 64) -> str:
    """A value from the file as a message shows it: one line (the file may hold newlines;
    StudyError is one line), at most LIMIT characters."""
    return " ".join(str(value).split())[:limit]


def _as_list(value: object) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, (MultiValue, list, tuple)):
        return list(value)
    return [value]


def _compact(exc: BaseException, limit: int = 300) -> str:
    """All lines of a decoder error on one line (pydicom lists each plugin's reason)."""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return (text[: limit - 3] + "...") if len(text) > limit else text or type(exc).__name__


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
