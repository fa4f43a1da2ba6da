"""Qt-free PACS access: DIMSE (pynetdicom) and DICOMweb (dicomweb-client) behind one API.

    client = make_client(DimseNode.parse("ORTHANC@pacs:4242"))   # or DicomwebNode(url, ...)
    client.verify()
    studies = client.find_studies(StudyQuery(patient_name="DOE^J*"))
    folder = StudyCache().fetch(client, studies[0].study_instance_uid, progress, cancel)
    saved = SavedNodes.load(default_nodes_path())   # the user's named nodes, one JSON file

Every call blocks and raises a `PacsError` subclass for what the user can fix.
"""

from .cache import CachedStudy, StudyCache, default_cache_root
from .client import PacsClient, ProgressCallback, RetrieveResult, SendResult, make_client
from .errors import (
    AssociationRejected,
    NodeUnreachable,
    PacsError,
    PacsInputError,
    PacsTimeout,
    RetrieveCancelled,
    ServerFailure,
    StudyNotFound,
)
from .nodes import DEFAULT_CALLING_AET, DicomwebNode, DimseNode, PacsNode, Timeouts
from .query import DateRange, SeriesRecord, StudyQuery, StudyRecord
from .saved_nodes import NodeFileError, SavedNode, SavedNodes, default_nodes_path

__all__ = [
    "DEFAULT_CALLING_AET",
    "AssociationRejected",
    "CachedStudy",
    "DateRange",
    "DicomwebNode",
    "DimseNode",
    "NodeFileError",
    "NodeUnreachable",
    "PacsClient",
    "PacsError",
    "PacsInputError",
    "PacsNode",
    "PacsTimeout",
    "ProgressCallback",
    "RetrieveCancelled",
    "RetrieveResult",
    "SavedNode",
    "SavedNodes",
    "SendResult",
    "SeriesRecord",
    "ServerFailure",
    "StudyCache",
    "StudyNotFound",
    "StudyQuery",
    "StudyRecord",
    "Timeouts",
    "default_cache_root",
    "default_nodes_path",
    "make_client",
]
