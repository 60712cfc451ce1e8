"""The suite's side of the add-on's test-only pauses
(``sales_closing/lib/test_hooks.py``): arm a named step, wait until a worker
reaches it, then release it or kill it."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Hooks:
    folder: Path

    def arm(self, step: str, seconds: float = 60) -> None:
        """The next process reaching ``step`` pauses there for ``seconds``."""
        self.clear(step)
        tmp = self.folder / f"{step}.armed.tmp"
        tmp.write_text(str(seconds))
        tmp.rename(self.folder / f"{step}.armed")

    def wait_reached(self, step: str, timeout: float = 120) -> int | None:
        """Return the pid of the process paused at ``step``, or None."""
        path = self.folder / f"{step}.reached"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.is_file():
                return int(path.read_text())
            time.sleep(0.02)
        return None

    def release(self, step: str) -> None:
        (self.folder / f"{step}.release").write_text("go")

    def clear(self, step: str) -> None:
        for suffix in ("armed", "held", "reached", "release"):
            (self.folder / f"{step}.{suffix}").unlink(missing_ok=True)

    @staticmethod
    def kill(pid: int, timeout: float = 30) -> bool:
        """SIGKILL ``pid``; return once it is gone (True) or not (False)."""
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not Path(f"/proc/{pid}").exists():
                return True
            status = Path(f"/proc/{pid}/status")
            try:
                if "State:\tZ" in status.read_text():
                    return True  # dead, not reaped by the master yet
            except OSError:
                return True
            time.sleep(0.05)
        return False
