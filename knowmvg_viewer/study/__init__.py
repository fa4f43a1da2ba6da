"""Qt-free, torch-free study loading: DICOM and raster images, reports, display pipeline."""

from .errors import StudyError
from .image import PixelSpacing, RadiographImage, VoiFunction, WindowPreset
from .presentation_reader import read_presentation_state
from .presentation_state import PresentationState
from .report import Report, ReportSection, load_sr_report, load_text_report
from .study import Study, discover_studies, load_image, open_study
from .views import FilmView, detect_view, upright_pixels
from .window import DisplayRenderer, auto_window, model_input, view_of, voi_normalized

__all__ = [
    "DisplayRenderer",
    "FilmView",
    "PixelSpacing",
    "PresentationState",
    "RadiographImage",
    "Report",
    "ReportSection",
    "Study",
    "StudyError",
    "VoiFunction",
    "WindowPreset",
    "auto_window",
    "detect_view",
    "discover_studies",
    "load_image",
    "load_sr_report",
    "load_text_report",
    "model_input",
    "open_study",
    "read_presentation_state",
    "upright_pixels",
    "view_of",
    "voi_normalized",
]
