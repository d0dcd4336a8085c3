"""Every role signs in to a window with no error box: the pages a role is offered are built and read
in the pauses after sign-in (ui/warmup.py), each within what that role may see."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import auth
from test_ui_village import add_many_residents
from ui.ops import worker

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("role", [auth.SHOP, auth.MEDIATOR, auth.GRID_WORKER, auth.CLERK])
def test_a_role_with_few_rights_signs_in_without_an_error_box(village, sign_in, qtbot, role):
    database, admin = village
    add_many_residents(database, admin, 20)
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="clerk2", password="long-enough", role=role,
                         display_name="某某")
    window = sign_in(database, "clerk2", "long-enough")
    qtbot.waitUntil(lambda: window.warmup is not None and window.warmup.done
                    and not window.workspace.warming_reads and worker().pending() == 0, timeout=30000)
    qtbot.wait(50)
    boxes = [w.text() for w in QApplication.topLevelWidgets() if w.objectName() in ("errorBox", "bugBox")
             and w.isVisible()]
    assert boxes == []
    offered = window.workspace.offered
    if role == auth.SHOP:  # the counter of the 积美超市: its page, not the people register
        assert "points" in offered and not {"residents", "households", "meetings", "mediation"} & set(offered)
    else:
        assert {"residents", "meetings", "points", "mediation"} <= set(offered)
    nav = window.workspace.nav
    assert [nav.item(row).data(Qt.ItemDataRole.UserRole) for row in range(nav.count())
            if not nav.item(row).isHidden()] == offered
    for key in window.workspace.offered:  # every page it is offered opens without one either
        window.open_area(key)
        qtbot.waitUntil(lambda: worker().pending() == 0, timeout=10000)
    boxes = [w.text() for w in QApplication.topLevelWidgets() if w.objectName() in ("errorBox", "bugBox")
             and w.isVisible()]
    assert boxes == []
