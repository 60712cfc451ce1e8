# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager, suppress

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from . import shared_base


class _Undo(Exception):
    """Raised to roll back what an allowed attempt changed."""


#: The closing users of ``SaleClosingCommon``: attribute → (login, groups).
CLOSING_USERS = {
    "salesman": (
        "closing_salesman",
        "sales_team.group_sale_salesman_all_leads,stock.group_stock_user",
    ),
    "billing_user": (
        "closing_billing",
        "account.group_account_invoice,sales_team.group_sale_salesman_all_leads,"
        "stock.group_stock_user",
    ),
    "stock_user": ("closing_stock", "stock.group_stock_user"),
    "closing_manager": (
        "closing_manager",
        "sales_closing.group_sale_closing_manager,base.group_user",
    ),
}


class SaleClosingCommon(AccountTestInvoicingCommon):
    """A company with periods 2026-09 … 2026-12, stock, and users of every
    kind. Documents are made through Odoo's flows at frozen dates."""

    #: Which of the four closing users (``salesman``, ``billing_user``,
    #: ``stock_user``, ``closing_manager``) setUpClass makes: True for all of
    #: them, or the names of those the class's tests use (False: none). Each
    #: user costs about as much as a tenth of the class's company and chart
    #: of accounts.
    closing_users = True

    #: Whether, under ``dev.py pytest``, the class may run on the base that
    #: classes share there (see ``shared_base``); False for a class whose
    #: tests use database connections of their own.
    shared_base = True
    #: What the class that builds that shared base changes (users are made
    #: per class).
    _base_builder_values = {"closing_users": False}

    @classmethod
    def setUpClass(cls):
        if shared_base.runs_on_it(cls, SaleClosingCommon):
            shared_base.set_up_class(cls, SaleClosingCommon)
        else:
            shared_base.release()  # nothing of it may hold locks meanwhile
            super().setUpClass()
            cls._set_up_closing_base()
        if cls.closing_users:
            cls._create_closing_users()

    @classmethod
    def _set_up_closing_base(cls):
        """After Odoo's ``AccountTestInvoicingCommon`` (a company with its
        chart of accounts): the company's warehouse, product and periods."""
        cls.company = cls.company_data["company"]
        cls.company.partner_id.tz = "UTC"
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.product = cls._closing_product("Closing Widget", list_price=100.0)
        cls.env["stock.quant"]._update_available_quantity(
            cls.product, cls.stock_location, 1000.0
        )
        Period = cls.env["sale.closing.period"]
        cls.periods = Period._generate_periods(cls.company, 2026)
        cls.period_sep, cls.period_oct, cls.period_nov = (
            cls._period("2026-09"),
            cls._period("2026-10"),
            cls._period("2026-11"),
        )
        # Everything before September is closed, so that the order of
        # stages lets October lock.
        cls.periods.filtered(
            lambda p: p.date_end < cls.period_sep.date_start
        )._set_stage("closed")
        cls.period_sep._set_stage("closed")
        cls.company.sale_lock_date = False

    @classmethod
    def _create_closing_users(cls):
        """The salesman, billing user, stock user and closing manager of the
        company, or those of them ``closing_users`` names."""
        company_ids = [Command.set(cls.company.ids)]
        user_vals = {"company_id": cls.company.id, "company_ids": company_ids}
        wanted = cls.closing_users
        for name, (login, groups) in CLOSING_USERS.items():
            if wanted is True or name in wanted:
                user = new_test_user(cls.env, login=login, groups=groups, **user_vals)
                setattr(cls, name, user)

    @classmethod
    def _closing_product(cls, name, **vals):
        """A tax-free storable product invoiced on order, unless ``vals`` say
        otherwise (built by Odoo's own test helper)."""
        return cls._create_product(
            **{
                "name": name,
                "is_storable": True,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
                **vals,
            }
        )

    @classmethod
    def _period(cls, name):
        return cls.periods.filtered(lambda p: p.name == name)

    # --- documents through Odoo's flows ------------------------------------
    @classmethod
    def _order(cls, day, qty=10.0, price=100.0, confirm=True, partner=None):
        """Create (and confirm) an order on ``day`` (a 'YYYY-MM-DD' string)."""
        with freeze_time(f"{day} 10:00:00"):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": (partner or cls.partner_a).id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            if confirm:
                order.action_confirm()
        return order

    @classmethod
    def _deliver(cls, order, qty, day, env=None):
        """Validate ``qty`` of the order's open delivery on ``day``."""
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        if env is not None:
            picking = picking.with_env(env)
        with freeze_time(f"{day} 12:00:00"):
            picking.move_ids.write({"quantity": qty, "picked": True})
            action = picking.button_validate()
            if isinstance(action, dict):
                Form.from_action(picking.env, action).save().process()
        return picking

    @classmethod
    def _return(cls, picking, qty, day, to_refund=True, **context):
        """Return ``qty`` of a done ``picking`` on ``day`` and validate it;
        ``context`` goes to the validation (e.g. ``force_period_date``)."""
        with freeze_time(f"{day} 12:00:00"):
            wizard = Form(
                cls.env["stock.return.picking"].with_context(
                    active_id=picking.id, active_model="stock.picking"
                )
            ).save()
            wizard.product_return_moves.write({"quantity": qty, "to_refund": to_refund})
            action = wizard.action_create_returns()
            returned = cls.env["stock.picking"].browse(action["res_id"])
            returned = returned.with_context(**context)
            returned.move_ids.write({"quantity": qty, "picked": True})
            returned.button_validate()
        return returned

    @classmethod
    def _invoice(cls, order, day, post=True):
        with freeze_time(f"{day} 14:00:00"):
            invoice = order._create_invoices()
            invoice.invoice_date = fields.Date.to_date(day)
            if post:
                invoice.action_post()
        return invoice

    @classmethod
    def _pay(cls, invoice, day, amount=None):
        with freeze_time(f"{day} 15:00:00"):
            wizard = (
                cls.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "payment_date": fields.Date.to_date(day),
                        **({"amount": amount} if amount else {}),
                    }
                )
            )
            payments = wizard._create_payments()
        return payments

    # --- stages -------------------------------------------------------------
    def _stage(self, period, stage):
        """Put ``period`` at ``stage`` the way a manager would, walking
        through the stages (the test runs as an accounting adviser)."""
        order = ["open", "sales_locked", "invoicing_locked", "closed"]
        with freeze_time("2026-12-15 09:00:00"):
            while order.index(period.state) < order.index(stage):
                period.action_advance(
                    period.state, order[order.index(period.state) + 1]
                )
            while order.index(period.state) > order.index(stage):
                period._reopen("test walks back", stage_from=period.state)

    # --- attempts -----------------------------------------------------------
    @contextmanager
    def _undone(self):
        """Run the block and roll back whatever it changed."""
        with suppress(_Undo), self.env.cr.savepoint():
            yield
            self.env.flush_all()
            raise _Undo()
        self.env.invalidate_all()

    def _assert_locked(self, attempt, regex="locked"):
        from odoo.exceptions import UserError

        with self.assertRaisesRegex(UserError, regex):
            attempt()
        self.env.invalidate_all()

    def _assert_allowed(self, attempt):
        with self._undone():
            attempt()
