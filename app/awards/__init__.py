"""评选表彰: campaigns (最美庭院, 五星级文明户, 十大孝星, 文明家庭 …), nominations, the 村民代表's votes,
两委复审, 公示 with objections, and the honours roll (光荣榜).

The public API is what is imported here; ``service`` holds the rules, ``documents`` the print
kinds, ``demo`` the generated selections.
"""
from app.awards.service import (  # noqa: F401
    KINDS, CHANNELS, NOMINEE_KINDS, NOMINATING, VOTED, REVIEWED, PUBLICITY, CLOSED, STATES, STEP_ORDER,
    DEFAULT_PUBLICITY_DAYS, CampaignView, NominationView, ObjectionView, HonourView, Tally, VoteResult, Review,
    kind_label, channel_label, state_label, start_campaign, campaigns, campaign, nominate, nominations,
    record_votes, review, start_publicity, record_objection, resolve_objection, objections, make_roll, honours,
    allowed_actions, stats,
)
