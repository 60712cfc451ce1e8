"""``dev.py pytest`` without Odoo: argument pass-through, the pytest-odoo
command and configuration, the fingerprint that decides when its database is
updated, and that the plain stage never collects the Odoo tests."""

import datetime
import importlib.util
import logging
import os
import subprocess
import sys
import textwrap
import types

import addon_fingerprint as fp
import dev
import harness
import pytest
import pytest_cmd
from odoo_run import OdooRunner
from odoo_tree import OdooView
from pg_cluster import PgCluster

# ------------------------------------------------------------ arguments ----


@pytest.mark.parametrize(
    "passed",
    [
        [],
        ["-k", "figures or posting"],
        ["--lf", "-x", "-h"],
        ["--", "-k", "x"],
        ["sales_closing/tests/test_figures.py::TestFigures", "-q", "--pdb"],
        ["pytest", "--odoo-log-level=info"],
    ],
)
def test_arguments_after_pytest_go_to_pytest_untouched(passed):
    args = dev.parse_args(["pytest", *passed])
    assert args.command == "pytest"
    assert args.pytest_args == passed


def test_other_commands_take_no_pytest_arguments():
    args = dev.parse_args(["test", "--odoo-only", "--test-tags", "/x"])
    assert (args.odoo_only, args.test_tags, args.pytest_args) == (True, "/x", [])


def test_pytest_command_puts_the_user_arguments_last(tmp_path):
    user = ["-k", "posting", "--odoo-log-level=info"]
    cmd = pytest_cmd.pytest_command(
        tmp_path / "python", tmp_path / "o.conf", tmp_path / "p.ini", user
    )
    assert cmd[:3] == [str(tmp_path / "python"), "-m", "pytest"]
    assert cmd[-3:] == user
    ours = cmd[3:-3]
    assert f"-c={tmp_path / 'p.ini'}" in ours
    assert f"--rootdir={harness.REPO_ROOT}" in ours
    assert f"--confcutdir={harness.REPO_ROOT / 'sales_closing'}" in ours
    assert f"--odoo-config={tmp_path / 'o.conf'}" in ours
    assert "--odoo-database=sales_closing_pytest" in ours
    assert "--odoo-http" in ours  # the tours need Odoo's HTTP server
    # ours come first, so a later --odoo-log-level of the user's wins
    assert ours.index("--odoo-log-level=warn") < cmd.index("--odoo-log-level=info")


def test_pytest_ini_runs_the_odoo_tests_but_not_the_plain_ones():
    ini = pytest_cmd.pytest_ini_text().splitlines()
    assert ini[0] == "[pytest]"
    assert "testpaths = sales_closing/tests" in ini
    assert "addopts = --ignore=sales_closing/tests/plain" in ini
    assert f"cache_dir = {harness.run_dir() / 'pytest-odoo-cache'}" in ini
    assert not any("no:cacheprovider" in line for line in ini)  # --lf works


def test_pytest_env_keeps_compiled_modules_in_the_cache_dir_only():
    odoo_env = {"PYTHONPATH": "/view", "PYTHONDONTWRITEBYTECODE": "1", "TZ": "UTC"}
    env = pytest_cmd.pytest_env(odoo_env)
    assert env["PYTHONPATH"] == os.pathsep.join(["/view", str(pytest_cmd.PLUGINS_DIR)])
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(pytest_cmd.work_dir() / "pycache")
    assert env["TZ"] == "UTC"
    assert odoo_env["PYTHONDONTWRITEBYTECODE"] == "1"  # Odoo's runs: unchanged


def test_odoo_conf_points_pytest_odoo_at_the_cluster(tmp_path):
    view = OdooView(tmp_path / "view", [tmp_path / "view" / "addons"], 0, [], {})
    cluster = PgCluster(tmp_path / "bin", tmp_path / "pg", 5444)
    runner = OdooRunner(
        sys.executable, view, cluster, tmp_path, tmp_path / "data", [tmp_path / "a"]
    )
    lines = pytest_cmd.odoo_conf_text(runner).splitlines()
    ports = {line.split(" = ")[0]: int(line.split(" = ")[1]) for line in lines[7:9]}
    assert set(ports) == {"http_port", "gevent_port"}
    assert 8069 not in ports.values() and 8072 not in ports.values()
    assert lines[:7] + lines[9:] == [
        "[options]",
        f"db_host = {tmp_path / 'pg'}",
        "db_port = 5444",
        "db_user = odoo",
        f"addons_path = {tmp_path / 'a'}",
        f"data_dir = {tmp_path / 'data'}",
        "http_interface = 127.0.0.1",
        "max_cron_threads = 0",
        "workers = 0",
    ]


# ---------------------------------------------------------- fingerprint ----

MODEL = textwrap.dedent(
    '''\
    from odoo import fields, models


    class Thing(models.Model):
        """A thing."""

        _name = "x.thing"
        _description = "Thing"

        name = fields.Char(required=True)

        def action_go(self):
            return self.name

        def init(self):
            self.env.cr.execute("CREATE INDEX IF NOT EXISTS x ON x_thing (name)")


    class Helper:
        value = 1
    '''
)


def make_addon(tmp_path):
    addon = tmp_path / "x_addon"
    for folder in ("models", "views", "tests", "lib"):
        (addon / folder).mkdir(parents=True)
    (addon / "__manifest__.py").write_text(
        '{"name": "X", "version": "18.0.1.0.0", "depends": ["base"],'
        ' "data": ["views/x_views.xml", "security/gone.csv"],'
        ' "demo": ["demo/x.xml"]}'
    )
    (addon / "__init__.py").write_text("from . import models\n")
    (addon / "models" / "thing.py").write_text(MODEL)
    (addon / "views" / "x_views.xml").write_text("<odoo/>\n")
    (addon / "tests" / "test_thing.py").write_text(MODEL)
    (addon / "lib" / "rules.py").write_text("def rule():\n    return 1\n")
    return addon


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_fingerprint_covers_manifest_data_files_and_model_declarations(tmp_path):
    addon = make_addon(tmp_path)
    prints = fp.addon_fingerprint(addon)
    assert sorted(prints) == [
        "__manifest__.py",
        "models/thing.py",
        "security/gone.csv",
        "views/x_views.xml",
    ]
    assert prints["security/gone.csv"] == "missing"


NO_UPDATE = [
    ("models/thing.py", "def action_go(self):", "def action_go(self):  # go"),
    ("models/thing.py", "return self.name", "return self.name or ''"),
    ("models/thing.py", '"""A thing."""', '"""A thing, documented."""'),
    ("models/thing.py", "value = 1", "value = 2"),  # not a model class
    ("models/thing.py", "(required=True)", "(\n        required=True\n    )"),
    ("tests/test_thing.py", "fields.Char(", "fields.Text("),
    ("lib/rules.py", "return 1", "return 2"),
]
UPDATE = [
    ("__manifest__.py", "18.0.1.0.0", "18.0.1.1.0"),
    ("views/x_views.xml", "<odoo/>", "<odoo><data/></odoo>"),
    ("models/thing.py", "fields.Char(required=True)", "fields.Text()"),
    ("models/thing.py", '_description = "Thing"', '_description = "Stuff"'),
    ("models/thing.py", "ON x_thing (name)", "ON x_thing (name, id)"),
]


@pytest.mark.parametrize(
    ("path", "old", "new", "needs_update"),
    [(*edit_, False) for edit_ in NO_UPDATE] + [(*edit_, True) for edit_ in UPDATE],
)
def test_fingerprint_changes_only_with_what_the_database_holds(
    tmp_path, path, old, new, needs_update
):
    """Method bodies, comments, docstrings, formatting, tests and plain
    modules need no update; the manifest, data files and model declarations
    (fields, ``_description``, ``init``) do."""
    addon = make_addon(tmp_path)
    before = fp.addon_fingerprint(addon)
    edit(addon / path, old, new)
    got = fp.changed_files(before, fp.addon_fingerprint(addon))
    assert got == ([path] if needs_update else [])


def test_fingerprint_sees_a_new_model_file_and_a_removed_one(tmp_path):
    addon = make_addon(tmp_path)
    before = fp.addon_fingerprint(addon)
    (addon / "models" / "other.py").write_text(
        "class Other(models.Model):\n    _inherit = 'x.thing'\n"
    )
    (addon / "models" / "thing.py").unlink()
    after = fp.addon_fingerprint(addon)
    assert fp.changed_files(before, after) == ["models/other.py", "models/thing.py"]


def test_fingerprint_of_the_real_addon_lists_its_data_files():
    prints = fp.addon_fingerprint(harness.REPO_ROOT / "sales_closing")
    assert "security/ir.model.access.csv" in prints
    assert "models/sale_closing_period.py" in prints
    assert "missing" not in prints.values()
    assert not any(name.startswith("tests/") for name in prints)


# ------------------------------------------------------- database plan ----

STATE = {
    "database": "sales_closing_pytest",
    "odoo": {"root": "/opt/odoo", "release.py": "abc"},
    "addon": {"__manifest__.py": "1", "views/a.xml": "2"},
}


def changed(**parts):
    return {**STATE, **parts}


@pytest.mark.parametrize(
    ("recorded", "exists", "fresh", "action", "why"),
    [
        (STATE, True, False, "keep", "up to date"),
        (STATE, False, False, "install", "no database sales_closing_pytest yet"),
        (STATE, True, True, "install", "$SALES_CLOSING_PYTEST_FRESH is set"),
        (None, True, False, "install", "no record of what the database was built"),
        (changed(database="x"), True, False, "install", "no record of what"),
        (changed(odoo={"root": "/o"}), True, False, "install", "Odoo changed"),
        (
            changed(addon={"__manifest__.py": "0", "views/a.xml": "2"}),
            True,
            False,
            "update",
            "sales_closing changed: __manifest__.py",
        ),
        (
            changed(addon={"__manifest__.py": "1"}),
            True,
            False,
            "update",
            "sales_closing changed: views/a.xml",
        ),
    ],
)
def test_database_plan(recorded, exists, fresh, action, why):
    got_action, got_why = pytest_cmd.database_plan(recorded, STATE, exists, fresh)
    assert got_action == action
    assert got_why.startswith(why)


def test_database_plan_names_five_changed_files_at_most():
    current = changed(addon={f"views/v{i}.xml": "new" for i in range(7)})
    action, why = pytest_cmd.database_plan(STATE, current, True, False)
    assert action == "update"
    # 7 files added, 2 gone: sorted, the first five named
    assert why == (
        "sales_closing changed: __manifest__.py, views/a.xml, views/v0.xml, "
        "views/v1.xml, views/v2.xml and 4 more"
    )


# ---------------------------------------------------------- plain stage ----


def test_plain_stage_never_collects_the_odoo_tests():
    """The plain stage (repo pytest.ini, no pytest-odoo) collects the plain
    tests only, whatever conftest.py the add-on's tests/ holds."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"--config-file={harness.REPO_ROOT / 'pytest.ini'}",
            f"--rootdir={harness.REPO_ROOT}",
            "--collect-only",
            "-q",
        ],
        cwd=harness.REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ids = [line for line in proc.stdout.splitlines() if "::" in line]
    assert any(i.startswith("sales_closing/tests/plain/") for i in ids)
    assert any(i.startswith("tests_plain/") for i in ids)
    assert all(
        i.startswith(("tests_plain/", "sales_closing/tests/plain/")) for i in ids
    )


# ---------------------------------------------------- the harness plugin ----


def load_plugin_module(name):
    """A module of the harness's pytest plugins, imported from its file (the
    plugins import each other: their folder is on PYTHONPATH under pytest)."""
    if str(pytest_cmd.PLUGINS_DIR) not in sys.path:
        sys.path.append(str(pytest_cmd.PLUGINS_DIR))
    spec = importlib.util.spec_from_file_location(
        name, pytest_cmd.PLUGINS_DIR / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_test_mode_plugin():
    return load_plugin_module(pytest_cmd.TEST_MODE_PLUGIN)


def test_an_error_record_fails_the_test_as_in_dev_py_test():
    plugin = load_test_mode_plugin()
    logger = logging.getLogger("odoo.addons.x_addon")
    with plugin.no_error_logged("test"):
        logger.warning("a warning is fine")
    with pytest.raises(pytest.fail.Exception, match=r"1 ERROR record\(s\) logged"):
        with plugin.no_error_logged("test"):
            logger.error("boom %s", 42)
    logger.propagate = False  # what odoo.tools.mute_logger does
    try:
        with plugin.no_error_logged("test"):
            logger.error("muted")
    finally:
        logger.propagate = True


def test_the_plugin_is_inert_without_pytest_odoo(pytestconfig):
    """Loaded in the plain stage's process it does nothing (no odoo here)."""
    plugin = load_test_mode_plugin()
    assert not plugin.under_pytest_odoo(pytestconfig)


def test_the_shared_base_is_asked_once_per_class(monkeypatch):
    """Before the first test of each class (not of each test) the plugin
    lets the add-on's ``shared_base`` release its base if the class does not
    run on it; nothing happens before the add-on's tests imported it."""
    plugin = load_test_mode_plugin()
    asked = []

    class SharedBase:
        @staticmethod
        def before_class(cls):
            asked.append(cls)

    class Session:
        pass

    class Item:
        def __init__(self, cls, session):
            self.cls, self.session = cls, session

    class ClassA:
        pass

    class ClassB:
        pass

    session = Session()
    monkeypatch.delitem(sys.modules, plugin.SHARED_BASE_MODULE, raising=False)
    plugin._before_class(Item(ClassA, session))
    assert asked == []
    monkeypatch.setitem(sys.modules, plugin.SHARED_BASE_MODULE, SharedBase)
    for cls in (ClassA, ClassB, ClassB, ClassA, None):
        plugin._before_class(Item(cls, session))
    assert asked == [ClassB, ClassA, None]


def test_the_plugin_turns_the_shared_base_on_under_pytest_odoo_only(
    pytestconfig, monkeypatch
):
    plugin = load_test_mode_plugin()
    monkeypatch.delenv(plugin.SHARED_BASE_FLAG, raising=False)
    plugin.pytest_configure(pytestconfig)
    assert plugin.SHARED_BASE_FLAG not in os.environ
    monkeypatch.setattr(plugin, "under_pytest_odoo", lambda config: True)
    plugin.pytest_configure(pytestconfig)
    assert os.environ[plugin.SHARED_BASE_FLAG] == "1"
    monkeypatch.setenv(plugin.SHARED_BASE_FLAG, "0")  # the user's choice wins
    plugin.pytest_configure(pytestconfig)
    assert os.environ[plugin.SHARED_BASE_FLAG] == "0"


# ------------------------------------------------- freezegun's module scan ----


def fake_freezegun_api():
    """freezegun's cache functions as ``freezegun.api`` 1.2 has them: the
    cache of a module holds (a key, its attributes that are date classes)."""
    api = types.SimpleNamespace(_GLOBAL_MODULES_CACHE={}, setups=[], checks=[])

    def setup(module):
        api.setups.append(module.__name__)
        dated = [(k, v) for k, v in vars(module).items() if v is datetime.date]
        api._GLOBAL_MODULES_CACHE[module.__name__] = ("key", dated)

    def original(module):
        api.checks.append(module.__name__)
        setup(module)
        return api._GLOBAL_MODULES_CACHE[module.__name__][1]

    api._setup_module_cache = setup
    api._get_cached_module_attributes = original
    return api


def test_freezegun_cache_is_checked_without_listing_names():
    scan = load_plugin_module("freezegun_scan")
    api = fake_freezegun_api()
    assert scan.install(api)
    assert scan.install(api)  # twice: installed once
    module = types.ModuleType("x_dated")
    module.today = datetime.date
    get = api._get_cached_module_attributes
    assert get(module) == [("today", datetime.date)]
    assert get(module) == [("today", datetime.date)]
    assert api.setups == ["x_dated"]  # cached
    module.day = datetime.date  # a name added: read again
    assert get(module) == [("today", datetime.date), ("day", datetime.date)]
    del module.today
    module.other = 1  # one name removed, another added: read again
    assert get(module) == [("day", datetime.date)]
    assert api.setups == ["x_dated"] * 3
    assert api.checks == []


def test_freezegun_cache_of_unusual_modules_is_checked_by_freezegun():
    scan = load_plugin_module("freezegun_scan")
    api = fake_freezegun_api()
    scan.install(api)
    lazy = types.ModuleType("x_lazy")
    lazy.__dir__ = lambda: ["a"]  # PEP 562: dir() is the module's own
    not_a_module = types.SimpleNamespace(__name__="x_object")
    api._get_cached_module_attributes(lazy)
    api._get_cached_module_attributes(not_a_module)
    assert api.checks == ["x_lazy", "x_object"]
    assert scan.module_key(lazy) is scan.module_key(not_a_module) is None


def test_freezegun_left_alone_when_shaped_otherwise():
    scan = load_plugin_module("freezegun_scan")
    api = types.SimpleNamespace(_get_cached_module_attributes=len)
    assert not scan.install(api)
    assert api._get_cached_module_attributes is len
