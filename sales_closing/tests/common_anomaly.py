# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The month the sales anomaly tests share: October 2026 against April to
September.

Six months of history, posted through Odoo's invoicing, and an October with
exactly four unusual things: Deco Addict buys ten times its usual, the Desks
category sells 90 % less, Marc Demo's discount rate jumps from 5 % to 40 %,
and one line is sold below cost. Everything else varies as it did before.

The history, per month (April … September), one invoice per customer:

=========  =======  ======  ========================================  =========
customer   seller   categ.  lines (quantity × price, discount)         October
=========  =======  ======  ========================================  =========
Deco       Joel     Chairs  10 × 100, 98, 102, 100, 99, 101            100 × 100
Azure      Joel     Chairs  50, 150, 80, 200, 30, 120 × 100 at 0, 10,  100 × 100 at
                            0, 10, 5, 0 %                              5 %; 2 × 35
Azure      Joel     Desks   10 × 500, 510, 490, 500, 505, 495          1 × 500
Gemini     Marc     Lamps   40, 48, 36, 40, 44, 38 × 50 at 5 %         40 × 50 at 40 %
Ready Mat  Marc     Lamps   40, 36, 44, 42, 38, 40 × 50 at 5 %         40 × 50 at 40 %
Lumber     Anita    Lamps   200, 400, 100, 300, 150, 350 × 50 at 0,    250 × 50 at 5 %
                            10, 0, 10, 5, 0 %; June: 10 credited       10 credited
=========  =======  ======  ========================================  =========

Threshold 3.5, minimum amount 1,000.00; the costs (standard prices) are
Chairs 40, Lamps 20, Desks 200.
"""

from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user

from .common_checks import ChecksCommon

HISTORY_MONTHS = ("04", "05", "06", "07", "08", "09")


class AnomalyCommon(ChecksCommon):
    """A company with six months of sales history and an unusual October
    (see the module docstring)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["product.category"]
        cls.chairs, cls.lamps, cls.desks = (
            Category.create({"name": name}) for name in ("Chairs", "Lamps", "Desks")
        )
        cls.chair = cls._closing_product(
            "Chair", categ_id=cls.chairs.id, standard_price=40.0
        )
        cls.lamp = cls._closing_product(
            "Lamp", categ_id=cls.lamps.id, standard_price=20.0
        )
        cls.desk = cls._closing_product(
            "Desk", categ_id=cls.desks.id, standard_price=200.0
        )
        Partner = cls.env["res.partner"]
        cls.deco, cls.azure, cls.gemini, cls.ready, cls.lumber = (
            Partner.create({"name": name, "is_company": True})
            for name in (
                "Deco Addict",
                "Azure Interior",
                "Gemini Furniture",
                "Ready Mat",
                "Lumber Inc",
            )
        )
        cls.marc, cls.joel, cls.anita = (
            new_test_user(
                cls.env,
                login=login,
                name=name,
                groups="sales_team.group_sale_salesman",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
            for login, name in (
                ("marc", "Marc Demo"),
                ("joel", "Joel Willis"),
                ("anita", "Anita Oliver"),
            )
        )
        cls.company.write(
            {
                "sale_closing_anomaly_months": 6,
                "sale_closing_anomaly_threshold": 3.5,
                "sale_closing_anomaly_min_amount": 1000.0,
            }
        )

    # --- documents ----------------------------------------------------------
    @classmethod
    def _post(cls, day, partner, user, lines, move_type="out_invoice"):
        """Post an invoice (or credit note) of ``lines`` (product, quantity,
        price[, discount %]) for ``partner`` sold by ``user`` on ``day``."""
        return cls._post_all(day, [(partner, user, lines)], move_type)

    @classmethod
    def _post_all(cls, day, invoices, move_type="out_invoice"):
        """Post on ``day``, together, an invoice (or credit note) per
        ``(partner, user, lines)`` of ``invoices``, as ``_post`` posts one;
        numbered in that order."""
        with freeze_time(f"{day} 10:00:00"):
            moves = cls.env["account.move"].create(
                [
                    {
                        "move_type": move_type,
                        "partner_id": partner.id,
                        "invoice_user_id": user.id,
                        "invoice_date": day,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": line[0].id,
                                    "quantity": line[1],
                                    "price_unit": line[2],
                                    "discount": line[3] if len(line) > 3 else 0.0,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                            for line in lines
                        ],
                    }
                    for partner, user, lines in invoices
                ]
            )
            moves.action_post()
        return moves

    @contextmanager
    def _layers_dated(self, when):
        """Date the valuation layers the block creates at ``when``."""
        Layer = self.env["stock.valuation.layer"].sudo()
        before = Layer.search([], order="id desc", limit=1).id or 0
        yield
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_valuation_layer SET create_date = %s WHERE id > %s",
            [when, before],
        )
        self.env.invalidate_all()

    def _count_in(self, product, qty, day):
        """Count ``qty`` in stock (valued at the standard price)."""
        with self._layers_dated(f"{day} 09:00:00"):
            self._inventory(product, qty, day)

    @classmethod
    def _history(cls):
        """April to September as in the table of the module docstring."""
        periods = cls.periods.filtered(lambda p: p.name[5:] in HISTORY_MONTHS)
        periods._set_stage("open")
        for index, month in enumerate(HISTORY_MONTHS):
            # the month's five invoices, posted together
            cls._post_all(
                f"2026-{month}-10",
                [
                    (
                        cls.deco,
                        cls.joel,
                        [(cls.chair, 10, 100 + (0, -2, 2, 0, -1, 1)[index])],
                    ),
                    (
                        cls.azure,
                        cls.joel,
                        [
                            (
                                cls.chair,
                                (50, 150, 80, 200, 30, 120)[index],
                                100,
                                (0, 10, 0, 10, 5, 0)[index],
                            ),
                            (cls.desk, 10, (500, 510, 490, 500, 505, 495)[index]),
                        ],
                    ),
                    (
                        cls.gemini,
                        cls.marc,
                        [(cls.lamp, (40, 48, 36, 40, 44, 38)[index], 50, 5)],
                    ),
                    (
                        cls.ready,
                        cls.marc,
                        [(cls.lamp, (40, 36, 44, 42, 38, 40)[index], 50, 5)],
                    ),
                    (
                        cls.lumber,
                        cls.anita,
                        [
                            (
                                cls.lamp,
                                (200, 400, 100, 300, 150, 350)[index],
                                50,
                                (0, 10, 0, 10, 5, 0)[index],
                            )
                        ],
                    ),
                ],
            )
        cls._post(
            "2026-06-20", cls.lumber, cls.anita, [(cls.lamp, 10, 50)], "out_refund"
        )
        periods._set_stage("closed")

    @classmethod
    def _october(cls, below_cost=True):
        """October as in the table; ``below_cost``: with the 2 chairs at 35."""
        day = "2026-10-15"
        cls._post(day, cls.deco, cls.joel, [(cls.chair, 100, 100)])
        below_cost = cls._post(
            day,
            cls.azure,
            cls.joel,
            [(cls.chair, 100, 100, 5), (cls.chair, 2, 35 if below_cost else 100)]
            + [(cls.desk, 1, 500)],
        )
        cls._post(day, cls.gemini, cls.marc, [(cls.lamp, 40, 50, 40)])
        cls._post(day, cls.ready, cls.marc, [(cls.lamp, 40, 50, 40)])
        cls._post(day, cls.lumber, cls.anita, [(cls.lamp, 250, 50, 5)])
        cls._post(
            "2026-10-20",
            cls.lumber,
            cls.anita,
            [(cls.lamp, 10, 50, 5)],
            "out_refund",
        )
        return below_cost.invoice_line_ids[1]

    def _anomalies(self, period=None):
        return self._results("sales_anomaly", period).sorted("key")

    def _one(self, results, key):
        found = results.filtered(lambda r: r.key == key)
        self.assertEqual(len(found), 1, key)
        return found

    # --- the seventh month ----------------------------------------------------
