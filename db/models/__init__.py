"""Every table, by module: each area keeps its tables in ``db/models/<area>.py`` and names them in
its entry of ``app.areas``; add the module to :data:`MODULES` too (a test checks the two agree).

:func:`load_all` imports every table module so that ``SQLModel.metadata`` is complete (Alembic,
checks, sync, the village scope: ``db.scope._synced_tables``). Importing this package alone no
longer does: building the SQLModel classes of every table costs ~0.4 s, and the command line
imports only the tables its command uses (``villagedesk print notice``: accounts, people, notices).
The names are still here — ``from db.models import Notice`` imports the module that defines it.
"""
from __future__ import annotations

import importlib
from typing import Any

#: table class → the module that defines it
MODULES: dict[str, str] = {
    **dict.fromkeys(("AuditEntry", "AuditHead", "RevCounter"), "db.tracking"),
    **dict.fromkeys(("Setting", "User"), "db.models.accounts"),
    **dict.fromkeys(("Grid", "Household", "Resident", "VillageGroup", "VillageProfile"), "db.models.people"),
    **dict.fromkeys(("AgendaItem", "Attendance", "AttendanceTally", "Ballot", "Meeting", "Minutes",
                     "MinutesAddendum", "Vote"), "db.models.meetings"),
    **dict.fromkeys(("Concern", "ConcernNote"), "db.models.concerns"),
    **dict.fromkeys(("DeliberationMatter", "DeliberationStep"), "db.models.deliberation"),
    "Notice": "db.models.notices",
    **dict.fromkeys(("MediationAccessLog", "MediationCase", "MediationParty", "MediationRecord"),
                    "db.models.mediation"),
    "NumberSequence": "db.scope",
    **dict.fromkeys(("ImportedBundle", "OutboxBundle", "TownshipAggregate", "TownshipFigures", "TownshipVillage"),
                    "db.models.sync"),
    **dict.fromkeys(("VolunteerActivity", "VolunteerAssignment", "VolunteerHours", "VolunteerMember",
                     "VolunteerTeam"), "db.models.volunteers"),
    **dict.fromkeys(("PointsBoardDecision", "PointsEntry", "PointsGoods", "PointsProposal", "PointsRule",
                     "PointsRuleVersion"), "db.models.points"),
    **dict.fromkeys(("AwardCampaign", "AwardHonour", "AwardNomination", "AwardObjection"), "db.models.awards"),
    "Attachment": "db.models.attachments",
}


def load_all() -> None:
    """Import every table module (in a fixed order), so that ``SQLModel.metadata`` holds every table."""
    for module in dict.fromkeys(MODULES.values()):
        importlib.import_module(module)


def __getattr__(name: str) -> Any:
    module = MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'db.models' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(MODULES))
