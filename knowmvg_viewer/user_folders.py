"""Where the viewer keeps per-user files, by each platform's convention (XDG on Linux)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "knowmvg-viewer"

# kind -> (Windows variable and fallback, macOS folder, XDG variable and fallback)
_CONVENTIONS = {
    "config": (
        ("APPDATA", "AppData/Roaming"),
        "Application Support",
        ("XDG_CONFIG_HOME", ".config"),
    ),
    "cache": (("LOCALAPPDATA", "AppData/Local"), "Caches", ("XDG_CACHE_HOME", ".cache")),
    # what the user made and must not lose to a cache clean-up: reviews
    "data": (
        ("APPDATA", "AppData/Roaming"),
        "Application Support",
        ("XDG_DATA_HOME", ".local/share"),
    ),
}


def user_folder(kind: str) -> Path:
    """The viewer's own per-user "config", "cache" or "data" folder (not created here)."""
    windows, macos, xdg = _CONVENTIONS[kind]
    if sys.platform == "win32":
        base = Path(os.environ.get(windows[0]) or Path.home() / windows[1])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / macos
    else:
        base = Path(os.environ.get(xdg[0]) or Path.home() / xdg[1])
    return base / APP_FOLDER
