import { registry } from "@web/core/registry";

/**
 * 4.3.3 to 4.3.7 in the back office, in Hebrew: the IT agent opens the
 * vendor's call from the ticket, records the reference the vendor gave on the
 * phone, marks the call resolved when the vendor has fixed the fault, and
 * closes the ticket with how the fault was handled.
 * Started on the ticket's form (tests/test_tours.py).
 */
registry.category("web_tour.tours").add("council_telephony_agent_vendor_call", {
    steps: () => [
        {
            content: "Open the vendor call from the ticket",
            trigger: "button[name='action_open_vendor_call']:contains('פתיחת קריאה לספק')",
            run: "click",
        },
        {
            content: "Record the call number Bezeq gave on the phone",
            trigger: ".modal .o_field_widget[name='vendor_reference'] input",
            run: "edit BZ-778812",
        },
        {
            content: "Open the call",
            trigger: ".modal button[name='action_open']",
            run: "click",
        },
        {
            content: "The vendor call is open with its reference",
            trigger:
                ".o_form_view:has(.o_field_widget[name='opened_by_id']) .o_field_widget[name='vendor_reference'] input:value(BZ-778812)",
        },
        {
            content: "Bezeq fixed the line: the call is resolved",
            trigger: ".o_form_view button[name='action_resolve']",
            run: "click",
        },
        {
            content: "The call is resolved",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('טופלה')",
        },
        {
            content: "Back to the ticket",
            trigger: ".o_breadcrumb a:contains('אין חיבור בקו')",
            run: "click",
        },
        {
            content: "The ticket moved to 'resolved' with its call (closing settles the calls first)",
            trigger:
                ".o_statusbar_status button.o_arrow_button_current:contains('טופלה')",
        },
        {
            content: "Open the 'how it was handled' tab",
            trigger: ".o_notebook a.nav-link[name='resolution']:contains('כיצד טופלה')",
            run: "click",
        },
        {
            content: "Write how the fault was handled",
            trigger: ".o_field_widget[name='resolution_summary'] textarea",
            run: "edit בזק החליפה את כבל הקו בארון התקשורת; יש צליל חיוג.",
        },
        {
            content: "Show the folded stages",
            trigger: ".o_statusbar_status button.o_arrow_button.dropdown-toggle",
            run: "click",
        },
        {
            content: "Close the ticket",
            trigger: ".o-dropdown--menu .dropdown-item:contains('הסתיימה')",
            run: "click",
        },
        {
            content: "The ticket is closed and saved",
            trigger:
                ".o_form_saved .o_statusbar_status button.o_arrow_button_current:contains('הסתיימה')",
        },
    ],
});
