"""Section 3e of the walkthrough: the posting rules and the entry preview.

A consultant sets up three posting rules (accrued revenue, deferred revenue,
a bad-debt allowance by aging bucket); two rules over the same order lines are
refused; the checks then preview the balanced period-end entries the close
will post.
"""

from .common import check, counted, expect_refusal, info, step


def create_accounts(env):
    """Create the accounts the rules post to.

    :return: accrued revenue, deferred revenue, allowance, bad debts
    """
    return env["account.account"].create(
        [
            {
                "name": "Accrued revenue",
                "code": "SC1131",
                "account_type": "asset_current",
            },
            {
                "name": "Deferred revenue",
                "code": "SC2131",
                "account_type": "liability_current",
            },
            {
                "name": "Allowance for doubtful accounts",
                "code": "SC1191",
                "account_type": "asset_current",
            },
            {"name": "Bad debts", "code": "SC6131", "account_type": "expense"},
        ]
    )


def create_rules(env, journal, accounts):
    """Create and print the accrued, deferred and allowance rules."""
    # the company's aging buckets (shared by the aging check and the
    # allowance): 1% of what is not yet due, the default for the rest
    not_due = env.company.sale_closing_aging_bucket_ids.filtered(
        lambda bucket: bucket.days_from == 0
    )
    not_due.percentage = 1.0
    rules = env["sale.closing.posting.rule"].create(
        [
            {
                "name": "Accrued revenue",
                "rule_type": "accrued",
                "journal_id": journal.id,
                "account_id": accounts[0].id,
                "label": "Accrued {period} {partner}",
            },
            {
                "name": "Deferred revenue",
                "rule_type": "deferred",
                "journal_id": journal.id,
                "account_id": accounts[1].id,
                "threshold": 10.0,
            },
            {
                "name": "Bad-debt allowance",
                "rule_type": "allowance",
                "journal_id": journal.id,
                "account_id": accounts[2].id,
                "pnl_account_id": accounts[3].id,
            },
        ]
    )
    for rule in rules:
        info(
            f"  {rule.name:<22} {rule.rule_type:<9} {rule.account_id.code}  "
            f"reversal: {rule.reversal}"
            + (f"  ({rule.bucket_summary})" if rule.bucket_summary else "")
        )
    return rules


def show_preview(period, accrued_rule):
    """Run the checks, print the entry preview; it must balance and accrue."""
    step(f"Preview of what closing {period.name} will post")
    period.action_run_checks()
    for line in period.entry_line_ids:
        sources = counted(len(line.sale_line_ids or line.receivable_line_ids), "source")
        info(
            f"  {line.rule_id.name:<22} {line.account_id.code:<8} "
            f"{(line.partner_id.name or ''):<20} {line.debit:>10,.2f} "
            f"{line.credit:>10,.2f}{'  skipped' if line.skipped else ''}"
            f"  <- {sources}"
        )
    lines = period.entry_line_ids.filtered(lambda line: not line.skipped)
    check(
        round(sum(lines.mapped("debit")) - sum(lines.mapped("credit")), 2) == 0.0,
        "the preview should balance",
    )
    check(
        lines.filtered(lambda line: line.rule_id == accrued_rule),
        "goods delivered and not invoiced should be accrued",
    )


def posting_rules(env, demo):
    """Section 3e: posting rules and the preview of the period-end entries."""
    step("A consultant sets up the posting rules")
    accounts = create_accounts(env)
    journal = env["account.journal"].search(
        [("company_id", "=", demo.company.id), ("type", "=", "general")], limit=1
    )
    rules = create_rules(env, journal, accounts)
    expect_refusal(
        env,
        "a second accrued-revenue rule over the same order lines",
        lambda: env["sale.closing.posting.rule"].create(
            {
                "name": "Accrued chairs",
                "journal_id": journal.id,
                "account_id": accounts[0].id,
                "sale_line_domain": f"[('product_id', '=', {demo.shipped.id})]",
            }
        ),
        "both match",
    )
    show_preview(demo.period, rules[0])
    env.cr.commit()
