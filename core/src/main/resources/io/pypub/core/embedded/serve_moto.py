"""Run moto's AWS API server on HOST PORT, handling one request at a time when SERIAL is "serial".

moto's own server is threaded and its DynamoDB backend takes no locks, so two concurrent
TransactWriteItems calls can interleave their condition checks and writes. DynamoDB on AWS
runs transactions serializably, and pypub's optimistic concurrency relies on that; serving the
DynamoDB API one request at a time gives the same guarantee. S3 stays threaded.
"""
import os
import sys

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import MotoRequestHandler


def main() -> None:
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=(mode != "serial"), use_reloader=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
