# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The base of the close pack tests: a month of sales worked out by hand.

October 2026, company currency USD, built through Odoo's flows:

- *Std Widget* (standard cost 40.00, category *Pack Standard*) and *Avco
  Gear* (average cost, category *Pack Average*: 10 received at 50.00 and 10
  at 70.00 in September, 60.00 each), both invoiced on delivery, tax free.
- Team East (salesperson Ella, target 1,000.00 a month) sells to Customer A:
  10 Std Widget at 100.00 less 10 % (90.00 net), delivered Oct 5,
  invoiced Oct 6 (900.00, discount 100.00); 2 returned Oct 20 and credited
  Oct 21 (−180.00, discount −20.00). Cost 400.00, 80.00 taken back.
- Team West (salesperson Wes, target 500.00 a month) sells to Customer B in
  EUR (2.0 EUR per USD, 2.5 from Oct 31): 5 Avco Gear at 200.00 EUR,
  delivered Oct 8 (cost 5 × 60.00 = 300.00), 3 invoiced Oct 9 (600.00 EUR
  at 2.0 = 300.00); 2 delivered not invoiced: 400.00 EUR accrued at the
  period-end rate 2.5 = 160.00.
- September: 4 Std Widget at 100.00 to Customer A by Ella (revenue 400.00,
  cost 160.00). October 2025: 1 Std Widget at 100.00 (revenue 100.00, cost
  40.00).

October: invoiced 1,200.00, credit notes −180.00, accrued 160.00, revenue
1,180.00; cost 700.00 − 80.00 = 620.00; margin 560.00, 47.46 %.
"""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from .common_posting import PostingCommon


class PackCommon(PostingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.categ_std = Category.create(
            {"name": "Pack Standard", "property_cost_method": "standard"}
        )
        cls.categ_avco = Category.create(
            {"name": "Pack Average", "property_cost_method": "average"}
        )
        cls.std = cls._closing_product(
            "Std Widget",
            invoice_policy="delivery",
            categ_id=cls.categ_std.id,
            standard_price=40.0,
        )
        cls.avco = cls._closing_product(
            "Avco Gear", invoice_policy="delivery", categ_id=cls.categ_avco.id
        )
        cls.customer_a = cls.env["res.partner"].create({"name": "Customer A"})
        cls.customer_b = cls.env["res.partner"].create({"name": "Customer B"})
        users = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        groups = "sales_team.group_sale_salesman"
        cls.ella = new_test_user(
            cls.env, "pack_ella", groups=groups, name="Ella", **users
        )
        cls.wes = new_test_user(cls.env, "pack_wes", groups=groups, name="Wes", **users)
        Team = cls.env["crm.team"]
        cls.team_east = Team.create(
            {"name": "Team East", "company_id": cls.company.id, "invoiced_target": 1000}
        )
        cls.team_west = Team.create(
            {"name": "Team West", "company_id": cls.company.id, "invoiced_target": 500}
        )
        cls.eur = cls.setup_other_currency(
            "EUR", rates=[("2016-01-01", 2.0), ("2026-10-31", 2.5)]
        )
        cls.pricelist_eur = cls.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.eur.id}
        )
        cls._receive(cls.std, 50, 40.0, "2026-09-01")
        cls._receive(cls.avco, 10, 50.0, "2026-09-02")
        cls._receive(cls.avco, 10, 70.0, "2026-09-03")
        # September (reopened behind the scenes to record it) and Oct 2025
        cls.period_sep._set_stage("open")
        sep = cls._sale_to(
            "2026-09-09", cls.customer_a, cls.ella, cls.team_east, [(cls.std, 4, 100.0)]
        )
        cls._deliver(sep, 4, "2026-09-10")
        cls._invoice_qty(cls, sep, "2026-09-11")
        cls.period_sep._set_stage("closed")
        last_year = cls._sale_to(
            "2025-10-14", cls.customer_a, cls.ella, cls.team_east, [(cls.std, 1, 100.0)]
        )
        cls._deliver(last_year, 1, "2025-10-15")
        cls._invoice_qty(cls, last_year, "2025-10-16")
        # October
        cls.order_a = cls._sale_to(
            "2026-10-02",
            cls.customer_a,
            cls.ella,
            cls.team_east,
            [(cls.std, 10, 100.0, 10.0)],
        )
        picking = cls._deliver(cls.order_a, 10, "2026-10-05")
        cls.invoice_a = cls._invoice_qty(cls, cls.order_a, "2026-10-06")
        cls._return(picking, 2, "2026-10-20")
        cls.refund_a = cls._refund(cls, cls.invoice_a, "2026-10-21", qty=2)
        cls.order_b = cls._sale_to(
            "2026-10-07",
            cls.customer_b,
            cls.wes,
            cls.team_west,
            [(cls.avco, 5, 200.0)],
            pricelist=cls.pricelist_eur,
        )
        cls._deliver(cls.order_b, 5, "2026-10-08")
        cls.invoice_b = cls._invoice_qty(cls, cls.order_b, "2026-10-09", {cls.avco: 3})
        cls.rule = cls._rule()

    @classmethod
    def _receive(cls, product, qty, unit_cost, day):
        """Receive ``qty`` of ``product`` from a vendor at ``unit_cost``."""
        with freeze_time(f"{day} 08:00:00"):
            move = cls.env["stock.move"].create(
                {
                    "name": f"Receipt of {product.name}",
                    "product_id": product.id,
                    "product_uom_qty": qty,
                    "product_uom": product.uom_id.id,
                    "price_unit": unit_cost,
                    "location_id": cls.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": cls.stock_location.id,
                    "company_id": cls.company.id,
                }
            )
            move._action_confirm()
            move._action_assign()
            move.write({"quantity": qty, "picked": True})
            move._action_done()
        return move

    @classmethod
    def _sale_to(cls, day, partner, user, team, lines, pricelist=None):
        """Confirm an order of ``lines`` (product, qty, price[, discount])."""
        with freeze_time(f"{day} 10:00:00"):
            vals = {
                "partner_id": partner.id,
                "user_id": user.id,
                "team_id": team.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": line[0].id,
                            "product_uom_qty": line[1],
                            "price_unit": line[2],
                            "discount": line[3] if len(line) > 3 else 0.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for line in lines
                ],
            }
            if pricelist:
                vals["pricelist_id"] = pricelist.id
            order = cls.env["sale.order"].create(vals)
            for line, values in zip(order.order_line, lines, strict=True):
                line.price_unit = values[2]
                line.discount = values[3] if len(values) > 3 else 0.0
            order.action_confirm()
        return order
