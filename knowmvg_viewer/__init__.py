"""KnowMVG Viewer: chest radiographs, their reports and the grounded findings."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("knowmvg-viewer")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
