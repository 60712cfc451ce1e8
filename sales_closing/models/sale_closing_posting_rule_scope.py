# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scope of a posting rule: the order lines (customers for the
allowance) it posts, its domain's validation, and the refusal of two rules of
a type matching the same record.
"""

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.safe_eval import safe_eval


class SaleClosingPostingRule(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.posting.rule"  # pylint: disable=consider-merging-classes-inherited

    # === CONSTRAINTS === #
    @api.constrains(
        "sale_line_domain", "partner_domain", "rule_type", "company_id", "active"
    )
    def _check_scope(self):
        for rule in self.filtered("active"):
            model, domain = rule._get_scope()
            if rule._get_scope_domain() and not self.env[model].sudo().search_count(
                domain, limit=1
            ):
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: its scope matches no record "
                        "(%(domain)s). Widen the scope, or leave it empty to take "
                        "everything.",
                        rule=rule.name,
                        domain=rule._get_scope_text(),
                    )
                )
        for rule in self.filtered("active"):
            others = self.search(
                [
                    ("company_id", "=", rule.company_id.id),
                    ("rule_type", "=", rule.rule_type),
                    ("id", "!=", rule.id),
                ]
            )
            model, domain = rule._get_scope()
            for other in others:
                both = (
                    self.env[model]
                    .sudo()
                    .search(domain + other._get_scope()[1], limit=1)
                )
                if both:
                    raise ValidationError(rule._get_overlap_message(other, both))

    # === BUSINESS METHODS === #
    def _get_scope(self):
        """Return ``(model, domain)`` of the records in this rule's scope,
        within its company (order lines; customers for the allowance)."""
        self.ensure_one()
        if self.rule_type == "allowance":
            model = "res.partner"
            base = [("company_id", "in", [False, self.company_id.id])]
        else:
            model = "sale.order.line"
            base = [
                ("company_id", "=", self.company_id.id),
                ("display_type", "=", False),
            ]
        return model, base + self._get_scope_domain()

    def _get_scope_domain(self):
        """Return the domain the consultant wrote (an empty list: all)."""
        self.ensure_one()
        text = self._get_scope_text()
        model = "res.partner" if self.rule_type == "allowance" else "sale.order.line"
        try:
            domain = safe_eval(text)
            if not isinstance(domain, list | tuple):
                raise ValueError(domain)
            domain = list(domain)
            # validate the field names now rather than at the close
            self.env[model].sudo()._where_calc(domain)
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "Posting rule %(rule)s: its scope %(domain)s is not a valid "
                    "domain: %(error)s",
                    rule=self.name,
                    domain=text,
                    error=str(error),
                )
            ) from error
        return domain

    def _get_scope_text(self):
        self.ensure_one()
        return (
            self.partner_domain
            if self.rule_type == "allowance"
            else self.sale_line_domain
        ) or "[]"

    def _get_overlap_message(self, other, record):
        self.ensure_one()
        # translated apart: nested calls are not extracted for translation
        if record._name == "res.partner":
            kind = self.env._("customer")
        else:
            kind = self.env._("order line")
        return self.env._(
            "Posting rules %(rule)s and %(other)s are both %(type)s rules and "
            "both match %(record)s: each %(kind)s is posted by one rule of a "
            "type only. Narrow the scope of one of them.",
            rule=self.name,
            other=other.name,
            type=dict(self._fields["rule_type"]._description_selection(self.env))[
                self.rule_type
            ],
            record=record.display_name,
            kind=kind,
        )

    def _filter_in_scope(self, ids):
        """Return the ids among ``ids`` that this rule's scope matches."""
        self.ensure_one()
        model, domain = self._get_scope()
        return set(
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            ._search(domain + [("id", "in", list(ids))])
        )

    @api.model
    def _assign_sources(self, rules, ids):
        """Return {rule: set of ids} for ``rules`` (of one type); refuse when
        one source is matched by two of them."""
        assigned = {}
        owner = {}
        for rule in rules:
            matched = rule._filter_in_scope(ids)
            for source in matched:
                if source in owner:
                    model = rule._get_scope()[0]
                    record = self.env[model].sudo().browse(source)
                    raise UserError(owner[source]._get_overlap_message(rule, record))
                owner[source] = rule
            assigned[rule] = matched
        return assigned
