"""The sections of the sales closing demo walkthrough, in story order.

``tools/demo_walkthrough.py`` (fed to ``odoo shell``) runs them one after the
other with the shell's ``env``:

1. ``setup``: the demo company context (chart, customers, products, currency);
2. ``sales``: three months of sales through Odoo's own flows (``flows``);
3. the close of the oldest demo month, stage by stage: ``open_stage``,
   ``sales_locked``, ``invoicing_locked``, ``checks``, ``posting_rules``,
   ``closed``, ``reopen``;
4. ``summary``: the periods and the audit trail of the demo month.

``common`` holds what they share: printing, expected refusals, and the two
helpers every stage change goes through (``advance`` and ``reopen``).
"""
