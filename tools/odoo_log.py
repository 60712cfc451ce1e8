"""Reading Odoo 18's server log: test counts, problems, and what to echo live.

Owns: ``parse_odoo_log`` (tests run, failed, errored and skipped, taken from
the log formats of ``odoo/tests/result.py``, ``odoo/modules/loading.py`` and
``odoo/service/server.py``; every other ERROR/CRITICAL record), its result
``OdooLogReport``, and ``LogEcho``, which picks the log lines shown on the
terminal while all of them go to the log file.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

# "%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s"
LOG_RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<pid>\d+) (?P<level>[A-Z]+) "
    r"(?P<db>\S+) (?P<logger>[^\s:]+): (?P<message>.*)$"
)
# odoo/service/server.py: logged once per database at the end of a test run.
SUMMARY_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
POST_TESTS_RE = re.compile(r"^(?P<count>\d+) post-tests in ")
# odoo/modules/loading.py, after a module's at_install tests failed.
MODULE_FAILED_RE = re.compile(r"^Module \S+: \d+ failures, \d+ errors of \d+ tests")
# odoo/tests/result.py: logError and addSkip.
TEST_PROBLEM_RE = re.compile(r"^(FAIL|ERROR): ")
SKIPPED_RE = re.compile(r"^skipped \S")


@dataclasses.dataclass
class OdooLogReport:
    tests_run: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    post_tests: int | None = None
    summary_seen: bool = False
    test_problems: list[str] = dataclasses.field(default_factory=list)
    error_records: list[str] = dataclasses.field(default_factory=list)

    @property
    def passed(self) -> int:
        return max(self.tests_run - self.failures - self.errors - self.skipped, 0)

    @property
    def failed(self) -> int:
        """Failed tests, +1 if other ERROR/CRITICAL records, +1 if no summary."""
        return (
            self.failures
            + self.errors
            + (1 if self.error_records else 0)
            + (0 if self.summary_seen else 1)
        )

    def problems(self) -> list[str]:
        out = [f"test {line}" for line in self.test_problems]
        out += [f"log error: {line}" for line in self.error_records]
        if not self.summary_seen:
            out.append(
                "no test summary in the log: Odoo stopped before running tests "
                "(install error or crash)"
            )
        return out


def _is_test_bookkeeping(message: str) -> bool:
    """ERROR records Odoo writes *about* failed tests (already counted)."""
    return bool(
        TEST_PROBLEM_RE.match(message)
        or MODULE_FAILED_RE.match(message)
        or SUMMARY_RE.search(message)
        or message.endswith("at least one error occurred in a test")
    )


def parse_odoo_log(lines: Iterable[str]) -> OdooLogReport:
    """Count tests, failures, errors and skips in an Odoo 18 server log.

    The authoritative counts come from the last "N failed, M error(s) of T
    tests when loading database" line; every other ERROR/CRITICAL record (an
    install traceback, an error logged by code under test) is collected too.
    """
    report = OdooLogReport()
    for line in lines:
        record = LOG_RECORD_RE.match(line.rstrip("\n"))
        if not record:
            continue
        level, logger, message = record["level"], record["logger"], record["message"]
        summary = SUMMARY_RE.search(message)
        if summary and logger == "odoo.tests.result":
            report.summary_seen = True
            report.failures = int(summary["failed"])
            report.errors = int(summary["errors"])
            report.tests_run = int(summary["run"])
        elif post := POST_TESTS_RE.match(message):
            report.post_tests = int(post["count"])
        elif level == "INFO" and SKIPPED_RE.match(message):
            report.skipped += 1
        if level not in ("ERROR", "CRITICAL"):
            continue
        if TEST_PROBLEM_RE.match(message):
            report.test_problems.append(f"{logger}: {message}")
        elif not _is_test_bookkeeping(message):
            report.error_records.append(f"{level} {logger}: {message}")
    return report


class LogEcho:
    """Decides which Odoo log lines to show live (all go to the log file)."""

    SHOWN_LOGGERS = ("odoo.tests.result", "odoo.tests.stats", "odoo.service.server")

    def __init__(self, addons: Iterable[str], verbose: bool = False):
        self.prefixes = tuple(f"odoo.addons.{name}" for name in addons)
        self.verbose = verbose
        self.in_shown_record = False

    def __call__(self, line: str) -> bool:
        if self.verbose:
            return True
        record = LOG_RECORD_RE.match(line.rstrip("\n"))
        if not record:  # traceback or other continuation line
            return self.in_shown_record
        logger, message = record["logger"], record["message"]
        self.in_shown_record = (
            record["level"] in ("WARNING", "ERROR", "CRITICAL")
            or logger.startswith(self.prefixes)
            or logger in self.SHOWN_LOGGERS
            or (logger == "odoo.modules.loading" and "modules" in message)
        )
        return self.in_shown_record
