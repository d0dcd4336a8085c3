"""The built program's entry point (PyInstaller runs this file): the same as ``villagedesk``."""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from ui.launcher import gui, main

    # villagedesk-gui.exe (Windows, no console) opens the window; villagedesk runs anything.
    sys.exit(gui() if "villagedesk-gui" in sys.executable.lower() else main())
