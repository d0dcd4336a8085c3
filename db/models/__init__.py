"""Every table, imported so that ``SQLModel.metadata`` is complete (Alembic, checks, sync).

Each area keeps its tables in its own module; add the module here.
"""
from db.tracking import AuditEntry, RevCounter  # noqa: F401
from db.models.accounts import Setting, User  # noqa: F401
from db.models.people import Grid, Household, Resident, VillageGroup, VillageProfile  # noqa: F401
from db.models.meetings import (  # noqa: F401
    AgendaItem, Attendance, Ballot, Concern, ConcernNote, DeliberationMatter, DeliberationStep, Meeting, Minutes, MinutesAddendum,
    Vote,
)
from db.models.notices import Notice, NoticeSequence  # noqa: F401
