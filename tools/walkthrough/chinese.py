"""Section 3i of the walkthrough: Simplified Chinese and a second closing
manager.

The demo loads Simplified Chinese (``zh_CN``: Odoo's own translations and
the add-on's ``i18n/zh_CN.po``) and creates a second user, a Closing Manager
who works in Chinese, so the served demo shows the close in both languages.
Its login is printed by ``demo --serve``.
"""

from .common import banner, check, info

#: The second user of the served demo (``demo_cmd`` prints both logins).
MANAGER_LOGIN = "manager"
MANAGER_PASSWORD = "manager"
LANG = "zh_CN"


def load_chinese(env):
    """Activate Simplified Chinese and load every installed module's terms."""
    env["res.lang"]._activate_lang(LANG)
    modules = env["ir.module.module"].search([("state", "=", "installed")])
    modules._update_translations([LANG])
    info(f"Loaded {LANG} for {len(modules)} installed modules")


def create_manager(env, company):
    """Create (or find) the Chinese-speaking closing manager."""
    Users = env["res.users"].with_context(no_reset_password=True)
    user = Users.search([("login", "=", MANAGER_LOGIN)])
    groups = [
        env.ref("base.group_user").id,
        env.ref("account.group_account_invoice").id,
        env.ref("sales_team.group_sale_salesman").id,
        env.ref("sales_closing.group_sale_closing_manager").id,
    ]
    vals = {
        "lang": LANG,
        "tz": "UTC",
        "company_id": company.id,
        "company_ids": [(6, 0, company.ids)],
        "groups_id": [(4, group) for group in groups],
    }
    if user:
        user.write(vals)
    else:
        user = Users.create(
            {
                "name": "结账经理 (Closing Manager)",
                "login": MANAGER_LOGIN,
                "password": MANAGER_PASSWORD,
                **vals,
            }
        )
    return user


def chinese_manager(env, demo):
    """Section 5: Chinese loaded, a closing manager who reads it."""
    banner("3i. Simplified Chinese and a second closing manager")
    load_chinese(env)
    user = create_manager(env, demo.company)
    chinese_env = env(context=dict(env.context, lang=LANG))
    stages = env["sale.closing.period"]._fields["state"]
    closed = dict(stages._description_selection(chinese_env))["closed"]
    info(f"Closing Manager {user.login!r} ({user.lang}): stage Closed reads {closed}")
    check(closed != "Closed", "the Chinese stage labels should be loaded")
    check(
        user.has_group("sales_closing.group_sale_closing_manager"),
        "the second user should be a Closing Manager",
    )
    env.cr.commit()
