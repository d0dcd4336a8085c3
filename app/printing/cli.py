"""``villagedesk print``: render a document of any registered kind to a PDF file.

    villagedesk print --list                                 # KIND<TAB>public|private<TAB>description
    villagedesk print notice --id latest --out notice.pdf
    villagedesk print resident_roster --id 三组 --out roster.pdf --paper A3
    villagedesk print notice --id latest --format png --out notice.png   # for the WeChat group
    villagedesk print monthly-report --month 2026-11 --out report.pdf     # --id latest: last month
"""
from __future__ import annotations

import argparse
from typing import Any

from app.errors import ValidationError
from app.i18n import _


def register(subparsers: Any, common: argparse.ArgumentParser | None = None) -> None:
    parser = subparsers.add_parser("print", parents=[common] if common else [],
                                   help="render a document to PDF (print --list names the kinds)")
    parser.add_argument("kind", nargs="?", metavar="KIND", help="what to print (see --list)")
    parser.add_argument("--id", dest="ident", default="latest", metavar="ID|latest",
                        help="which record (default: latest)")
    parser.add_argument("--month", metavar="YYYY-MM", help="the month (monthly-report): the same as --id")
    parser.add_argument("--out", metavar="FILE", help="where to write the PDF (or PNG)")
    parser.add_argument("--list", action="store_true", help="list the print kinds and exit")
    parser.add_argument("--style", choices=("poster", "official"), help="override the document's style")
    parser.add_argument("--paper", choices=("A4", "A3"), help="paper size for posters")
    parser.add_argument("--landscape", action="store_true", default=None, help="landscape poster")
    parser.add_argument("--format", dest="fmt", choices=("pdf", "png"), default="pdf",
                        help="png: a picture of the same pages (for the village WeChat group)")
    parser.add_argument("--pages", action="store_true",
                        help="with --format png: one picture per page instead of one long picture")
    parser.set_defaults(handler=cmd_print)


def cmd_print(args: argparse.Namespace, ctx: Any) -> int:
    from app.printing import get_kind, kinds, print_kind

    if args.list:
        for kind in kinds():
            print(f"{kind.name}\t{'public' if kind.public else 'private'}\t{kind.label}")
        return 0
    errors = {}
    if not args.kind:
        errors["KIND"] = _("Name what to print (villagedesk print --list shows the kinds).")
    if not args.out:
        errors["--out"] = _("Give the PDF file to write with --out FILE.pdf.")
    if errors:
        raise ValidationError(errors)
    options = {k: v for k, v in (("style", args.style), ("paper", args.paper), ("landscape", args.landscape))
               if v is not None}
    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.unit(actor) as session:
        image = ("pages" if args.pages else "long") if args.fmt == "png" else None
        if image and get_kind(args.kind).public is False:
            raise ValidationError({"--format": _("Only public documents can be saved as pictures.")})
        print_kind(args.kind, session=session, actor=actor, ident=args.month or args.ident, out=args.out, image=image, **options)
    print(args.out)
    return 0
