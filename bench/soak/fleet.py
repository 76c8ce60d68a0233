"""The soak's long-lived processes: one ``schedule run --queue`` and N ``worker --crawls``.

Each is a real ``python -m congdoan`` process in a session of its own, logging
to a file. The fleet samples their memory every cycle (per incarnation: a
process killed and started again is a new series), kills them with SIGKILL
when the plan says so (and starts them again, as systemd would), and finds the
crawl children the workers run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import processes
from bench.children import proc_status_mb


@dataclass
class Incarnation:
    """One process of one role, from its start to its end, with its memory samples."""

    role: str  # "scheduler", "worker-a", "worker-b"...
    process: subprocess.Popen[bytes]
    log: Path
    started_cycle: int
    samples: list[tuple[int, float]] = field(default_factory=list)  # (cycle, RSS MB)
    killed: bool = False

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid


class Fleet:
    """The scheduler and the workers of the soak."""

    def __init__(self, workdir: Path, env: dict[str, str], schedule_args: list[str],
                 workers: int, threads: int) -> None:
        self.workdir = workdir
        self.env = env
        self.schedule_args = schedule_args
        self.threads = threads
        self.roles = ["scheduler", *(f"worker-{chr(97 + n)}" for n in range(workers))]
        self.live: dict[str, Incarnation] = {}
        self.history: list[Incarnation] = []
        self.kills: list[tuple[int, str, str]] = []  # (cycle, what, detail)

    # -- starting and stopping
    def start(self, cycle: int = 0) -> None:
        """Start the workers, then the scheduler (once it says it runs)."""
        for role in self.roles[1:]:
            self._start(role, cycle)
        self._start("scheduler", cycle)

    def _start(self, role: str, cycle: int) -> Incarnation:
        log = self.workdir / "logs" / f"{role}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        if role == "scheduler":
            args = self.schedule_args
            env = self.env
        else:
            # Each worker is a machine of its own: its own data directory.
            args = ["worker", "--crawls", "--threads", str(self.threads)]
            env = {**self.env, "CONGDOAN_DATA_DIR": str(self.workdir / role)}
        with log.open("ab") as out:
            out.write(f"\n== start at cycle {cycle}\n".encode())
            out.flush()
            process = subprocess.Popen([sys.executable, "-m", "congdoan", *args], env=env,
                                       stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        incarnation = Incarnation(role, process, log, cycle)
        self.live[role] = incarnation
        self.history.append(incarnation)
        ready = "scheduler running" if role == "scheduler" else "worker ready"
        deadline = time.monotonic() + 120
        while ready not in log.read_text(errors="replace").rsplit("== start", 1)[-1]:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{role} did not start: see {log}")
            time.sleep(0.2)
        return incarnation

    def stop(self, drained: Callable[[], bool], timeout: float) -> None:
        """Stop the scheduler (nothing more queued), let the workers drain, then stop them."""
        self._terminate(self.live.pop("scheduler"))
        deadline = time.monotonic() + timeout
        while not drained() and time.monotonic() < deadline:
            time.sleep(1)
        for role in list(self.live):
            self._terminate(self.live.pop(role))

    def _terminate(self, incarnation: Incarnation) -> None:
        if incarnation.process.poll() is None:
            incarnation.process.send_signal(signal.SIGTERM)
            try:
                incarnation.process.wait(timeout=180)
            except subprocess.TimeoutExpired:
                incarnation.process.kill()
                incarnation.process.wait()

    # -- each cycle
    def sample(self, cycle: int) -> None:
        """Record every live process's resident memory."""
        for incarnation in self.live.values():
            rss = proc_status_mb("VmRSS", incarnation.pid)
            if rss is not None:
                incarnation.samples.append((cycle, rss))

    def crawl_children(self) -> list[processes.Proc]:
        """The crawl children the live workers run now."""
        workers = {i.pid for role, i in self.live.items() if role != "scheduler"}
        tag = os.environ[processes.TAG_ENV]
        return [p for p in processes.tagged(tag) if p.ppid in workers
                and " congdoan crawl " in f" {p.command} "]

    def kill(self, what: str, cycle: int, rng: random.Random) -> bool:
        """SIGKILL a worker, a crawl child or the scheduler (restarting a killed worker or
        scheduler at once); False when there was nothing of that kind to kill now."""
        if what == "crawl":
            children = self.crawl_children()
            if not children:
                return False
            child = rng.choice(children)
            os.kill(child.pid, signal.SIGKILL)
            self.kills.append((cycle, "crawl child", child.command.split(" crawl ")[1].split()[0]))
            return True
        role = "scheduler" if what == "scheduler" else rng.choice(self.roles[1:])
        incarnation = self.live[role]
        incarnation.process.send_signal(signal.SIGKILL)
        incarnation.process.wait(timeout=30)
        incarnation.killed = True
        self.kills.append((cycle, role, f"pid {incarnation.pid}"))
        self._start(role, cycle)
        return True

    def processes_now(self) -> int:
        """How many processes of this soak are alive (fleet, crawls and their helpers)."""
        return len(processes.tagged(os.environ[processes.TAG_ENV]))
