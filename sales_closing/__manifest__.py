# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sales Closing",
    "summary": "Sales-side month-end close: staged period locks, exceptions, audit",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "sales_closing authors",
    "website": "https://github.com/sales-closing/sales_closing",
    "maintainers": [],
    "depends": ["account", "sale_stock"],
    "data": [
        "security/sale_closing_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "views/sale_closing_period_views.xml",
        "views/sale_closing_exception_views.xml",
        "views/sale_closing_log_views.xml",
        "views/sale_closing_late_document_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/sale_closing_reopen_views.xml",
        "wizards/sale_closing_generate_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["sales_closing/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
