# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.4.0, after the module loaded: the aging texts kept by
``pre-migrate.py`` become each company's bucket lines.

A company whose receivables aging check and allowance rules agree gets the
buckets they described, with the rules' percentages (without a rule, each
bucket takes the default percentage of the default bucket it falls in). When
they disagree, or a text is invalid, the company keeps the default buckets
and a warning says why (``lib/legacy_aging.py``).
"""

import logging
from collections import defaultdict

from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL
from odoo.tools.sql import table_exists

from odoo.addons.sales_closing.lib.legacy_aging import legacy_buckets
from odoo.addons.sales_closing.models.sale_closing_aging_bucket import (
    DEFAULT_AGING_BUCKETS,
)

_logger = logging.getLogger("odoo.addons.sales_closing.migrations")

LEGACY_TABLE = "sale_closing_aging_legacy"


def apply_legacy_aging(env):
    """Write the bucket lines the kept texts give, company by company; drop
    the table of kept texts. Return the companies whose lines were set."""
    cr = env.cr
    if not table_exists(cr, LEGACY_TABLE):
        return env["res.company"]
    cr.execute(
        SQL(
            """SELECT company_id, source, active, aging_buckets, aging_percentages
                 FROM %s ORDER BY company_id, source, active DESC""",
            SQL.identifier(LEGACY_TABLE),
        )
    )
    texts = defaultdict(lambda: {"check": None, "rules": [], "archived": []})
    for company_id, source, active, buckets, percentages in cr.fetchall():
        if source == "check":
            texts[company_id]["check"] = buckets
        else:
            key = "rules" if active else "archived"
            texts[company_id][key].append((buckets, percentages))
    done = env["res.company"]
    companies = env["res.company"].with_context(active_test=False).browse(texts)
    for company in companies.exists():
        found = texts[company.id]
        # an archived rule speaks only when no active one does
        rules = found["rules"] or found["archived"]
        buckets, problem = legacy_buckets(found["check"], rules, DEFAULT_AGING_BUCKETS)
        if problem:
            _logger.warning(
                "sales_closing: %s keeps the default aging buckets: %s. Set "
                "its buckets in Settings, Sales Closing.",
                company.name,
                problem,
            )
            continue
        if buckets:
            company.write(
                {
                    "sale_closing_aging_bucket_ids": [
                        Command.delete(line.id)
                        for line in company.sale_closing_aging_bucket_ids
                    ]
                    + [
                        Command.create({"days_from": days, "percentage": rate})
                        for days, rate in buckets
                    ]
                }
            )
            done |= company
            _logger.info(
                "sales_closing: %s aging buckets from 18.0.1.3.0: %s",
                company.name,
                ", ".join(f"{days}: {rate:g}%" for days, rate in buckets),
            )
    cr.execute(SQL("DROP TABLE %s", SQL.identifier(LEGACY_TABLE)))
    return done


def migrate(cr, version):
    if version:
        apply_legacy_aging(api.Environment(cr, SUPERUSER_ID, {}))
