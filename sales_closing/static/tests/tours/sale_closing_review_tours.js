/** @odoo-module **/
// Copyright 2026 The sales_closing authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

// A Closing Manager opens the blocking problems of a period, selects them
// all and waives them at once with one reason.
registry.category("web_tour.tours").add("sales_closing_bulk_waive", {
    steps: () => [
        {
            content: "Open the blocking problems",
            trigger: "button.oe_stat_button:contains('Blocking')",
            run: "click",
        },
        {
            content: "Open the group of the draft invoices",
            trigger: ".o_list_view .o_group_header:contains('Draft invoices')",
            run: "click",
        },
        {
            content: "Three problems in it",
            trigger: ".o_list_view .o_data_row:nth-child(3)",
        },
        {
            content: "Select them all",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Waive the selection",
            trigger: ".o_control_panel button:contains('Waive')",
            run: "click",
        },
        {
            content: "Three problems are listed in the wizard",
            trigger: ".modal div[name='result_ids'] .o_data_row:nth-child(3)",
        },
        {
            content: "One reason for all",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Drafts of cancelled orders, deleted in November",
        },
        {
            content: "Waive",
            trigger: ".modal-footer button:contains('Waive')",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

// A Closing Manager opens the warnings of a period and marks one reviewed
// with a note.
registry.category("web_tour.tours").add("sales_closing_review_warning", {
    steps: () => [
        {
            content: "Open the warnings",
            trigger: "button.oe_stat_button:contains('Warnings')",
            run: "click",
        },
        {
            content: "Open the group of the deliveries not done",
            trigger: ".o_list_view .o_group_header:contains('Deliveries not done')",
            run: "click",
        },
        {
            content: "Select the first warning",
            trigger: ".o_list_view .o_data_row:first .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Review it",
            trigger: ".o_control_panel button:contains('Review')",
            run: "click",
        },
        {
            content: "Say what was found",
            trigger: ".modal div[name='note'] textarea",
            run: "edit Shipped on Nov 1, the carrier confirmed",
        },
        {
            content: "Mark reviewed",
            trigger: ".modal-footer button:contains('Mark Reviewed')",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

// A Closing Manager without Odoo's accounting rights opens the period-end
// entry of a closed period and reads its journal items.
registry.category("web_tour.tours").add("sales_closing_entry_lines", {
    steps: () => [
        {
            content: "Open the period-end entries",
            trigger: "button.oe_stat_button:contains('Journal Entries')",
            run: "click",
        },
        {
            content: "Open the entry (not its reversal)",
            trigger:
                ".o_list_view .o_data_row:has(td[name='sale_closing_kind']:contains('Period-end entry')) td[name='name']",
            run: "click",
        },
        {
            content: "The accrued revenue line is shown",
            trigger: ".o_form_view div[name='line_ids'] .o_data_row:contains('113100'):contains('180.00')",
        },
        {
            content: "And the income line",
            trigger: ".o_form_view div[name='line_ids'] .o_data_row:nth-child(2)",
        },
    ],
});

// A Closing Manager who works in Simplified Chinese opens the guided close:
// its steps and buttons read in Chinese.
registry.category("web_tour.tours").add("sales_closing_guided_close_zh", {
    steps: () => [
        {
            content: "The Guided Close button reads 结账向导",
            trigger: ".o_form_view .o_statusbar_buttons button:contains('结账向导')",
            run: "click",
        },
        {
            content: "The first step is 运行检查 (run the checks)",
            trigger: ".modal .o_statusbar_status button.o_arrow_button_current:contains('运行检查')",
        },
        {
            content: "The next steps are in Chinese too",
            trigger: ".modal .o_statusbar_status button:contains('复核问题')",
        },
        {
            content: "So is the step's button",
            trigger: ".modal-footer button:contains('运行检查')",
        },
        {
            content: "Close the window (关闭窗口)",
            trigger: ".modal-footer button:contains('关闭窗口')",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
