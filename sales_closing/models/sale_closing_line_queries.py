# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The raw SQL reads of the as-of figures: candidate order lines, their done
moves, invoice lines and price-included taxes, and the receivable residuals
at a date (with the paid shares of invoices they give). Each says why the ORM
was not enough.
"""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..lib import figures as figures_lib


class SaleClosingLine(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.line"  # pylint: disable=consider-merging-classes-inherited

    # --- queries ------------------------------------------------------------
    @api.model
    def _query_candidate_lines(self, company, date_start, utc_start, utc_end):
        """Order lines of confirmed orders that may matter to the period.

        Raw SQL: the candidate test mixes ``EXISTS`` over moves and invoice
        lines that the ORM would run as separate searches over all history.
        A line matters when its order was confirmed in the period, or when it
        is not settled now (delivered <> invoiced, or draft invoices), or when
        a move or invoice dated from the period start on may change its
        as-of-end figures.
        """
        self.env.cr.execute(
            SQL(
                """
            SELECT sol.id, sol.order_id, so.date_order,
                   COALESCE(partner.commercial_partner_id, so.partner_id)
                       AS partner_id,
                   sol.product_id, tmpl.categ_id, so.user_id, so.team_id,
                   so.currency_id, sol.product_uom, sol.product_uom_qty,
                   sol.price_unit, sol.discount, sol.qty_delivered_method,
                   sol.qty_delivered, tmpl.invoice_policy
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner partner ON partner.id = so.partner_id
         LEFT JOIN product_product product ON product.id = sol.product_id
         LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE so.company_id = %(company)s
               AND so.state = 'sale'
               AND sol.display_type IS NULL
               AND sol.is_downpayment IS NOT TRUE
               AND (
                    (so.date_order >= %(utc_start)s AND so.date_order < %(utc_end)s)
                 OR sol.qty_delivered <> sol.qty_invoiced
                 OR EXISTS (
                        SELECT 1 FROM stock_move m
                         WHERE m.sale_line_id = sol.id
                           AND m.state = 'done'
                           AND m.date >= %(utc_start)s)
                 OR EXISTS (
                        SELECT 1
                          FROM sale_order_line_invoice_rel rel
                          JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                         WHERE rel.order_line_id = sol.id
                           AND (aml.parent_state = 'draft'
                                OR (aml.parent_state = 'posted'
                                    AND aml.date >= %(date_start)s)))
               )
          ORDER BY sol.order_id, sol.id
                """,
                company=company.id,
                utc_start=utc_start,
                utc_end=utc_end,
                date_start=date_start,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _query_moves(self, line_ids, utc_start, utc_end):
        """Done moves of the lines up to the period end, signed as
        ``sale_stock._get_outgoing_incoming_moves`` (strict) signs them:
        1 to the customer (a return only when marked to refund), -1 back from
        the customer when marked to refund, 0 otherwise. Raw SQL to classify
        the locations in the same pass."""
        inter_company = self.env.ref(
            "stock.stock_location_inter_company", raise_if_not_found=False
        )
        path = inter_company.sudo().parent_path if inter_company else "-"
        self.env.cr.execute(
            SQL(
                """
            SELECT m.sale_line_id, m.product_uom, m.quantity, m.date,
                   m.product_id = sol.product_id AS same_product,
                   CASE
                     WHEN dest.usage = 'customer' OR dest.parent_path LIKE %(path)s
                       THEN CASE WHEN m.origin_returned_move_id IS NULL
                                   OR m.to_refund THEN 1 ELSE 0 END
                     WHEN (src.usage = 'customer' OR src.parent_path LIKE %(path)s)
                          AND m.to_refund
                       THEN -1
                     ELSE 0
                   END AS sign
              FROM stock_move m
              JOIN sale_order_line sol ON sol.id = m.sale_line_id
              JOIN stock_location dest ON dest.id = m.location_dest_id
              JOIN stock_location src ON src.id = m.location_id
             WHERE m.sale_line_id = ANY(%(ids)s)
               AND m.state = 'done'
               AND m.scrapped IS NOT TRUE
               AND m.date < %(utc_end)s
                """,
                path=path + "%",
                ids=line_ids,
                utc_end=utc_end,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _query_invoice_lines(self, line_ids):
        """Customer invoice and credit note lines linked to the order lines,
        posted or draft; the callers filter on the accounting date."""
        self.env.cr.execute(
            SQL(
                """
            SELECT rel.order_line_id, aml.id, aml.move_id, aml.product_uom_id,
                   aml.quantity, aml.price_unit, aml.discount, aml.currency_id,
                   aml.parent_state, aml.date, am.invoice_date, am.move_type,
                   am.name AS move_name
              FROM sale_order_line_invoice_rel rel
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE rel.order_line_id = ANY(%(ids)s)
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND am.state IN ('draft', 'posted')
          ORDER BY aml.id
                """,
                ids=line_ids,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _query_price_included_taxes(self, line_ids):
        """Return {line id: account.tax} for lines with a price-included tax."""
        self.env.cr.execute(
            SQL(
                """
            SELECT sale_order_line_id, account_tax_id
              FROM account_tax_sale_order_line_rel
             WHERE sale_order_line_id = ANY(%(ids)s)
                """,
                ids=line_ids,
            )
        )
        by_line = defaultdict(list)
        for line_id, tax_id in self.env.cr.fetchall():
            by_line[line_id].append(tax_id)
        Tax = self.env["account.tax"].sudo().with_context(active_test=False)
        all_taxes = Tax.browse({t for ids in by_line.values() for t in ids})
        included = set(all_taxes.filtered("price_include").ids)
        return {
            line_id: Tax.browse(ids)
            for line_id, ids in by_line.items()
            if included.intersection(ids)
        }

    @api.model
    def _get_paid_shares(self, company, invoice_ids, date):
        """Return {invoice id: paid fraction at ``date``}.

        The residual at the date counts only the reconciliations whose later
        line is dated up to ``date`` (``max_date``): a payment matched after
        the period end does not reduce the amount due at the end.
        """
        if not invoice_ids:
            return {}
        receivables = self._get_receivable_residuals(
            company, date, move_ids=list(invoice_ids)
        )
        totals = defaultdict(lambda: [0.0, 0.0])
        for row in receivables:
            totals[row["move_id"]][0] += row["balance"]
            totals[row["move_id"]][1] += row["residual"]
        rounding = company.currency_id.rounding
        return {
            move_id: figures_lib.paid_share(total, residual, rounding)
            for move_id, (total, residual) in totals.items()
        }

    @api.model
    def _get_receivable_residuals(self, company, date, move_ids=None):
        """Posted receivable lines dated up to ``date`` and their residual at
        ``date`` in company currency. Raw SQL: the residual at a past date is
        not a field; it is rebuilt from the partial reconciliations."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        where_moves = (
            SQL("aml.move_id = ANY(%s)", move_ids) if move_ids else SQL("TRUE")
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.id, aml.move_id,
                   COALESCE(partner.commercial_partner_id, aml.partner_id)
                       AS partner_id,
                   aml.date,
                   COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                   aml.balance, am.move_type, am.name AS move_name,
                   aml.payment_id,
                   aml.balance
                     - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                  WHERE p.debit_move_id = aml.id
                                    AND p.max_date <= %(date)s), 0)
                     + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                  WHERE p.credit_move_id = aml.id
                                    AND p.max_date <= %(date)s), 0) AS residual
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
         LEFT JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND aml.date <= %(date)s
               AND %(where_moves)s
          ORDER BY aml.id
                """,
                company=company.id,
                date=date,
                where_moves=where_moves,
            )
        )
        return self.env.cr.dictfetchall()
