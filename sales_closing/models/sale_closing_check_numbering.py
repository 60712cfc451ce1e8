# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice numbering check: gaps, duplicates and order breaks in the
numbers of the customer invoices and credit notes of a period, per sales
journal and sequence.

Odoo numbers a move when it is posted (``sequence.mixin``): the name splits
into ``sequence_prefix`` (``INV/2026/``, ``RINV/2026/`` for credit notes with
their own sequence) and ``sequence_number``. A new prefix (a yearly or
monthly reset, another journal) starts a new sequence at 1, so a change of
prefix is never a gap. A cancelled invoice keeps its number; a draft that
was never posted has none; a number disappears only when the move holding
it is deleted (Odoo allows it for the last number of a sequence reset to
draft, or for any with accountant rights) or renamed (the resequence wizard).

A sequence is a prefix of the company: journal codes are unique per
company, so a prefix belongs to one journal unless names were typed over;
then the documents sharing it are one sequence to an auditor, and the same
name in two journals is a duplicate.

One query per period for every sales journal: window functions over the
numbers of each sequence that has a move in the period.
"""

import re

from odoo import models
from odoo.tools import SQL, LazyTranslate

from ..lib.sentences import plural

_lt = LazyTranslate(__name__)

#: How many missing numbers one result lists by name.
MAX_LISTED = 20


#: the numbers of the sequences used in a period, each with its neighbours
#: (window functions over the prefix, ordered by number)
NUMBERING_QUERY = """
            WITH sequences AS (
                SELECT DISTINCT m.sequence_prefix
                  FROM account_move m
                  JOIN account_journal j ON j.id = m.journal_id
                 WHERE %(numbered)s
                   AND m.state IN ('posted', 'cancel')
                   AND m.date BETWEEN %(start)s AND %(end)s
            ), numbers AS (
                SELECT m.id, m.name, m.journal_id, m.state, m.date,
                       m.sequence_prefix, m.sequence_number,
                       COALESCE(m.invoice_date, m.date) AS invoice_date,
                       LAG(m.sequence_number) OVER seq AS previous_number,
                       LAG(m.name) OVER seq AS previous_name,
                       MAX(COALESCE(m.invoice_date, m.date)::text || '|' || m.name)
                           OVER lower_numbers AS latest_before,
                       COUNT(*) OVER same_name AS name_count,
                       ARRAY_AGG(m.id) OVER same_name AS same_name_ids
                  FROM account_move m
                  JOIN account_journal j ON j.id = m.journal_id
                  JOIN sequences s ON s.sequence_prefix = m.sequence_prefix
                 WHERE %(numbered)s
                WINDOW seq AS (
                    PARTITION BY m.sequence_prefix
                    ORDER BY m.sequence_number, m.id
                ), lower_numbers AS (
                    PARTITION BY m.sequence_prefix ORDER BY m.sequence_number
                    RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                ), same_name AS (PARTITION BY m.name)
            )
            SELECT * FROM numbers
             WHERE state IN ('posted', 'cancel')
               AND date BETWEEN %(start)s AND %(end)s
          ORDER BY sequence_prefix, sequence_number, id
"""


class SaleClosingCheck(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.check"  # pylint: disable=consider-merging-classes-inherited

    def _get_results_invoice_numbering(self, period, data):
        """Gaps and order breaks (the check's severity), duplicates (always
        blocking, never waivable: an invoice number must never be used
        twice) and the cancelled invoices of the period (info: they explain
        no gap)."""
        rows = self._get_numbering_rows(period)
        moves = self._records("account.move", [row["id"] for row in rows])
        journals = self._records("account.journal", [row["journal_id"] for row in rows])
        results = []
        duplicates = set()
        for row in rows:
            move, journal = moves[row["id"]], journals[row["journal_id"]]
            if row["name_count"] > 1 and row["name"] not in duplicates:
                duplicates.add(row["name"])
                results.append(self._numbering_duplicate(row, move))
            if row["sequence_number"] - (row["previous_number"] or 0) > 1:
                results.append(self._numbering_gap(row, move, journal))
            if row["latest_before"] and row["latest_before"][:10] > str(
                row["invoice_date"]
            ):
                results.append(self._numbering_order_break(row, move))
            if row["state"] == "cancel":
                results.append(self._numbering_cancelled(move))
        return results

    def _get_mandatory_results_invoice_numbering(self, period, data):
        """The duplicates alone, found even when the check is switched off:
        an invoice number used twice must never pass a close."""
        rows = self._get_numbering_rows(period)
        moves = self._records("account.move", [row["id"] for row in rows])
        duplicates = {}
        for row in rows:
            if row["name_count"] > 1 and row["name"] not in duplicates:
                duplicates[row["name"]] = self._numbering_duplicate(
                    row, moves[row["id"]]
                )
        return list(duplicates.values())

    def _get_numbering_rows(self, period):
        """Return the numbered customer invoices and credit notes of the
        period's sales journals with an accounting date in the period, as
        dicts: the move, its sequence, the number before it in the sequence
        (whatever its date), the latest invoice date among lower numbers
        (``'YYYY-MM-DD|name'``) and the moves of the company that carry the
        same name.

        Raw SQL: the neighbours of a number in its sequence are window
        functions, which the ORM does not express."""
        self.env["account.move"].flush_model(
            [
                "name",
                "journal_id",
                "company_id",
                "move_type",
                "state",
                "date",
                "invoice_date",
                "sequence_prefix",
                "sequence_number",
            ]
        )
        self.env["account.journal"].flush_model(["type"])
        numbered = SQL(
            """
            m.company_id = %(company)s AND j.type = 'sale'
            AND m.move_type IN ('out_invoice', 'out_refund')
            AND m.name IS NOT NULL AND m.name != '/' AND m.sequence_number > 0
            """,
            company=period.company_id.id,
        )
        self.env.cr.execute(
            SQL(
                NUMBERING_QUERY,
                numbered=numbered,
                start=period.date_start,
                end=period.date_end,
            )
        )
        return self.env.cr.dictfetchall()

    # --- results ------------------------------------------------------------
    def _numbering_duplicate(self, row, move):
        others = self._records("account.move", row["same_name_ids"])
        described = self._join(
            "; ",
            [
                _lt(
                    "%(journal)s, %(partner)s, %(date)s",
                    journal=self._record(other.journal_id),
                    partner=other.commercial_partner_id.display_name or "-",
                    date=self._date(other.invoice_date or other.date),
                )
                for other in sorted(others.values(), key=lambda o: o.id)
            ],
        )
        return {
            "key": f"invoice_numbering:duplicate:{row['name']}",
            "severity": "blocking",
            "invoice_id": move.id,
            "journal_id": move.journal_id.id,
            "partner_id": move.commercial_partner_id.id,
            "quantity": row["name_count"],
            "name": _lt(
                "Number %(number)s is used by %(count)s documents (%(documents)s): "
                "an invoice number must be unique. Renumber the wrong one "
                "(Resequence) before closing; a duplicate number cannot be "
                "waived.",
                number=row["name"],
                count=row["name_count"],
                documents=described,
            ),
        }

    def _numbering_gap(self, row, move, journal):
        first = (row["previous_number"] or 0) + 1
        missing = list(range(first, row["sequence_number"]))
        names = [
            self._numbering_name(row["name"], row["sequence_prefix"], number)
            for number in missing[:MAX_LISTED]
        ]
        listed = ", ".join(names)
        if len(missing) > MAX_LISTED:
            listed = _lt(
                "%(names)s and %(count)s more",
                names=listed,
                count=len(missing) - MAX_LISTED,
            )
        values = {
            "journal": self._record(journal),
            "count": len(missing),
            "numbers": listed,
            "name": row["name"],
            "previous": row["previous_name"],
        }
        name = self._numbering_gap_sentence(values)
        return {
            "key": f"invoice_numbering:gap:{row['sequence_prefix']}:{first}",
            "invoice_id": move.id,
            "journal_id": journal.id,
            "partner_id": move.commercial_partner_id.id,
            "quantity": len(missing),
            "name": name,
        }

    def _numbering_gap_sentence(self, values):
        """Return the sentence of a gap of ``values["count"]`` numbers, in
        the singular or the plural, after the previous number or at the
        start of the sequence."""
        if values["previous"]:
            return plural(
                values["count"],
                _lt(
                    "%(journal)s: %(count)s number missing between %(previous)s "
                    "and %(name)s: %(numbers)s. No document carries it: an invoice "
                    "deleted after it was numbered, or a resequence, left this gap.",
                    **values,
                ),
                _lt(
                    "%(journal)s: %(count)s numbers missing between %(previous)s "
                    "and %(name)s: %(numbers)s. No document carries them: an invoice "
                    "deleted after it was numbered, or a resequence, left this gap.",
                    **values,
                ),
            )
        else:
            return plural(
                values["count"],
                _lt(
                    "%(journal)s: the sequence of %(name)s does not start at 1; "
                    "%(count)s number missing before it: %(numbers)s. No document "
                    "carries it: an invoice deleted after it was numbered, or a "
                    "resequence, left this gap.",
                    **values,
                ),
                _lt(
                    "%(journal)s: the sequence of %(name)s does not start at 1; "
                    "%(count)s numbers missing before it: %(numbers)s. No document "
                    "carries them: an invoice deleted after it was numbered, or a "
                    "resequence, left this gap.",
                    **values,
                ),
            )

    def _numbering_order_break(self, row, move):
        latest_date, latest_name = row["latest_before"].split("|", 1)
        return {
            "key": f"invoice_numbering:order:{move.id}",
            "invoice_id": move.id,
            "journal_id": move.journal_id.id,
            "partner_id": move.commercial_partner_id.id,
            "name": _lt(
                "%(name)s is dated %(date)s, before %(earlier)s (dated "
                "%(earlier_date)s) which has a lower number: invoices numbered "
                "out of date order are the sign of a back-dated invoice.",
                name=row["name"],
                date=self._date(row["invoice_date"]),
                earlier=latest_name,
                earlier_date=self._date(latest_date),
            ),
        }

    def _numbering_cancelled(self, move):
        return {
            "key": f"invoice_numbering:cancelled:{move.id}",
            "severity": "info",
            "invoice_id": move.id,
            "journal_id": move.journal_id.id,
            "partner_id": move.commercial_partner_id.id,
            "name": _lt(
                "%(name)s of %(partner)s, dated %(date)s, is cancelled: it keeps "
                "its number, so this number is not missing.",
                name=move.name,
                partner=move.commercial_partner_id.display_name or "-",
                date=self._date(move.invoice_date or move.date),
            ),
        }

    def _numbering_name(self, name, prefix, number):
        """Return the name ``number`` has in the sequence of ``name``: the
        same prefix, the same padding, the same suffix."""
        match = re.match(r"(\d*)(.*)", name[len(prefix) :])
        digits, suffix = match.group(1), match.group(2)
        return f"{prefix}{str(number).zfill(len(digits))}{suffix}"
