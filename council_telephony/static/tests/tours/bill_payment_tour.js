import { registry } from "@web/core/registry";

/**
 * 4.2.2 in the back office, in Hebrew: treasury posts a telephony bill the IT
 * manager approved and pays it with Odoo's "Pay" wizard.
 * Started on the bill's form (tests/test_tours.py).
 */
registry.category("web_tour.tours").add("council_telephony_bill_payment", {
    steps: () => [
        {
            content: "Post the approved bill",
            trigger: ".o_statusbar_buttons button[name='action_post']:contains('אשר')",
            run: "click",
        },
        {
            content: "Pay it",
            trigger: ".o_statusbar_buttons button[name='action_register_payment']:contains('שלם')",
            run: "click",
        },
        {
            content: "Create the payment",
            trigger: ".modal button[name='action_create_payments']:contains('צור תשלום')",
            run: "click",
        },
        {
            content: "The bill shows as paid or in payment",
            trigger:
                ".o_form_view .ribbon span:contains('שולם'), .o_form_view .ribbon span:contains('בתשלום')",
        },
    ],
});
