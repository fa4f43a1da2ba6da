"""Hostile DICOM files of the hardening issue, built on pydicom's CT_small.dcm: the tests
(test_hardening_input, test_hardening_ui) and bench/hardening_probes.py use the same ones."""

from __future__ import annotations

import warnings
import zlib
from pathlib import Path

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate
from pydicom.uid import DeflatedExplicitVRLittleEndian, RLELossless

# Found by fuzzing pylibjpeg-rle: its Rust decoder panics (pyo3 PanicException) on this
# 9 x 3, 16-bit frame: "index out of bounds: the len is 54 but the index is 54".
RUST_PANIC_RLE_FRAME = bytes.fromhex(
    "02000000400000007d0000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "846ce964840430a1fb3bf5fd16c61bc263937aec47cb5e116afde926bb7fc75b"
    "4ba8079703590db237273bb201650fe85a82f4221ba0e62bb1440650db82f02a"
    "5b6446b7f89278691f05afe6c6cfa14842727c57d3ee844c436a2b3d148332d7"
    "eff560d25cf5b34bc86cc195a70ce8e0e4b2017a35090ae73c0c"
)


def ct(**changes) -> Dataset:
    """pydicom's CT_small.dcm with `changes` set (invalid values allowed, warnings hushed)."""
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for keyword, value in changes.items():
            setattr(ds, keyword, value)
    return ds


def rle(rows: int, columns: int, frame: bytes) -> Dataset:
    """A 16-bit RLE Lossless image claiming rows x columns, holding the one `frame`."""
    ds = ct(Rows=rows, Columns=columns)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.file_meta.TransferSyntaxUID = RLELossless
    ds.PixelData = encapsulate([frame])
    ds["PixelData"].VR = "OB"
    return ds


def lut_item(descriptor: list[int], data, vr: str = "US") -> Dataset:
    item = Dataset()
    item.LUTDescriptor = descriptor
    item.LUTData = data
    item["LUTData"].VR = vr
    return item


def saved(ds: Dataset, path: Path) -> Path:
    ds.save_as(path, enforce_file_format=True)
    return Path(path)


def tiny_rle_claiming(rows: int, columns: int) -> Dataset:
    """Two RLE segments of 1000 bytes each: about 8 KB on disk, whatever size is claimed."""
    header = np.zeros(16, "<u4")
    header[:3] = (2, 64, 1064)
    return rle(rows, columns, header.tobytes() + b"\x81\x00" * 1000)


def rle_huge(path: Path) -> Path:
    """7.8 KB claiming 65535 x 65535 pixels (8.5 GB of RSS before the size guards)."""
    return saved(tiny_rle_claiming(65535, 65535), path)


def rle_panic(path: Path) -> Path:
    return saved(rle(9, 3, RUST_PANIC_RLE_FRAME), path)


def voi_lut_of_2000_bits(path: Path) -> Path:
    ds = ct()
    ds.VOILUTSequence = [lut_item([4, 0, 2000], [0, 1, 2, 3])]
    return saved(ds, path)


def with_modality_lut(item: Dataset, path: Path) -> Path:
    ds = ct()
    item.ModalityLUTType = "HU"
    ds.ModalityLUTSequence = [item]
    del ds.RescaleSlope, ds.RescaleIntercept
    return saved(ds, path)


def short_modality_lut(path: Path) -> Path:
    """A Modality LUT holding 10 entries where its descriptor says 4096."""
    return with_modality_lut(lut_item([4096, 0, 16], b"\x00\x01" * 10, "OW"), path)


def eight_bit_modality_lut_over_255(path: Path) -> Path:
    return with_modality_lut(lut_item([4, 0, 8], [0, 300, 600, 900]), path)


def nan_rescale_with_voi_lut(path: Path) -> Path:
    ds = ct(RescaleSlope="NaN")
    ds.VOILUTSequence = [lut_item([4, 0, 16], [0, 1, 2, 3])]
    return saved(ds, path)


def deflate_bomb(path: Path, inflated_mb: int = 2048) -> Path:
    """A deflated file (a few MB) whose dataset inflates to `inflated_mb` megabytes: the
    file meta of a real deflated file, then one huge private element of zeros."""
    ds = ct(Rows=4, Columns=4)
    ds.PixelData = bytes(32)
    ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    saved(ds, path)
    raw = path.read_bytes()
    meta_end = 132 + 12 + int.from_bytes(raw[140:144], "little")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    size = inflated_mb << 20
    element = b"\x09\x00\x10\x00OB\x00\x00" + (size - 2).to_bytes(4, "little")
    body = bytearray(compressor.compress(element))
    zeros = bytes(1 << 20)
    for _ in range(inflated_mb):
        body += compressor.compress(zeros)
    body += compressor.flush()
    path.write_bytes(raw[:meta_end] + bytes(body))
    return path
