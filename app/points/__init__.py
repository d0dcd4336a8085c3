"""积分制 and the 积美超市: versioned rules, the append-only ledger per household, approvals,
goods and redemptions, the passbook (积分存折), rankings and the 红黑榜 (both opt-in).

The public API is what is imported here; ``service`` holds the rules, ``queries`` the reads other
modules of ``app`` need without an actor (the GUI may not import it), ``documents`` the print
kinds, ``demo`` the generated rules, ledgers, goods and redemptions.
"""
from app.points.service import (  # noqa: F401
    CATEGORIES, KINDS, SOURCES, EARN, DEDUCT, REDEEM, REVERSAL, PENDING, APPROVED, REJECTED, MAX_POINTS,
    MAX_QUANTITY, RuleView, RuleVersionView, GoodsView, DecisionView, EntryView, ProposalView, Recorded,
    PassbookLine, Passbook, HouseholdChoice, BoardSettings, RankRow, Board, category_label, kind_label,
    household_label, rules, add_rule, change_rule, rule_history, record_entry, reverse_entry, entries, balance,
    passbook, proposals, propose_from_volunteering, propose_from_meeting, approve_proposal, reject_proposal,
    goods, add_goods, restock, change_goods, redeem, household_choices, board_settings, set_board_settings,
    ranking, board, record_board_decision, allowed_actions, stats,
)
