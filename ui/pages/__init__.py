"""The areas of the left navigation and the pages that show them.

Every area of DESIGN.md is listed in ``AREAS`` (in navigation order). An area whose page is built
adds ONE line to ``PAGES``: ``"<area key>": "ui.pages.<module>:<PageClass>"``. The module is
imported the first time its page is opened (start-up stays fast). Areas without an entry show a
plain "not available yet" page — never fake data.

A page subclasses :class:`ui.pages.base.Page`.
"""
from __future__ import annotations

import dataclasses

from app.i18n import N_


@dataclasses.dataclass(frozen=True)
class Area:
    key: str
    title: str  # English msgid, translated when shown
    description: str  # one line under the title
    # the permissions (app.auth.PERMISSIONS) any one of which lets a role see the page; none: every
    # role (the page itself says what a role may not do there)
    view: tuple[str, ...] = ()

    def offered_to(self, actor: object) -> bool:
        return not self.view or any(actor.can(permission) for permission in self.view)  # type: ignore[attr-defined]


AREAS: list[Area] = [
    Area("dashboard", N_("Dashboard"), N_("The village at a glance.")),
    Area("village", N_("Village information"), N_("The village profile, villagers' groups and grids (村情)."),
         ("people.view",)),
    Area("households", N_("Households"), N_("The household register (户籍)."), ("people.view",)),
    Area("residents", N_("Residents"), N_("The resident register (人口台账)."), ("people.view",)),
    Area("meetings", N_("Meetings"), N_("Meetings, sign-in, votes and minutes."), ("meetings.view",)),
    Area("concerns", N_("Concerns"), N_("Villagers' concerns and how they were resolved."), ("concerns.view",)),
    Area("deliberation", N_("Four deliberations, two disclosures"), N_("The 四议两公开 procedure for village matters."),
         ("meetings.view",)),
    Area("mediation", N_("Mediation"), N_("People's mediation cases."), ("mediation.view", "stats.view")),
    Area("volunteers", N_("Volunteers"), N_("Volunteer teams, activities and hours."), ("people.view",)),
    Area("points", N_("Points"), N_("The points system and the points supermarket."), ("points.view",)),
    Area("awards", N_("Awards"), N_("Selections and honours."), ("people.view",)),
    Area("notices", N_("Notices"), N_("Public notices: register, print, post and take down."), ("notices.view",)),
    Area("sync", N_("Sync"), N_("Reports to the township: export, import, receipts.")),
    Area("settings", N_("Settings"), N_("Language and this database.")),
]

# area key → "module:PageClass". One line per built page.
PAGES: dict[str, str] = {
    "dashboard": "ui.pages.dashboard:DashboardPage",
    "village": "ui.pages.village:VillagePage",
    "households": "ui.pages.households:HouseholdsPage",
    "residents": "ui.pages.residents:ResidentsPage",
    "settings": "ui.pages.settings:SettingsPage",
    "meetings": "ui.pages.meetings:MeetingsPage",
    "concerns": "ui.pages.concerns:ConcernsPage",
    "deliberation": "ui.pages.deliberation:DeliberationPage",
    "mediation": "ui.pages.mediation:MediationPage",
    "notices": "ui.pages.notices:NoticesPage",
    "sync": "ui.pages.sync:SyncPage",
    "volunteers": "ui.pages.volunteers:VolunteersPage",
    "points": "ui.pages.points:PointsPage",
    "awards": "ui.pages.awards:AwardsPage",
}


def area(key: str) -> Area:
    return next(a for a in AREAS if a.key == key)
