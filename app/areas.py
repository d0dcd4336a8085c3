"""The registry: every area of the program declares itself here, once.

An area is one package under ``app/`` (its ``__init__`` is its public API) plus one page under
``ui/pages/``. Its entry names, with real objects rather than strings that could fail to import
silently:

* ``models`` — its tables (``db/models/<area>.py``); every table belongs to exactly one area or
  to the core (:data:`CORE_MODELS`), and a test checks that ``SQLModel.metadata`` holds no other;
* ``permissions`` — the permissions of :data:`app.auth.PERMISSIONS` it owns;
* ``stats`` — ``(*, session, actor) -> dict`` for ``villagedesk stats`` and the dashboard;
* ``demo`` — ``(*, session, actor, rng, size)``, run in registry order by ``villagedesk demo``;
* ``print_kinds`` — its printable documents (``villagedesk print --list``, the GUI);
* ``cli`` — ``(subparsers, common)`` adding its sub-commands, or ``None``;
* ``export`` — how each of its tables leaves the village in a bundle (``full``, ``masked``,
  ``aggregate`` or ``never``; the minimal default is ``never``);
* ``page`` — the key of its page in ``ui.pages.PAGES`` (a test checks that every area has one);
* ``todo`` — ``(*, session, actor, on) -> list[TodoItem]``: its lines of the 工作台 to-do list
  (:mod:`app.workbench.items`), or ``None``.

Adding an area (volunteers, say): ``app/volunteers/``, ``db/models/volunteers.py`` (+ a migration),
``ui/pages/volunteers.py``, and one :class:`Area` below.

Importing this module imports every area's service and documents (SQLModel, the printing model):
the GUI does so on its database worker, never on the start-up path.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from app import awards, concerns, deliberation, mediation, meetings, notices, people, points, volunteers
from app.awards import demo as awards_demo
from app.awards import documents as awards_documents
from app.concerns import documents as concerns_documents
from app.deliberation import documents as deliberation_documents
from app.excel import cli as excel_cli
from app.mediation import cli as mediation_cli
from app.mediation import queries as mediation_queries
from app.mediation import demo as mediation_demo
from app.mediation import documents as mediation_documents
from app.i18n import N_
from app.meetings import demo as meetings_demo
from app.meetings import documents as meetings_documents
from app.notices import demo as notices_demo
from app.notices import documents as notices_documents
from app.people import demo as people_demo
from app.people import documents as people_documents
from app.points import demo as points_demo
from app.points import documents as points_documents
from app.printing import PrintKind
from app.printing import cli as printing_cli
from app.sync import cli as sync_cli
from app.volunteers import demo as volunteers_demo
from app.workbench import documents as workbench_documents
from app.workbench import items as workbench_items
from app.volunteers import documents as volunteers_documents
from db.models.sync import ImportedBundle, OutboxBundle, TownshipAggregate, TownshipFigures, TownshipVillage
from db.models.accounts import Setting, User
from db.models.attachments import Attachment
from db.models.awards import AwardCampaign, AwardHonour, AwardNomination, AwardObjection
from db.models.concerns import Concern, ConcernNote
from db.models.deliberation import DeliberationMatter, DeliberationStep
from db.models.mediation import MediationAccessLog, MediationCase, MediationParty, MediationRecord
from db.models.meetings import AgendaItem, Attendance, AttendanceTally, Ballot, Meeting, Minutes, MinutesAddendum, Vote
from db.models.notices import Notice
from db.models.people import Grid, Household, Resident, VillageGroup, VillageProfile
from db.models.points import (
    PointsBoardDecision, PointsEntry, PointsGoods, PointsProposal, PointsRule, PointsRuleVersion,
)
from db.models.volunteers import (
    VolunteerActivity, VolunteerAssignment, VolunteerHours, VolunteerMember, VolunteerTeam,
)
from db.tracking import AuditEntry, AuditHead, RevCounter

EXPORT_POLICIES = ("full", "masked", "aggregate", "never")


@dataclasses.dataclass(frozen=True)
class Area:
    key: str
    title: str  # English msgid
    models: tuple[type, ...] = ()
    permissions: tuple[str, ...] = ()
    stats: Callable[..., dict[str, Any]] | None = None
    demo: Callable[..., None] | None = None
    print_kinds: tuple[PrintKind, ...] = ()
    cli: Callable[..., None] | None = None
    export: Mapping[str, str] = dataclasses.field(default_factory=dict)
    page: str = ""
    # table → fn(session, village_code) giving the rows its ``aggregate`` export carries, for a table
    # the generic count (per villagers' group, or per month of creation) does not describe well
    aggregates: Mapping[str, Callable[..., list[dict[str, Any]]]] = dataclasses.field(default_factory=dict)
    todo: Callable[..., list[Any]] | None = None  # its lines of the 工作台 to-do list (app.workbench)

    def __post_init__(self) -> None:
        tables = {m.__tablename__ for m in self.models}
        for table, policy in self.export.items():
            if table not in tables or policy not in EXPORT_POLICIES:
                raise ValueError(f"area {self.key}: bad export policy {table}={policy}")


# Tables of the program itself, not of an area: accounts, settings, the audit trail, counters.
CORE_MODELS: tuple[type, ...] = (User, Setting, AuditEntry, AuditHead, RevCounter,
                                 OutboxBundle, TownshipVillage, ImportedBundle, TownshipAggregate, TownshipFigures)
# Permissions of the program itself (accounts, statistics, backups, sync).
CORE_PERMISSIONS: tuple[str, ...] = ("users.manage", "stats.view", "backup.run", "backup.restore",
                                     "sync.export", "sync.import")

# Shared pieces with a door of their own (keyword-only ``session``/``actor``, a permission check,
# plain data) but no record area: they own no tables and their permissions are core ones. The
# boundary and role-matrix tests check their doors like an area's; ``CORE_CLI`` adds their commands.
# ``sync`` (reports to the township) exports every area's tables by the ``export`` policies below.
SHARED_DOORS: tuple[str, ...] = ("sync", "excel", "workbench")
CORE_CLI: tuple[Callable[..., None], ...] = (sync_cli.register, excel_cli.register)
# Documents of the program itself (the 工作台's monthly report), listed after the areas' kinds.
CORE_PRINT_KINDS: tuple[PrintKind, ...] = workbench_documents.PRINT_KINDS

AREAS: tuple[Area, ...] = (
    Area(
        key="people", title=N_("People"),
        models=(VillageProfile, VillageGroup, Grid, Household, Resident),
        permissions=("village.edit", "people.view", "people.edit", "people.delete", "people.numbers"),
        stats=people.stats, demo=people_demo.add_demo_data, print_kinds=people_documents.PRINT_KINDS,
        export={"village_profile": "full", "village_group": "full", "grid": "full",
                "household": "aggregate", "resident": "aggregate"},
        page="residents",
    ),
    Area(
        key="meetings", title=N_("Meetings"),
        models=(Meeting, Attendance, AgendaItem, Vote, Ballot, Minutes, MinutesAddendum, AttendanceTally),
        permissions=("meetings.view", "meetings.edit", "minutes.approve"),
        stats=meetings.stats, demo=meetings_demo.add_demo_data, print_kinds=meetings_documents.PRINT_KINDS,
        export={"meeting": "full", "agenda_item": "full", "meeting_vote": "full"},
        page="meetings", todo=workbench_items.meetings,
    ),
    Area(
        key="concerns", title=N_("Concerns"),
        models=(Concern, ConcernNote),
        permissions=("concerns.view", "concerns.edit"),
        stats=concerns.stats, print_kinds=concerns_documents.PRINT_KINDS,
        export={"concern": "masked"},
        page="concerns", todo=workbench_items.concerns,
    ),
    Area(
        key="deliberation", title=N_("Four deliberations, two disclosures"),
        models=(DeliberationMatter, DeliberationStep),
        permissions=("deliberation.edit",),
        stats=deliberation.stats, print_kinds=deliberation_documents.PRINT_KINDS,
        export={"deliberation_matter": "full", "deliberation_step": "full"},
        page="deliberation", todo=workbench_items.deliberation,
    ),
    Area(
        key="mediation", title=N_("Mediation"),
        models=(MediationCase, MediationParty, MediationRecord, MediationAccessLog),
        permissions=("mediation.view", "mediation.edit"),
        stats=mediation.stats, demo=mediation_demo.add_demo_data, print_kinds=mediation_documents.PRINT_KINDS,
        cli=mediation_cli.register,
        # the township gets counts (by category, source, outcome and month) and nothing else:
        # parties, records and the access log (a local table) never leave the village
        export={"mediation_case": "aggregate", "mediation_party": "never", "mediation_record": "never"},
        aggregates={"mediation_case": mediation_queries.export_aggregate},
        page="mediation", todo=workbench_items.mediation,
    ),
    Area(
        key="notices", title=N_("Notices"),
        models=(Notice,),
        permissions=("notices.view", "notices.edit", "notices.unmask"),
        stats=notices.stats, demo=notices_demo.add_demo_data, print_kinds=notices_documents.PRINT_KINDS,
        cli=printing_cli.register,
        export={"notice": "full"},
        page="notices", todo=workbench_items.notices,
    ),
    Area(
        key="volunteers", title=N_("Volunteers"),
        models=(VolunteerTeam, VolunteerMember, VolunteerActivity, VolunteerAssignment, VolunteerHours),
        permissions=("volunteers.edit",),
        stats=volunteers.stats, demo=volunteers_demo.add_demo_data, print_kinds=volunteers_documents.PRINT_KINDS,
        # hours leave the village only as counts per month (app.sync.service._aggregate)
        export={"volunteer_hours": "aggregate"},
        page="volunteers",
    ),
    Area(
        key="points", title=N_("Points"),
        models=(PointsRule, PointsRuleVersion, PointsEntry, PointsProposal, PointsGoods, PointsBoardDecision),
        permissions=("points.view", "points.edit", "points.approve", "points.redeem"),
        stats=points.stats, demo=points_demo.add_demo_data, print_kinds=points_documents.PRINT_KINDS,
        # the ledger leaves as counts per villagers' group; no household's points leave the village
        export={"points_entry": "aggregate"},
        page="points",
    ),
    Area(
        key="awards", title=N_("Selections and honours"),
        models=(AwardCampaign, AwardNomination, AwardObjection, AwardHonour),
        permissions=("awards.edit", "awards.approve"),
        stats=awards.stats, demo=awards_demo.add_demo_data, print_kinds=awards_documents.PRINT_KINDS,
        # the honours rolls are public: full rows (with their campaigns); nominations and objections stay
        export={"award_campaign": "full", "award_honour": "full"},
        page="awards", todo=workbench_items.awards,
    ),
    Area(
        key="attachments", title=N_("Photos and scans"),
        models=(Attachment,),
        # no permission of its own: the owning record's view/edit permissions decide (app.attachments)
        # the files stay in the village (policy ``never``); backups carry the attachments/ folder
        export={"attachment": "never"},
        # no page of its own: one strip (ui/attachments.py) on the notice, meeting, concern and case views
        page="notices",
    ),
)


def area(key: str) -> Area:
    for entry in AREAS:
        if entry.key == key:
            return entry
    raise KeyError(key)


def print_kinds() -> tuple[PrintKind, ...]:
    return tuple(kind for entry in AREAS for kind in entry.print_kinds) + CORE_PRINT_KINDS
