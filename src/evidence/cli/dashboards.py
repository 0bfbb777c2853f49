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
                    "the address to open. Nothing is fetched from the network. Stop with Ctrl+C (or SIGTERM / "
                    "SIGHUP): Voila and every kernel it started are stopped and the port is freed. A kernel whose "
                    "page was closed is shut down after two idle minutes.",
    )
    add_project_option(p)
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--notebooks", metavar="DIR", default=None,
                   help="folder of dashboard notebooks (default: the repository's dashboards/)")
    p.add_argument("--json", action="store_true",
                   help="print the address and each dashboard's page as one JSON object once the server answers")
    p.set_defaults(func=cmd_dashboards)

    p = subparsers.add_parser(
        "export-html", help="write one self-contained HTML page per dashboard (opens offline)",
        description="Write one HTML file per dashboard with its charts' JavaScript inline and no code, "
                    "for emailing to governors and trustees. The pages open with no network, each table "
                    "downloads as CSV or Excel from the page itself, the overview keeps its picker, and "
                    "pages print one dashboard per document.",
    )
    add_project_option(p)
    p.add_argument("--out", metavar="DIR", default=None, help="output folder (default: PROJECT/results-html)")
    p.add_argument("--json", action="store_true", help="print the written pages as one JSON object")
    p.set_defaults(func=cmd_export_html)


class _StopRequested(Exception):
    """Raised in the main thread by a stop signal (SIGTERM, SIGINT, SIGHUP)."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _StopRequested(signum)


def cmd_dashboards(args: argparse.Namespace) -> int:
    import signal

    from ..dashboard import DASHBOARDS
    from ..dashboard.serve import STOP_SIGNALS, start

    previous = {}
    for name in STOP_SIGNALS:  # installed before Voila starts, so a signal during start-up stops it too
        number = getattr(signal, name, None)
        if number is not None:
            previous[number] = signal.signal(number, _raise_stop)
    server = None
    try:
        server = start(args.project, port=args.port or None, notebooks=args.notebooks, quiet=False)
        if getattr(args, "json", False):
            import json

            print(json.dumps({"url": server.url, "pages": {name: server.page(name) for name in DASHBOARDS}}),
                  flush=True)
        else:
            print(f"dashboards at {server.url}", flush=True)
            for name in DASHBOARDS:
                print(f"  {server.page(name)}", flush=True)
        server.process.wait()
    except (_StopRequested, KeyboardInterrupt):
        pass
    finally:
        for number in previous:  # a second signal while stopping must not interrupt the clean-up
            signal.signal(number, signal.SIG_IGN)
        if server is not None:
            server.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


def cmd_export_html(args: argparse.Namespace) -> int:
    from ..dashboard.export import export_html

    paths = export_html(args.project, args.out)
    if getattr(args, "json", False):
        import json

        print(json.dumps({"pages": [str(path.resolve()) for path in paths]}))
        return 0
    for path in paths:
        print(path)
    return 0
