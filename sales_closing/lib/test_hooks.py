"""Test-only pauses at named steps of a stage change, for the reliability
suite (``tests_server/``) to kill a worker mid-close or to hold one
transaction open while another one runs.

Inactive unless the server process runs with the environment variable
``SALES_CLOSING_TEST_HOOKS`` set to a directory (``tools/server_stage.py``
sets it for the server it starts; a production server never has it): then
:func:`pause_at` costs one ``os.environ`` look-up and nothing else.

Protocol, by files in that directory (the suite runs on the same machine):

1. the suite writes ``<step>.armed`` (content: the longest pause in
   seconds);
2. the first process reaching ``pause_at(step)`` renames it to
   ``<step>.held`` (one process wins), writes its pid to ``<step>.reached``
   and waits;
3. the suite kills that pid, or writes ``<step>.release`` to let it go on;
   after the longest pause it goes on by itself.

Steps named in the module: ``checks_done``, ``posting``, ``reversals``,
``lock_date``, ``pack`` (the close), ``stage_written`` (any stage change)
and ``period_share_locked`` (a document dated in the period that can lock
next holds it).
"""

import logging
import os
import time

ENV_VAR = "SALES_CLOSING_TEST_HOOKS"
#: how often a paused process looks for its release
POLL_SECONDS = 0.02

_logger = logging.getLogger(__name__)


def active():
    """Tell whether this process runs with the test hooks on."""
    return bool(os.environ.get(ENV_VAR))


def pause_at(step, folder=None):
    """Pause here if the suite armed ``step``; return whether it did."""
    folder = folder or os.environ.get(ENV_VAR)
    if not folder:
        return False
    armed = os.path.join(folder, f"{step}.armed")
    held = os.path.join(folder, f"{step}.held")
    try:
        os.rename(armed, held)
    except FileNotFoundError:
        return False
    with open(held, encoding="utf-8") as handle:
        seconds = float(handle.read().strip() or 60)
    reached = os.path.join(folder, f"{step}.reached")
    with open(reached + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(str(os.getpid()))
    os.rename(reached + ".tmp", reached)
    _logger.info("test hook: pid %s paused at step %s", os.getpid(), step)
    release = os.path.join(folder, f"{step}.release")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not os.path.exists(release):
        time.sleep(POLL_SECONDS)
    for path in (release, held):
        if os.path.exists(path):
            os.unlink(path)
    _logger.info("test hook: pid %s goes on from step %s", os.getpid(), step)
    return True
