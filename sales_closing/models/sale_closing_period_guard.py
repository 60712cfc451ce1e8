# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may change a period's stage, and when: only a Sales Closing Manager;
only from the stage the user saw (a second click, another manager's click or
a request Odoo replays after a serialization failure is refused instead of
moving the period one stage further than anyone asked); and never while
another stage change or run of the checks holds the period (row lock taken
without waiting)."""

import psycopg2.errors

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import periods as periods_lib


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    def _check_manager(self):
        if not self.env.user.has_group("sales_closing.group_sale_closing_manager"):
            raise UserError(
                self.env._(
                    "Only a Sales Closing Manager can lock, close or reopen a "
                    "closing period."
                )
            )

    def _lock_for_change(self, neighbours=True):
        """Lock the rows of these periods (and of their neighbours, whose
        stages the order of the stages depends on) until the transaction
        ends, and read their stages afresh.

        Taken without waiting: a second stage change, or a run of the checks,
        on the same period is refused at once instead of queueing behind the
        first one and then applying to a stage nobody saw.

        :raise UserError: when another transaction holds one of the rows
        """
        periods = self
        if neighbours:
            periods |= self.previous_period_id | self.next_period_id
        if not periods:
            return
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                # the ORM has no "lock these rows without waiting"
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM sale_closing_period WHERE id IN %s "
                        "FOR UPDATE NOWAIT",
                        tuple(periods.ids),
                    ),
                    log_exceptions=False,  # a refusal, not a bad query
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "Period %(period)s is being changed right now (a stage "
                    "change or a run of the checks, by another user or the "
                    "scheduler). Wait for it to finish, refresh and try again.",
                    period=", ".join(self.mapped("name")),
                )
            ) from None
        periods.invalidate_recordset(["state"])

    def _check_stage_seen(self, stage_from, stage_to=None, backwards=False):
        """Refuse when the period is no longer at the stage the user saw,
        or when ``stage_to`` is not where the change leads.

        :param stage_from: the stage the user saw, or None for the current
        :param stage_to: the stage asked for, or None
        :param backwards: the change is a reopening (one stage back)
        """
        self.ensure_one()
        if stage_from and stage_from != self.state:
            raise UserError(
                self.env._(
                    "Period %(period)s is already at %(stage)s, not at %(seen)s "
                    "any more: someone changed it since you looked. Refresh and "
                    "try again.",
                    period=self.name,
                    stage=self._stage_label(),
                    seen=self._stage_label(stage_from),
                )
            )
        step = periods_lib.previous_stage if backwards else periods_lib.next_stage
        expected = step(self.state)
        if stage_to and expected and stage_to != expected:
            raise UserError(
                self.env._(
                    "Period %(period)s is at %(stage)s: from there it moves to "
                    "%(next)s, not to %(asked)s.",
                    period=self.name,
                    stage=self._stage_label(),
                    next=self._stage_label(expected),
                    asked=self._stage_label(stage_to),
                )
            )
