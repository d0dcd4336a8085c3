"""四议两公开: a major village matter through its six steps, each linked to its meeting or notice.

The public API is what is imported here; ``service`` holds the rules, ``queries`` the reads other
modules of ``app`` need without an actor (the GUI may not import it), ``documents`` the print kinds.
"""
from app.deliberation.codes import (  # noqa: F401
    PROPOSAL, CONSULTATION, REVIEW, RESOLUTION, PUBLISH_RESOLUTION, PUBLISH_RESULTS, STEPS, STEP_ORDER,
    STEP_SHORT, STEP_MEETING_KINDS, VOTING_STEPS, NOTICE_STEPS, IN_PROGRESS, STOPPED, COMPLETED, STATES,
    YIJIANTIAO_KEY, step_label, state_label,
)
from app.deliberation.service import (  # noqa: F401
    MatterView, StepRowView, matter, set_yijiantiao, start_matter, record_step, NoticeContent, notice_content, outcome_content,
    notice_form, publish_step_notice, StepView, MatterProgress, progress, MeetingChoice, meeting_choices,
    matter_ids, matter_rows, allowed_actions, stats,
)
