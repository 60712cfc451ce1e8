"""pytest plugin of ``dev.py pytest``: Odoo's test mode under pytest-odoo.

``dev.py pytest`` loads it (``-p odoo_test_mode``, this folder on
``PYTHONPATH``) next to pytest-odoo, so that the test process is in the state
Odoo's own runner (``--test-tags``) puts it in:

- Odoo's test framework is imported with ``test_enable`` set, as Odoo's runner
  imports it; pytest-odoo imports it before setting the flag, and
  ``odoo.tests.common`` then logs an ERROR with a stack;
- Odoo's map of the add-ons' static folders is read before any test, in
  one thread (not by the HTTP server's threads at once);
- ``odoo.modules.module.current_test`` is set from the registry's loading to
  the end of the session, as ``odoo.tests.loader.run_suite`` sets it around
  the whole suite (pytest-odoo sets it from Odoo 19 on only): with it Odoo
  never connects to an SMTP server from a test;
- a test during whose setup, run or teardown an ERROR/CRITICAL record reaches
  the root logger fails, as ``dev.py test`` fails on every such record in
  Odoo's log (``mute_logger``/``assertLogs`` keep expected ones away).

- the test classes of ``sales_closing`` share one base (company, chart of
  accounts, periods) instead of building it per class, each class on a
  cursor whose work is rolled back when the class ends (see the add-on's
  ``tests/shared_base.py``): ``$SALES_CLOSING_SHARED_BASE`` is set to ``1``
  unless it is set already (``0`` turns it off); the base is released before
  a class that does not run on it and at the end of the session;

- freezegun checks its cache of each module's date and time references in
  constant time rather than by listing every module's names at every
  ``freeze_time`` (``freezegun_scan.py``): the same references are patched.

It is a plugin of the harness, not a ``conftest.py`` in the add-on's tests:
pytest imports such a conftest before pytest-odoo maps the add-on to
``odoo.addons.sales_closing``, so Odoo refuses its models. Inert without
pytest-odoo's ``--odoo-database``/``--odoo-config``.
"""

import contextlib
import logging
import os
import sys

import freezegun_scan
import pytest


def under_pytest_odoo(config) -> bool:
    return bool(
        config.pluginmanager.hasplugin("odoo")
        and (
            config.getoption("--odoo-database", None)
            or config.getoption("--odoo-config", None)
        )
    )


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    """Runs before pytest-odoo's own hook, which parses Odoo's configuration
    (resetting ``test_enable``) and imports ``odoo.tests``."""
    if under_pytest_odoo(config):
        from odoo.tools import config as odoo_config  # noqa: PLC0415

        odoo_config["test_enable"] = True
        try:
            import odoo.tests  # noqa: F401, PLC0415
        finally:
            odoo_config["test_enable"] = False
    yield


SHARED_BASE_FLAG = "SALES_CLOSING_SHARED_BASE"
SHARED_BASE_MODULE = "odoo.addons.sales_closing.tests.shared_base"


def pytest_configure(config):
    if under_pytest_odoo(config):
        os.environ.setdefault(SHARED_BASE_FLAG, "1")
        freezegun_scan.install()


def _shared_base():
    """The add-on's ``shared_base`` module, once its tests imported it."""
    return sys.modules.get(SHARED_BASE_MODULE)


def _before_class(item):
    """Release the shared base before a class that does not run on it."""
    cls = getattr(item, "cls", None)
    previous = item.session.__dict__.get("_odoo_test_mode_class")
    if cls is previous:
        return
    item.session._odoo_test_mode_class = cls
    module = _shared_base()
    if module is not None:
        module.before_class(cls)


def pytest_sessionfinish(session):
    module = _shared_base()
    if module is not None and under_pytest_odoo(session.config):
        module.release()


@pytest.fixture(scope="session", autouse=True)
def _odoo_current_test(request):
    if not under_pytest_odoo(request.config):
        yield
        return
    request.getfixturevalue("load_registry")  # pytest-odoo's
    from odoo import http  # noqa: PLC0415
    from odoo.modules import module  # noqa: PLC0415

    # Odoo reads every add-on's manifest (ast.literal_eval) when it serves its
    # first static file; wkhtmltopdf asks for several at once, and ast on
    # Python 3.11 is not safe in parallel threads ("SystemError: AST
    # constructor recursion depth mismatch", CPython gh-106905): read them now
    _statics = http.root.statics

    module.current_test = True
    try:
        yield
    finally:
        module.current_test = False


class ErrorRecords(logging.Handler):
    """Collects the ERROR/CRITICAL records that reach the root logger."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def no_error_logged(phase):
    """Fail (``pytest.fail``) if an ERROR record was logged in the block."""
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records:
        lines = "\n".join(
            f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records[:5]
        )
        pytest.fail(
            f"{len(handler.records)} ERROR record(s) logged during the {phase} "
            f"(`dev.py test` fails on them too):\n{lines}",
            pytrace=False,
        )


def _phase(item, phase):
    if not under_pytest_odoo(item.config):
        return (yield)
    with no_error_logged(phase):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if under_pytest_odoo(item.config):
        _before_class(item)
    return (yield from _phase(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _phase(item, "test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    return (yield from _phase(item, "teardown"))
