"""The local API under a burst of simultaneous connections: 100 clients open
a connection at the same instant, 10 rounds; none may be reset or refused
(the listen backlog of chalice's server was 5)."""
import http.client
import threading
from urllib.parse import urlsplit

CLIENTS, ROUNDS = 100, 10


def burst(host: str, port: int) -> list:
    start = threading.Barrier(CLIENTS)
    outcomes = [None] * CLIENTS

    def client(i):
        start.wait()
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request("GET", "/clusters")  # no token: a quick 401
            resp = conn.getresponse()
            resp.read()
            outcomes[i] = resp.status
        except OSError as exc:  # ConnectionResetError, ConnectionRefusedError, …
            outcomes[i] = repr(exc)
        except http.client.HTTPException as exc:  # RemoteDisconnected
            outcomes[i] = repr(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_100_parallel_connections_10_times_none_reset(stack):
    url = urlsplit(stack.api_url)
    failures = []
    for round_ in range(ROUNDS):
        failures += [(round_, o) for o in burst(url.hostname, url.port) if o != 401]
    assert not failures, f"{len(failures)} of {CLIENTS * ROUNDS} requests failed: {failures[:5]}"
