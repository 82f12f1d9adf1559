"""dask distributed's ClientExecutor: a call executing on the only worker thread shows
running() == False (PENDING), and cancel() of it returns True while the call goes on. Needs
nothing of execspec.   (exit 0: the divergence showed)
"""

import logging
import sys

from distributed import Client, Event, LocalCluster


def block(name):
    Event(name + "-began").set()
    Event(name).wait(30)
    return 0


if __name__ == "__main__":
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    ex = client.get_executor()
    f = ex.submit(block, "gate")
    assert Event("gate-began", client=client).wait(30), "the call never began on the worker"
    running = f.running()
    cancelled = f.cancel()
    print("an executing call: running()", running, "| cancel() ->", cancelled)
    Event("gate", client=client).set()
    ex.shutdown(wait=True)
    client.close()
    cluster.close()
    sys.exit(0 if not running and cancelled else 1)
