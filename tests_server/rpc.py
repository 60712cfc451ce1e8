"""A small client of a running Odoo server, as a real user reaches it:
XML-RPC (``/xmlrpc/2``), JSON-RPC (``/jsonrpc``) and the web client's own
session calls (``/web/session/authenticate``, ``/web/dataset/call_button``).

Standard library only. A refusal (Odoo's UserError, AccessError…) is raised
as :class:`Refused` with the message the user would read; anything else the
server answers with is :class:`ServerError`.
"""

from __future__ import annotations

import http.cookiejar
import json
import threading
import urllib.request
import xmlrpc.client
from dataclasses import dataclass, field

#: XML-RPC fault codes of odoo/addons/base/controllers/rpc.py (``/xmlrpc/2``)
REFUSAL_CODES = {2: "UserError", 3: "AccessDenied", 4: "AccessError"}
#: exception classes Odoo's JSON-RPC reports for a refusal
REFUSAL_NAMES = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.MissingError",
)


class Refused(Exception):
    """The server refused the call with a message meant for the user."""


class ServerError(Exception):
    """The server failed in a way no user should see (a traceback)."""


@dataclass
class User:
    """One user of one database on one server, with one channel."""

    url: str
    db: str
    login: str
    password: str
    uid: int = 0
    _local: threading.local = field(default_factory=threading.local, repr=False)
    #: the web session's cookie jar, once logged in (one session per user)
    _web: urllib.request.OpenerDirector | None = field(default=None, repr=False)

    # --- XML-RPC ---------------------------------------------------------
    def _proxy(self, service: str) -> xmlrpc.client.ServerProxy:
        # one connection per thread: concurrent calls are separate requests
        proxies = self._local.__dict__.setdefault("proxies", {})
        if service not in proxies:
            proxies[service] = xmlrpc.client.ServerProxy(
                f"{self.url}/xmlrpc/2/{service}", allow_none=True
            )
        return proxies[service]

    def login_xmlrpc(self) -> User:
        self.uid = self._proxy("common").authenticate(
            self.db, self.login, self.password, {}
        )
        if not self.uid:
            raise Refused(f"{self.login} cannot log in to {self.db}")
        return self

    def call(self, model: str, method: str, *args, **kwargs):
        """``execute_kw`` through XML-RPC."""
        try:
            return self._proxy("object").execute_kw(
                self.db, self.uid, self.password, model, method, list(args), kwargs
            )
        except xmlrpc.client.Fault as fault:
            if fault.faultCode in REFUSAL_CODES:
                raise Refused(fault.faultString) from None
            raise ServerError(fault.faultString) from None

    # --- JSON-RPC ----------------------------------------------------------
    def call_json(self, model: str, method: str, *args, **kwargs):
        """``execute_kw`` through the ``/jsonrpc`` endpoint."""
        return self._json(
            "/jsonrpc",
            {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.db,
                    self.uid,
                    self.password,
                    model,
                    method,
                    list(args),
                    kwargs,
                ],
            },
        )

    # --- the web client ------------------------------------------------------
    def login_web(self) -> None:
        """Open a browser-like session (cookie) for :meth:`press_button`."""
        jar = http.cookiejar.CookieJar()
        self._web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self._json(
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": self.password},
        )

    def press_button(self, model: str, ids: list[int], name: str, context: dict):
        """What the web client sends when a form's object button is clicked."""
        return self._json(
            "/web/dataset/call_button",
            {
                "model": model,
                "method": name,
                "args": [ids],
                "kwargs": {"context": context},
            },
        )

    def _json(self, path: str, params: dict):
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        ).encode()
        request = urllib.request.Request(
            self.url + path, body, {"Content-Type": "application/json"}
        )
        opener = self._web or urllib.request.build_opener()
        with opener.open(request, timeout=600) as response:
            answer = json.loads(response.read())
        error = answer.get("error")
        if not error:
            return answer.get("result")
        data = error.get("data") or {}
        if data.get("name") in REFUSAL_NAMES:
            raise Refused(data.get("message") or error.get("message"))
        raise ServerError(data.get("debug") or json.dumps(error))


# --- added for the lock matrix, two companies and bad input (issue 14) -------
CHANNELS = ("xmlrpc", "jsonrpc", "web")


def call_kw(user: User, model: str, method: str, *args, **kwargs):
    """What the web client sends for a model method (``/web/dataset/call_kw``),
    in the user's browser session (opened by :meth:`User.login_web`)."""
    if user._web is None:
        user.login_web()
    return user._json(
        f"/web/dataset/call_kw/{model}/{method}",
        {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
    )


def call_on(user: User, channel: str, model: str, method: str, *args, **kwargs):
    """Call ``model.method`` as ``user`` through ``channel`` (one of
    :data:`CHANNELS`); an ``action_*``/``button_*`` method called on records
    through the web channel goes through ``call_button``, as a form's button."""
    if channel == "xmlrpc":
        try:
            return user.call(model, method, *args, **kwargs)
        except ServerError as error:
            # Odoo's XML-RPC cannot send None back: the method ran, then the
            # answer failed and its transaction was rolled back (nothing
            # landed); the web client never meets this (JSON)
            if "cannot marshal None" in str(error):
                return None
            raise
    if channel == "jsonrpc":
        return user.call_json(model, method, *args, **kwargs)
    if method.startswith(("action_", "button_")) and len(args) == 1 and not kwargs:
        if user._web is None:
            user.login_web()
        return user.press_button(model, args[0], method, {})
    return call_kw(user, model, method, *args, **kwargs)
