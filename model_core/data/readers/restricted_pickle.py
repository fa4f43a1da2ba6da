"""Load pickled split files without running code from them.

The uMedGround/MedRPG splits are pickles (written by `torch.save`, so a zip holding
`data.pkl`, or by plain `pickle.dump`). Unpickling calls whatever global the file names, so
a plain `pickle.load` of a downloaded file is arbitrary code execution. This unpickler
resolves only the globals needed to rebuild plain containers, strings, numbers and numpy
arrays; any other global is refused before it is imported or called.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import numpy as np

# A split file holds paths, reports, phrases and boxes: a few megabytes for thousands of
# studies. Neither the file nor the pickle inside a torch.save zip may exceed this, so a
# zip bomb (1 MB inflating to gigabytes) is refused while it inflates.
MAX_PICKLE_BYTES = 256 * 2**20

# What plain data needs: the builtin containers and numbers, and numpy's own array and
# scalar reconstruction. Protocol 2 (torch.save's default) writes array bytes through
# `_codecs.encode`; protocol 5 writes arrays through `_frombuffer`. Nothing here can reach
# the file system, a process or an import.
ALLOWED_GLOBALS = frozenset(
    {
        ("builtins", "dict"),
        ("builtins", "list"),
        ("builtins", "str"),
        ("builtins", "int"),
        ("builtins", "float"),
        ("builtins", "tuple"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.numeric", "_frombuffer"),
        ("_codecs", "encode"),
    }
)
# torch's pre-1.6 format: this number, the protocol version and a system-info dict, each
# pickled on its own, come before the object.
LEGACY_TORCH_MAGIC = 0x1950A86A20F9469CFC6C


class ForbiddenGlobalError(pickle.UnpicklingError, ValueError):
    """The pickle names a global outside `ALLOWED_GLOBALS`."""


class RestrictedUnpickler(pickle.Unpickler):
    """An Unpickler whose `find_class` resolves `ALLOWED_GLOBALS` only."""

    def find_class(self, module: str, name: str):
        if (module, name) not in ALLOWED_GLOBALS:
            raise ForbiddenGlobalError(
                f"forbidden global {module}.{name} (only plain lists, dicts, strings, "
                "numbers and numpy arrays may be loaded)"
            )
        if module.startswith("numpy.core") and hasattr(np, "_core"):
            module = "numpy._core" + module.removeprefix("numpy.core")  # numpy 2 name
        return super().find_class(module, name)

    def persistent_load(self, pid):
        raise pickle.UnpicklingError(
            "holds torch tensors (persistent storage ids); save the boxes as lists or numpy arrays"
        )


def restricted_loads(data: bytes) -> object:
    """One pickled object from `data`, skipping torch's legacy header when present."""
    stream = io.BytesIO(data)
    unpickler = RestrictedUnpickler(stream)
    value = unpickler.load()
    if isinstance(value, int) and value == LEGACY_TORCH_MAGIC:
        unpickler.load()  # protocol version
        unpickler.load()  # system info
        value = unpickler.load()
    return value


def load_restricted(path: Path) -> object:
    """The object in a pickle or torch.save file; ValueError naming the file on any refusal."""
    path = Path(path)
    try:
        data = _read_bounded(path)
        if zipfile.is_zipfile(io.BytesIO(data)):
            data = _zip_payload(data)
        return restricted_loads(data)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        zipfile.BadZipFile,
        NotImplementedError,  # a zip compression method Python does not have
        RecursionError,
        MemoryError,
    ) as exc:
        raise ValueError(f"{path}: not loadable: {exc}") from None


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refused past MAX_PICKLE_BYTES whatever its size claims (a FIFO)."""
    with path.open("rb") as stream:
        data = stream.read(MAX_PICKLE_BYTES + 1)
    if len(data) > MAX_PICKLE_BYTES:
        raise ValueError(f"larger than {MAX_PICKLE_BYTES >> 20} MB; not a split file")
    return data


def _zip_payload(data: bytes) -> bytes:
    """The pickle inside a torch.save zip (`<archive>/data.pkl`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "data.pkl"]
        if len(names) != 1:
            raise pickle.UnpicklingError("a zip file without exactly one data.pkl")
        if archive.getinfo(names[0]).file_size > MAX_PICKLE_BYTES:  # what it declares...
            raise ValueError(f"data.pkl is larger than {MAX_PICKLE_BYTES >> 20} MB")
        with archive.open(names[0]) as member:  # ...and what it inflates to, in chunks
            data = member.read(MAX_PICKLE_BYTES + 1)
    if len(data) > MAX_PICKLE_BYTES:
        raise ValueError(f"data.pkl inflates past {MAX_PICKLE_BYTES >> 20} MB (a zip bomb?)")
    return data
