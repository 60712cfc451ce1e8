"""Parsing Odoo 18 test logs (formats from odoo/tests/result.py,
odoo/modules/loading.py and odoo/service/server.py)."""

import odoo_log

T = "2025-01-01 10:00:00,123 4242"


def rec(level, logger, message, db="sales_closing_test"):
    return f"{T} {level} {db} {logger}: {message}"


OK_RUN = [
    rec("INFO", "?", "Odoo version 18.0", db="?"),
    rec("INFO", "odoo.modules.loading", "loading 60 modules..."),
    rec("INFO", "odoo.addons.sales_closing.tests.test_x", "Starting TestX.test_a ..."),
    rec("INFO", "odoo.addons.sales_closing.tests.test_x", "Starting TestX.test_b ..."),
    rec(
        "INFO",
        "odoo.addons.sales_closing.tests.test_x",
        "skipped TestX.test_b : Chrome not found",
    ),
    rec("WARNING", "odoo.addons.base.models.ir_actions_report", "no wkhtmltopdf"),
    rec("INFO", "odoo.service.server", "Starting post tests"),
    rec("INFO", "odoo.service.server", "3 post-tests in 2.10s, 120 queries"),
    rec("INFO", "odoo.tests.stats", "sales_closing: 5 tests 3.20s 400 queries"),
    rec(
        "INFO",
        "odoo.tests.result",
        "0 failed, 0 error(s) of 5 tests when loading database 'sales_closing_test'",
    ),
    rec("INFO", "odoo.service.server", "Initiating shutdown"),
]


def test_successful_run():
    report = odoo_log.parse_odoo_log(OK_RUN)
    assert report.summary_seen
    assert (report.tests_run, report.failures, report.errors) == (5, 0, 0)
    assert report.skipped == 1
    assert report.post_tests == 3
    assert report.passed == 4
    assert report.failed == 0
    assert report.problems() == []


def test_failed_tests_are_counted_once():
    lines = [
        rec("INFO", "odoo.addons.sales_closing.tests.test_x", "=" * 70),
        rec("ERROR", "odoo.addons.sales_closing.tests.test_x", "FAIL: TestX.test_a"),
        "Traceback (most recent call last):",
        '  File "test_x.py", line 3, in test_a',
        "AssertionError: 1 != 2",
        rec("ERROR", "odoo.addons.sales_closing.tests.test_y", "ERROR: TestY.test_b"),
        rec(
            "ERROR",
            "odoo.modules.loading",
            "Module sales_closing: 1 failures, 1 errors of 4 tests",
        ),
        rec(
            "ERROR",
            "odoo.tests.result",
            "1 failed, 1 error(s) of 7 tests when loading database 'x'",
        ),
    ]
    report = odoo_log.parse_odoo_log(lines)
    assert (report.tests_run, report.failures, report.errors) == (7, 1, 1)
    assert report.passed == 5
    assert report.failed == 2
    assert report.error_records == []
    assert len(report.test_problems) == 2


def test_install_error_without_summary():
    lines = [
        rec("INFO", "odoo.modules.loading", "loading 60 modules..."),
        rec(
            "ERROR",
            "odoo.modules.registry",
            "Failed to load registry",
        ),
        "Traceback (most recent call last):",
        "odoo.tools.convert.ParseError: while parsing views/x.xml:3",
        rec(
            "CRITICAL",
            "odoo.service.server",
            "Failed to initialize database `sales_closing_test`.",
        ),
    ]
    report = odoo_log.parse_odoo_log(lines)
    assert not report.summary_seen
    assert len(report.error_records) == 2
    assert report.failed == 2  # one for the log errors, one for no summary
    assert report.passed == 0
    assert any("no test summary" in p for p in report.problems())


def test_error_logged_outside_tests_fails_a_green_run():
    lines = [
        *OK_RUN[:-2],
        rec("ERROR", "odoo.addons.sales_closing.models.x", "cron crashed"),
        *OK_RUN[-2:],
    ]
    report = odoo_log.parse_odoo_log(lines)
    assert report.failures == report.errors == 0
    assert report.failed == 1
    assert report.error_records == [
        "ERROR odoo.addons.sales_closing.models.x: cron crashed"
    ]


def test_zero_tests_warning_summary():
    lines = [
        rec(
            "WARNING",
            "odoo.tests.result",
            "0 failed, 0 error(s) of 0 tests when loading database 'x'",
        )
    ]
    report = odoo_log.parse_odoo_log(lines)
    assert report.summary_seen and report.tests_run == 0 and report.failed == 0


def test_log_echo_shows_tests_warnings_and_tracebacks():
    echo = odoo_log.LogEcho(["sales_closing"])
    lines = [OK_RUN[0], "  continuation", OK_RUN[2], OK_RUN[1]]
    shown = [line for line in lines if echo(line)]
    assert shown == [OK_RUN[2], OK_RUN[1]]  # "continuation" follows a hidden line
    assert echo(rec("ERROR", "odoo.sql_db", "bad query"))
    assert echo("Traceback (most recent call last):")
    assert not echo(rec("INFO", "odoo.modules.registry", "init db"))
    assert odoo_log.LogEcho([], verbose=True)("anything")
