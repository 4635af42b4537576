"""Run moto's AWS API server on HOST PORT, handling one request at a time when SERIAL is "serial".

moto's own server is threaded and its DynamoDB backend takes no locks, so two concurrent
TransactWriteItems calls can interleave their condition checks and writes. DynamoDB on AWS
runs transactions serializably, and pypub's optimistic concurrency relies on that; serving the
DynamoDB API one request at a time gives the same guarantee. S3 stays threaded.
"""
import os
import sys
import threading

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import MotoRequestHandler


def exit_with_parent() -> None:
    """The JVM that started us holds our stdin open; end of input means it is gone (even after kill -9)."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


def main() -> None:
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    threading.Thread(target=exit_with_parent, daemon=True).start()
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=(mode != "serial"), use_reloader=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
