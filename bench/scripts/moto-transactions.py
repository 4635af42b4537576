"""TransactWriteItems latency of the embedded DynamoDB at a small and a large table, patched
(serve_moto.py as pypub runs it) against moto as it ships, measured in the same run.

    target/pyenv/bin/python bench/scripts/moto-transactions.py 3000

Starts both servers on loopback, reports ms per transaction and the large/small ratio of each.
"""
import os
import socket
import subprocess
import sys
import time

import boto3

SERVE = os.path.join(os.path.dirname(__file__), "..", "..", "embedded", "src", "main", "resources", "io", "pypub",
                     "embedded", "serve_moto.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(patched):
    port = free_port()
    code = open(SERVE).read()
    if not patched:
        code = code.replace("    patch_transactions()\n", "")
    proc = subprocess.Popen([sys.executable, "-c", code, "127.0.0.1", str(port), "serial"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def measure(port, n):
    c = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                     aws_access_key_id="x", aws_secret_access_key="y")
    c.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "S"}])

    def item(i):
        return {"pk": {"S": f"p{i}"}, "sk": {"S": "v"}, "files": {"S": "x" * 500}}

    def tx_ms(first):
        t0 = time.perf_counter()
        for i in range(first, first + 20):
            c.transact_write_items(TransactItems=[{"Put": {"TableName": "t", "Item": item(i)}}])
        return (time.perf_counter() - t0) / 20 * 1000

    small = tx_ms(0)
    for i in range(20, n):
        c.put_item(TableName="t", Item=item(i))
    return small, tx_ms(n)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    for patched in (True, False):
        proc, port = start(patched)
        try:
            small, big = measure(port, n)
        finally:
            proc.stdin.close()
            proc.wait(10)
        print(f"{'patched    ' if patched else 'moto as is '} {small:6.1f} ms at 20 items, {big:6.1f} ms at {n} items, "
              f"ratio {big / small:5.1f}")


if __name__ == "__main__":
    main()
