"""Section 1 of the walkthrough: the demo company context.

On the main company: a chart of accounts, bank receipts that post, a second
currency with a rate per demo month, three customers, two storable products
with stock (one invoiced on delivery, one on order) and an export pricelist.
"""

from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields

from .common import banner, check, info

#: Reference of the first demo customer: tells whether the demo already ran.
DEMO_REF = "SC-DEMO-1"


def month_starts(today):
    """Return the first days of the three months before ``today``'s month."""
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in (3, 2, 1)]


def ensure_chart_of_accounts(env, company):
    if company.chart_template:
        info(f"Chart of accounts already installed: {company.chart_template}")
        return
    env["account.chart.template"].try_loading(
        "generic_coa", company=company, install_demo=False
    )
    info(f"Installed the chart of accounts {company.chart_template}")


def setup_currency(env, company, months):
    """Activate the second currency and give it a rate for each demo month."""
    code = "EUR" if company.currency_id.name != "EUR" else "USD"
    currency = env.ref(f"base.{code}")
    currency.active = True
    rates = (0.91, 0.93, 0.95)
    env["res.currency.rate"].create(
        [
            {
                "name": start,
                "rate": rate,
                "currency_id": currency.id,
                "company_id": company.id,
            }
            for start, rate in zip(months, rates, strict=True)
        ]
    )
    for start, rate in zip(months, rates, strict=True):
        info(
            f"Rate {currency.name}: {rate} per {company.currency_id.name} from {start}"
        )
    return currency


def setup_bank_receipts(env, company):
    """Let bank receipts post a journal entry that reconciles the invoices.

    Odoo 18's generic chart has no outstanding receipts account, so customer
    payments would stay without an entry; give the bank journal one.
    """
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    methods = bank.inbound_payment_method_line_ids.filtered(
        lambda line: not line.payment_account_id
    )
    if not methods:
        return
    account = env["account.account"].create(
        {
            "code": "101499",
            "name": "Outstanding Receipts (demo)",
            "account_type": "asset_current",
            "reconcile": True,
        }
    )
    methods.payment_account_id = account
    info(f"Bank receipts of {bank.name} post to {account.display_name}")


def create_customers(env):
    """Create the three demo customers (the first one carries ``DEMO_REF``)."""
    customers = env["res.partner"].create(
        [
            {"name": name, "ref": f"SC-DEMO-{n}", "tz": "UTC", "is_company": True}
            for n, name in enumerate(
                ("Azure Interior", "Deco Addict", "Lumber Export GmbH"), start=1
            )
        ]
    )
    info("Customers: " + ", ".join(customers.mapped("name")))
    return customers


def create_products(env, company):
    """Create the two storable products with 1,000 of each in stock.

    :return: the product invoiced on delivery, the one invoiced on order
    """
    product_vals = {"type": "consu", "is_storable": True, "standard_price": 40.0}
    shipped = env["product.product"].create(
        dict(
            product_vals,
            name="Office Chair",
            list_price=120.0,
            invoice_policy="delivery",
        )
    )
    ordered = env["product.product"].create(
        dict(product_vals, name="Desk Lamp", list_price=25.0, invoice_policy="order")
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    # counted in through an inventory adjustment dated before the demo's
    # months, so that the stock has a value and the close pack's stock
    # movement opens with it (a bare quant has no valuation layer)
    counted = fields.Date.context_today(env.user).replace(day=1) - relativedelta(
        months=3, days=1
    )
    with freeze_time(f"{counted} 08:00:00"):
        env["stock.quant"].with_context(inventory_mode=True).create(
            [
                {
                    "product_id": product.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "inventory_quantity": 1000,
                }
                for product in shipped | ordered
            ]
        ).action_apply_inventory()
    env.invalidate_all()
    for product in shipped | ordered:
        info(
            f"Product {product.name}: invoiced on {product.invoice_policy}, "
            f"{product.qty_available:g} {product.uom_id.name} in stock"
        )
    return shipped, ordered


def setup_demo(env):
    """Section 1: demo company context on the main company."""
    banner("1. Demo company context")
    company = env.company
    check(
        not env["res.partner"].search_count([("ref", "=", DEMO_REF)]),
        "this database already holds the demo: run the walkthrough on a fresh one",
    )
    today = fields.Date.context_today(env.user)
    months = month_starts(today)
    info(f"Company: {company.name} ({company.currency_id.name}); today is {today}")
    ensure_chart_of_accounts(env, company)
    setup_bank_receipts(env, company)
    company.partner_id.tz = "UTC"
    env.ref("base.user_admin").tz = "UTC"
    currency = setup_currency(env, company, months)
    customers = create_customers(env)
    shipped, ordered = create_products(env, company)
    pricelist = env["product.pricelist"].create(
        {
            "name": f"Export ({currency.name})",
            "currency_id": currency.id,
            "company_id": company.id,
        }
    )
    env.cr.commit()
    return SimpleNamespace(
        company=company,
        today=today,
        months=months,
        customers=customers,
        shipped=shipped,
        ordered=ordered,
        dozen=env.ref("uom.product_uom_dozen"),
        currency=currency,
        pricelist=pricelist,
    )
