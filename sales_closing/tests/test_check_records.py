# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The records a check reads for its problems' sentences are read in one
query however many they are (the ORM alone reads 1,000 at a time)."""

from odoo.models import PREFETCH_MAX
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCheckRecords(TransactionCase):
    def _read_names(self, partners):
        Check = self.env["sale.closing.check"]
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        records = Check._records("res.partner", partners.ids)
        names = [records[pid].name for pid in partners.ids]
        return self.env.cr.sql_log_count - start, names

    def test_records_read_in_one_query_above_the_prefetch_size(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {i}"} for i in range(2 * PREFETCH_MAX + 1)]
        )
        self.env.flush_all()
        # the ORM would take 3 queries (1,000 + 1,000 + 1)
        count, names = self._read_names(partners)
        self.assertEqual(count, 1)
        self.assertEqual(names, partners.mapped("name"))
        count, names = self._read_names(partners[:10])
        self.assertEqual(count, 1)
        self.assertEqual(names, [f"Customer {i}" for i in range(10)])
