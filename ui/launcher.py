"""The ``villagedesk`` entry point: no sub-command opens the GUI, anything else is the command line.

``--version`` prints the version and build date; ``--self-test`` checks an installed program
(ui/self_test.py).

It lives in ``ui/`` because the core (``app/``) never imports Qt or the GUI. The GUI path imports
neither SQLModel nor the database layer before the window shows (sqlmodel alone costs ~0.7 s).
"""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    from app.cli import gui_requested
    from app.i18n import LANGUAGES, set_language

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--version"]:
        from app.version import version_line

        print(version_line())
        return 0
    if argv[:1] == ["--self-test"]:  # the installers' smoke test: a demo store, sign in, every page
        from ui.self_test import run

        return run()
    wants_gui, db_target, lang = gui_requested(argv)
    if not wants_gui:
        from app.cli import main as cli_main

        return cli_main(argv)
    env_lang = os.environ.get("VILLAGEDESK_LANG")
    if lang or env_lang in LANGUAGES:
        set_language(lang or env_lang)
    from ui.app import main as gui_main

    return gui_main(argv=sys.argv[:1], db_target=db_target)


def gui() -> int:
    """``villagedesk-gui`` (a gui-script: no console window on Windows)."""
    return main([a for a in sys.argv[1:] if a.startswith("--")])


if __name__ == "__main__":
    sys.exit(main())
