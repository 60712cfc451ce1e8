# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lock every document model calls: is a document dated in a locked
period, is the user covered by a lock exception, the refusal they read, and
the change log's wording of what they changed under an exception.

Orders, order lines, deliveries, invoices and payments call
``self.env["sale.closing.lock"]._check_locked(...)`` from their own
overrides (``sale_order.py``, ``stock_move.py``, ``account_move.py``…)."""

import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import periods as periods_lib
from ..lib import reasons as reasons_lib
from ..lib import test_hooks
from ..lib.changes import changed_fields, format_change

#: How far ahead of UTC "today" may be for the manager who locks a period
#: (UTC+14), plus a day for the transaction in flight to commit.
RACE_MARGIN = datetime.timedelta(hours=14 + 24)


class SaleClosingLock(models.AbstractModel):
    _name = "sale.closing.lock"
    _description = "Sales Closing Lock"

    # === LOCK HORIZONS === #
    @api.model
    def _update_company_horizons(self, companies):
        """Store on each company the last day its periods lock, per stage:
        documents dated after it need no period look-up; and the last day of
        the period that can lock next: documents dated after it need no row
        lock either."""
        Period = self.env["sale.closing.period"].sudo()
        values = {}
        for document_type, fname, next_fname in (
            ("order", "sale_closing_sales_lock_date", "sale_closing_sales_next_end"),
            (
                "invoice",
                "sale_closing_invoicing_lock_date",
                "sale_closing_invoicing_next_end",
            ),
        ):
            stages = periods_lib.locking_stages(document_type)
            for operator, aggregate, field_name in (
                ("in", "date_end:max", fname),
                # periods do not overlap and lock in order: the first one not
                # locked yet ends first
                ("not in", "date_end:min", next_fname),
            ):
                groups = Period._read_group(
                    [("company_id", "in", companies.ids), ("state", operator, stages)],
                    ["company_id"],
                    [aggregate],
                )
                ends = {company.id: date_end for company, date_end in groups}
                for company in companies:
                    values.setdefault(company, {})[field_name] = ends.get(
                        company.id, False
                    )
        for company, vals in values.items():
            if any(company[fname] != value for fname, value in vals.items()):
                company.sudo().write(vals)

    @api.model
    def _get_active_exception(self, period, user):
        """Return the active exception of ``period`` that covers ``user``."""
        now = fields.Datetime.now()
        for exception in period.sudo().exception_ids:
            if (
                exception.active
                and exception.date_end > now
                and (not exception.user_id or exception.user_id == user)
            ):
                return exception
        return self.env["sale.closing.exception"]

    # === LOCK ENFORCEMENT === #
    @api.model
    def _check_locked(self, document_type, items, operation, refuse=True):
        """Refuse, or log under an exception, changes to locked documents.

        :param document_type: a key of ``periods_lib.DOCUMENT_TYPES``
        :param items: iterable of ``(record, company, date, changes)``: the
            document, its company, the company-local date it is checked at
            and the list of change lines to log (may be empty)
        :param operation: past participle of what is done ("confirmed", …)
        :param refuse: when False, only log what users with an exception do
        :raise UserError: when a document falls in a locked period and the
            user holds no active exception for it
        """
        items = [
            item
            for item in items
            if item[2] and item[1]._sale_closing_locks(document_type)
        ]
        self._lock_racing_periods(self._get_racing_items(document_type, items))
        items = [
            item
            for item in items
            if item[1]._sale_closing_horizon(document_type)
            and item[2] <= item[1]._sale_closing_horizon(document_type)
        ]
        if not items:
            return
        dates = [item[2] for item in items]
        companies = self.env["res.company"].union(*(item[1] for item in items))
        Period = self.env["sale.closing.period"].sudo()
        periods = Period.search(
            [
                ("company_id", "in", companies.ids),
                ("state", "in", periods_lib.locking_stages(document_type)),
                ("date_start", "<=", max(dates)),
                ("date_end", ">=", min(dates)),
            ]
        )
        if not periods:
            return
        by_company = periods.grouped("company_id")
        log_vals = []
        for record, company, date, changes in items:
            period = periods_lib.find_period(by_company.get(company, Period), date)
            if not period:
                continue
            exception = self._get_active_exception(period, self.env.user)
            if exception:
                log_vals.append(
                    self._prepare_log_vals(
                        period, exception, record, operation, changes
                    )
                )
            elif refuse:
                raise UserError(
                    self._get_lock_message(
                        period, document_type, record, date, operation, changes
                    )
                )
        if log_vals:
            self.env["sale.closing.log"].sudo().create(log_vals)

    @api.model
    def _get_racing_items(self, document_type, items):
        """Return the items dated after their company's lock horizon in the
        period that can lock next, when that period may be locked before
        this transaction commits.

        This transaction reads the horizon as of its snapshot: a stage change
        committed since is invisible to it. Only the first period after the
        horizon can lock next (periods lock in order), and only once its last
        day is over wherever the locking manager is (``today`` follows the
        company's or the user's time zone: at most 14 hours ahead of UTC),
        unless the company allows closing early. Documents dated after that
        period, or in it while it is more than a day from its end, cost
        nothing; the others are returned to take a row lock.
        """
        soon = (fields.Datetime.now() + RACE_MARGIN).date()
        racing = []
        for item in items:
            company, date = item[1], item[2]
            horizon = company._sale_closing_horizon(document_type)
            next_end = company._sale_closing_next_end(document_type)
            if (
                (not horizon or date > horizon)
                and next_end
                and date <= next_end
                and (company.sale_closing_allow_early_close or next_end < soon)
            ):
                racing.append(item)
        return racing

    @api.model
    def _lock_racing_periods(self, items):
        """Take a share lock on the periods holding the dates of ``items``
        until this transaction ends.

        A stage change takes ``FOR UPDATE`` on its period (``_lock_for_change``):
        it waits for the documents already past this point, and the documents
        arriving later wait for it. A period updated since this transaction's
        snapshot (a stage change just committed) makes PostgreSQL raise a
        serialization failure (Odoo runs requests in REPEATABLE READ); Odoo
        replays the request on a fresh snapshot, which sees the new stage
        and the new horizon, and refuses the document as usual.
        """
        if not items:
            return
        companies = self.env["res.company"].union(*(item[1] for item in items))
        self.env["sale.closing.period"].flush_model(
            ["company_id", "date_start", "date_end"]
        )
        # the ORM cannot lock rows; the serialization failure is expected
        # (replayed by Odoo) and must not be logged as a bad query
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_closing_period WHERE company_id IN %s "
                "AND date_start <= %s AND date_end >= %s ORDER BY id FOR SHARE",
                tuple(companies.ids),
                max(item[2] for item in items),
                min(item[2] for item in items),
            ),
            log_exceptions=False,
        )
        test_hooks.pause_at("period_share_locked")

    def _check_reason_length(self, reason, error=UserError):
        """Refuse a reason too long to keep (a journal entry's reference,
        a chatter line and the close pack carry it)."""
        if reasons_lib.reason_problem(reason) == "too_long":
            raise error(
                self.env._(
                    "The reason is %(length)s characters long; keep it to "
                    "%(limit)s and attach longer explanations to the period.",
                    length=len(reason.strip()),
                    limit=reasons_lib.MAX_REASON_LENGTH,
                )
            )

    @api.model
    def _get_lock_message(
        self, period, document_type, record, date, operation, changes=None
    ):
        """Return the refusal a user reads when a locked document is touched."""
        kinds = {
            "order": self.env._("Sale orders"),
            "delivery": self.env._("Deliveries and inventory adjustments"),
            "invoice": self.env._("Customer invoices and credit notes"),
            "payment": self.env._("Customer payments"),
        }
        message = self.env._(
            "%(document)s cannot be %(operation)s: it is dated %(date)s, in closing "
            "period %(period)s of %(company)s, which is at stage %(stage)s. "
            "%(kind)s dated in that period are locked.\n"
            "Ask a Sales Closing Manager to reopen the period (with a reason) or "
            "to grant you a lock exception, or date the document in an open "
            "period.",
            document=self._get_document_label(record),
            operation=operation,
            date=date,
            period=period.name,
            company=period.company_id.name,
            stage=period._stage_label(),
            kind=kinds[document_type],
        )
        if changes:
            message += "\n" + self.env._("Refused changes:") + "\n" + "\n".join(changes)
        return message

    @api.model
    def _get_document_label(self, record):
        """Return how refusals and logs name ``record``: its own
        ``_sale_closing_label()`` when its model has one, else its name."""
        if hasattr(record, "_sale_closing_label"):
            return record._sale_closing_label()
        return record.display_name

    @api.model
    def _prepare_log_vals(self, period, exception, record, operation, changes):
        """Return the values of the log line of a change made under exception."""
        return {
            "period_id": period.id,
            "exception_id": exception.id,
            "user_id": self.env.user.id,
            "res_model": record._name,
            "res_id": record.id,
            "document": self._get_document_label(record),
            "operation": operation,
            "changes": "\n".join(changes or []),
        }

    # === CHANGE LOG WORDING === #
    @api.model
    def _describe_changes(self, record, vals):
        """Return ``field: old → new`` lines for the values ``vals`` changes.

        Only the fields whose value really changes are described; x2many
        commands other than set/link/unlink/clear are described as changed.
        """
        old, new = {}, {}
        for fname, value in vals.items():
            field = record._fields[fname]
            old[fname] = self._get_old_value(record, field, record[fname])
            new[fname] = self._get_new_value(record, field, value)
        lines = []
        for fname in changed_fields(old, new):
            field = record._fields[fname]
            lines.append(
                format_change(
                    field._description_string(self.env),
                    self._format_value(record, field, old[fname]),
                    self._format_value(record, field, new[fname]),
                )
            )
        return lines

    @api.model
    def _get_old_value(self, record, field, value):
        if field.type == "many2one":
            return value.id
        if field.type in ("many2many", "one2many"):
            return tuple(sorted(value.ids))
        if field.type == "date":
            return fields.Date.to_date(value)
        if field.type == "datetime":
            return fields.Datetime.to_datetime(value)
        return value

    @api.model
    def _get_new_value(self, record, field, value):
        if field.type == "many2one":
            return value.id if isinstance(value, models.BaseModel) else value or False
        if field.type in ("many2many", "one2many"):
            ids = set(record[field.name].ids)
            for command in value or []:
                if isinstance(command, int):
                    ids.add(command)
                    continue
                code = command[0]
                if code == 6:
                    ids = set(command[2])
                elif code == 4:
                    ids.add(command[1])
                elif code in (2, 3):
                    ids.discard(command[1])
                elif code == 5:
                    ids = set()
                else:
                    return ("changed",)
            return tuple(sorted(ids))
        return self._get_old_value(record, field, value)

    @api.model
    def _format_value(self, record, field, value):
        if value in (False, None, ""):
            return "—"
        if field.type == "many2one":
            return self.env[field.comodel_name].browse(value).display_name
        if field.type in ("many2many", "one2many"):
            if value == ("changed",):
                return self.env._("changed")
            names = self.env[field.comodel_name].browse(value).mapped("display_name")
            return ", ".join(names) or "—"
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if isinstance(value, datetime.datetime):
            return fields.Datetime.to_string(value)
        return str(value)
