# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The guided close of a period: one step per stage of the month-end close,
each saying what it will do, what is still in the way and what was done.

The wizard adds no rule of its own: every stage change goes through the
period's ``action_advance(stage_seen, stage_to)`` with the stage the user
saw, so what the period form refuses, the wizard refuses too."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import LazyTranslate, format_date, format_datetime

from ..lib import periods as periods_lib
from ..lib.sentences import plural
from ..models.sale_closing_period import STAGE_SELECTION

_lt = LazyTranslate(__name__)

STEPS = [
    ("checks", "Run the Checks"),
    ("review", "Review the Problems"),
    ("entries", "Preview the Entries"),
    ("lock_sales", "Lock Sales"),
    ("lock_invoicing", "Lock Invoicing"),
    ("close", "Close"),
    ("done", "Closed"),
]
STEP_CODES = [code for code, _label in STEPS]
#: the stage each stage step moves the period to
STEP_TARGETS = {
    "lock_sales": "sales_locked",
    "lock_invoicing": "invoicing_locked",
    "close": "closed",
}
#: where the wizard starts for a period at a stage
STAGE_STEPS = {
    "open": "checks",
    "sales_locked": "lock_invoicing",
    "invoicing_locked": "close",
    "closed": "done",
}


class SaleClosingClose(models.TransientModel):
    _name = "sale.closing.close"
    _description = "Close a Sales Closing Period Step by Step"

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        string="Period",
        required=True,
        ondelete="cascade",
    )
    step = fields.Selection(selection=STEPS, required=True, default="checks")
    stage_seen = fields.Selection(
        selection=STAGE_SELECTION,
        help="The stage the period was at when this step was shown: a stage "
        "change is refused if it has changed since.",
    )
    state = fields.Selection(related="period_id.state")
    date_end = fields.Date(related="period_id.date_end")
    checks_date = fields.Datetime(related="period_id.checks_date")
    blocking_count = fields.Integer(related="period_id.blocking_count")
    warning_count = fields.Integer(related="period_id.warning_count")
    waived_count = fields.Integer(related="period_id.waived_count")
    entry_count = fields.Integer(related="period_id.entry_count")
    check_summary = fields.Html(related="period_id.check_summary")
    entry_summary = fields.Html(related="period_id.entry_summary")
    result_ids = fields.Many2many(
        comodel_name="sale.closing.check.result",
        compute="_compute_result_ids",
        string="Problems",
    )
    step_todo = fields.Html(compute="_compute_step_texts", string="What It Does")
    step_blockers = fields.Html(compute="_compute_step_texts", string="In the Way")
    step_done = fields.Html(compute="_compute_step_texts", string="Done")
    can_advance = fields.Boolean(compute="_compute_step_texts")

    # === COMPUTES === #
    @api.depends("period_id")
    def _compute_result_ids(self):
        order = {"blocking": 0, "warning": 1, "info": 2}
        for wizard in self:
            wizard.result_ids = wizard.period_id.result_ids.sorted(
                lambda r: (r.waived, order.get(r.severity, 3), r.sequence, r.id)
            )

    @api.depends("step", "period_id", "stage_seen")
    def _compute_step_texts(self):
        for wizard in self:
            texts = wizard._get_step_texts()
            wizard.step_todo = Markup("<p>%s</p>") % texts["todo"]
            wizard.step_blockers = wizard._html_list(texts["blockers"])
            wizard.step_done = wizard._html_list(texts["done"])
            wizard.can_advance = wizard.step in STEP_TARGETS and not texts["blockers"]

    # === ACTIONS === #
    def action_run_checks(self):
        """Run the checks and show their problems."""
        self.ensure_one()
        self.period_id._run_checks()
        return self._go("review")

    def action_next(self):
        """Show the next step, past the stages the period already reached."""
        self.ensure_one()
        index = STEP_CODES.index(self.step) + 1
        stage = periods_lib.stage_index(self.period_id.state)
        while (
            STEP_CODES[index] in STEP_TARGETS
            and periods_lib.stage_index(STEP_TARGETS[STEP_CODES[index]]) <= stage
        ):
            index += 1
        return self._go(STEP_CODES[index])

    def action_back(self):
        self.ensure_one()
        return self._go(STEP_CODES[max(STEP_CODES.index(self.step) - 1, 0)])

    def action_advance(self):
        """Move the period to the stage of this step, from the stage shown."""
        self.ensure_one()
        self.period_id.action_advance(self.stage_seen, STEP_TARGETS[self.step])
        return self._go(STEP_CODES[STEP_CODES.index(self.step) + 1])

    def action_waive_blocking(self):
        """Open the waiver of every blocking problem not waived yet, coming
        back here once waived."""
        self.ensure_one()
        blocking = self.period_id.result_ids.filtered(
            lambda r: r.severity == "blocking" and not r.waived
        )
        action = blocking.action_waive()
        action["context"] = dict(action["context"], sale_closing_close_id=self.id)
        return action

    # === BUSINESS METHODS === #
    @api.model
    def _get_start_action(self, period):
        """Return the wizard's action on ``period``, at the step its stage
        calls for."""
        wizard = self.create({"period_id": period.id})
        return wizard._go(STAGE_STEPS[period.state])

    def _go(self, step):
        """Show ``step``, remembering the stage the period is at now."""
        self.ensure_one()
        self.period_id.invalidate_recordset()
        self.write({"step": step, "stage_seen": self.period_id.state})
        # the period's figures just changed under the fields related to it
        self.invalidate_recordset()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close %(period)s", period=self.period_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _html_list(self, items):
        if not items:
            return False
        return Markup("<ul>%s</ul>") % Markup("").join(
            Markup("<li>%s</li>") % item for item in items
        )

    def _get_step_texts(self):
        """Return ``{'todo': text, 'blockers': [texts], 'done': [texts]}``
        of the current step: what it will do, what is in the way, what the
        close has done so far."""
        self.ensure_one()
        period = self.period_id
        blockers = []
        target = STEP_TARGETS.get(self.step)
        if target:
            blockers = self._get_stage_blockers(target)
        return {
            "todo": self._get_step_todo(),
            "blockers": blockers,
            "done": self._get_done(period),
        }

    def _get_step_todo(self):
        """Return what the current step does, in a sentence or two."""
        period = self.period_id
        date_end = format_date(self.env, period.date_end)
        texts = {
            "checks": self.env._(
                "Computes every order line's ordered, delivered, invoiced and "
                "paid figures as of %(date)s, lists what does not add up and "
                "previews the period-end entries. Nothing is locked or posted.",
                date=date_end,
            ),
            "review": self.env._(
                "Blocking problems keep the period from closing: resolve them "
                "(then run the checks again) or waive them with a reason. "
                "Warnings and information lines do not block."
            ),
            "entries": self.env._(
                "At the close, the posting rules post these entries dated "
                "%(date)s and reverse them on the first day of the next period.",
                date=date_end,
            ),
            "lock_sales": self.env._(
                "Locks the sale orders and deliveries dated up to %(date)s.",
                date=date_end,
            ),
            "lock_invoicing": self.env._(
                "Locks the customer invoices and credit notes dated up to "
                "%(date)s: the company's Sales Lock Date moves to that day.",
                date=date_end,
            ),
            "close": self.env._(
                "Runs the checks again, refuses while a blocking problem is "
                "neither resolved nor waived, then posts the period-end entries "
                "and closes %(period)s, all at once.",
                period=period.name,
            ),
            "done": self.env._("%(period)s is closed.", period=period.name),
        }
        return texts[self.step]

    def _get_stage_blockers(self, target):
        """Return what keeps the period from reaching ``target`` now."""
        period = self.period_id
        if periods_lib.stage_index(period.state) >= periods_lib.stage_index(target):
            return []
        company = period.company_id
        blockers = []
        previous = period.previous_period_id
        if previous and periods_lib.stage_index(
            previous.state
        ) < periods_lib.stage_index(target):
            blockers.append(
                self.env._(
                    "The previous period %(previous)s is at %(stage)s: it must "
                    "reach %(target)s first.",
                    previous=previous.name,
                    stage=previous._stage_label(),
                    target=period._stage_label(target),
                )
            )
        if (
            not company.sale_closing_allow_early_close
            and company._sale_closing_today() <= period.date_end
        ):
            blockers.append(
                self.env._(
                    "%(period)s has not ended (last day %(date)s) and the "
                    "company does not allow closing early.",
                    period=period.name,
                    date=format_date(self.env, period.date_end),
                )
            )
        if target == "closed" and period.blocking_count:
            sentence = plural(
                period.blocking_count,
                _lt(
                    "%(count)s blocking problem neither resolved nor waived.",
                    count=period.blocking_count,
                ),
                _lt(
                    "%(count)s blocking problems neither resolved nor waived.",
                    count=period.blocking_count,
                ),
            )
            blockers.append(self.env._(sentence))
        if target == "closed" and not period.checks_date:
            blockers.append(self.env._("The checks have never run."))
        return blockers

    def _get_done(self, period):
        """Return what the close of ``period`` has done so far, with links."""
        done = []
        if period.checks_date:
            done.append(
                self.env._(
                    "Checks run on %(date)s by %(user)s: blocking %(blocking)s, "
                    "warnings %(warnings)s, waived %(waived)s.",
                    date=format_datetime(self.env, period.checks_date),
                    user=period.checks_user_id.name,
                    blocking=period.blocking_count,
                    warnings=period.warning_count,
                    waived=period.waived_count,
                )
            )
        index = periods_lib.stage_index(period.state)
        if index >= periods_lib.stage_index("sales_locked"):
            done.append(self.env._("Sales locked."))
        if index >= periods_lib.stage_index("invoicing_locked"):
            done.append(
                self.env._(
                    "Invoicing locked: Sales Lock Date %(date)s.",
                    date=format_date(self.env, period.company_id.sale_lock_date),
                )
            )
        if period.state == "closed":
            moves = period.sudo().entry_move_ids.filtered(
                lambda m: not m.sale_closing_cancelled
            )
            done.append(
                self.env._(
                    "Closed; entries posted: %(moves)s.",
                    moves=period._get_move_links(moves) or escape(self.env._("none")),
                )
            )
        return done
