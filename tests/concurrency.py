"""Running the same work in parallel threads, all released at once (the race tests)."""

import threading

from django.db import connections


def in_parallel(work, inputs, *, timeout: float = 120) -> list:
    """Call ``work(item)`` for every item, each in its own thread, released together.

    Prepare the items beforehand (clients, requests): only ``work`` runs in the race.
    Returns the results in the order they came; the first exception a thread raised is
    raised here. Each thread closes the database connection Django opened for it.
    """
    inputs = list(inputs)
    barrier = threading.Barrier(len(inputs))
    results, errors, lock = [], [], threading.Lock()

    def run(item):
        try:
            barrier.wait(timeout=30)
            result = work(item)
            with lock:
                results.append(result)
        except Exception as exc:  # raised below, in the test's thread
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in inputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), f"still running after {timeout} s"
    if errors:
        raise errors[0]
    return results
