"""``chalice local`` without Nagle's algorithm.

Chalice's local server answers HTTP/1.1 with keep-alive and writes headers
and body in separate sends; with Nagle on, the body waits for the client's
delayed ACK, adding ~40 ms to every request from a keep-alive client.  API
Gateway has no such stall, so the local stack should not either.

    python -m devstack.chalice_local local --host 127.0.0.1 --port 8000 --stage dev
"""
import sys


def main() -> int:
    from chalice.cli import cli
    from chalice.local import ChaliceRequestHandler

    ChaliceRequestHandler.disable_nagle_algorithm = True
    args = sys.argv[1:]
    # chalice's auto-reloader restarts the server with sys.argv: keep this wrapper in it
    sys.argv = [sys.executable, "-m", "devstack.chalice_local", *args]
    return cli.main(args=args, obj={}, prog_name="chalice", standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main())
