# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class SaleClosingException(models.Model):
    _name = "sale.closing.exception"
    _description = "Sales Closing Lock Exception"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        string="Period",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="period_id.company_id", store=True, index=True, precompute=True
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="User",
        help="The user the exception lets change locked documents. Leave it "
        "empty to let everyone change them.",
    )
    date_end = fields.Datetime(string="Valid Until", required=True)
    reason = fields.Text(required=True)
    granted_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Granted By",
        default=lambda self: self.env.user,
        readonly=True,
    )
    active = fields.Boolean(default=True)
    revoked_by_id = fields.Many2one(
        comodel_name="res.users", string="Revoked By", readonly=True
    )
    state = fields.Selection(
        selection=[
            ("active", "Active"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
        ],
        compute="_compute_state",
    )
    log_ids = fields.One2many(
        comodel_name="sale.closing.log",
        inverse_name="exception_id",
        string="Changes Made",
    )

    # === COMPUTES === #
    @api.depends("active", "date_end")
    def _compute_state(self):
        now = fields.Datetime.now()
        for exception in self:
            if not exception.active:
                exception.state = "revoked"
            elif exception.date_end and exception.date_end <= now:
                exception.state = "expired"
            else:
                exception.state = "active"

    def _compute_display_name(self):
        for exception in self:
            exception.display_name = self.env._(
                "%(period)s exception for %(user)s",
                period=exception.period_id.name or "",
                user=exception.user_id.name or self.env._("everyone"),
            )

    # === CONSTRAINTS === #
    @api.constrains("date_end", "reason")
    def _check_date_end_reason(self):
        now = fields.Datetime.now()
        for exception in self:
            if not (exception.reason or "").strip():
                raise ValidationError(self.env._("Say why the exception is granted."))
            self.env["sale.closing.lock"]._check_reason_length(
                exception.reason, ValidationError
            )
            if exception.date_end <= now and exception.active:
                raise ValidationError(
                    self.env._(
                        "A lock exception must end in the future; %(end)s is past.",
                        end=exception.date_end,
                    )
                )

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        exceptions = super().create(vals_list)
        for exception in exceptions:
            exception.period_id.message_post(
                body=self.env._(
                    "Lock exception granted to %(user)s until %(end)s by %(by)s. "
                    "Reason: %(reason)s",
                    user=exception.user_id.name or self.env._("everyone"),
                    end=fields.Datetime.to_string(exception.date_end),
                    by=exception.granted_by_id.name,
                    reason=exception.reason,
                )
            )
        exceptions.filtered(
            lambda e: e.period_id.state in ("invoicing_locked", "closed")
        )._create_account_lock_exceptions()
        return exceptions

    def write(self, vals):
        if {"period_id", "user_id", "date_end", "reason"} & vals.keys():
            raise UserError(
                self.env._(
                    "A granted lock exception cannot be changed; revoke it and "
                    "grant a new one."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_granted(self):
        raise UserError(
            self.env._(
                "Lock exceptions are part of the audit trail: revoke them instead "
                "of deleting them."
            )
        )

    # === ACTIONS === #
    def action_revoke(self):
        if not self.env.user.has_group("sales_closing.group_sale_closing_manager"):
            raise UserError(
                self.env._("Only a Sales Closing Manager can revoke a lock exception.")
            )
        for exception in self.filtered("active"):
            # Odoo's action_revoke() wants an accounting adviser; a Sales
            # Closing Manager may revoke what sales closing granted.
            account_exceptions = exception._get_account_lock_exceptions().sudo()
            account_exceptions.write(
                {"active": False, "end_datetime": fields.Datetime.now()}
            )
            account_exceptions._invalidate_affected_user_lock_dates()
            exception.write({"active": False, "revoked_by_id": self.env.user.id})
            exception.period_id.message_post(
                body=self.env._(
                    "Lock exception of %(user)s revoked by %(by)s.",
                    user=exception.user_id.name or self.env._("everyone"),
                    by=self.env.user.name,
                )
            )
        return True

    # === BUSINESS METHODS === #
    def _prepare_account_lock_exception_vals(self):
        """Return the values of the Odoo lock exception that relaxes the
        company's Sales Lock Date for this exception's user and time."""
        self.ensure_one()
        return {
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "end_datetime": self.date_end,
            "reason": self._account_lock_exception_reason(),
            "sale_lock_date": self.period_id.date_start - datetime.timedelta(days=1),
        }

    def _account_lock_exception_reason(self):
        return self.env._(
            "Sales closing %(period)s: %(reason)s",
            period=self.period_id.name,
            reason=self.reason,
        )

    def _create_account_lock_exceptions(self):
        """Relax Odoo's own Sales Lock Date for these exceptions."""
        exceptions = self.filtered(
            lambda e: e.company_id.sale_closing_lock_invoices
            and e.state == "active"
            and not e._get_account_lock_exceptions()
        )
        if exceptions:
            self.env["account.lock_exception"].sudo().create(
                [e._prepare_account_lock_exception_vals() for e in exceptions]
            )

    def _get_account_lock_exceptions(self):
        """Return the active Odoo lock exceptions created for this exception.

        Odoo recreates its exceptions when a lock date changes, so they are
        found by what they hold rather than kept in a link."""
        self.ensure_one()
        return (
            self.env["account.lock_exception"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("user_id", "=", self.user_id.id),
                    ("end_datetime", "=", self.date_end),
                    ("lock_date_field", "=", "sale_lock_date"),
                    ("reason", "=", self._account_lock_exception_reason()),
                    ("state", "=", "active"),
                ]
            )
        )
