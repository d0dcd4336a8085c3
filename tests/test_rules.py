"""Quorum and majority rules at and around every boundary (DESIGN.md "Rules worth getting exactly right")."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import rules
from app.errors import PermissionDenied, ValidationError
from app.i18n import set_language

R = rules.DEFAULT_RULES


def judge(code, expected, present, in_favour, against=0, abstain=0, unit="persons", **kw):
    return rules.evaluate(R[code], expected=expected, present=present, in_favour=in_favour, against=against,
                          abstain=abstain, expected_unit=unit, **kw)


# --- 村民代表会议: at least two thirds present; more than half of those present ---

@pytest.mark.parametrize(("present", "valid"), [(19, False), (20, True), (21, True), (30, True), (0, False)])
def test_representatives_quorum_of_30(present, valid):
    outcome = judge(rules.REPRESENTATIVES_MEETING, 30, present, 0)
    assert outcome.quorum_met is valid
    assert outcome.quorum_needed == 20


@pytest.mark.parametrize(("in_favour", "passed"), [(9, False), (10, False), (11, True), (20, True)])
def test_representatives_majority_of_20_present(in_favour, passed):
    outcome = judge(rules.REPRESENTATIVES_MEETING, 30, 20, in_favour, against=20 - in_favour)
    assert outcome.passed is passed
    assert outcome.approval_needed == 11


def test_representatives_two_thirds_not_a_multiple_of_three():
    # 31 members: two thirds is 20.67, so 21 are needed, 20 are not enough.
    assert not judge(rules.REPRESENTATIVES_MEETING, 31, 20, 0).quorum_met
    assert judge(rules.REPRESENTATIVES_MEETING, 31, 21, 0).quorum_met
    assert judge(rules.REPRESENTATIVES_MEETING, 31, 21, 0).quorum_needed == 21


def test_no_quorum_means_not_passed_even_if_unanimous():
    outcome = judge(rules.REPRESENTATIVES_MEETING, 30, 19, 19)
    assert not outcome.quorum_met and not outcome.passed


# --- 村民会议: over half of adults, or two thirds of households; over half of present ---

@pytest.mark.parametrize(("present", "valid"), [(500, False), (501, True)])
def test_villagers_meeting_quorum_over_half_of_adults(present, valid):
    assert judge(rules.VILLAGERS_MEETING, 1000, present, 0).quorum_met is valid


@pytest.mark.parametrize(("households", "valid"), [(199, False), (200, True)])
def test_villagers_meeting_quorum_two_thirds_of_households(households, valid):
    outcome = judge(rules.VILLAGERS_MEETING, 300, households, 0, unit="households")
    assert outcome.quorum_met is valid
    assert outcome.quorum_threshold == rules.AT_LEAST_TWO_THIRDS


def test_villagers_meeting_majority_of_present_not_of_adults():
    # 600 of 1000 adults present: 301 in favour pass although that is under half of all adults.
    assert judge(rules.VILLAGERS_MEETING, 1000, 600, 301).passed
    assert not judge(rules.VILLAGERS_MEETING, 1000, 600, 300).passed


# --- 党员大会 (四议两公开): two thirds present; more than half of those who should attend ---

def test_party_assembly_counts_approval_against_those_who_should_attend():
    # 45 members, 30 present (exactly two thirds): valid; 22 in favour is over half of present
    # but not of 45, so it fails; 23 passes.
    assert judge(rules.PARTY_ASSEMBLY, 45, 29, 0).quorum_met is False
    assert judge(rules.PARTY_ASSEMBLY, 45, 30, 0).quorum_met is True
    assert judge(rules.PARTY_ASSEMBLY, 45, 30, 22).passed is False
    assert judge(rules.PARTY_ASSEMBLY, 45, 30, 23).passed is True
    assert judge(rules.PARTY_ASSEMBLY, 45, 30, 23).approval_needed == 23


def test_party_assembly_local_rule_counts_against_present():
    local = R[rules.PARTY_ASSEMBLY].__class__(**{**R[rules.PARTY_ASSEMBLY].__dict__, "approval_base": rules.PRESENT})
    outcome = rules.evaluate(local, expected=45, present=30, in_favour=16)
    assert outcome.passed and outcome.approval_needed == 16
    assert not rules.evaluate(local, expected=45, present=30, in_favour=15).passed


# --- committees and consultative meetings ---

def test_committee_needs_over_half_of_members_present_and_in_favour():
    assert not judge(rules.COMMITTEE, 7, 3, 3).quorum_met
    assert judge(rules.COMMITTEE, 7, 4, 4).passed
    assert not judge(rules.COMMITTEE, 7, 7, 3).passed  # approval over half of 7 members, not of present


def test_consultative_has_no_quorum_but_a_majority_of_present():
    outcome = judge(rules.CONSULTATIVE, 40, 3, 2, guests_allowed=True)
    assert outcome.quorum_met and outcome.passed
    assert not judge(rules.CONSULTATIVE, 40, 4, 2, against=2).passed
    assert not judge(rules.CONSULTATIVE, 40, 0, 0).quorum_met  # nobody came


# --- impossible counts ---

@pytest.mark.parametrize(("kwargs", "field"), [
    (dict(expected=30, present=20, in_favour=15, against=5, abstain=1), "in_favour"),  # 21 votes, 20 present
    (dict(expected=30, present=31, in_favour=1), "present"),  # more present than members
    (dict(expected=30, present=20, in_favour=-1), "in_favour"),
    (dict(expected=30, present=20, in_favour=1, against=-2), "against"),
    (dict(expected=-1, present=0, in_favour=0), "expected"),
])
def test_impossible_counts_are_refused(kwargs, field):
    with pytest.raises(ValidationError) as err:
        rules.evaluate(R[rules.REPRESENTATIVES_MEETING], **kwargs)
    assert field in err.value.errors


def test_exactly_all_present_vote_is_allowed():
    assert judge(rules.REPRESENTATIVES_MEETING, 30, 30, 10, 10, 10).passed is False


@given(expected=st.integers(0, 400), data=st.data())
def test_thresholds_agree_with_exact_fractions(expected, data):
    present = data.draw(st.integers(0, expected))
    half = rules.meets(rules.MORE_THAN_HALF, present, expected)
    two_thirds = rules.meets(rules.AT_LEAST_TWO_THIRDS, present, expected)
    assert half == (present > expected / 2)
    assert two_thirds == (present * 3 >= expected * 2)
    assert rules.meets(rules.MORE_THAN_HALF, rules.required(rules.MORE_THAN_HALF, expected), expected)
    assert rules.meets(rules.AT_LEAST_TWO_THIRDS, rules.required(rules.AT_LEAST_TWO_THIRDS, expected), expected)
    if rules.required(rules.AT_LEAST_TWO_THIRDS, expected) > 0:
        assert not rules.meets(rules.AT_LEAST_TWO_THIRDS, rules.required(rules.AT_LEAST_TWO_THIRDS, expected) - 1,
                               expected)


# --- every result names its rule and gives the reason ---

def test_reason_names_the_rule_and_the_numbers_in_chinese():
    outcome = judge(rules.REPRESENTATIVES_MEETING, 30, 20, 10, against=8, abstain=2)
    reason = outcome.reason()
    assert "村民代表会议" in reason
    assert "20" in reason and "30" in reason and "11" in reason
    assert "未通过" in reason
    assert "三分之二" in reason


def test_reason_of_invalid_meeting_says_the_vote_does_not_count():
    reason = judge(rules.REPRESENTATIVES_MEETING, 30, 19, 19).reason()
    assert "19" in reason and "20" in reason
    assert "无效" in reason or "不成立" in reason or "不足" in reason


def test_reason_in_english():
    set_language("en")
    reason = judge(rules.PARTY_ASSEMBLY, 45, 30, 23).reason()
    assert "those who should attend (45)" in reason
    assert "passed" in reason


# --- the village setting ---

def test_village_may_adopt_the_local_rule(village):
    database, admin = village
    with database.unit(admin) as session:
        assert rules.rule_for(session, rules.PARTY_ASSEMBLY).approval_base == rules.EXPECTED
        rule = rules.set_approval_base(session=session, actor=admin, rule_code=rules.PARTY_ASSEMBLY,
                                       approval_base=rules.PRESENT)
        assert rule.approval_base == rules.PRESENT
    with database.unit(admin) as session:
        assert rules.rule_for(session, rules.PARTY_ASSEMBLY).approval_base == rules.PRESENT
        assert "实到" in rules.rule_for(session, rules.PARTY_ASSEMBLY).describe() or \
            "到会" in rules.rule_for(session, rules.PARTY_ASSEMBLY).describe()
        rules.set_approval_base(session=session, actor=admin, rule_code=rules.PARTY_ASSEMBLY,
                                approval_base=rules.EXPECTED)
    with database.unit(admin) as session:
        assert rules.rule_for(session, rules.PARTY_ASSEMBLY).approval_base == rules.EXPECTED
        with pytest.raises(ValidationError):
            rules.set_approval_base(session=session, actor=admin, rule_code="nonsense", approval_base=rules.PRESENT)


def test_only_the_office_changes_the_rule_set(village):
    from app.auth import Actor

    database, _admin = village
    grid_worker = Actor(user_id="x", username="gw", display_name="网格员", role="grid_worker")
    with database.unit(grid_worker) as session, pytest.raises(PermissionDenied):
        rules.set_approval_base(session=session, actor=grid_worker, rule_code=rules.PARTY_ASSEMBLY,
                                approval_base=rules.PRESENT)
