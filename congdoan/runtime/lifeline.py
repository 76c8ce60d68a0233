"""Helper processes die with the process they serve, even when that one is SIGKILLed.

A process killed with SIGKILL (``kill -9``, the OOM killer) runs no clean-up
of its own, so whatever it started must notice by itself. Two kinds of helper
here:

- **a crawl child** of the scheduler or of a crawl worker (``supervised_env``
  in the parent, ``follow_supervisor`` in the child): when its supervisor dies,
  the crawl stops as on SIGTERM (its open batch stored, its run recorded
  ``interrupted``, its site lock freed, its resume folder kept), and is killed
  outright if that takes longer than the supervisor's kill grace. Without
  this, nothing would enforce the supervisor's timeout any more.
- **a file-reading pool worker** of a crawl (``die_with``, from the pool's
  initializer): it exits at once when the crawl is gone. multiprocessing's
  forkserver and resource tracker then see their last client gone and exit on
  their own; a pool worker would otherwise wait for work for ever, and keep
  both alive with it.

Watching uses a pidfd (Linux 5.3+: the watching thread wakes the moment the
process ends, even before it is reaped); elsewhere it polls every second.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable

# "<pid> <kill grace in seconds>": set by a supervisor in its crawl child's environment.
SUPERVISOR_ENV = "CONGDOAN_SUPERVISOR"
# "worker 4242", "scheduler 4242": what started the crawl, for its run record.
RUN_BY_ENV = "CONGDOAN_RUN_BY"
BY_HAND = "by hand"
_POLL_S = 1.0


def supervised_env(kill_grace: float, role: str) -> dict[str, str]:
    """Environment entries that make a crawl child follow this process (``follow_supervisor``)
    and name it, as ``role`` (``worker``, ``scheduler``), in the child's run record."""
    return {SUPERVISOR_ENV: f"{os.getpid()} {kill_grace:g}", RUN_BY_ENV: started_by(role)}


def started_by(role: str) -> str:
    """``worker 4242``: this process, as the starter of a crawl."""
    return f"{role} {os.getpid()}"


def run_origin() -> tuple[str, str]:
    """Where this crawl runs: (host name, what started it: ``worker 4242`` or ``by hand``)."""
    return socket.gethostname(), os.environ.get(RUN_BY_ENV) or BY_HAND


def follow_supervisor() -> None:
    """In a crawl child: stop cleanly when the supervisor named in the environment dies.

    Does nothing when started by hand (no supervisor named). The variable is
    removed so that this crawl's own children do not take it for theirs.
    """
    value = os.environ.pop(SUPERVISOR_ENV, "")
    try:
        pid_text, grace_text = value.split()
        pid, grace = int(pid_text), float(grace_text)
    except ValueError:
        return
    if os.getppid() != pid:  # it died before we looked: act now
        _stop_self(pid, grace)
        return
    watch(pid, lambda: _stop_self(pid, grace))


def die_with(pid: int) -> None:
    """In a helper process: exit at once when process ``pid`` ends."""
    watch(pid, lambda: os._exit(1))


def watch(pid: int, on_death: Callable[[], None]) -> threading.Thread:
    """Call ``on_death`` (in a daemon thread) when process ``pid`` ends."""
    thread = threading.Thread(target=_wait_then, args=(pid, on_death), daemon=True,
                              name=f"lifeline-{pid}")
    thread.start()
    return thread


def _wait_then(pid: int, on_death: Callable[[], None]) -> None:
    _wait_for_exit(pid)
    on_death()


def _wait_for_exit(pid: int) -> None:
    """Return when process ``pid`` has ended (at once if it is gone already)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # no pidfd here (not Linux, or a kernel before 5.3)
        _poll_for_exit(pid)
        return
    try:
        select.select([fd], [], [])  # readable once the process has exited
    finally:
        os.close(fd)


def _poll_for_exit(pid: int) -> None:
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass  # alive, someone else's (cannot happen for our own parent)
        time.sleep(_POLL_S)


def _stop_self(supervisor: int, grace: float) -> None:
    """Stop this crawl as SIGTERM does; kill it if it is still here after ``grace`` seconds."""
    # To stderr, not the logger: a crawl child logs errors only, and this line is
    # what its log file (the supervisor's site log) must show.
    print(f"supervisor pid {supervisor} is gone: stopping this crawl (killed in {grace:g} s "
          "if it has not stopped)", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(grace)
    os._exit(1)
