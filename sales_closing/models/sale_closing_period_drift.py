# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drift after the close: recompute a closed period's figures as of its end
from live data, compare them line by line with its latest close pack, flag
the period and name what moved (and the exception log entries or lock-date
changes behind it); acknowledge a drift with a reason, or reopen and close
again (a new version)."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..lib import drift as drift_lib
from ..lib.sentences import plural

_lt = LazyTranslate(__name__)

LOCK_DATE_FIELDS = ("sale_lock_date", "fiscalyear_lock_date", "hard_lock_date")


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    # === FIELDS === #
    drift_state = fields.Selection(
        selection=[
            ("none", "No Drift"),
            ("drifted", "Drifted"),
            ("acknowledged", "Drift Acknowledged"),
        ],
        string="Drift",
        default="none",
        readonly=True,
        copy=False,
        tracking=True,
    )
    drift_ids = fields.One2many(
        comodel_name="sale.closing.drift",
        inverse_name="period_id",
        string="What Moved",
    )
    drift_checked_at = fields.Datetime(string="Drift Checked On", readonly=True)
    drift_signature = fields.Text(readonly=True, copy=False)
    drift_reason = fields.Text(string="Acknowledged Because", readonly=True)

    # === ACTIONS === #
    def action_check_drift(self):
        self._check_manager()
        for period in self:
            period._check_drift()
        return True

    def action_acknowledge_drift(self):
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acknowledge the Drift of %(period)s", period=self.name),
            "res_model": "sale.closing.drift.acknowledge",
            "view_mode": "form",
            "target": "new",
            "context": {"default_period_id": self.id},
        }

    # === DRIFT === #
    def _create_snapshot(self):
        snapshot = super()._create_snapshot()
        self.sudo().drift_ids.unlink()
        self.sudo().write(
            {"drift_state": "none", "drift_signature": False, "drift_reason": False}
        )
        return snapshot

    def _get_drift_changes(self):
        """Return the ``lib.drift.Change`` of this closed period: its lines
        recomputed from live data (not stored) against the latest pack."""
        self.ensure_one()
        # the frozen lines read one by one from the stored payload (not the
        # whole payload as a dict); the live figures are dropped once written
        # as payload lines: one copy of each side is held to compare them
        frozen = self.snapshot_id._get_payload_reader().items("lines")
        live = self._get_pack_lines(
            self.env["sale.closing.line"]._get_period_figures(self)
        )
        return drift_lib.compare(frozen, live)

    def _check_drift(self):
        """Compare, store what moved, flag the period and tell the closing
        managers when the drift is new.

        :return: the changes
        """
        self.ensure_one()
        period = self.sudo()
        if period.state != "closed" or not period.snapshot_id:
            raise UserError(
                self.env._(
                    "Period %(period)s has no close pack to compare with: only "
                    "closed periods drift.",
                    period=self.name,
                )
            )
        changes = period._get_drift_changes()
        signature = drift_lib.signature(changes)
        period.drift_ids.unlink()
        period.env["sale.closing.drift"].create(period._prepare_drift_vals(changes))
        vals = {"drift_checked_at": fields.Datetime.now()}
        if not changes:
            vals.update(drift_state="none", drift_signature=False)
        elif (
            period.drift_state == "acknowledged" and signature == period.drift_signature
        ):
            pass
        elif signature != period.drift_signature or period.drift_state == "none":
            vals.update(drift_state="drifted", drift_signature=signature)
            period.write(vals)
            period._notify_drift()
            return changes
        period.write(vals)
        return changes

    def _prepare_drift_vals(self, changes):
        """Return the ``sale.closing.drift`` values of ``changes``."""
        lines = (
            self.env["sale.order.line"]
            .sudo()
            .browse({c.sale_line_id for c in changes})
            .exists()
        )
        order_of = {line.id: line.order_id for line in lines}
        causes = self._get_drift_causes(lines.order_id)
        labels = {
            name: field._description_string(self.env)
            for name, field in self.env["sale.closing.line"]._fields.items()
        }
        return [
            {
                "period_id": self.id,
                "snapshot_id": self.snapshot_id.id,
                "sale_line_id": c.sale_line_id if c.sale_line_id in order_of else False,
                "order_id": order_of.get(c.sale_line_id, self.env["sale.order"]).id,
                "document": c.order,
                "field_name": labels.get(c.field, c.field)
                if c.field != "line"
                else self.env._("Order line"),
                "value_before": c.before or "—",
                "value_after": c.after or "—",
                "cause": causes.get(order_of.get(c.sale_line_id)) or causes.get(None),
            }
            for c in changes
        ]

    def _get_drift_causes(self, orders):
        """Return ``{order: text}`` of the exception log entries made since
        the close on the orders, their deliveries and their invoices, and
        under key None the company's lock-date changes since the close."""
        since = self.snapshot_id.closed_at
        documents = {("sale.order", order.id): order for order in orders}
        for order in orders:
            for picking in order.picking_ids:
                documents[("stock.picking", picking.id)] = order
            for invoice in order.invoice_ids:
                documents[("account.move", invoice.id)] = order
        logs = (
            self.env["sale.closing.log"]
            .sudo()
            .search(
                [("date", ">=", since), ("res_id", "in", [key[1] for key in documents])]
            )
        )
        causes = {}
        for log in logs:
            order = documents.get((log.res_model, log.res_id))
            if order:
                text = self.env._(
                    "%(date)s %(user)s %(operation)s %(document)s under exception "
                    "%(exception)s: %(changes)s",
                    date=fields.Datetime.to_string(log.date),
                    user=log.user_id.name,
                    operation=log.operation,
                    document=log.document,
                    exception=log.exception_id.display_name,
                    changes=log.changes or "",
                )
                causes[order] = "\n".join(filter(None, [causes.get(order), text]))
        causes[None] = self._get_lock_date_changes(since)
        for order in orders:
            if order in causes and causes[None]:
                causes[order] += "\n" + causes[None]
        return causes

    def _get_lock_date_changes(self, since):
        """Return the company's lock-date changes tracked since ``since``."""
        values = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "res.company"),
                    ("mail_message_id.res_id", "=", self.company_id.id),
                    ("field_id.name", "in", LOCK_DATE_FIELDS),
                    # the message's date, not the row's creation (the
                    # transaction's start), is when the change was made
                    ("mail_message_id.date", ">=", since),
                ],
                order="id",
            )
        )
        return (
            "\n".join(
                self.env._(
                    "%(date)s %(user)s changed %(field)s from %(old)s to %(new)s",
                    date=fields.Datetime.to_string(value.mail_message_id.date),
                    user=value.mail_message_id.author_id.name or "",
                    field=value.field_id.field_description,
                    # lock dates are dates, tracked as datetimes
                    old=fields.Date.to_string(value.old_value_datetime) or "—",
                    new=fields.Date.to_string(value.new_value_datetime) or "—",
                )
                for value in values
            )
            or False
        )

    def _notify_drift(self):
        """Post what moved in the chatter and schedule an activity for the
        closing managers of the company."""
        self.ensure_one()
        rows = Markup("").join(
            Markup("<li>%s: %s %s → %s%s</li>")
            % (
                drift.document,
                drift.field_name,
                drift.value_before,
                drift.value_after,
                Markup(" <i>(%s)</i>") % drift.cause if drift.cause else "",
            )
            for drift in self.drift_ids[:50]
        )
        values = {
            "period": self.name,
            "pack": self.snapshot_id.name,
            "count": len(self.drift_ids),
        }
        sentence = plural(
            len(self.drift_ids),
            _lt(
                "Period %(period)s no longer says what its close pack %(pack)s "
                "froze: %(count)s figure moved.",
                **values,
            ),
            _lt(
                "Period %(period)s no longer says what its close pack %(pack)s "
                "froze: %(count)s figures moved.",
                **values,
            ),
        )
        summary = self.env._(sentence)
        self.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (escape(summary), rows))
        managers = self.env.ref("sales_closing.group_sale_closing_manager").users
        managers = managers.filtered(
            lambda u: not u.share
            and self.company_id in u.company_ids
            and u.active
            and u.id != self.env.ref("base.user_root").id
        )
        for manager in managers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "Closed period %(period)s drifted", period=self.name
                ),
                note=summary,
                user_id=manager.id,
            )

    def _acknowledge_drift(self, reason):
        """Accept the drift found with ``reason``: the period stays closed
        and is flagged again only when something else moves."""
        self.ensure_one()
        self._check_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the drift is acknowledged."))
        self.env["sale.closing.lock"]._check_reason_length(reason)
        if self.drift_state != "drifted":
            raise UserError(
                self.env._(
                    "Period %(period)s has no drift to acknowledge.", period=self.name
                )
            )
        self.sudo().write({"drift_state": "acknowledged", "drift_reason": reason})
        self.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        ).action_feedback(feedback=reason)
        self.message_post(
            body=self.env._(
                "Drift acknowledged by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=reason,
            )
        )

    @api.model
    def _cron_check_drift(self):
        """Check every closed period with a close pack for drift."""
        periods = self.sudo().search(
            [("state", "=", "closed"), ("snapshot_ids", "!=", False)]
        )
        for period in periods:
            try:
                with self.env.cr.savepoint():
                    period._check_drift()
            except UserError as error:
                period.message_post(
                    body=self.env._(
                        "The drift check could not run: %(error)s", error=str(error)
                    )
                )
