"""The reporting workflow and supervision (报告制度与督查督办), requirement R2.

Every class takes an :class:`~kexie_core.workspace.ActorSession` and acts within its scope::

    from kexie_core.workflow import Reports, Completeness
    Reports(ws.as_unit("371323")).submit("2026Q1", narrative="……")
    Reports(ws.as_root()).accept("371323", "2026Q1")
    Completeness(ws.as_root()).by_unit("2026Q1", today=date(2026, 4, 15))

- :class:`Reports`: periodic work reports — draft → submitted → accepted / returned → …
- :class:`Completeness`: expected, submitted, on time, late, missing — per unit and rolled up
- :class:`Matters`: important-matter reports (重要情况报告) and their acknowledgement
- :class:`Suggestions`: 《科技工作者建议》 and what became of them
- :class:`Assignments`: supervision assignments (督查督办), extensions, overdue, delay ranking
- :mod:`.config`: who reports which period, by when (configuration, not code)
"""

from __future__ import annotations

from ..store.report_lock import Lock, ReportLocked, find_locks, refuse_locked
from ._common import WorkflowError
from .assignments import Assignment, AssignmentIn, Assignments, Extension, Note
from .completeness import Completeness, CompletenessRow, UnitReportState
from .config import ReportingConfig, default_config, load_config, parse_config
from .matters import Matter, MatterIn, Matters, Urgency
from .reports import Report, ReportEvent, Reports
from .snapshot import freeze
from .states import ReportStatus
from .suggestions import Suggestion, SuggestionIn, Suggestions, SuggestionStatus

__all__ = [
    "Assignment",
    "AssignmentIn",
    "Assignments",
    "Completeness",
    "CompletenessRow",
    "Extension",
    "Lock",
    "Matter",
    "MatterIn",
    "Matters",
    "Note",
    "Report",
    "ReportEvent",
    "ReportLocked",
    "ReportStatus",
    "ReportingConfig",
    "Reports",
    "Suggestion",
    "SuggestionIn",
    "SuggestionStatus",
    "Suggestions",
    "UnitReportState",
    "Urgency",
    "WorkflowError",
    "default_config",
    "find_locks",
    "freeze",
    "load_config",
    "parse_config",
    "refuse_locked",
]
