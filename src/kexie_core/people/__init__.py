"""People programmes (clauses 4, 7 and 8): the care calendar for experts, visits, award selection
and the youth lifting programme.

* ``care_calendar`` — upcoming birthdays (incl. lunar), festivals, follow-ups, congratulations and
  council renewals for the experts a unit looks after; ``to_ics`` for phone calendars.
* ``add_visit``, ``visits``, ``visit_counts``, ``care_coverage`` — visits are ``expert_visit``
  work items (area 8).
* ``Awards`` — rounds, nominations within quota, eligibility with reasons, scores, decision,
  public notice with objections, winners recorded as honours.
* ``cohort``, ``add_support`` — the youth lifting cohort (托举工程) and who supports whom.
* ``RuleSet`` and the rule models — eligibility declared as data; ``Catalogue`` /
  ``default_catalogue`` — programmes from package TOML, ``KEXIE_PROGRAMME_PATH`` and the API.
"""

from __future__ import annotations

from .ages import age_on, latest_birth_date
from .awards import Awards, AwardStateError, Refused
from .calendar import CalendarLine, CalendarOptions, care_calendar
from .cohort import YOUTH_LIFTING, CohortMember, add_support, cohort, end_support
from .disqualifications import add_disqualification, disqualifications
from .festivals import birthdays_between, festival_date, festivals_between
from .ics import to_ics
from .occasions import EXPERT_LEVELS, DisqualificationKind, Festival, Occasion, VisitOccasion
from .programmes import (
    Catalogue,
    Programme,
    ProgrammeError,
    builtin_catalogue,
    default_catalogue,
)
from .rules import RuleContext, RuleResult, RuleSet, Verdict
from .visits import Visit, add_visit, care_coverage, visit_counts, visits

__all__ = [
    "EXPERT_LEVELS",
    "YOUTH_LIFTING",
    "AwardStateError",
    "Awards",
    "CalendarLine",
    "CalendarOptions",
    "Catalogue",
    "CohortMember",
    "DisqualificationKind",
    "Festival",
    "Occasion",
    "Programme",
    "ProgrammeError",
    "Refused",
    "RuleContext",
    "RuleResult",
    "RuleSet",
    "Verdict",
    "Visit",
    "VisitOccasion",
    "add_disqualification",
    "add_support",
    "add_visit",
    "age_on",
    "birthdays_between",
    "builtin_catalogue",
    "care_calendar",
    "care_coverage",
    "cohort",
    "default_catalogue",
    "disqualifications",
    "end_support",
    "festival_date",
    "festivals_between",
    "latest_birth_date",
    "to_ics",
    "visit_counts",
    "visits",
]
