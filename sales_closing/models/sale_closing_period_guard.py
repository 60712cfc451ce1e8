# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may change a period's stage, and when: only a Sales Closing Manager;
only from the stage the user saw (a second click, another manager's click or
a request Odoo replays after a serialization failure is refused instead of
moving the period one stage further than anyone asked); and never while
another stage change or run of the checks holds the period (advisory lock
taken without waiting); and never while a document dated in the period is
being saved under the stage it saw (row locks, see ``_lock_for_change``)."""

import psycopg2.errors

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import periods as periods_lib

#: How long a stage change waits for the documents dated in its period that
#: are being saved (they hold a share lock on it for a moment).
DOCUMENT_WAIT = "10s"


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
        """Hold these periods (and their neighbours, whose stages the order
        of the stages depends on) until the transaction ends, and read their
        stages afresh. ``neighbours`` is True for a stage change, False for
        a run of the checks.

        1. One stage change or run of the checks at a time, refused at once
           (a transaction-level advisory lock per period, taken without
           waiting): a second one is not queued behind the first to apply
           to a stage nobody saw.
        2. Row locks: ``FOR UPDATE`` on the periods whose stage changes, so
           that it waits for the documents dated in them that hold a share
           lock (``sale.closing.lock._lock_racing_periods``) and the later
           ones wait for it; ``FOR SHARE`` on the neighbours, or on the
           period whose checks run (documents go on meanwhile). A row
           updated since this transaction's snapshot raises a serialization
           failure, which Odoo replays on a fresh snapshot.

        :raise UserError: when another stage change or run of the checks
            holds one of the periods, or documents dated in it are being
            saved for longer than ``DOCUMENT_WAIT``
        """
        periods = self
        if neighbours:
            periods |= self.previous_period_id | self.next_period_id
        if not periods:
            return
        self.env.flush_all()
        self._try_advisory_locks(periods)
        changed = self if neighbours else self.browse()
        try:
            with self.env.cr.savepoint(flush=False):
                self._lock_rows(changed, "UPDATE", DOCUMENT_WAIT)
                self._lock_rows(periods - changed, "SHARE")
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "Documents dated in period %(period)s are being saved right "
                    "now. Wait a moment and try again.",
                    period=", ".join(self.mapped("name")),
                )
            ) from None
        periods.invalidate_recordset(["state"])

    def _try_advisory_locks(self, periods):
        """Take the advisory lock of each period without waiting.

        :raise UserError: when another transaction holds one of them
        """
        # the ORM has no locks; the key is (table oid, period id)
        self.env.cr.execute(
            SQL(
                "SELECT bool_and(pg_try_advisory_xact_lock("
                "'sale_closing_period'::regclass::oid::int, id)) "
                "FROM (SELECT id FROM sale_closing_period WHERE id IN %s "
                "ORDER BY id) AS held",
                tuple(periods.ids),
            )
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "Period %(period)s is being changed right now (a stage "
                    "change or a run of the checks, by another user or the "
                    "scheduler). Wait for it to finish, refresh and try again.",
                    period=", ".join(self.mapped("name")),
                )
            )

    def _lock_rows(self, periods, mode, wait=None):
        """Lock the rows of ``periods`` ``FOR <mode>``, waiting at most
        ``wait`` (a PostgreSQL interval) when given."""
        if not periods:
            return
        if wait:
            self.env.cr.execute(SQL("SELECT current_setting('lock_timeout')"))
            before = self.env.cr.fetchone()[0]
            self.env.cr.execute(
                SQL("SELECT set_config('lock_timeout', %s, true)", wait)
            )
        # log_exceptions: a serialization failure here is replayed by Odoo,
        # a lock timeout refused by the caller; neither is a bad query
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_closing_period WHERE id IN %s ORDER BY id "
                "FOR %s",
                tuple(periods.ids),
                SQL(mode),
            ),
            log_exceptions=False,
        )
        if wait:
            self.env.cr.execute(
                SQL("SELECT set_config('lock_timeout', %s, true)", before)
            )

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
