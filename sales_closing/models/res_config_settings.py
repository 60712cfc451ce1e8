# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sale_closing_lock_orders = fields.Boolean(
        related="company_id.sale_closing_lock_orders", readonly=False
    )
    sale_closing_lock_deliveries = fields.Boolean(
        related="company_id.sale_closing_lock_deliveries", readonly=False
    )
    sale_closing_lock_invoices = fields.Boolean(
        related="company_id.sale_closing_lock_invoices", readonly=False
    )
    sale_closing_lock_payments = fields.Boolean(
        related="company_id.sale_closing_lock_payments", readonly=False
    )
    sale_closing_order_lock_policy = fields.Selection(
        related="company_id.sale_closing_order_lock_policy", readonly=False
    )
    sale_closing_allow_early_close = fields.Boolean(
        related="company_id.sale_closing_allow_early_close", readonly=False
    )
    sale_closing_check_days = fields.Integer(
        related="company_id.sale_closing_check_days", readonly=False
    )
    sale_closing_anomaly_months = fields.Integer(
        related="company_id.sale_closing_anomaly_months", readonly=False
    )
    sale_closing_anomaly_threshold = fields.Float(
        related="company_id.sale_closing_anomaly_threshold", readonly=False
    )
    sale_closing_anomaly_min_amount = fields.Float(
        related="company_id.sale_closing_anomaly_min_amount", readonly=False
    )
    sale_closing_background_lines = fields.Integer(
        related="company_id.sale_closing_background_lines", readonly=False
    )
    sale_closing_reminder_days = fields.Integer(
        related="company_id.sale_closing_reminder_days", readonly=False
    )
    sale_closing_aging_bucket_ids = fields.One2many(
        related="company_id.sale_closing_aging_bucket_ids", readonly=False
    )
