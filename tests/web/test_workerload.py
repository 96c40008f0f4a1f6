"""web.workerload: when a worker's client should reconnect elsewhere, seen by every worker."""

from __future__ import annotations

import os

from web.workerload import WorkerLoads


def test_a_worker_two_analyses_ahead_of_the_least_busy_one_sends_its_client_away():
    loads = WorkerLoads(4)
    a, b = loads.claim(), loads.claim()
    loads.set_running(a, 2)  # two keep-alive clients on one worker ...
    loads.set_running(b, 0)  # ... and none on the other
    assert loads.should_move(a) and not loads.should_move(b)
    loads.set_running(b, 1)
    assert not loads.should_move(a)  # 2 against 1: nothing to gain
    loads.set_running(a, 4)
    loads.set_running(b, 4)
    assert not loads.should_move(a)  # 8 clients, every worker busy: keep the connection
    loads.set_running(a, 5)
    loads.set_running(b, 3)
    assert loads.should_move(a)


def test_a_lone_worker_and_a_worker_without_a_slot_never_move():
    loads = WorkerLoads(2)
    alone = loads.claim()
    loads.set_running(alone, 3)
    assert not loads.should_move(alone)
    loads.claim()
    assert loads.claim() is None  # all slots taken
    assert not loads.should_move(None)


def test_a_released_slot_is_not_compared_and_is_given_again():
    loads = WorkerLoads(2)
    a, b = loads.claim(), loads.claim()
    loads.set_running(a, 2)
    assert loads.should_move(a)
    loads.release(b)  # that worker exited
    assert not loads.should_move(a)
    assert loads.claim() == b


def test_the_counts_are_shared_with_forked_workers():
    loads = WorkerLoads(2)
    parent_view, child_slot = loads.claim(), loads.claim()
    pid = os.fork()
    if pid == 0:  # the worker writes its own slot
        loads.set_running(child_slot, 2)
        os._exit(0)
    _pid, status = os.waitpid(pid, 0)
    assert status == 0
    assert loads.should_move(child_slot)  # the master and the other workers see it
    assert not loads.should_move(parent_view)
