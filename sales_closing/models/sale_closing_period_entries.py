# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The period-end entries of a period: the preview from the posting rules,
posting them (and their reversals) at the close, reversing them on reopening."""

import datetime

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

from ..lib.entries import StoredFigure


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    # === FIELDS === #
    entry_line_ids = fields.One2many(
        comodel_name="sale.closing.entry.line",
        inverse_name="period_id",
        string="Entry Preview",
    )
    entry_move_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="sale_closing_period_id",
        string="Period-End Entries",
    )
    entry_count = fields.Integer(
        string="Journal Entries", compute="_compute_entry_summary"
    )
    entry_summary = fields.Html(compute="_compute_entry_summary", sanitize=False)

    # === COMPUTES === #
    @api.depends("entry_line_ids.balance", "entry_line_ids.move_id", "entry_move_ids")
    def _compute_entry_summary(self):
        # counts and entry numbers only: readable by closing managers who
        # have no accounting rights
        Line = self.env["sale.closing.entry.line"].sudo()
        rows = Line._read_group(
            [("period_id", "in", self.ids)],
            ["period_id", "rule_id", "skipped"],
            ["__count", "debit:sum", "credit:sum", "move_id:array_agg"],
        )
        by_period = {}
        for period, rule, skipped, count, debit, credit, move_ids in rows:
            by_period.setdefault(period.id, {}).setdefault(rule, {})[skipped] = (
                count,
                debit,
                credit,
                {move_id for move_id in move_ids if move_id},
            )
        Move = self.env["account.move"].sudo()
        counts = dict(
            Move._read_group(
                [("sale_closing_period_id", "in", self.ids)],
                ["sale_closing_period_id"],
                ["__count"],
            )
        )
        for period in self:
            period.entry_count = counts.get(period, 0)
            rules = by_period.get(period.id)
            period.entry_summary = (
                rules and period._get_entry_summary_html(rules) or False
            )

    def _get_entry_summary_html(self, rules):
        """Return the summary table of the entries tab.

        :param rules: ``{rule: {skipped: (count, debit, credit, move ids)}}``
        """
        self.ensure_one()
        Move = self.env["account.move"].sudo()
        currency = self.company_id.currency_id
        body = Markup("")
        for rule in sorted(rules, key=lambda r: (r.sequence, r.id)):
            count, debit, credit, move_ids = rules[rule].get(
                False, (0, 0.0, 0.0, set())
            )
            skipped = rules[rule].get(True, (0, 0.0, 0.0, set()))
            body += Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td>%s</td></tr>"
            ) % (
                rule.display_name,
                count,
                format_amount(self.env, debit, currency),
                format_amount(self.env, credit, currency),
                skipped[0],
                self._get_move_links(Move.browse(sorted(move_ids))),
            )
        return Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (
            escape(self.env._("Posting Rule")),
            escape(self.env._("Lines")),
            escape(self.env._("Debit")),
            escape(self.env._("Credit")),
            escape(self.env._("Skipped")),
            escape(self.env._("Posted Entry")),
            body,
        )

    # === ACTIONS === #
    def action_view_entry_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_entry_line_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["display_name"] = self.env._("Entries of %(period)s", period=self.name)
        return action

    def action_view_entries(self):
        """Open the period-end entries of the period as journal entries,
        each next to the reversal that undoes it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_move_action"
        )
        action["domain"] = [("sale_closing_period_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Journal Entries of %(period)s", period=self.name
        )
        return action

    def action_view_entry_move_lines(self):
        """Open the journal items of the period-end entries of the period."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_move_line_action"
        )
        action["domain"] = [("move_id.sale_closing_period_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Journal Items of %(period)s", period=self.name
        )
        return action

    # === PERIOD-END ENTRIES === #
    def _store_entry_lines(self):
        """Replace the entry preview by what the posting rules would post
        from the figures stored now.

        Raw SQL, like the reconciliation lines: a month of many customers
        has thousands of preview lines, which the ORM's ``unlink`` and
        ``create`` write a hundred at a time with a recompute of their
        debit and credit."""
        self.ensure_one()
        Line = self.env["sale.closing.entry.line"]
        Line.flush_model()
        self.env.cr.execute(
            SQL("DELETE FROM sale_closing_entry_line WHERE period_id = %s", self.id)
        )
        Line.invalidate_model()
        self.invalidate_recordset(["entry_line_ids"])
        vals_list = self._get_entry_line_vals()
        if not vals_list:
            return
        # the sources (up to one per order line of the month) are linked by
        # SQL after the lines are stored, not by the ORM's Command.set per line
        sources = {
            name: [self._pop_set_command(vals, name) for vals in vals_list]
            for name in ("sale_line_ids", "receivable_line_ids")
        }
        lines = self._insert_entry_lines(vals_list)
        Bulk = self.env["sale.closing.bulk"]
        for name, targets in sources.items():
            Bulk._bulk_link(lines, name, targets)

    def _insert_entry_lines(self, vals_list):
        """Store the preview lines ``vals_list`` of this period and return
        them, in the same order: by ``_bulk_insert`` with the values the ORM
        would compute (the rule's sequence and type, debit and credit), or
        by the ORM's ``create`` when the values are not plain (commands, or
        lines that their rule and sequence do not tell apart)."""
        self.ensure_one()
        Line = self.env["sale.closing.entry.line"]
        keys = {(vals["rule_id"], vals["sequence"]) for vals in vals_list}
        if (
            len(keys) < len(vals_list)
            or len({tuple(vals) for vals in vals_list}) > 1
            or any(isinstance(v, list) for vals in vals_list for v in vals.values())
        ):
            return Line.create(vals_list)
        rules = {
            rule.id: rule
            for rule in self.env["sale.closing.posting.rule"].browse(
                {vals["rule_id"] for vals in vals_list}
            )
        }
        rows = [
            dict(
                vals,
                rule_sequence=rules[vals["rule_id"]].sequence,
                rule_type=rules[vals["rule_id"]].rule_type,
                debit=max(vals["balance"], 0.0),
                credit=max(-vals["balance"], 0.0),
            )
            for vals in vals_list
        ]
        self.env["sale.closing.bulk"]._bulk_insert(
            Line._name, rows, {"company_id": self.company_id.id}
        )
        self.env.cr.execute(
            SQL(
                "SELECT rule_id, sequence, id FROM sale_closing_entry_line "
                "WHERE period_id = %s",
                self.id,
            )
        )
        ids = {(rule, sequence): id_ for rule, sequence, id_ in self.env.cr.fetchall()}
        self.invalidate_recordset(["entry_line_ids"])
        return Line.browse(
            [ids[vals["rule_id"], vals["sequence"]] for vals in vals_list]
        )

    @api.model
    def _pop_set_command(self, vals, name):
        """Remove the many2many ``name`` from ``vals`` when it is given as one
        ``Command.set`` and return its ids (none when it is not given; any
        other form is left to the ORM)."""
        commands = vals.get(name)
        if not commands:
            vals.pop(name, None)
            return []
        if len(commands) == 1 and commands[0][0] == fields.Command.SET:
            del vals[name]
            return list(commands[0][2])
        return []

    def _get_entry_line_vals(self):
        """Return the values of the preview lines of every active rule.

        Refuse when one order line (or customer) falls in the scope of two
        rules of one type.
        """
        self.ensure_one()
        Rule = self.env["sale.closing.posting.rule"]
        rules = Rule.search([("company_id", "=", self.company_id.id)])
        revenue = rules.filtered(lambda r: r.rule_type != "allowance")
        stored = self._get_stored_differences() if revenue else []
        vals_list = []
        for rule_type in ("accrued", "deferred"):
            typed = rules.filtered(lambda r, t=rule_type: r.rule_type == t)
            if not typed:
                continue
            figures = Rule._filter_revenue_figures(rule_type, stored)
            assigned = Rule._assign_sources(typed, [f.sale_line_id for f in figures])
            for rule in typed:
                scoped = [f for f in figures if f.sale_line_id in assigned[rule]]
                items = rule._get_revenue_items(self, scoped)
                vals_list += rule._prepare_entry_lines(self, items)
        allowances = rules.filtered(lambda r: r.rule_type == "allowance")
        if allowances:
            residuals = self.env["sale.closing.line"]._get_receivable_residuals(
                self.company_id, self.date_end
            )
            balances = {rule: rule._get_allowance_balances(self) for rule in allowances}
            partners = {row["partner_id"] for row in residuals if row["partner_id"]}
            partners = partners.union(*balances.values())
            assigned = Rule._assign_sources(allowances, partners)
            for rule in allowances:
                items, receivables = rule._get_allowance_items(
                    self, residuals, balances[rule], assigned[rule]
                )
                vals_list += rule._prepare_entry_lines(self, items, receivables)
        return vals_list

    def _get_stored_differences(self):
        """Return the stored reconciliation lines of this period that differ
        (delivered ≠ invoiced) as ``StoredFigure`` tuples, in the order of
        the lines.

        Raw SQL on the ORM's own ordered query: a month holds up to hundreds
        of thousands of lines, which the preview only needs as plain values.
        """
        self.ensure_one()
        Line = self.env["sale.closing.line"]
        Line.flush_model()
        query = Line._search(
            [("period_id", "=", self.id), ("amount_difference", "!=", 0)]
        )
        self.env.cr.execute(
            query.select(
                *(SQL.identifier(Line._table, name) for name in StoredFigure._fields)
            )
        )
        return [
            StoredFigure(
                sale_line, partner, currency, float(amount or 0), float(company or 0)
            )
            for sale_line, partner, currency, amount, company in self.env.cr.fetchall()
        ]

    @api.model
    def _get_move_links(self, moves):
        """Return the numbers of ``moves`` as links (empty markup when there
        is none), for the entries tab and the chatter. They open the entry in
        the period-end entry form, which closing managers who are not
        accountants may read too."""
        return Markup(", ").join(
            Markup('<a href="/odoo/action-%s/%s">%s</a>')
            % ("sales_closing.sale_closing_move_action", move.id, move.name)
            for move in moves
        )

    def _get_reversal_date(self):
        """Return the first day of the next period (the day after this one
        when no period follows yet)."""
        self.ensure_one()
        return self.next_period_id.date_start or self.date_end + datetime.timedelta(
            days=1
        )

    def _check_entry_dates(self, journals, dates):
        """Refuse to post when a company lock date covers one of ``dates``:
        Odoo would silently move the entries to the next open date."""
        self.ensure_one()
        company = self.company_id
        for journal in journals:
            for date in sorted(set(dates)):
                locks = company._get_violated_lock_dates(date, False, journal)
                if locks:
                    raise UserError(
                        self.env._(
                            "Period %(period)s: entries of journal %(journal)s "
                            "cannot be dated %(date)s, the company is locked up to "
                            "%(lock)s (%(fields)s). Move that lock date back "
                            "(Accounting, Lock Dates) or grant an exception, then "
                            "try again.",
                            period=self.name,
                            journal=journal.display_name,
                            date=date,
                            lock=max(lock[0] for lock in locks),
                            fields=", ".join(
                                company._fields[lock[1]]._description_string(self.env)
                                for lock in locks
                            ),
                        )
                    )

    def _post_entries(self):
        """Post one entry per rule from the preview lines, and its reversal
        on the first day of the next period (posted, or waiting for that
        date). Part of the transaction that closes the period.

        :return: the posted entries
        """
        self.ensure_one()
        # after the Closing Manager check of the caller: they need not be
        # accountants (the chatter says who closed)
        self = self.sudo()  # noqa: PLW0642
        self._check_no_live_entries()
        Move = self.env["account.move"].sudo().with_context(sale_closing_posting=True)
        lines = self.entry_line_ids.filtered(lambda line: not line.skipped)
        if not lines:
            return Move
        by_rule = lines.grouped("rule_id")
        rules = sorted(by_rule, key=lambda r: (r.sequence, r.id))
        reversal_date = self._get_reversal_date()
        Journal = self.env["account.journal"]
        self._check_entry_dates(
            Journal.union(*(r.journal_id for r in rules)), [self.date_end]
        )
        self._check_entry_dates(
            Journal.union(
                *(r.journal_id for r in rules if r.reversal == "next_period")
            ),
            [reversal_date],
        )
        moves = Move.create([rule._prepare_move(self, by_rule[rule]) for rule in rules])
        moves._post(soft=False)
        self._pause_for_tests("posting")
        self._check_entries_kept_date(moves)
        for move, rule in zip(moves, rules, strict=True):
            self._set_entry_move(by_rule[rule], move)
            self._link_entry_sources(move, by_rule[rule])
        reversals = self._post_reversals(moves, reversal_date)
        self._pause_for_tests("reversals")
        self._log_posted_entries(moves, reversals, reversal_date)
        return moves

    def _check_no_live_entries(self):
        """Refuse to post while the period has live period-end entries."""
        self.ensure_one()
        if (
            self.env["account.move"]
            .sudo()
            .search_count(
                [
                    ("sale_closing_period_id", "=", self.id),
                    ("sale_closing_kind", "=", "entry"),
                    ("sale_closing_cancelled", "=", False),
                ],
                limit=1,
            )
        ):
            raise UserError(
                self.env._(
                    "Period %(period)s already has live period-end entries: "
                    "reopen it to reverse them before posting again.",
                    period=self.name,
                )
            )

    def _check_entries_kept_date(self, moves):
        """Refuse when Odoo moved a posted entry away from the period end."""
        self.ensure_one()
        moved = moves.filtered(lambda m: m.date != self.date_end)
        if moved:
            raise UserError(
                self.env._(
                    "Period %(period)s: Odoo moved entry %(move)s to %(date)s; "
                    "nothing is posted. Check the company's lock dates.",
                    period=self.name,
                    move=moved[0].name,
                    date=moved[0].date,
                )
            )

    def _post_reversals(self, moves, reversal_date):
        """Reverse the ``moves`` whose rule says so on ``reversal_date``:
        posted when that day has come, else waiting for it (``auto_post``).

        :return: the reversals
        """
        self.ensure_one()
        to_reverse = moves.filtered(
            lambda m: m.sale_closing_rule_id.reversal == "next_period"
        )
        reversals = to_reverse._reverse_moves(
            [
                {
                    "date": reversal_date,
                    "ref": self.env._("Reversal of %(move)s", move=move.name),
                    "sale_closing_period_id": self.id,
                    "sale_closing_rule_id": move.sale_closing_rule_id.id,
                    "sale_closing_kind": "reversal",
                }
                for move in to_reverse
            ]
        )
        self._link_reversal_sources(to_reverse, reversals)
        if reversal_date <= self.company_id._sale_closing_today():
            reversals._post(soft=False)
        else:
            reversals.write({"auto_post": "at_date"})
        return reversals

    @api.model
    def _set_entry_move(self, lines, move):
        """Mark the preview ``lines`` as posted in ``move``.

        Raw SQL: one UPDATE, where the ORM writes a hundred lines at a time
        (29 queries for the 2,802 lines of a 100,000-line month)."""
        lines.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_closing_entry_line SET move_id = %s, write_uid = %s,"
                " write_date = %s WHERE id = ANY(%s)",
                move.id,
                self.env.uid,
                self.env.cr.now(),
                lines.ids,
            )
        )
        lines.invalidate_recordset(["move_id", "write_uid", "write_date"])
        self.invalidate_recordset(["entry_summary", "entry_count"])

    @api.model
    def _link_entry_sources(self, move, lines):
        """Give the journal items of ``move`` the sources of the preview
        ``lines`` it was made from, each item matched to its line on its
        label, account, customer, currency and amounts."""

        def key_of(record):  # a preview line or a journal item
            return (
                record.name,
                record.account_id.id,
                record.partner_id.id,
                record.currency_id.id,
                round(record.amount_currency, 6),
                round(record.balance, 6),
            )

        by_key = {}
        for line in lines.sorted("sequence"):
            by_key.setdefault(key_of(line), []).append(line)
        matched = []
        for item in move.line_ids.sorted("id"):
            key = key_of(item)
            if by_key.get(key):
                matched.append((by_key[key].pop(0), item))
        Line = self.env["sale.closing.entry.line"]
        Line.browse([pair[0].id for pair in matched])._link_move_lines(
            self.env["account.move.line"].browse([pair[1].id for pair in matched])
        )

    @api.model
    def _link_reversal_sources(self, moves, reversals):
        """Give the journal items of ``reversals`` (of ``moves``, in the same
        order) the sources of the items they reverse. The links are not
        copied by ``_reverse_moves`` (``copy=False``): one INSERT ... SELECT
        writes them instead, item by item in the order Odoo copied them."""
        pairs = []
        for move, reversal in zip(moves, reversals, strict=True):
            for item, reversed_item in zip(
                move.line_ids.sorted("id"), reversal.line_ids.sorted("id"), strict=False
            ):
                if item.account_id == reversed_item.account_id:
                    pairs.append((item.id, reversed_item.id))
        MoveLine = self.env["account.move.line"]
        Bulk = self.env["sale.closing.bulk"]
        for name in ("sale_closing_sale_line_ids", "sale_closing_receivable_line_ids"):
            Bulk._copy_links(MoveLine._fields[name], MoveLine._fields[name], pairs)

    def _log_posted_entries(self, moves, reversals, reversal_date):
        """Say in the chatter which entries and reversals were posted."""
        self.ensure_one()
        if not reversals:
            waiting = self.env._("none")
        elif reversals[0].state == "posted":
            waiting = self._get_move_links(reversals)
        else:
            waiting = self.env._(
                "%(count)s, waiting for their date", count=len(reversals)
            )
        self.message_post(
            body=self.env._(
                "Period-end entries posted: %(moves)s. Reversals on %(date)s: "
                "%(reversals)s.",
                moves=self._get_move_links(moves),
                date=reversal_date,
                reversals=waiting,
            )
        )

    def _cancel_entries(self, reason):
        """Undo the period-end entries of this period when it is reopened:
        posted entries and reversals are reversed at their own date (never
        deleted); reversals still waiting for their date are cancelled."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642
        Move = self.env["account.move"].sudo().with_context(sale_closing_posting=True)
        moves = Move.search(
            [
                ("sale_closing_period_id", "=", self.id),
                ("sale_closing_kind", "in", ("entry", "reversal")),
                ("sale_closing_cancelled", "=", False),
            ]
        )
        if not moves:
            return Move
        posted = moves.filtered(lambda m: m.state == "posted")
        waiting = moves - posted
        for move in posted:
            self._check_entry_dates(move.journal_id, [move.date])
        cancels = posted._reverse_moves(
            [
                {
                    "date": move.date,
                    "ref": self.env._(
                        "Reopening of %(period)s: %(reason)s",
                        period=self.name,
                        reason=reason,
                    ),
                    "sale_closing_period_id": self.id,
                    "sale_closing_rule_id": move.sale_closing_rule_id.id,
                    "sale_closing_kind": "cancel",
                }
                for move in posted
            ]
        )
        self._link_reversal_sources(posted, cancels)
        cancels._post(soft=False)
        waiting.button_cancel()
        moves.write({"sale_closing_cancelled": True})
        self.entry_line_ids.move_id = False
        self.message_post(
            body=self.env._(
                "Period-end entries reversed on reopening: %(moves)s (by "
                "%(cancels)s); waiting reversals cancelled: %(waiting)s.",
                moves=self._get_move_links(posted) or self.env._("none"),
                cancels=self._get_move_links(cancels) or self.env._("none"),
                waiting=len(waiting),
            )
        )
        return cancels
