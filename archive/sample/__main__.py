"""``python -m archive.sample [--port N] [--slow SECONDS] [--no-validators] [--log]``: serve the sample portal in the foreground."""

from __future__ import annotations

import argparse
import threading

from .server import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m archive.sample", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default): any free port")
    parser.add_argument("--slow", type=float, default=2.0, help="seconds the slow page waits (default 2)")
    parser.add_argument("--no-validators", action="store_true", help="article pages without ETag/Last-Modified")
    parser.add_argument("--log", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)
    server = serve(args.host, args.port, slow_seconds=args.slow, log=args.log, validators=not args.no_validators)
    print(f"Sample portal at {server.url}/ (Ctrl+C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main()
