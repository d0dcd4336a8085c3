"""Meetings' codes and their labels: kinds, states, methods, choices (no database here)."""
from __future__ import annotations

from app import rules
from app.i18n import N_, Nn_, _, ngettext

# --- kinds ------------------------------------------------------------------------------------

OPEN_AIR = "open_air"  # 坝坝会
EVENING_TALK = "evening_talk"  # 夜话屋场会
CONSULTATION = "consultation"  # 民情恳谈会
DELIBERATION_COUNCIL = "deliberation_council"  # 民主议事会
PUBLIC_EVALUATION = "public_evaluation"  # 群众评议会
PARTY_ASSEMBLY = "party_assembly"  # 党员大会
VILLAGERS_MEETING = "villagers_meeting"  # 村民会议
REPRESENTATIVES_MEETING = "representatives_meeting"  # 村民代表会议
TWO_COMMITTEES = "two_committees"  # 两委会
BRANCH_COMMITTEE = "branch_committee"  # 支委会

KINDS: dict[str, str] = {
    OPEN_AIR: N_("Open-air meeting (坝坝会)"),
    EVENING_TALK: N_("Evening courtyard talk (夜话屋场会)"),
    CONSULTATION: N_("Villagers' consultation (民情恳谈会)"),
    DELIBERATION_COUNCIL: N_("Democratic deliberation council (民主议事会)"),
    PUBLIC_EVALUATION: N_("Public evaluation meeting (群众评议会)"),
    PARTY_ASSEMBLY: N_("Party members' assembly (党员大会)"),
    VILLAGERS_MEETING: N_("Villagers' meeting (村民会议)"),
    REPRESENTATIVES_MEETING: N_("Villagers' representatives meeting (村民代表会议)"),
    TWO_COMMITTEES: N_("Two committees meeting (两委会)"),
    BRANCH_COMMITTEE: N_("Party branch committee (支委会)"),
}

# Short labels for tables and printed forms.
KIND_SHORT: dict[str, str] = {
    OPEN_AIR: N_("Open-air meeting"),
    EVENING_TALK: N_("Evening talk"),
    CONSULTATION: N_("Consultation"),
    DELIBERATION_COUNCIL: N_("Deliberation council"),
    PUBLIC_EVALUATION: N_("Public evaluation"),
    PARTY_ASSEMBLY: N_("Party assembly"),
    VILLAGERS_MEETING: N_("Villagers' meeting"),
    REPRESENTATIVES_MEETING: N_("Representatives meeting"),
    TWO_COMMITTEES: N_("Two committees"),
    BRANCH_COMMITTEE: N_("Branch committee"),
}

KIND_RULE: dict[str, str] = {
    OPEN_AIR: rules.CONSULTATIVE,
    EVENING_TALK: rules.CONSULTATIVE,
    CONSULTATION: rules.CONSULTATIVE,
    DELIBERATION_COUNCIL: rules.CONSULTATIVE,
    PUBLIC_EVALUATION: rules.CONSULTATIVE,
    PARTY_ASSEMBLY: rules.PARTY_ASSEMBLY,
    VILLAGERS_MEETING: rules.VILLAGERS_MEETING,
    REPRESENTATIVES_MEETING: rules.REPRESENTATIVES_MEETING,
    TWO_COMMITTEES: rules.COMMITTEE,
    BRANCH_COMMITTEE: rules.COMMITTEE,
}

# Open meetings: anyone may come, 实到 is usually a head count and 应到 counts households.
OPEN_KINDS = frozenset({OPEN_AIR, EVENING_TALK, CONSULTATION, DELIBERATION_COUNCIL, PUBLIC_EVALUATION})
# Bodies with a fixed membership: 应到 is the membership, whatever the scope.
MEMBERSHIP_KINDS = frozenset({PARTY_ASSEMBLY, REPRESENTATIVES_MEETING, TWO_COMMITTEES, BRANCH_COMMITTEE})

PLANNED, HELD, MINUTES_APPROVED, PUBLISHED, CANCELLED = "planned", "held", "minutes_approved", "published", "cancelled"
STATES: dict[str, str] = {
    PLANNED: N_("Planned"),
    HELD: N_("Held"),
    MINUTES_APPROVED: N_("Minutes approved"),
    PUBLISHED: N_("Published"),
    CANCELLED: N_("Cancelled"),
}
STATE_ORDER = (PLANNED, HELD, MINUTES_APPROVED, PUBLISHED)

SCOPES: dict[str, str] = {"village": N_("Whole village"), "group": N_("Villagers' group"), "grid": N_("Grid")}
MODES: dict[str, str] = {"roster": N_("Sign-in per person"), "head_count": N_("Head count")}
UNITS: dict[str, str] = {"persons": N_("persons"), "households": N_("households")}
#: a number of the unit a meeting counts: 12 people / 1 household (12人 / 1户)
UNIT_COUNTS: dict[str, tuple[str, str]] = {"persons": Nn_("{n} person", "{n} people"),
                                          "households": Nn_("{n} household", "{n} households")}

METHODS: dict[str, str] = {
    "show_of_hands": N_("Show of hands (举手表决)"),
    "roll_call": N_("Open ballot (记名投票)"),
    "secret_ballot": N_("Secret ballot (无记名投票)"),
}

# A named voter's ballot in a roll-call (记名) vote.
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
CHOICES: dict[str, str] = {FOR: N_("For"), AGAINST: N_("Against"), ABSTAIN: N_("Abstain")}
ROLL_CALL = "roll_call"

# Committee membership (支部委员会, 村民委员会): a village setting, resident ids.
COMMITTEES_KEY = "meetings.committees"
COMMITTEES: dict[str, str] = {"branch_committee": N_("Party branch committee"),
                              "villagers_committee": N_("Villagers' committee")}


def kind_label(kind: str, *, short: bool = False) -> str:
    return _((KIND_SHORT if short else KINDS).get(kind, kind))


def state_label(state: str) -> str:
    return _(STATES.get(state, state))


def method_label(method: str) -> str:
    return _(METHODS.get(method, method))


def choice_label(choice: str) -> str:
    return _(CHOICES.get(choice, choice))


def count_label(n: int, unit: str) -> str:
    """``12 people`` / ``1 household`` (``12人`` / ``1户``) in the current language."""
    return ngettext(*UNIT_COUNTS.get(unit, UNIT_COUNTS["persons"]), n).format(n=n)
