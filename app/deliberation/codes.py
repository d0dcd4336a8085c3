"""四议两公开: the six steps, the meetings they are taken at, the states of a matter (no database here)."""
from __future__ import annotations

from app.i18n import N_, _
from app.meetings import codes as m

PROPOSAL, CONSULTATION, REVIEW, RESOLUTION, PUBLISH_RESOLUTION, PUBLISH_RESULTS = (
    "proposal", "consultation", "review", "resolution", "publish_resolution", "publish_results")
STEPS: dict[str, str] = {
    PROPOSAL: N_("Party branch proposes (党支部提议)"),
    CONSULTATION: N_("Two committees consult (两委商议)"),
    REVIEW: N_("Party members' assembly reviews (党员大会审议)"),
    RESOLUTION: N_("Villagers' (representatives) meeting resolves (村民(代表)会议决议)"),
    PUBLISH_RESOLUTION: N_("Resolution made public (决议公开)"),
    PUBLISH_RESULTS: N_("Implementation results made public (实施结果公开)"),
}
STEP_ORDER = tuple(STEPS)
STEP_SHORT: dict[str, str] = {
    PROPOSAL: N_("Proposal"), CONSULTATION: N_("Committees consult"), REVIEW: N_("Review"),
    RESOLUTION: N_("Resolution"), PUBLISH_RESOLUTION: N_("Resolution public"), PUBLISH_RESULTS: N_("Results public"),
}
# The meeting each step is held at (a notice for the two 公开 steps).
STEP_MEETING_KINDS: dict[str, tuple[str, ...]] = {
    PROPOSAL: (m.BRANCH_COMMITTEE,),
    CONSULTATION: (m.TWO_COMMITTEES,),
    REVIEW: (m.PARTY_ASSEMBLY,),
    RESOLUTION: (m.VILLAGERS_MEETING, m.REPRESENTATIVES_MEETING),
}
VOTING_STEPS = (REVIEW, RESOLUTION)
NOTICE_STEPS = (PUBLISH_RESOLUTION, PUBLISH_RESULTS)

IN_PROGRESS, STOPPED, COMPLETED = "in_progress", "stopped", "completed"
STATES: dict[str, str] = {IN_PROGRESS: N_("In progress"), STOPPED: N_("Stopped"), COMPLETED: N_("Completed")}

YIJIANTIAO_KEY = "village.yijiantiao"  # the secretary is also the committee head (一肩挑)


def step_label(step: str, *, short: bool = False) -> str:
    return _((STEP_SHORT if short else STEPS).get(step, step))


def state_label(state: str) -> str:
    return _(STATES.get(state, state))
