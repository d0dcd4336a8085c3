"""VillageDesk core: services, rules, printing, sync and the command line. Never imports Qt."""

__version__ = "0.1.0"
