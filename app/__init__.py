"""VillageDesk core: services, rules, printing, sync and the command line. Never imports Qt."""

__version__ = "0.1.0"

# Migration 0006 fills the stored search keys of concerns and meetings with app.search's function,
# which db/ cannot import: registering it whenever the core is loaded means that no store is ever
# upgraded without it (as app.i18n connects db/'s messages to the catalogs). It is registered as a
# door that imports app.search when a key is first made (app.search, once imported, registers its
# own): a command or window that makes no key does not load the pinyin tables' code (issue 16).
def _stored_key(table, row):  # noqa: ANN001, ANN202 - db.search_keys.Keyer
    from app.search import stored_key

    return stored_key(table, row)


from db.search_keys import set_keyer as _set_keyer  # noqa: E402

_set_keyer(_stored_key)


# Every schema upgrade is preceded by a verified backup (manifest, attachments, rotation), made by
# app.backup, which db/ cannot import: registered here like the search keys above.
def _backup_before_upgrade(path, backup_dir):  # noqa: ANN001 - db.upgrade_backup.Maker
    from app.backup import backup_before_upgrade

    return backup_before_upgrade(path, backup_dir)


from db.upgrade_backup import set_maker as _set_upgrade_backup  # noqa: E402

_set_upgrade_backup(_backup_before_upgrade)
