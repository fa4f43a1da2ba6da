"""Chest radiograph knowledge for the engine: findings, anatomical atlas, location priors.

Qt-free and torch-free. `KnowledgeBase.load()` reads the bundled `resources/knowledge`.
"""

from ._terms import side_of
from .base import KnowledgeBase
from .records import (
    BoxCXCYWH,
    BoxXYXY,
    Code,
    Finding,
    LocationPrior,
    Mention,
    PhraseSide,
    Region,
)

__all__ = [
    "BoxCXCYWH",
    "BoxXYXY",
    "Code",
    "Finding",
    "KnowledgeBase",
    "LocationPrior",
    "Mention",
    "PhraseSide",
    "Region",
    "side_of",
]
