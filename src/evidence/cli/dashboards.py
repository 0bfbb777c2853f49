"""Dashboard commands: dashboards (serve with Voila on 127.0.0.1) and export-html (offline pages)."""

from __future__ import annotations

import argparse
import json

from . import add_project_option


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "dashboards", help="serve the dashboards for charity leads on this machine (Voila, 127.0.0.1)",
        description="Serve the dashboards (partnership overview, theme explorer, pupil voice, evidence and "
                    "outcomes) with Voila on 127.0.0.1 for the project's published results bundle, and print "
                    "the address to open. Nothing is fetched from the network. Stop with Ctrl+C.",
    )
    add_project_option(p)
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--notebooks", metavar="DIR", default=None,
                   help="folder of dashboard notebooks (default: the workbench's own dashboards)")
    p.add_argument("--json", action="store_true",
                   help="print the address and the dashboards' pages as one JSON line, then keep serving")
    p.set_defaults(func=cmd_dashboards)

    p = subparsers.add_parser(
        "export-html", help="write one self-contained HTML page per dashboard (opens offline)",
        description="Write one HTML file per dashboard with its charts' JavaScript inline and no code, "
                    "for emailing to governors and trustees. The pages open with no network.",
    )
    add_project_option(p)
    p.add_argument("--out", metavar="DIR", default=None, help="output folder (default: PROJECT/results-html)")
    p.add_argument("--json", action="store_true", help="print the written pages as a JSON list")
    p.set_defaults(func=cmd_export_html)


def cmd_dashboards(args: argparse.Namespace) -> int:
    from ..dashboard import DASHBOARDS
    from ..dashboard.serve import start

    server = start(args.project, port=args.port or None, notebooks=args.notebooks, quiet=False)
    if args.json:
        print(json.dumps({"url": server.url, "pages": {name: server.page(name) for name in DASHBOARDS}}),
              flush=True)
    else:
        print(f"dashboards at {server.url}", flush=True)
        for name in DASHBOARDS:
            print(f"  {server.page(name)}", flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def cmd_export_html(args: argparse.Namespace) -> int:
    from ..dashboard.export import export_html

    pages = export_html(args.project, args.out)
    if args.json:
        print(json.dumps([str(path) for path in pages]))
        return 0
    for path in pages:
        print(path)
    return 0
