# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Group totals that add up: a sum is shown only for a group whose rows
share what the figure is counted in (a unit of measure, a currency, a
period, a check). A group mixing several gets no total instead of a wrong
one, in the list view's group rows and in the pivot view alike."""

import re

from odoo import api, models

#: 'name', 'name:agg' or 'alias:agg(name)', as read_group takes them
FIELD_SPEC = re.compile(r"(\w+)(?::(\w+)(?:\((\w+)\))?)?")


class SaleClosingGroupTotals(models.AbstractModel):
    _name = "sale.closing.group.totals"
    _description = "Sales Closing Group Totals"

    @api.model
    def _get_group_total_keys(self):
        """Return ``{key field: [figure fields]}``: each figure is summed only
        over rows sharing one value of its key field."""
        return {}

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        groupby_list = [groupby] if isinstance(groupby, str) else list(groupby or [])
        grouped = {
            spec.split(":")[0] for spec in (groupby_list[:1] if lazy else groupby_list)
        }
        guards = {}
        for key, figures in self._get_group_total_keys().items():
            if key in grouped:
                continue
            names = []
            for spec in fields:
                match = FIELD_SPEC.fullmatch(spec)
                if match and (match.group(3) or match.group(1)) in figures:
                    names.append(match.group(1))
            if names:
                guards[f"sale_closing_distinct_{key}"] = (key, names)
        groups = super().read_group(
            domain,
            list(fields)
            + [f"{alias}:count_distinct({key})" for alias, (key, _n) in guards.items()],
            groupby,
            offset=offset,
            limit=limit,
            orderby=orderby,
            lazy=lazy,
        )
        for group in groups:
            for alias, (_key, names) in guards.items():
                if (group.pop(alias, 0) or 0) > 1:
                    group.update(dict.fromkeys(names, False))
        return groups
