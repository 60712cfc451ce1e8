# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payload of a close pack: its header, the reconciliation lines, the
check results with their waivers and the period-end entries, each read
set-based (a fixed number of queries whatever the number of lines).

The sales summary, aging, stock movement and tie-out sections are added by
``sale_closing_pack_summary.py`` and ``sale_closing_pack_ledger.py``.

``_write_pack_payload`` writes the same payload as ``_get_pack_payload``
(byte for byte) without holding it: the reconciliation lines and the check
results, the two sections that grow with the month, are read through a
server-side cursor a batch at a time and written straight into the
canonical JSON.
"""

import functools
import tempfile
from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

from ..lib import canonical
from .sale_closing_line import AMOUNT_FIELDS, COMPANY_AMOUNT_FIELDS, QTY_FIELDS

# the reconciliation figures frozen per line, as the line model lists them:
# quantities (in the line's unit), amounts in the order currency and in
# company currency (the order is part of the canonical payload)
LINE_QUANTITIES = tuple(QTY_FIELDS)
LINE_AMOUNTS = tuple(AMOUNT_FIELDS)
LINE_COMPANY_AMOUNTS = tuple(COMPANY_AMOUNT_FIELDS)
#: rows read at a time from the server-side cursor of a streamed section
STREAM_BATCH = 5000
LINE_REFERENCES = {
    "order_id": "sale.order",
    "partner_id": "res.partner",
    "product_id": "product.product",
    "categ_id": "product.category",
    "user_id": "res.users",
    "team_id": "crm.team",
    "product_uom_id": "uom.uom",
    "currency_id": "res.currency",
}


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    def _get_pack_payload(self, version, user, closed_at):
        """Return the payload of a close pack of this period as of now: a
        dict ready for ``lib.canonical.dumps`` (see the snapshot model for
        its sections)."""
        self.ensure_one()
        lines = self._get_pack_lines()
        return {
            **self._get_pack_payload_head(version, user, closed_at),
            "lines": lines,
            "line_totals": self._get_pack_line_totals(lines),
            "checks": self._get_pack_checks(),
        }

    def _write_pack_payload(self, out, version, user, closed_at):
        """Write the canonical bytes of ``_get_pack_payload`` to ``out`` (a
        writable), the lines and the check results streamed.

        :return: the number of reconciliation lines written
        """
        self.ensure_one()
        payload = self._get_pack_payload_head(version, user, closed_at)
        # the totals come before the lines in key order: the lines are
        # spooled to a temporary file while they are summed
        with tempfile.TemporaryFile() as spool:
            count, payload["line_totals"] = self._spool_pack_lines(spool)
            spool.seek(0)
            canonical.write(
                out,
                payload,
                {
                    "lines": iter(functools.partial(spool.read, 1 << 20), b""),
                    "checks": canonical.array_body(self._iter_pack_checks()),
                },
            )
        return count

    def _get_pack_payload_head(self, version, user, closed_at):
        """Return the sections of the payload that do not grow with the
        lines: all but ``lines``, ``line_totals`` and ``checks``."""
        self.ensure_one()
        currency = self.company_id.currency_id
        return {
            "format": canonical.FORMAT_VERSION,
            "company": {
                "id": self.company_id.id,
                "name": self.company_id.name,
                "currency": currency.name,
                "rounding": canonical.amount(currency.rounding, currency.rounding),
            },
            "period": {
                "id": self.id,
                "name": self.name,
                "date_start": self.date_start,
                "date_end": self.date_end,
                "version": version,
                "closed_by": user.name,
                "closed_at": closed_at,
            },
            "entries": self._get_pack_entries(),
            **self._get_pack_sections(),
        }

    def _get_pack_sections(self):
        """Return the further sections of the payload by name (a dict);
        extended by the summary and ledger files."""
        return {}

    # --- streaming ------------------------------------------------------------
    def _iter_pack_query(self, query, cursor_name):
        """Yield the rows of ``query`` (an ``SQL``) as dicts, read through a
        server-side cursor ``STREAM_BATCH`` rows at a time: one query whatever
        the number of rows, one batch in memory.

        Raw SQL on the transaction's connection: the ORM reads every record
        of a search before the first is used."""
        with self.env.cr._cnx.cursor(cursor_name) as cursor:
            cursor.itersize = STREAM_BATCH
            cursor.execute(query.code, query.params)
            columns = None
            while rows := cursor.fetchmany(STREAM_BATCH):
                columns = columns or [column.name for column in cursor.description]
                for row in rows:
                    yield dict(zip(columns, row, strict=True))

    # --- reconciliation -------------------------------------------------------
    def _get_pack_line_query(self):
        """Return the ``SQL`` of the stored reconciliation lines of this
        period (the ``sale.closing.line`` columns, ids for references), by
        order and order line."""
        self.ensure_one()
        columns = [
            "sale_line_id",
            "invoice_policy",
            "in_period",
            "price_net",
            "rate",
            *LINE_REFERENCES,
            *LINE_QUANTITIES,
            *LINE_AMOUNTS,
            *LINE_COMPANY_AMOUNTS,
        ]
        return SQL(
            "SELECT %s FROM sale_closing_line WHERE period_id = %s "
            "ORDER BY order_id, sale_line_id",
            SQL(", ").join(SQL.identifier(column) for column in columns),
            self.id,
        )

    def _get_pack_line_rows(self):
        """Return the stored reconciliation lines of this period as dicts of
        the ``sale.closing.line`` columns (ids for references).

        Raw SQL: the ORM would read 100,000 lines in chunks of a thousand."""
        self.ensure_one()
        self.env["sale.closing.line"].flush_model()
        self.env.cr.execute(self._get_pack_line_query())
        return self.env.cr.dictfetchall()

    def _get_pack_line_reference_ids(self):
        """Return ``{model: ids}`` of the records the stored lines refer to,
        in one query (``array_agg`` per reference column)."""
        self.ensure_one()
        self.env["sale.closing.line"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM sale_closing_line WHERE period_id = %s",
                SQL(", ").join(
                    SQL("array_agg(DISTINCT %s)", SQL.identifier(field))
                    for field in LINE_REFERENCES
                ),
                self.id,
            )
        )
        found = self.env.cr.fetchone()
        return {
            model: {record_id for record_id in ids or () if record_id}
            for model, ids in zip(LINE_REFERENCES.values(), found, strict=True)
        }

    def _spool_pack_lines(self, out):
        """Write the body of the ``lines`` array of the payload to ``out``,
        read through a server-side cursor.

        :return: ``(number of lines, line_totals)``
        """
        self.ensure_one()
        to_line = self._get_pack_line_writer(
            self._get_pack_names(self._get_pack_line_reference_ids())
        )
        totals = defaultdict(float)
        count = 0
        rows = self._iter_pack_query(
            self._get_pack_line_query(), "sale_closing_pack_lines"
        )
        separator = b""
        for row in rows:
            line = to_line(row)
            for field in LINE_COMPANY_AMOUNTS:
                totals[field] += canonical.to_float(line[field])
            out.write(separator + canonical.dumps(line))
            separator = b","
            count += 1
        return count, self._format_pack_line_totals(totals)

    def _get_pack_lines(self, rows=None):
        """Return the reconciliation lines as payload rows, sorted by order
        and order line.

        :param rows: figures as ``sale.closing.line`` values (the stored
            lines when None; ``_get_period_figures`` for the drift check)
        """
        self.ensure_one()
        if rows is None:
            rows = self._get_pack_line_rows()
        to_line = self._get_pack_line_writer(
            self._get_pack_names(
                {
                    model: {row[field] for row in rows if row[field]}
                    for field, model in LINE_REFERENCES.items()
                }
            )
        )
        return [
            to_line(row)
            for row in sorted(rows, key=lambda r: (r["order_id"], r["sale_line_id"]))
        ]

    def _get_pack_line_writer(self, names):
        """Return a function of a ``sale.closing.line`` row (dict) giving its
        payload row; ``names`` as ``_get_pack_names`` returns them."""
        precision = self.env["decimal.precision"].precision_get
        qty = canonical.amount_formatter(10 ** -precision("Product Unit of Measure"))
        price = canonical.amount_formatter(10 ** -precision("Product Price"))
        rate = canonical.amount_formatter(1e-10)
        company = canonical.amount_formatter(self.company_id.currency_id.rounding)
        Currency = self.env["res.currency"]
        in_currency = {}
        references = [
            (field, field.removesuffix("_id"), names[model])
            for field, model in LINE_REFERENCES.items()
        ]

        def to_line(row):
            currency_id = row["currency_id"]
            if currency_id not in in_currency:
                rounding = Currency.browse(currency_id).rounding
                in_currency[currency_id] = canonical.amount_formatter(rounding)
            amount = in_currency[currency_id]
            line = {
                "sale_line_id": row["sale_line_id"],
                "invoice_policy": row["invoice_policy"] or None,
                "in_period": bool(row["in_period"]),
                "price_net": price(row["price_net"]),
                "rate": rate(row["rate"]),
            }
            for field, key, found in references:
                line[key] = found.get(row[field])
            for field in LINE_QUANTITIES:
                line[field] = qty(row[field])
            for field in LINE_AMOUNTS:
                line[field] = amount(row[field])
            for field in LINE_COMPANY_AMOUNTS:
                line[field] = company(row[field])
            return line

        return to_line

    def _get_pack_names(self, ids_by_model):
        """Return ``{model: {id: display name}}``, the records of each model
        read in one query however many they are (``_bulk_read``)."""
        Bulk = self.env["sale.closing.bulk"]
        return {
            model: {
                record.id: record.display_name for record in Bulk._bulk_read(model, ids)
            }
            for model, ids in ids_by_model.items()
        }

    def _get_pack_line_totals(self, lines):
        """Return the company-currency totals of the reconciliation lines."""
        totals = defaultdict(float)
        for line in lines:
            for field in LINE_COMPANY_AMOUNTS:
                totals[field] += canonical.to_float(line[field])
        return self._format_pack_line_totals(totals)

    def _format_pack_line_totals(self, totals):
        """Return ``line_totals``: the sums ``totals`` written at the company
        currency's rounding."""
        rounding = self.company_id.currency_id.rounding
        return {
            field: canonical.amount(totals[field], rounding)
            for field in LINE_COMPANY_AMOUNTS
        }

    # --- checks -----------------------------------------------------------------
    def _get_pack_checks(self):
        """Return the check results with their waivers, in check order."""
        self.ensure_one()
        Result = self.env["sale.closing.check.result"].sudo()
        rounding = self.company_id.currency_id.rounding
        checks = dict(Result._fields["check_code"]._description_selection(self.env))
        severities = dict(Result._fields["severity"]._description_selection(self.env))
        rows = Result.search_read(
            [("period_id", "=", self.id)],
            [
                "check_code",
                "severity",
                "key",
                "name",
                "amount",
                "waived",
                "waived_by_id",
                "waived_date",
                "waive_reason",
            ],
            order="sequence, key, id",
        )
        return [
            {
                "check": checks.get(row["check_code"], row["check_code"]),
                "severity": severities.get(row["severity"], row["severity"]),
                "key": row["key"],
                "problem": row["name"],
                "amount": canonical.amount(row["amount"], rounding),
                "waived": row["waived"],
                "waived_by": row["waived_by_id"] and row["waived_by_id"][1] or None,
                "waived_on": row["waived_date"] or None,
                "waive_reason": row["waive_reason"] or None,
            }
            for row in rows
        ]

    def _iter_pack_checks(self):
        """Yield the rows of ``_get_pack_checks`` one by one, read through a
        server-side cursor (a month of 100,000 lines has tens of thousands).

        Raw SQL: ``search_read`` holds every result at once; the order is the
        one ``search_read`` is given above (no NULLS clause there either)."""
        self.ensure_one()
        Result = self.env["sale.closing.check.result"].sudo()
        Result.flush_model()
        checks = dict(Result._fields["check_code"]._description_selection(self.env))
        severities = dict(Result._fields["severity"]._description_selection(self.env))
        amount = canonical.amount_formatter(self.company_id.currency_id.rounding)
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT waived_by_id FROM sale_closing_check_result "
                "WHERE period_id = %s AND waived_by_id IS NOT NULL",
                self.id,
            )
        )
        waivers = self._get_pack_names(
            {"res.users": [user_id for (user_id,) in self.env.cr.fetchall()]}
        )["res.users"]
        rows = self._iter_pack_query(
            SQL(
                "SELECT check_code, severity, key, name, amount, waived, "
                "waived_by_id, waived_date, waive_reason "
                "FROM sale_closing_check_result WHERE period_id = %s "
                "ORDER BY sequence, key, id",
                self.id,
            ),
            "sale_closing_pack_checks",
        )
        for row in rows:
            yield {
                "check": checks.get(row["check_code"], row["check_code"]),
                "severity": severities.get(row["severity"], row["severity"]),
                "key": row["key"],
                "problem": row["name"],
                "amount": amount(row["amount"]),
                "waived": bool(row["waived"]),
                "waived_by": waivers.get(row["waived_by_id"]),
                "waived_on": row["waived_date"] or None,
                "waive_reason": row["waive_reason"] or None,
            }

    # --- entries ----------------------------------------------------------------
    def _get_pack_entries(self):
        """Return the period-end entries of this period (entries, reversals,
        reversals at reopening) with their lines, by date and number."""
        self.ensure_one()
        Move = self.env["account.move"].sudo()
        kinds = dict(Move._fields["sale_closing_kind"]._description_selection(self.env))
        moves = Move.search_read(
            [("sale_closing_period_id", "=", self.id)],
            [
                "name",
                "date",
                "state",
                "ref",
                "journal_id",
                "sale_closing_kind",
                "sale_closing_rule_id",
                "sale_closing_cancelled",
                "reversed_entry_id",
            ],
            order="date, id",
        )
        lines_by_move = defaultdict(list)
        rounding = self.company_id.currency_id.rounding
        for line in (
            self.env["account.move.line"]
            .sudo()
            .search_read(
                [("move_id", "in", [move["id"] for move in moves])],
                ["move_id", "account_id", "partner_id", "name", "debit", "credit"],
                order="move_id, id",
            )
        ):
            lines_by_move[line["move_id"][0]].append(
                {
                    "account": line["account_id"][1],
                    "partner": line["partner_id"] and line["partner_id"][1] or None,
                    "label": line["name"] or None,
                    "debit": canonical.amount(line["debit"], rounding),
                    "credit": canonical.amount(line["credit"], rounding),
                }
            )
        return [
            {
                "number": move["name"],
                "date": fields.Date.to_date(move["date"]),
                "state": move["state"],
                "kind": kinds.get(move["sale_closing_kind"]) or None,
                "rule": move["sale_closing_rule_id"]
                and move["sale_closing_rule_id"][1]
                or None,
                "journal": move["journal_id"][1],
                "reference": move["ref"] or None,
                "cancelled": move["sale_closing_cancelled"],
                "reverses": move["reversed_entry_id"]
                and move["reversed_entry_id"][1]
                or None,
                "lines": lines_by_move[move["id"]],
            }
            for move in moves
        ]
