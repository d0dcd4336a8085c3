"""Where one area's commands and print kinds live, by module path, for the command line.

:mod:`app.areas` is the registry, with real objects; importing it imports every area's service
and documents (SQLModel tables, ReportLab, the sync and Excel machinery: about a second on a
2-core PC). ``villagedesk print notice`` needs one area, so the command line looks its command
and its print kind up here and imports only those modules; ``--help``, ``print --list`` and
anything not listed here load the whole registry as before.

tests/test_cli_imports.py checks that this index says exactly what :mod:`app.areas` says: a new
area with a command or a print kind adds one line here too (the test names what is missing).
"""
from __future__ import annotations

#: sub-command → the module whose ``register(subparsers, common)`` adds it (an area's ``cli`` or
#: one of :data:`app.areas.CORE_CLI`)
COMMANDS: dict[str, str] = {
    "mediation": "app.mediation.cli",
    "print": "app.printing.cli",
    **dict.fromkeys(("export", "import", "receipt", "keys", "serve", "push"), "app.sync.cli"),
    **dict.fromkeys(("import-excel", "export-excel"), "app.excel.cli"),
}

#: print kind → the module whose ``PRINT_KINDS`` holds it (an area's ``print_kinds`` or
#: :data:`app.areas.CORE_PRINT_KINDS`)
PRINT_KINDS: dict[str, str] = {
    "resident_roster": "app.people.documents",
    **dict.fromkeys(("meeting_notice", "sign_in_sheet", "minutes"), "app.meetings.documents"),
    "concerns_progress": "app.concerns.documents",
    **dict.fromkeys(("deliberation_resolution", "deliberation_results", "deliberation_outcome"),
                    "app.deliberation.documents"),
    **dict.fromkeys(("mediation_application", "mediation_register", "mediation_rights", "mediation_investigation",
                     "mediation_session", "mediation_agreement", "mediation_confirmation", "mediation_visit",
                     "mediation_file_cover", "mediation_yearly"), "app.mediation.documents"),
    "notice": "app.notices.documents",
    "volunteer_hours": "app.volunteers.documents",
    **dict.fromkeys(("points_ranking", "points_board", "points_passbook"), "app.points.documents"),
    **dict.fromkeys(("award_publicity", "award_honours"), "app.awards.documents"),
    "monthly-report": "app.workbench.documents",
}

#: the 工作台's to-do list (:func:`app.workbench.todo`): each area's ``todo`` entry, in registry
#: order, by ``module:function``. The GUI reads the list right after the password check: importing
#: the whole registry for it (its CLI, demo, document and Excel modules, ~1.5 MB) before then
#: would be held beside argon2's 64 MiB (issue 16)
TODO: tuple[str, ...] = tuple(f"app.workbench.items:{name}" for name in (
    "meetings", "concerns", "deliberation", "mediation", "notices", "awards"))


def todo_sources() -> list:
    """The functions of :data:`TODO`, imported."""
    import importlib

    found = []
    for target in TODO:
        module, name = target.split(":")
        found.append(getattr(importlib.import_module(module), name))
    return found
