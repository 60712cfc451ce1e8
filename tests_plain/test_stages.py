"""Running Odoo (OdooRunner, with a stand-in ``odoo`` package), the demo's
script interface, the lint checks and the tally of ``dev.py test``."""

import sys
import textwrap

import bench_cmd
import demo_cmd
import harness
import lint
import odoo_run
import testrun
from odoo_tree import OdooView, is_addons_dir
from pg_cluster import PgCluster

# A stand-in for ``python -m odoo``: logs a test summary, prints what it got,
# and exits with $FAKE_EXIT (or 7 when it reads a script on stdin).
FAKE_ODOO_MAIN = textwrap.dedent(
    """\
    import os, sys
    print("2025-01-01 10:00:00,123 42 INFO db odoo.tests.result: 1 failed, "
          "0 error(s) of 4 tests when loading database 'db'")
    print("argv", *sys.argv[1:])
    print("tools", os.environ.get("SALES_CLOSING_TOOLS"))
    script = "" if sys.stdin.isatty() else sys.stdin.read()
    sys.exit(int(os.environ.get("FAKE_EXIT") or (7 if "def main" in script else 0)))
    """
)


def make_runner(tmp_path):
    view_root = tmp_path / "view"
    (view_root / "odoo" / "addons").mkdir(parents=True)
    (view_root / "odoo" / "__init__.py").write_text("")
    (view_root / "odoo" / "__main__.py").write_text(FAKE_ODOO_MAIN)
    view = OdooView(view_root, [view_root / "odoo" / "addons"], 0, [], {})
    cluster = PgCluster(tmp_path / "bin", tmp_path / "pg", 5555)
    work = tmp_path / "work"
    work.mkdir()
    odoo = (sys.executable, view)
    extra = [str(tmp_path / "extra")]
    return odoo_run.OdooRunner.create(odoo, cluster, work, tmp_path / "data", extra)


def test_odoo_runner_command(tmp_path):
    runner = make_runner(tmp_path)
    assert (runner.work / "odoo.conf").read_text() == "[options]\n"
    paths = [tmp_path / "view" / "odoo" / "addons", (tmp_path / "extra").resolve()]
    paths += [harness.REPO_ROOT] if is_addons_dir(harness.REPO_ROOT) else []
    assert runner.command(["--stop-after-init"], ["shell"])[:8] == [
        sys.executable,
        "-m",
        "odoo",
        "shell",
        f"--config={runner.work / 'odoo.conf'}",
        "--addons-path=" + ",".join(str(p) for p in paths),
        f"--db_host={tmp_path / 'pg'}",
        "--db_port=5555",
    ]
    assert runner.command(["--x"])[-2:] == [f"--data-dir={tmp_path / 'data'}", "--x"]
    env = runner.env({"EXTRA": "1"})
    assert env["PYTHONPATH"] == str(tmp_path / "view") and env["EXTRA"] == "1"


def test_odoo_runner_runs_and_parses_its_log(tmp_path, monkeypatch, capsys):
    runner = make_runner(tmp_path)
    monkeypatch.setenv("FAKE_EXIT", "3")
    assert runner.run(["--a"]) == 3
    logfile = tmp_path / "odoo.log"
    rc, report = runner.run_logged(["--b"], logfile, lambda line: False)
    assert rc == 3
    assert (report.tests_run, report.failures, report.passed) == (4, 1, 3)
    assert "--b" in logfile.read_text()
    assert "argv" not in capsys.readouterr().out  # echo said no to every line


def test_run_in_shell_feeds_the_script_and_tools_dir(tmp_path, capfd):
    runner = make_runner(tmp_path)
    assert demo_cmd.run_in_shell(runner, bench_cmd.BENCH) == 7
    out = capfd.readouterr().out
    assert "argv shell --config=" in out and "--no-http" in out
    assert f"tools {harness.REPO_ROOT / 'tools'}" in out
    assert "[demo] bench_close.py failed (exit 7)" in out


def test_lint_checks():
    labels = [label for label, _cmd in lint.lint_checks(sys.executable)]
    assert labels[:2] == ["ruff check", "ruff format --check"]
    assert ("pylint-odoo (mandatory checks)" in labels) == (
        (harness.REPO_ROOT / "sales_closing" / "__manifest__.py").is_file()
    )


def test_tally_count_line(capsys):
    tally = testrun.Tally()
    tally.add_tests(5, 1, 0)
    assert tally.count_line() == "sales_closing: 5 passed, 1 failed"
    tally.check_failed("ruff check (exit 1; see above)")
    tally.add_tests(0, 0, 2)
    assert tally.count_line() == "sales_closing: 5 passed, 2 failed, 2 skipped"
    assert tally.tests_seen == 8 and tally.problems == [
        "ruff check (exit 1; see above)"
    ]
    assert "FAILED: ruff check" in capsys.readouterr().out
