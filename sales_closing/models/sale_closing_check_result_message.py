# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Problem sentences kept as messages (issue 11): a check's sentence is a
lazy translation whose English source and parameters (amounts, dates,
records, nested sentences) are stored with the result, and written again in
the language of whoever reads it, amounts and dates formatted that
language's way, translated record names read once per model."""

import datetime
import math
import re
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import format_amount, format_date, formatLang, get_lang
from odoo.tools.translate import LazyGettext, get_translation

from ..lib import figures as figures_lib
from ..lib.sentences import dump_message


class SaleClosingCheckResult(models.Model):
    _inherit = "sale.closing.check.result"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_message_values(self, sentence, render):
        """Return ``{"name", "message"}`` of a check's sentence: a lazy
        translation (``_lt``) gives its stored message and its text written
        by ``render`` (``_get_message_renderer``); a plain text is kept as it
        is, without a message. Each text has one space between words, whatever a
        document's display name ends with ("Draft Invoice " has no number
        yet); the no-break spaces of amounts stay."""
        if not isinstance(sentence, LazyGettext):
            return {
                "name": re.sub(r"[ \t\n]+", " ", sentence).strip(),
                "message": False,
            }
        message = self._get_message(sentence)
        return {
            "name": render(message),
            "message": dump_message(message["source"], message["params"]),
        }

    @api.model
    def _get_message(self, sentence):
        """Return ``{"source", "params"}`` of a lazy translation, its
        parameters made plain (nested sentences and joins included)."""
        args = sentence._args
        if args and not isinstance(args, dict):
            raise TypeError("problem sentences take named parameters only")

        def plain(value):
            if isinstance(value, LazyGettext):
                return {"sentence": self._get_message(value)}
            if isinstance(value, dict) and "join" in value:
                return {
                    "join": value["join"],
                    "items": [plain(item) for item in value["items"]],
                }
            if isinstance(value, dict | str | int | float) or value is None:
                return value
            if isinstance(value, datetime.date):  # a date written as a date
                return {"date": fields.Date.to_string(value)}
            if isinstance(value, Decimal):
                return float(value)
            return str(value)

        return {
            "source": sentence._source,
            "params": {key: plain(value) for key, value in (args or {}).items()},
        }

    @api.model
    def _get_message_record_names(self, messages):
        """Return ``{(model, id, field): name}`` of the records ``messages``
        name (``sale.closing.check._record``), read in this environment's
        language: one read per model and field. Deleted records are left
        out (their name as written stays)."""
        wanted = {}

        def collect(params):
            for param in params.values():
                if isinstance(param, dict):
                    if "record" in param:
                        key = (param["record"], param["field"])
                        wanted.setdefault(key, set()).add(param["id"])
                    elif "sentence" in param:
                        collect(param["sentence"].get("params", {}))
                    elif "join" in param:
                        collect(dict(enumerate(param["items"])))

        for message in messages:
            collect(message.get("params", {}))
        names = {}
        for (model, field), ids in wanted.items():
            if model not in self.env or field not in self.env[model]._fields:
                continue
            for record in self.env[model].sudo().browse(ids).exists():
                names[(model, record.id, field)] = record[field] or ""
        return names

    @api.model
    def _get_message_renderer(self, names=None):
        """Return a function writing a message (``{"source", "params"}``) in
        this environment's language, its amounts and dates formatted the
        language's way, the records it names by ``names``
        (``_get_message_record_names``; without them, as written); formats
        are read once per renderer."""
        lang = get_lang(self.env).code
        names = names or {}
        formatters, dates = {}, {}

        def value(param):
            if not isinstance(param, dict):
                return param
            if "sentence" in param:
                return sentence(param["sentence"])
            if "record" in param:
                key = (param["record"], param["id"], param["field"])
                return names.get(key, param.get("text", ""))
            if "join" in param:
                return param["join"].join(str(value(i)) for i in param["items"])
            if "amount" in param:
                currency_id = param["currency"]
                if currency_id not in formatters:
                    currency = self.env["res.currency"].browse(currency_id)
                    formatters[currency_id] = self._get_currency_formatter(currency)
                return formatters[currency_id](param["amount"])
            if "date" in param:
                if param["date"] not in dates:
                    dates[param["date"]] = format_date(self.env, param["date"])
                return dates[param["date"]]
            if "number" in param:
                return self._format_number(param)
            return param

        def sentence(message):
            params = {k: value(v) for k, v in message.get("params", {}).items()}
            return get_translation("sales_closing", lang, message["source"], params)

        def render(message):
            return re.sub(r"[ \t\n]+", " ", sentence(message)).strip()

        return render

    @api.model
    def _format_number(self, param):
        """Write a number parameter (``sale.closing.check._number``) in this
        environment's language."""
        number, digits = param["number"], param["digits"]
        if not param.get("sign"):
            text = formatLang(self.env, number, digits=digits)
        else:
            # as Python's "+" format: "+35.0", "-20.6", "-0.0" for -0.04
            sign = "-" if math.copysign(1.0, number) < 0 else "+"
            text = sign + formatLang(self.env, abs(number), digits=digits)
        return text + param.get("suffix", "")

    @api.model
    def _get_currency_formatter(self, currency):
        """Return a function formatting amounts of ``currency`` as
        ``format_amount`` does in this environment's language, reading the
        language once instead of per amount.

        Amounts that print without a minus sign, in a language grouping
        digits by three, take the fast way, proven on a sample against
        ``format_amount`` (the symbol and its spacing are taken from it); any
        other amount, or a language where the sample differs, goes through
        ``format_amount``."""
        lang = get_lang(self.env)
        sample = 1234567.891

        def slow(amount):
            return format_amount(self.env, amount, currency)

        def number(amount):
            return figures_lib.group_thousands(
                currency.round(amount),
                currency.decimal_places,
                lang.thousands_sep or "",
                lang.decimal_point,
            ).replace(" ", "\N{NO-BREAK SPACE}")

        expected = slow(sample)
        pre, found, post = expected.partition(number(sample))
        if lang.grouping != "[3,0]" or not found:
            return slow

        def fast(amount):
            text = number(amount)
            if "-" in text:  # negative (or -0.0): format_amount's own way
                return slow(amount)
            return f"{pre}{text}{post}"

        return fast
