"""``villagedesk export``, ``import``, ``receipt import``, ``keys export`` and ``keys trust`` (DESIGN.md, command line)."""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from app.errors import NotFound, ValidationError, VillageDeskError
from app.i18n import _


def cmd_export(args: argparse.Namespace, ctx: Any) -> int:
    from app import sync

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.unit(actor) as session:
        result = sync.export_bundle(session=session, actor=actor, to_dir=args.to, full=args.full)
    print(result.copied_to or result.path)
    print(_("Village key fingerprint: {fingerprint}").format(fingerprint=result.fingerprint), file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace, ctx: Any) -> int:
    from app import sync
    from app.sync.keys import PASSPHRASE_ENV

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    passphrase = ctx.password(_("Passphrase of the township key: "), env=PASSPHRASE_ENV)
    with database.session() as session:
        key = sync.unlock_township_key(session=session, actor=actor, passphrase=passphrase)
    results: list[dict[str, Any]] = []
    failed = False
    for file in args.files:
        try:
            with database.unit(actor) as session:
                summary = sync.import_bundle(session=session, actor=actor, file=file, key=key, enroll=args.enroll,
                                             dry_run=args.dry_run)
                if args.dry_run:
                    session.rollback()
        except (sync.BundleRefused, NotFound) as exc:
            failed = True
            results.append({"file": str(file), "refused": exc.message})
            continue
        failed = failed or summary.rejected > 0
        entry = {**{k: v for k, v in dataclasses.asdict(summary).items() if k != "receipt"}, "refused": ""}
        if summary.receipt and not args.no_receipts:
            # the receipt goes beside the bundle: on the village's stick, to carry back
            try:
                with database.session() as session:
                    entry["receipt"] = str(sync.write_receipt(session=session, actor=actor, bundle_id=summary.bundle_id,
                                                              to_dir=Path(file).parent))
            except VillageDeskError as exc:
                entry["receipt_error"] = exc.message
                failed = True
        results.append(entry)
    ctx.print_json(results)
    return 1 if failed else 0


def cmd_receipt_import(args: argparse.Namespace, ctx: Any) -> int:
    from app import sync

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    results = []
    for file in args.files:
        with database.unit(actor) as session:
            result = sync.import_receipt(session=session, actor=actor, file=file)
        results.append(dataclasses.asdict(result))
    ctx.print_json(results)
    return 0


def cmd_keys_export(args: argparse.Namespace, ctx: Any) -> int:
    from app import sync
    from app.sync.keys import PASSPHRASE_ENV

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    passphrase = os.environ.get(PASSPHRASE_ENV) or None
    try:
        with database.unit(actor) as session:
            fingerprint = sync.export_township_key(session=session, actor=actor, to_file=args.to, name=args.name or "",
                                                   passphrase=passphrase)
    except ValidationError:
        if passphrase is not None:
            raise
        passphrase = ctx.password(_("New passphrase for the township key: "), env=PASSPHRASE_ENV, confirm=True)
        with database.unit(actor) as session:
            fingerprint = sync.export_township_key(session=session, actor=actor, to_file=args.to, name=args.name or "",
                                                   passphrase=passphrase)
    print(args.to)
    print(_("Township key fingerprint: {fingerprint}").format(fingerprint=fingerprint))
    return 0


def cmd_keys_trust(args: argparse.Namespace, ctx: Any) -> int:
    from app import sync

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.unit(actor) as session:
        fingerprint = sync.trust_township_key(session=session, actor=actor, file=args.file)
    print(_("Trusted the township key with fingerprint {fingerprint}. Check it with the township by phone.").format(
        fingerprint=fingerprint))
    return 0


def cmd_serve(args: argparse.Namespace, ctx: Any) -> int:
    """The township's receiver: signs in and unlocks the township key once, then serves until Ctrl+C."""
    from app import sync
    from app.sync.keys import PASSPHRASE_ENV
    from app.sync.server import serve

    if bool(args.certfile) != bool(args.keyfile):
        raise VillageDeskError(_("HTTPS needs both --certfile and --keyfile."))
    database = ctx.open_database()
    with database.session() as session:
        if sync.store_kind(session=session) != "township":
            raise VillageDeskError(_("`villagedesk serve` runs on a township's database (made with `villagedesk init "
                                     "--kind township`)."))
    with database.unit() as session:
        actor = ctx.login(session)
    passphrase = ctx.password(_("Passphrase of the township key: "), env=PASSPHRASE_ENV)
    with database.session() as session:
        key = sync.unlock_township_key(session=session, actor=actor, passphrase=passphrase)
    scheme = "https" if args.certfile else "http"
    print(_("Receiving bundles at {url} (Ctrl+C stops).").format(url=f"{scheme}://{args.host}:{args.port}/"),
          file=sys.stderr)
    serve(database, key, actor=actor, host=args.host, port=args.port, certfile=args.certfile, keyfile=args.keyfile,
          max_bytes=args.max_mb * 1024 * 1024)
    return 0


def cmd_push(args: argparse.Namespace, ctx: Any) -> int:
    """Send the outbox now; a JSON result per bundle; exit 1 when any was not delivered."""
    from app.sync.push import push_outbox

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    results = push_outbox(database, actor, url=args.url, force=True,
                          verify=str(args.cafile) if args.cafile else True)
    ctx.print_json(results)
    if not results:
        print(_("Nothing to send: every bundle in the outbox is acknowledged."), file=sys.stderr)
    return 1 if any(result["state"] == "error" for result in results) else 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", parents=[common], help="write a bundle for the township, print its path")
    p.add_argument("--to", type=Path, metavar="DIR",
                   help="also copy the bundle here (a USB stick); it always stays in the outbox until acknowledged")
    p.add_argument("--full", action="store_true",
                   help="everything, not only the changes since the last bundle the township acknowledged")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", parents=[common], help="verify and apply bundles, print a JSON summary")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="verify and summarise only; write nothing")
    p.add_argument("--enroll", action="store_true",
                   help="trust the key of a village's first bundle (compare its fingerprint first: --dry-run shows it)")
    p.add_argument("--no-receipts", action="store_true",
                   help="do not write each bundle's receipt beside it (they can be written later from the GUI)")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("receipt", parents=[common], help="receipts from the township")
    receipt_sub = p.add_subparsers(dest="receipt_command", metavar="ACTION", required=True)
    q = receipt_sub.add_parser("import", parents=[common], help="mark what the township holds, from its receipts")
    q.add_argument("files", nargs="+", type=Path, metavar="FILE")
    q.set_defaults(handler=cmd_receipt_import)

    p = sub.add_parser("keys", parents=[common], help="exchange public keys with the township")
    keys_sub = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    q = keys_sub.add_parser("export", parents=[common], help="write the township's public key file")
    q.add_argument("--to", required=True, type=Path, metavar="FILE")
    q.add_argument("--name", help="the township's name, written into the file")
    q.set_defaults(handler=cmd_keys_export)
    q = keys_sub.add_parser("trust", parents=[common], help="trust the township's public key file")
    q.add_argument("file", type=Path)
    q.set_defaults(handler=cmd_keys_trust)

    p = sub.add_parser("serve", parents=[common], help="the township's receiver for bundles sent over the network")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--certfile", type=Path, metavar="FILE", help="TLS certificate (PEM) for HTTPS")
    p.add_argument("--keyfile", type=Path, metavar="FILE", help="its private key (PEM)")
    p.add_argument("--max-mb", type=int, default=256, metavar="MB", help="largest upload accepted")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("push", parents=[common], help="send the outbox to the township's receiver now")
    p.add_argument("--url", help="the receiver's address (default: the one the township's receipt gave)")
    p.add_argument("--cafile", type=Path, metavar="FILE", help="the township's own certificate, if it is self-signed")
    p.set_defaults(handler=cmd_push)


__all__ = ["register", "VillageDeskError"]
