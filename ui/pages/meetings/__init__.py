"""会议: the meetings page (list and calendar), the meeting view with its tabs, and their dialogs.

``page`` holds :class:`MeetingsPage` (``ui.pages.PAGES["meetings"]``), ``view`` the meeting view,
``dialogs`` the dialog that calls a meeting, ``models`` the small table models of the view.
"""
from ui.pages.meetings.dialogs import MeetingDialog  # noqa: F401
from ui.pages.meetings.models import BallotModel, ChoiceDelegate, RowsModel, small_table  # noqa: F401
from ui.pages.meetings.page import MEETING_COLUMNS, MeetingCalendar, MeetingsPage  # noqa: F401
from ui.pages.meetings.view import DOCUMENTS, STEPS, MeetingView  # noqa: F401
