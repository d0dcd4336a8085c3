"""Quorum and majority rules (法定人数与表决规则) for meetings and 四议两公开.

Defaults follow 村民委员会组织法 and the 四议两公开 procedure (DESIGN.md):

* 村民会议: valid when more than half of villagers aged 18+ attend, or representatives of at least
  two thirds of households; a decision needs more than half of those present.
* 村民代表会议: valid when at least two thirds of its members attend; more than half of those present.
* 党员大会: at least two thirds of members present; approval by more than half of those who should
  attend (some counties count against those present: a village setting).
* 两委会 / 支委会: more than half of members present; approval by more than half of members.
* Consultative meetings (坝坝会, 民主议事会 …): no quorum; more than half of those present.

All arithmetic is in integers ("more than half" is ``2·x > n``, "at least two thirds" is
``3·x ≥ 2·n``) so no rounding ever decides a vote. Every outcome names its rule and says why.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import Session

from app.auth import Actor, require
from app.errors import ValidationError
from app.i18n import N_, _
from db.models.accounts import Setting
from db.tracking import audit_note

SETTING_KEY = "meetings.rules"

# Threshold kinds: the share of a base that must be reached.
MORE_THAN_HALF = "more_than_half"
AT_LEAST_TWO_THIRDS = "at_least_two_thirds"
NONE = "none"

EXPECTED, PRESENT = "expected", "present"

VILLAGERS_MEETING = "villagers_meeting"
REPRESENTATIVES_MEETING = "representatives_meeting"
PARTY_ASSEMBLY = "party_assembly"
COMMITTEE = "committee"
CONSULTATIVE = "consultative"


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule: a quorum threshold over those who should attend, and an approval threshold."""

    code: str
    label: str  # N_ marked
    quorum: str  # threshold of present over expected
    approval: str  # threshold of in-favour votes over the approval base
    approval_base: str  # expected | present
    household_quorum: str | None = None  # quorum when 应到 is counted in households (村民会议)

    def quorum_for(self, expected_unit: str) -> str:
        return self.household_quorum if expected_unit == "households" and self.household_quorum else self.quorum

    @property
    def display_name(self) -> str:
        return _(self.label)

    def describe(self) -> str:
        """The rule in words, as printed next to a result."""
        quorum = {
            MORE_THAN_HALF: _("valid when more than half of those who should attend are present"),
            AT_LEAST_TWO_THIRDS: _("valid when at least two thirds of those who should attend are present"),
            NONE: _("no quorum required"),
        }[self.quorum]
        if self.household_quorum == AT_LEAST_TWO_THIRDS:
            quorum = _("{quorum}, or representatives of at least two thirds of households").format(quorum=quorum)
        if self.approval_base == EXPECTED:
            approval = _("passes with more than half of those who should attend in favour")
        else:
            approval = _("passes with more than half of those present in favour")
        return _("{rule}: {quorum}; {approval}").format(rule=self.display_name, quorum=quorum, approval=approval)


DEFAULT_RULES: dict[str, Rule] = {
    VILLAGERS_MEETING: Rule(VILLAGERS_MEETING, N_("Villagers' meeting rule (村民委员会组织法)"),
                            MORE_THAN_HALF, MORE_THAN_HALF, PRESENT, household_quorum=AT_LEAST_TWO_THIRDS),
    REPRESENTATIVES_MEETING: Rule(REPRESENTATIVES_MEETING, N_("Villagers' representatives meeting rule (村民委员会组织法)"),
                                  AT_LEAST_TWO_THIRDS, MORE_THAN_HALF, PRESENT),
    PARTY_ASSEMBLY: Rule(PARTY_ASSEMBLY, N_("Party members' assembly rule (四议两公开)"),
                         AT_LEAST_TWO_THIRDS, MORE_THAN_HALF, EXPECTED),
    COMMITTEE: Rule(COMMITTEE, N_("Committee meeting rule"), MORE_THAN_HALF, MORE_THAN_HALF, EXPECTED),
    CONSULTATIVE: Rule(CONSULTATIVE, N_("Consultative meeting rule (一事一议)"), NONE, MORE_THAN_HALF, PRESENT),
}

# Which rule settings a village may change, and to what.
APPROVAL_BASES = {EXPECTED: N_("those who should attend (应到)"), PRESENT: N_("those present (实到)")}


def required(threshold: str, base: int) -> int:
    """The smallest count that meets ``threshold`` of ``base`` (0 when nothing is required)."""
    if threshold == MORE_THAN_HALF:
        return base // 2 + 1
    if threshold == AT_LEAST_TWO_THIRDS:
        return -(-2 * base // 3)  # ceil(2·base/3)
    return 0


def meets(threshold: str, count: int, base: int) -> bool:
    if threshold == MORE_THAN_HALF:
        return 2 * count > base
    if threshold == AT_LEAST_TWO_THIRDS:
        return 3 * count >= 2 * base
    return True


def _threshold_words(threshold: str) -> str:
    return {MORE_THAN_HALF: _("more than half"), AT_LEAST_TWO_THIRDS: _("at least two thirds"), NONE: ""}[threshold]


# ---------------------------------------------------------------------------------------------
# The village's rule set (a setting with the defaults above)


def rule_set(session: Session) -> dict[str, Rule]:
    """The rules in force in this village: DESIGN.md defaults with the village's overrides."""
    setting = session.get(Setting, SETTING_KEY)
    overrides: dict[str, Any] = dict(setting.value or {}) if setting else {}
    rules = dict(DEFAULT_RULES)
    for code, change in overrides.items():
        if code in rules and isinstance(change, dict) and change.get("approval_base") in APPROVAL_BASES:
            rules[code] = dataclasses.replace(rules[code], approval_base=change["approval_base"])
    return rules


def rule_for(session: Session, code: str) -> Rule:
    return rule_set(session)[code]


def set_approval_base(*, session: Session, actor: Actor, rule_code: str, approval_base: str) -> Rule:
    """Adopt a local rule: count approval for ``rule_code`` against those present or those expected."""
    require(actor, "village.edit")
    errors: dict[str, str] = {}
    if rule_code not in DEFAULT_RULES:
        errors["rule_code"] = _("Unknown rule: {code}.").format(code=rule_code)
    if approval_base not in APPROVAL_BASES:
        errors["approval_base"] = _("Approval is counted against those expected or those present.")
    if errors:
        raise ValidationError(errors)
    setting = session.get(Setting, SETTING_KEY)
    if setting is None:
        setting = Setting(key=SETTING_KEY, value={})
    value = dict(setting.value or {})
    if approval_base == DEFAULT_RULES[rule_code].approval_base:
        value.pop(rule_code, None)
    else:
        value[rule_code] = {"approval_base": approval_base}
    setting.value = value  # a new dict, so the JSON column sees the change
    session.add(setting)
    session.flush()
    audit_note(session, table_name="setting", row_id=SETTING_KEY,
               note=f"rule {rule_code}: approval counted against {approval_base}")
    return rule_set(session)[rule_code]


# ---------------------------------------------------------------------------------------------
# Judging a vote


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a vote came to under one rule, with the reason in words."""

    rule: Rule
    expected: int
    present: int
    in_favour: int
    against: int
    abstain: int
    quorum_met: bool
    passed: bool
    quorum_needed: int
    approval_needed: int
    expected_unit: str = "persons"

    @property
    def quorum_threshold(self) -> str:
        return self.rule.quorum_for(self.expected_unit)

    @property
    def approval_base_count(self) -> int:
        return self.expected if self.rule.approval_base == EXPECTED else self.present

    @property
    def result_label(self) -> str:
        if not self.quorum_met:
            return _("invalid (no quorum)")
        return _("passed") if self.passed else _("not passed")

    def reason(self) -> str:
        """Why, in words: the rule, the quorum test and the approval test with their numbers."""
        households = self.expected_unit == "households"
        if self.quorum_threshold == NONE:
            quorum = _("{present} present; this rule needs no quorum.").format(present=self.present)
        else:
            template = (
                _("{present} of {expected} households represented; {share} means at least {needed}: {verdict}.")
                if households else
                _("{present} of {expected} present; {share} means at least {needed}: {verdict}.")
            )
            quorum = template.format(
                present=self.present, expected=self.expected, share=_threshold_words(self.quorum_threshold),
                needed=self.quorum_needed,
                verdict=_("the meeting is valid") if self.quorum_met else _("the meeting is not valid"),
            )
        if not self.quorum_met:
            return _("{rule}. {quorum} The vote does not count.").format(rule=self.rule.display_name, quorum=quorum)
        base = (_("those who should attend ({n})") if self.rule.approval_base == EXPECTED
                else _("those present ({n})")).format(n=self.approval_base_count)
        approval = _("{in_favour} in favour, {against} against, {abstain} abstaining; more than half of {base} "
                     "means at least {needed} in favour: {verdict}.").format(
            in_favour=self.in_favour, against=self.against, abstain=self.abstain, base=base,
            needed=self.approval_needed, verdict=_("passed") if self.passed else _("not passed"))
        return _("{rule}. {quorum} {approval}").format(rule=self.rule.display_name, quorum=quorum, approval=approval)


def validate_counts(*, expected: int, present: int, in_favour: int, against: int, abstain: int,
                    guests_allowed: bool = False) -> None:
    """Refuse counts that cannot be true, field by field."""
    errors: dict[str, str] = {}
    for field, value in (("expected", expected), ("present", present), ("in_favour", in_favour),
                         ("against", against), ("abstain", abstain)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[field] = _("Enter a whole number, zero or more.")
    if errors:
        raise ValidationError(errors)
    if not guests_allowed and present > expected:
        errors["present"] = _("{present} present is more than the {expected} who should attend.").format(
            present=present, expected=expected)
    if in_favour + against + abstain > present:
        errors["in_favour"] = _("{votes} votes cast is more than the {present} present.").format(
            votes=in_favour + against + abstain, present=present)
    if errors:
        raise ValidationError(errors)


def evaluate(rule: Rule, *, expected: int, present: int, in_favour: int, against: int = 0, abstain: int = 0,
             expected_unit: str = "persons", guests_allowed: bool = False) -> Outcome:
    """Judge a vote: is the meeting quorate, and did the motion pass? Refuses impossible counts."""
    validate_counts(expected=expected, present=present, in_favour=in_favour, against=against, abstain=abstain,
                    guests_allowed=guests_allowed)
    quorum = rule.quorum_for(expected_unit)
    quorum_met = meets(quorum, present, expected)
    if quorum != NONE and expected == 0:
        quorum_met = False  # nobody should attend: nothing can be decided
    if quorum == NONE and present == 0:
        quorum_met = False
    base = expected if rule.approval_base == EXPECTED else present
    passed = quorum_met and meets(rule.approval, in_favour, base)
    return Outcome(rule=rule, expected=expected, present=present, in_favour=in_favour, against=against,
                   abstain=abstain, quorum_met=quorum_met, passed=passed,
                   quorum_needed=required(quorum, expected), approval_needed=required(rule.approval, base),
                   expected_unit=expected_unit)
