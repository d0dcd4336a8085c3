"""The mediation page's first open (issue 16): what it may know before the mediator opens it (the
counts, the years with cases, who may do what) is read after sign-in (its warm read) or while it
is hidden (its preload), with the statements of the list compiled; no case is read before the
page is opened: not an id, a number or a title."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event

from app import mediation
from test_warm_reads_gui import settled
from ui.ops import worker

pytestmark = pytest.mark.gui


def add_cases(database, admin, n: int = 3) -> list[str]:
    ids = []
    with database.unit(admin) as session:
        for i in range(n):
            case = mediation.register_case(session=session, actor=admin, form=mediation.CaseForm(
                title=f"宅基地纠纷{i}", category="housing",
                parties=(mediation.PartyForm(role="applicant", name=f"张{i}"),
                         mediation.PartyForm(role="respondent", name=f"李{i}"))))
            ids.append(case.id)
    return ids


def case_texts(database, admin) -> set[str]:
    with database.session() as session:
        ids = mediation.case_ids(session=session, actor=admin)
        rows = mediation.case_rows(session=session, actor=admin, ids=ids)
    return {text for row in rows.values() for text in (row.id, row.number, row.title)}


def statements_run(database, during) -> list[tuple[str, object]]:
    """The SQL statements (and their parameters) run on ``database``'s engine while ``during()`` runs."""
    engine = database.engine
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        during()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_the_warm_read_and_the_preload_read_no_case(village):
    from ui.pages.mediation import MediationPage, Overview, read_overview

    database, admin = village
    add_cases(database, admin)
    secret = case_texts(database, admin)
    found: list[object] = []

    def warm() -> None:
        with database.session() as session:
            found.append(MediationPage.warm_reads(session, admin))
            found.append(read_overview(session, admin))  # what the preload reads

    run = statements_run(database, warm)
    assert all(isinstance(overview, Overview) for overview in found)
    assert found[0].counts.total == 3 and found[0].years and found[0].actions["view"] is None
    assert not any(text in repr(found) for text in secret)
    # every statement run again as it ran: none returns a case's id, number or title
    raw = sqlite3.connect(database.path)
    for statement, parameters in run:
        if statement.lstrip().upper().startswith("SELECT"):
            for row in raw.execute(statement, parameters or ()):
                assert not set(map(str, row)) & secret, statement
    raw.close()
    assert any("mediation_case.id" in statement for statement, _p in run)  # the list's statement compiled


def test_the_case_list_can_be_limited_and_limit_0_reads_none(village):
    database, admin = village
    add_cases(database, admin)
    with database.session() as session:
        every = mediation.case_ids(session=session, actor=admin)
        assert len(every) == 3
        assert mediation.case_ids(session=session, actor=admin, limit=0) == []
        assert mediation.case_ids(session=session, actor=admin, limit=2) == every[:2]
        assert mediation.case_ids(session=session, actor=admin, search="宅基地", limit=1) == every[:1]


def test_a_mediation_page_clicked_before_the_warm_up_built_it_compiles_nothing_and_reads_the_list_only(
        village, sign_in, qtbot, monkeypatch, compiles, worker_submits):
    from ui.main_window import Workspace

    database, admin = village
    add_cases(database, admin)
    monkeypatch.setattr(Workspace, "prebuild", lambda _self, _key: None)  # a clerk quicker than the warm-up
    window = sign_in(database)
    settled(qtbot, window)
    assert "mediation" not in window.workspace.pages
    compiles.clear()
    submitted = worker_submits()
    page = window.open_area("mediation")
    assert "3" in page.summary.text()  # the counts, kept from the warm read, shown as the page is built
    assert page.year_filter.count() == 2  # all years, this year
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    assert page.model.rowCount() == 3
    assert compiles == []
    assert submitted == ["RegisterPage.reload.<locals>.op"]  # the list only: the counts are not read again


def test_the_hidden_page_shows_the_counts_and_its_first_open_reads_the_list_only(village, sign_in, qtbot,
                                                                                 worker_submits):
    database, admin = village
    add_cases(database, admin)
    window = sign_in(database)
    settled(qtbot, window)
    page = window.workspace.pages["mediation"]  # built and preloaded by the warm-up, hidden
    assert not page.isVisible() and "3" in page.summary.text() and page.year_filter.count() == 2
    assert page.model.rowCount() == 0  # no case read before the mediator opens the page
    submitted = worker_submits()
    window.open_area("mediation")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    assert page.model.rowCount() == 3
    assert submitted == ["RegisterPage.reload.<locals>.op"]


def test_counts_read_before_a_save_are_read_again_when_the_page_opens(village, sign_in, qtbot, worker_submits):
    database, admin = village
    add_cases(database, admin)
    window = sign_in(database)
    settled(qtbot, window)
    page = window.workspace.pages["mediation"]
    assert "3" in page.summary.text()
    done = []
    form = mediation.CaseForm(title="相邻纠纷", category="neighbours",
                              parties=(mediation.PartyForm(role="applicant", name="王五"),
                                       mediation.PartyForm(role="respondent", name="赵六")))
    worker().submit(lambda session: mediation.register_case(session=session, actor=admin, form=form),
                    on_success=done.append, on_failure=done.append)  # saved in this window, behind the page's back
    qtbot.waitUntil(lambda: bool(done) and worker().pending() == 0, timeout=10000)
    assert not isinstance(done[0], Exception), done
    submitted = worker_submits()
    window.open_area("mediation")
    qtbot.waitUntil(lambda: page._loaded_once and worker().pending() == 0, timeout=10000)
    assert "MediationPage.reload.<locals>.counts" in submitted
    assert "4" in page.summary.text() and page.model.rowCount() == 4


def test_a_search_gives_the_cases_ids(village):
    """case_ids with a search gave the first character of each id (filter_rows gives the ids): the
    page's search showed empty rows."""
    database, admin = village
    ids = add_cases(database, admin, 2)
    with database.session() as session:
        found = mediation.case_ids(session=session, actor=admin, search="宅基地纠纷1")
        assert found == [ids[1]]
        assert mediation.case_rows(session=session, actor=admin, ids=found)[ids[1]].title == "宅基地纠纷1"
