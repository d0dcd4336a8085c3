"""VillageDesk desktop GUI (PySide6). Imports app/, never opens database sessions itself."""
from ui import _pyside_fix  # noqa: F401  (before any Qt call: see the module's docstring)
