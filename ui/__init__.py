"""VillageDesk desktop GUI (PySide6). Imports app/, never opens database sessions itself."""
