# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.4.0, before the module loads: keep the aging texts of 18.0.1.3.0.

The receivables aging check (``sale_closing_check.aging_buckets``) and the
posting rules (``sale_closing_posting_rule.aging_buckets``,
``aging_percentages``) lose these columns to the company's bucket lines
(``sale.closing.aging.bucket``); Odoo drops the columns of removed fields at
the end of the update. Their values go to a table of their own here, which
``post-migrate.py`` turns into bucket lines and then drops.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger("odoo.addons.sales_closing.migrations")

LEGACY_TABLE = "sale_closing_aging_legacy"


def save_legacy_aging(cr):
    """Copy the old aging texts into ``LEGACY_TABLE``: one row per receivables
    aging check and per allowance rule that has them. Return the row count."""
    check = column_exists(cr, "sale_closing_check", "aging_buckets")
    rule = column_exists(
        cr, "sale_closing_posting_rule", "aging_buckets"
    ) and column_exists(cr, "sale_closing_posting_rule", "aging_percentages")
    if not (check or rule):
        return 0
    cr.execute(
        SQL(
            """CREATE TABLE IF NOT EXISTS %s (
                   company_id integer NOT NULL,
                   source varchar NOT NULL,
                   active boolean,
                   aging_buckets varchar,
                   aging_percentages varchar)""",
            SQL.identifier(LEGACY_TABLE),
        )
    )
    count = 0
    if check:
        cr.execute(
            SQL(
                """INSERT INTO %s (company_id, source, active, aging_buckets)
                   SELECT company_id, 'check', TRUE, aging_buckets
                     FROM sale_closing_check
                    WHERE code = 'receivable_aging' AND company_id IS NOT NULL""",
                SQL.identifier(LEGACY_TABLE),
            )
        )
        count += cr.rowcount
    if rule:
        cr.execute(
            SQL(
                """INSERT INTO %s (company_id, source, active, aging_buckets,
                                   aging_percentages)
                   SELECT company_id, 'rule', active, aging_buckets,
                          aging_percentages
                     FROM sale_closing_posting_rule
                    WHERE rule_type = 'allowance' AND company_id IS NOT NULL""",
                SQL.identifier(LEGACY_TABLE),
            )
        )
        count += cr.rowcount
    _logger.info("sales_closing: %s aging settings of 18.0.1.3.0 kept", count)
    return count


def migrate(cr, version):
    if version:
        save_legacy_aging(cr)
