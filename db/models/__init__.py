"""Every table, imported so that ``SQLModel.metadata`` is complete (Alembic, checks, sync).

Each area keeps its tables in its own module (``db/models/<area>.py``) and names them in its entry
of ``app.areas``; add the module here too (a test checks the two agree).
"""
from db.tracking import AuditEntry, AuditHead, RevCounter  # noqa: F401
from db.models.accounts import Setting, User  # noqa: F401
from db.models.people import Grid, Household, Resident, VillageGroup, VillageProfile  # noqa: F401
from db.models.meetings import AgendaItem, Attendance, Ballot, Meeting, Minutes, MinutesAddendum, Vote  # noqa: F401
from db.models.concerns import Concern, ConcernNote  # noqa: F401
from db.models.deliberation import DeliberationMatter, DeliberationStep  # noqa: F401
from db.models.notices import Notice  # noqa: F401
from db.models.mediation import MediationAccessLog, MediationCase, MediationParty, MediationRecord  # noqa: F401
from db.scope import NumberSequence  # noqa: F401
from db.models.sync import ImportedBundle, OutboxBundle, TownshipAggregate, TownshipFigures, TownshipVillage  # noqa: F401
from db.models.volunteers import (  # noqa: F401
    VolunteerActivity, VolunteerAssignment, VolunteerHours, VolunteerMember, VolunteerTeam,
)
from db.models.points import (  # noqa: F401
    PointsBoardDecision, PointsEntry, PointsGoods, PointsProposal, PointsRule, PointsRuleVersion,
)
from db.models.awards import AwardCampaign, AwardHonour, AwardNomination, AwardObjection  # noqa: F401
from db.models.attachments import Attachment  # noqa: F401
