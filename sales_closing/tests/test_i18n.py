# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_has_a_simplified_chinese_translation(self):
        """What Odoo exports for the add-on today is all in i18n/zh_CN.po and
        in the committed template: no new string goes untranslated."""
        reader = TranslationModuleReader(self.env.cr, modules=["sales_closing"])
        exported = {source for _m, _t, _n, _r, source, _v, _c in reader if source}
        po = polib.pofile(file_path("sales_closing/i18n/zh_CN.po"))
        translated = {entry.msgid for entry in po if entry.msgstr.strip()}
        pot = polib.pofile(file_path("sales_closing/i18n/sales_closing.pot"))
        self.assertFalse(
            sorted(exported - translated),
            "strings without a zh_CN translation (export the .pot again and "
            "translate them)",
        )
        self.assertFalse(
            sorted(exported - {entry.msgid for entry in pot}),
            "strings missing from i18n/sales_closing.pot",
        )
