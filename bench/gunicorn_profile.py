"""A gunicorn config file for `bench/dispatch.py --profile DIR`: cProfile every thread of every worker.

    gunicorn -c bench/gunicorn_profile.py …   (with BENCH_PROFILE_DIR=DIR in the environment)

Each thread of a worker (the main loop, gthread's request threads, the push pools) gets its own
`cProfile.Profile` timed by `time.thread_time`, so the figures are the CPU each function used, not the wall
time a loaded machine stretches. When the worker exits (gunicorn stopped with SIGTERM), the threads' stats
are merged and written to DIR/worker-<pid>.prof (pstats format). Never loaded in production: only this
bench passes `-c` with this file.
"""
from __future__ import annotations

import cProfile
import os
import sys
import threading
import time

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _new_profile() -> cProfile.Profile:
    profile = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append(profile)
    return profile


def _start_in_thread(frame, event, arg):
    """The first profile event of a new thread: replace this hook with the thread's own cProfile."""
    sys.setprofile(None)
    _new_profile().enable()


def post_worker_init(worker):
    # After the app is loaded: the profile is of serving, not of importing.
    threading.setprofile(_start_in_thread)
    _new_profile().enable()  # the worker's main thread (gthread's poll loop)


def worker_exit(server, worker):
    import pstats

    directory = os.environ.get("BENCH_PROFILE_DIR")
    if not directory:
        return
    threading.setprofile(None)
    with _lock:
        profiles = list(_profiles)
    stats = None
    for profile in profiles:
        # Snapshot without disabling: disable() from this thread would close the other threads' open frames
        # (idle in a queue's get) with this thread's CPU clock, a meaningless figure.
        profile.snapshot_stats()
        if not profile.stats:
            continue
        if stats is None:
            stats = pstats.Stats(profile)
        else:
            stats.add(profile)
    if stats is not None:
        stats.dump_stats(os.path.join(directory, f"worker-{os.getpid()}.prof"))
