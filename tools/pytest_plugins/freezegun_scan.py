"""freezegun's scan of ``sys.modules``, made cheap for ``dev.py pytest``.

Each time a ``freeze_time`` starts (when none is active), freezegun walks
every module in ``sys.modules`` (about 3,300 once Odoo is loaded) to replace
the references to ``datetime``, ``date``, ``time``… that modules imported.
It caches, per module, which attributes hold such references, and checks
that cache against ``dir(module)``: a sorted list of every name of every
module, then a ``frozenset`` of it, at every start (15 ms of CPU each, 3.7 s
of the 42 s of ``-k "figures or posting"``).

``install()`` keeps freezegun's cache and its rule (the cache of a module is
good while the module is the same object with the same set of names; a name
rebound to another value is not seen, by freezegun either) and checks it in
constant time: the module's identity, how many names its namespace holds and
which name was added last. A namespace keeps its names in the order they were
added: a name added becomes the last one, a name removed changes the count
unless another is added (which becomes the last). The one change this misses
is a namespace that gains and loses names and then gets its last name
removed and added again, between two freezes. Modules that are
not plain modules, or that define their own ``__dir__`` (PEP 562), are checked
by freezegun's own code. What a frozen test sees is unchanged: the same
attributes are patched and restored, from the same cache.

Odoo's own runner (``--test-tags``) is not touched: this is loaded by the
plugin of ``dev.py pytest`` only.
"""

import types


def module_key(module):
    """``(id, number of names, last name added)`` of a plain module; None
    for anything else (freezegun's own check then applies)."""
    if type(module) is not types.ModuleType:
        return None
    names = module.__dict__
    if "__dir__" in names:
        return None
    return (id(module), len(names), next(reversed(names), None))


def cached_attributes_getter(api):
    """A replacement for ``api._get_cached_module_attributes``: the same
    cache (``api._GLOBAL_MODULES_CACHE``, filled by
    ``api._setup_module_cache``), checked by ``module_key``."""
    original = api._get_cached_module_attributes
    cache = api._GLOBAL_MODULES_CACHE
    keys = {}

    def get_cached_module_attributes(module):
        key = module_key(module)
        if key is None:
            return original(module)
        name = module.__name__
        if keys.get(name) != key or name not in cache:
            api._setup_module_cache(module)
            keys[name] = key
        return cache[name][1]

    get_cached_module_attributes.original = original
    return get_cached_module_attributes


def install(api=None):
    """Patch freezegun's ``api`` module (imported when None); False when
    freezegun is missing or is not shaped as expected (then it runs as is)."""
    if api is None:
        try:
            from freezegun import api  # noqa: PLC0415
        except ImportError:
            return False
    needed = ("_get_cached_module_attributes", "_setup_module_cache")
    if not all(callable(getattr(api, name, None)) for name in needed):
        return False
    if not isinstance(getattr(api, "_GLOBAL_MODULES_CACHE", None), dict):
        return False
    if hasattr(api._get_cached_module_attributes, "original"):
        return True  # installed already
    api._get_cached_module_attributes = cached_attributes_getter(api)
    return True
