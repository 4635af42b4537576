"""Run moto's AWS API server on HOST PORT, handling one request at a time when SERIAL is "serial".

moto's own server is threaded and its DynamoDB backend takes no locks, so two concurrent
TransactWriteItems calls can interleave their condition checks and writes. DynamoDB on AWS
runs transactions serializably, and pypub's optimistic concurrency relies on that; serving the
DynamoDB API one request at a time gives the same guarantee. S3 stays threaded.

moto's TransactWriteItems deep-copies every table it touches before applying, so it can roll
back on a failed condition (moto/dynamodb/models/__init__.py, moto 5.2.5): its cost grows with the
table (a publish's record step went from 0.07 s to over 2 s at 870 releases, and the server grew to
gigabytes). Requests here are serial, so a transaction can only undo its own writes: we snapshot
just the items it touches and put those back on failure (patch_transactions), the same outcome
at the cost of the transaction's own size. Checked by EmbeddedTransactionsTest; the patch refuses
to apply to a moto version it was not written against.

moto stores an object whatever its Content-MD5 says, where S3 refuses it with 400 BadDigest and
stores nothing; pypub relies on that refusal (it does not read an object back after its PUT), so
patch_content_md5 makes the embedded S3 check it as S3 does.

moto's Query on a table (moto/dynamodb/models/table.py, Table.query) builds a sorted list of every
item in the table (all_items) and then keeps those of the asked partition, so every query cost grows
with the table: at 800 projects a publish's record step took 11 times as long as in an empty table,
and a 10,000-release import slowed down as it went. patch_queries hands that code the asked
partition's items only (what DynamoDB reads); the range-key sort, filters and paging after it are
moto's own, so results are the same (EmbeddedQueriesTest).
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


PATCHED_MOTO = "5.2.5"


def patch_transactions() -> None:
    import copy
    import types

    import moto
    import moto.dynamodb.models as models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    if moto.__version__ != PATCHED_MOTO:
        raise SystemExit(f"serve_moto.py patches moto {PATCHED_MOTO}'s transactions; found moto {moto.__version__}")

    # transact_write_items' whole-table deepcopy becomes a no-op (the table itself is "restored" to itself) ...
    real_deepcopy = copy.deepcopy
    models.copy = types.SimpleNamespace(deepcopy=lambda x, *a: x if isinstance(x, Table) else real_deepcopy(x, *a))
    original = models.DynamoDBBackend.transact_write_items

    def key_of(table, op_type, op):
        attrs = op["Item"] if op_type == "Put" else op["Key"]
        hash_value = DynamoType(attrs[table.hash_key_attr])
        range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        return hash_value, range_value

    def transact_write_items(self, transact_items):
        # ... and the items the transaction touches are saved and put back instead.
        saved = []
        for entry in transact_items:
            if len(entry) != 1:
                continue  # moto refuses it before writing anything
            op_type, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            if table is None or op_type not in ("Put", "Delete", "Update", "ConditionCheck"):
                continue
            try:
                hash_value, range_value = key_of(table, op_type, op)
            except KeyError:
                continue  # moto reports the malformed key
            current = table.get_item(hash_value, range_value)
            saved.append((table, hash_value, range_value, real_deepcopy(current)))
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(saved):
                if table.range_key_attr:
                    if item is None:
                        table.items[hash_value].pop(range_value, None)
                        if not table.items[hash_value]:
                            del table.items[hash_value]
                    else:
                        table.items[hash_value][range_value] = item
                elif item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            raise

    models.DynamoDBBackend.transact_write_items = transact_write_items


def patch_content_md5() -> None:
    """moto 5.2.5 stores a body whatever its Content-MD5 says; S3 refuses it (400 BadDigest) and stores nothing.

    pypub relies on that refusal instead of reading every object back after its PUT, so the embedded S3 does what
    S3 does: checked by S3ArtifactStoreTest, which fails on a server that stores a body its Content-MD5 does not match.
    """
    import base64
    import binascii
    import hashlib

    from moto.s3.exceptions import S3ClientError
    from moto.s3.responses import S3Response

    class InvalidDigest(S3ClientError):
        code = "InvalidDigest"

        def __init__(self) -> None:
            super().__init__("InvalidDigest", "The Content-MD5 you specified was invalid.")

    class BadDigest(S3ClientError):
        code = "BadDigest"

        def __init__(self) -> None:
            super().__init__("BadDigest", "The Content-MD5 you specified did not match what we received.")

    original = S3Response._key_response_put

    def key_response_put(self, query, key_name):
        declared = self.headers.get("Content-MD5")
        if declared is not None:
            try:
                expected = base64.b64decode(declared, validate=True)
            except (binascii.Error, ValueError):
                raise InvalidDigest()
            if len(expected) != 16:
                raise InvalidDigest()
            if hashlib.md5(self.body or b"").digest() != expected:
                raise BadDigest()
        return original(self, query, key_name)

    S3Response._key_response_put = key_response_put


def patch_queries() -> None:
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    original_all_items = Table.all_items
    asked = threading.local()  # the partition the current query reads, per request thread

    def all_items(self):
        partition = getattr(asked, "partition", None)
        return original_all_items(self) if partition is None else list(partition)

    def query(self, hash_key, *args, **kwargs):
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name or hash_key is None or not self.range_key_attr:
            return original_query(self, hash_key, *args, **kwargs)
        asked.partition = self.items[hash_key].values() if hash_key in self.items else ()
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            asked.partition = None

    Table.all_items = all_items
    Table.query = query


def main() -> None:
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    patch_transactions()
    patch_content_md5()
    patch_queries()
    threading.Thread(target=exit_with_parent, daemon=True).start()
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded=(mode != "serial"), use_reloader=False, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
