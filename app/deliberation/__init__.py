"""四议两公开: a major village matter through its six steps, each linked to its meeting or notice.

The public API is what is imported here; ``service`` holds the rules, ``documents`` the print kinds.
"""
from app.deliberation.service import (  # noqa: F401
    PROPOSAL, CONSULTATION, REVIEW, RESOLUTION, PUBLISH_RESOLUTION, PUBLISH_RESULTS, STEPS, STEP_ORDER,
    STEP_SHORT, STEP_MEETING_KINDS, VOTING_STEPS, NOTICE_STEPS, IN_PROGRESS, STOPPED, COMPLETED, STATES,
    YIJIANTIAO_KEY, step_label, state_label, yijiantiao, set_yijiantiao, get_matter, start_matter, steps_of,
    next_step, record_step, NoticeContent, notice_content, notice_form, publish_step_notice, StepView,
    MatterProgress, progress, MeetingChoice, meeting_choices, matter_ids, matter_rows, latest_matter_id,
    stats,
)
