# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What uninstalling gives back: each company's Sales Lock Date as it was
before the periods of sales_closing moved it (Odoo's own field stays)."""


def uninstall_hook(env):
    """Walk the periods back as reopenings would, latest first: where the
    company's Sales Lock Date is still the end a period set, give back the
    date it replaced (``sale_lock_date_before``). A date set outside sales
    closing since is left as is, as reopening leaves it."""
    periods = (
        env["sale.closing.period"]
        .sudo()
        .search(
            [("state", "in", ("invoicing_locked", "closed"))],
            order="date_start desc, id desc",
        )
    )
    for company in periods.company_id:
        for period in periods.filtered(lambda p, c=company: p.company_id == c):
            if company.sale_lock_date == period.date_end:
                company.sale_lock_date = period.sale_lock_date_before
