"""VillageDesk store: SQLModel tables, engine, migrations and change tracking. Never imports Qt."""
