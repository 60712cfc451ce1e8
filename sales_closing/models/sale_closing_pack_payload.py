# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payload of a close pack: its header, the reconciliation lines, the
check results with their waivers and the period-end entries, each read
set-based (a fixed number of queries whatever the number of lines).

The sales summary, aging, stock movement and tie-out sections are added by
``sale_closing_pack_summary.py`` and ``sale_closing_pack_ledger.py``.
"""

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
        currency = self.company_id.currency_id
        lines = self._get_pack_lines()
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
            "lines": lines,
            "line_totals": self._get_pack_line_totals(lines),
            "checks": self._get_pack_checks(),
            "entries": self._get_pack_entries(),
            **self._get_pack_sections(),
        }

    def _get_pack_sections(self):
        """Return the further sections of the payload by name (a dict);
        extended by the summary and ledger files."""
        return {}

    # --- reconciliation -------------------------------------------------------
    def _get_pack_line_rows(self):
        """Return the stored reconciliation lines of this period as dicts of
        the ``sale.closing.line`` columns (ids for references).

        Raw SQL: the ORM would read 100,000 lines in chunks of a thousand."""
        self.ensure_one()
        self.env["sale.closing.line"].flush_model()
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
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM sale_closing_line WHERE period_id = %s "
                "ORDER BY order_id, sale_line_id",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                self.id,
            )
        )
        return self.env.cr.dictfetchall()

    def _get_pack_lines(self, rows=None):
        """Return the reconciliation lines as payload rows, sorted by order
        and order line.

        :param rows: figures as ``sale.closing.line`` values (the stored
            lines when None; ``_get_period_figures`` for the drift check)
        """
        self.ensure_one()
        if rows is None:
            rows = self._get_pack_line_rows()
        names = self._get_pack_names(
            {
                model: {row[field] for row in rows if row[field]}
                for field, model in LINE_REFERENCES.items()
            }
        )
        currencies = {
            currency.id: currency
            for currency in self.env["res.currency"].browse(
                {row["currency_id"] for row in rows}
            )
        }
        precision = self.env["decimal.precision"].precision_get
        qty_step = 10 ** -precision("Product Unit of Measure")
        price_step = 10 ** -precision("Product Price")
        company_rounding = self.company_id.currency_id.rounding
        result = []
        for row in sorted(rows, key=lambda r: (r["order_id"], r["sale_line_id"])):
            rounding = currencies[row["currency_id"]].rounding
            line = {
                "sale_line_id": row["sale_line_id"],
                "invoice_policy": row["invoice_policy"] or None,
                "in_period": bool(row["in_period"]),
                "price_net": canonical.amount(row["price_net"], price_step),
                "rate": canonical.amount(row["rate"], 1e-10),
            }
            for field, model in LINE_REFERENCES.items():
                line[field.removesuffix("_id")] = names[model].get(row[field])
            line.update(
                {f: canonical.amount(row[f], qty_step) for f in LINE_QUANTITIES}
            )
            line.update({f: canonical.amount(row[f], rounding) for f in LINE_AMOUNTS})
            line.update(
                {
                    f: canonical.amount(row[f], company_rounding)
                    for f in LINE_COMPANY_AMOUNTS
                }
            )
            result.append(line)
        return result

    def _get_pack_names(self, ids_by_model):
        """Return ``{model: {id: display name}}``, read once per model."""
        names = {}
        for model, ids in ids_by_model.items():
            records = self.env[model].sudo().with_context(active_test=False)
            names[model] = {
                record.id: record.display_name for record in records.browse(ids)
            }
        return names

    def _get_pack_line_totals(self, lines):
        """Return the company-currency totals of the reconciliation lines."""
        rounding = self.company_id.currency_id.rounding
        totals = defaultdict(float)
        for line in lines:
            for field in LINE_COMPANY_AMOUNTS:
                totals[field] += canonical.to_float(line[field])
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
