import { registry } from "@web/core/registry";

/**
 * 4.2.2 in the back office, in Hebrew: the IT manager looks at the telephony
 * budget of a vendor bill waiting for approval, approves it (OCA tier
 * validation) and reads the bill's trail. Started on the bill's form
 * (tests/test_tours.py).
 */
registry.category("web_tour.tours").add("council_telephony_bill_approval", {
    steps: () => [
        {
            content: "Open the bill's telephony tab",
            trigger: ".o_notebook a.nav-link[name='telephony']:contains('טלפוניה')",
            run: "click",
        },
        {
            content: "The bill is charged to Tadiran's budget for the year",
            trigger: ".o_field_widget[name='telephony_budget_id']:contains('תדיראן 2026')",
        },
        {
            content: "with all of it still left before approval",
            trigger: ".o_field_widget[name='telephony_budget_remaining']:contains('10,000.00')",
        },
        {
            content: "Approve the bill",
            trigger: ".o_form_view .alert-warning button[name='validate_tier']",
            run: "click",
        },
        {
            content: "The bill is approved",
            trigger: ".o_form_view .alert-success .fa-thumbs-up",
        },
        {
            content: "and there is nothing left to approve",
            trigger: ".o_form_view:not(:has(button[name='validate_tier']))",
        },
        {
            content: "Open the bill's trail",
            trigger: ".o_notebook a.nav-link[name='telephony_trail']:contains('מעקב')",
            run: "click",
        },
        {
            content: "The approval shows the amount signed",
            trigger:
                ".o_field_widget[name='telephony_event_ids'] .o_data_row:has(td[name='kind']:contains('אושר')) td[name='amount']:contains('1,200.00')",
        },
        {
            content: "The request, which records no amount, shows none (not 0.00)",
            trigger:
                ".o_field_widget[name='telephony_event_ids'] .o_data_row:has(td[name='kind']:contains('התבקש אישור')) td[name='amount']:not(:has(.o_field_widget)):not(:contains('0.00'))",
        },
    ],
});
