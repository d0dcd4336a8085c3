"""Which pages the navigation offers a role (ui.main_window.offered_areas), without a window: a page
is offered when the role holds one of the permissions its area lists (ui.pages.Area.view)."""
from __future__ import annotations

from app import auth
from app.auth import Actor
from ui.main_window import TOWNSHIP_AREAS, offered_areas
from ui.pages import AREAS


def actor(role: str) -> Actor:
    grid = "g" if role == auth.GRID_WORKER else None
    return Actor(user_id="", username=role, display_name=role, role=role, grid_id=grid)


def test_each_role_is_offered_exactly_the_pages_whose_permissions_it_holds():
    for role in auth.ROLES:
        someone = actor(role)
        offered = offered_areas("village", someone)
        for area in AREAS:
            may_see = not area.view or any(someone.can(permission) for permission in area.view)
            assert (area.key in offered) == may_see, (role, area.key)
    shop = offered_areas("village", actor(auth.SHOP))
    assert shop == ["dashboard", "points", "sync", "settings"]
    assert offered_areas("village", actor(auth.SECRETARY)) == [area.key for area in AREAS]
    clerk = offered_areas("village", actor(auth.CLERK))
    assert "mediation" in clerk  # statistics only: the page says the cases stay with mediators


def test_before_sign_in_every_page_is_offered_and_a_township_store_offers_its_own():
    assert offered_areas("village") == [area.key for area in AREAS]
    assert offered_areas("township", actor(auth.TOWNSHIP)) == [a.key for a in AREAS if a.key in TOWNSHIP_AREAS]
