"""导出Excel… on a page: whether the role may export the table (and full numbers) is the role's alone:
decided without opening the database on the GUI thread (issue 16: 2–4 ms of a page's first open)."""
from __future__ import annotations

import types

import pytest

from app.auth import CLERK, GRID_WORKER, MEDIATOR, Actor
from ui.ops import worker
from ui.pages.register import ExportExcelButton

pytestmark = pytest.mark.gui


def actor(role: str) -> Actor:
    return Actor(user_id="", username=role, display_name=role, role=role)


def test_the_export_button_decides_by_the_role_without_reading(qtbot, monkeypatch):
    def refused(*_args, **_kwargs):
        raise AssertionError("the database was read on the GUI thread")

    monkeypatch.setattr(type(worker()), "read_now", refused)
    for role, kind, allowed, full in ((MEDIATOR, "cases", True, False), (CLERK, "cases", False, False),
                                      (CLERK, "households", True, True), (GRID_WORKER, "households", True, False)):
        page = types.SimpleNamespace(context=types.SimpleNamespace(actor=actor(role)))
        button = ExportExcelButton(page, kind)
        qtbot.addWidget(button)
        button.retranslate()
        assert button.isEnabled() is allowed, (role, kind)
        assert (button.toolTip() == "") is allowed
        choice = button._choice_now()
        assert (choice is not None) is allowed
        if allowed:
            name, may_full = choice
            assert name.endswith(".xlsx") and may_full is full
