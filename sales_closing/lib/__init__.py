"""Plain-Python helpers of sales_closing: they import nothing from Odoo."""
