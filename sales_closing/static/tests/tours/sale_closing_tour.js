/** @odoo-module **/
// Copyright 2026 The sales_closing authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

// A Closing Manager opens the periods from the menu, locks sales on a period,
// sees the lock exception tab, and reopens it with a reason.
registry.category("web_tour.tours").add("sales_closing_lock_and_reopen", {
    url: "/odoo/action-sales_closing.sale_closing_period_action",
    steps: () => [
        {
            content: "Open the period",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('2020-01')",
            run: "click",
        },
        {
            content: "Lock sales",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Lock Sales')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The period is at Sales Locked",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('Sales Locked')",
        },
        {
            content: "Reopen",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Reopen')",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Delivery of ACME was missed",
        },
        {
            content: "Reopen one stage",
            trigger: ".modal-footer button:contains('Reopen One Stage')",
            run: "click",
        },
        {
            content: "The period is open again",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Open')",
        },
        {
            content: "The reason is in the chatter",
            trigger: ".o-mail-Message:contains('Delivery of ACME was missed')",
        },
    ],
});

// A Closing Manager runs the pre-close checks of a period from its form and
// opens the reconciliation of the period in the pivot view.
registry.category("web_tour.tours").add("sales_closing_run_checks", {
    url: "/odoo/action-sales_closing.sale_closing_period_action",
    steps: () => [
        {
            content: "Open the period",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('2020-02')",
            run: "click",
        },
        {
            content: "Run the checks",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Run Checks')",
            run: "click",
        },
        {
            content: "The checks tab says who ran them",
            trigger: ".o_form_view div[name='checks_user_id']:contains('Administrator')",
        },
        {
            content: "The blocking draft invoice is listed",
            trigger: ".o_form_view div[name='result_ids'] .o_data_row:contains('is not posted')",
        },
        {
            content: "The period cannot close yet: the alert says so, in the singular",
            trigger:
                ".o_form_view .alert-danger:contains('1 blocking problem keeps this period from closing: resolve it')",
        },
    ],
});

// A Closing Manager walks the guided close of a month from the period form:
// run the checks, review, preview the entries, lock sales, lock invoicing,
// close; each step in the same window.
registry.category("web_tour.tours").add("sales_closing_guided_close", {
    url: "/odoo/action-sales_closing.sale_closing_period_action",
    steps: () => [
        {
            content: "Open the period",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('2020-03')",
            run: "click",
        },
        {
            content: "Start the guided close",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Guided Close')",
            run: "click",
        },
        {
            content: "The first step says what it does",
            trigger: ".modal div[name='todo']:contains('Nothing is locked or posted')",
        },
        {
            content: "Run the checks",
            trigger: ".modal-footer button:contains('Run the Checks')",
            run: "click",
        },
        {
            content: "Review step",
            trigger:
                ".modal .o_statusbar_status button.o_arrow_button_current:contains('Review the Problems')",
        },
        {
            content: "Next: the entries",
            trigger: ".modal-footer button:contains('Next')",
            run: "click",
        },
        {
            content: "Entries step",
            trigger:
                ".modal .o_statusbar_status button.o_arrow_button_current:contains('Preview the Entries')",
        },
        {
            content: "Next: lock sales",
            trigger: ".modal-footer button:contains('Next')",
            run: "click",
        },
        {
            content: "Lock sales",
            trigger: ".modal-footer button:contains('Lock Sales')",
            run: "click",
        },
        {
            content: "Lock invoicing",
            trigger: ".modal-footer button:contains('Lock Invoicing')",
            run: "click",
        },
        {
            content: "Close the period",
            trigger: ".modal-footer button:contains('Close Period')",
            run: "click",
        },
        {
            content: "The last step says the period is closed",
            trigger: ".modal div[name='todo']:contains('2020-03 is closed.')",
        },
    ],
});

// A Closing Manager closes a month from the period form, opens its close
// pack and downloads the PDF and the workbook (the test fetches the same
// URLs: a tour cannot see a download).
registry.category("web_tour.tours").add("sales_closing_close_pack", {
    url: "/odoo/action-sales_closing.sale_closing_period_action",
    steps: () => [
        {
            content: "Open the period",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('2020-04')",
            run: "click",
        },
        {
            content: "Close it",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('Close Period')",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The period is closed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Closed')",
        },
        {
            content: "Open its close packs",
            trigger: ".o_form_view .oe_stat_button:contains('Close Packs')",
            run: "click",
        },
        {
            content: "Open version 1",
            trigger: ".o_list_view .o_data_row td[name='version']:contains('1')",
            run: "click",
        },
        {
            content: "The pack names its period and version",
            trigger: ".o_form_view h1:contains('2020-04, version 1')",
        },
        {
            content: "Download the PDF",
            trigger: ".o_form_view .o_form_statusbar button:contains('Download PDF'):enabled",
            run: "click",
        },
        {
            content: "Download the workbook",
            trigger: ".o_form_view .o_form_statusbar button:contains('Download Workbook'):enabled",
            run: "click",
        },
        {
            content: "Still on the pack: both files were downloads",
            trigger:
                ".o_form_view:has(.o_form_statusbar button:contains('Download Workbook'):enabled) h1:contains('2020-04, version 1')",
        },
    ],
});
