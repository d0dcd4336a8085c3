"""VillageDesk core: services, rules, printing, sync and the command line. Never imports Qt."""

__version__ = "0.1.0"

# Migration 0006 fills the stored search keys of concerns and meetings with app.search's function,
# which db/ cannot import: registering it whenever the core is loaded means that no store is ever
# upgraded without it (as app.i18n connects db/'s messages to the catalogs).
from app import search as _search  # noqa: E402,F401
