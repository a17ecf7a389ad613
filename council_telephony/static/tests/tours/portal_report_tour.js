import { registry } from "@web/core/registry";

/**
 * 4.3.1 and 4.3.7 in the portal, in Hebrew: an employee reports a phone fault,
 * then, once the IT division closed it, reads how it was handled.
 * The Python side (tests/test_tours.py) closes the ticket between the two.
 */
registry.category("web_tour.tours").add("council_telephony_portal_report", {
    url: "/new/ticket",
    steps: () => [
        {
            content: "The new-ticket form speaks Hebrew",
            trigger: "label[for='telephony_number']:contains('מספר שלוחה או קו')",
        },
        {
            content: "Choose the kind of fault",
            trigger: "select[name='category']",
            run: "selectByLabel תקלה במכשיר",
        },
        {
            content: "Type the extension",
            trigger: "input[name='telephony_number']",
            run: "edit 4205",
        },
        {
            content: "Say where the phone is",
            trigger: "input[name='telephony_location']",
            run: "edit אגף ההנדסה קומה 2",
        },
        {
            content: "Subject",
            trigger: "input[name='subject']",
            run: "edit אין צליל חיוג",
        },
        {
            content: "Describe the fault",
            trigger: "textarea[name='description']",
            run: "edit השפופרת שקטה מאז הבוקר.",
        },
        {
            content: "Send the report",
            trigger: "form[action='/submitted/ticket'] button[type='submit']",
            run: "click",
        },
        {
            content: "The ticket page shows the telephony number",
            trigger: "h2[data-id='number']:contains('TEL/')",
        },
        {
            content: "and the extension and location as reported",
            trigger:
                "div[name='portal_my_task_second_column']:contains('4205'):contains('אגף ההנדסה קומה 2')",
        },
    ],
});

registry.category("web_tour.tours").add("council_telephony_portal_outcome", {
    url: "/my/tickets",
    steps: () => [
        {
            content: "The list shows the report as done",
            trigger: "tr:has(a:contains('אין צליל חיוג')) .badge:contains('הסתיימה')",
        },
        {
            content: "Open the report",
            trigger: "a[href^='/my/ticket/']:contains('אין צליל חיוג')",
            run: "click",
        },
        {
            content: "Read how it was handled",
            trigger:
                "#telephony_resolution:contains('כיצד טופלה'):contains('טכנאי תדיראן החליף את השפופרת')",
        },
        {
            content: "A phone fault is not closed from the portal",
            trigger: "body:not(:has(div[name='ticket_close_buttons']))",
        },
    ],
});
