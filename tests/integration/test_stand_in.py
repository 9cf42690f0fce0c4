"""The local AWS stand-in keeps DynamoDB's guarantees under concurrency
(see devstack/moto_server.py for the fix this relies on)."""
import threading
import uuid

from chalicelib import db, models


class Probe(models.Item, discriminator="test-probe"):
    pass


def test_failed_transactions_do_not_undo_concurrent_writes(private_table):
    run = uuid.uuid4().hex[:8]
    with Probe.batch_write() as batch:  # a table of some size makes moto's rollback slow
        for i in range(1000):
            batch.save(Probe(f"FILLER#{i % 50}", f"{i}"))
    Probe(f"PROBE#{run}", "TAKEN").save()
    stop = threading.Event()

    def failing_transactions():
        while not stop.is_set():
            try:
                with db.transaction() as tx:
                    tx.save(Probe(f"PROBE#{run}", "TAKEN"), condition=models.Item.pk.does_not_exist())
            except Exception:
                pass

    racers = [threading.Thread(target=failing_transactions) for _ in range(2)]
    for t in racers:
        t.start()
    try:
        for i in range(30):
            Probe(f"PROBE#{run}", f"W#{i:03d}").save()
    finally:
        stop.set()
        for t in racers:
            t.join()
    written = [p.sk for p in models.Item.query(f"PROBE#{run}", models.Item.sk.startswith("W#"))]
    assert len(written) == 30
