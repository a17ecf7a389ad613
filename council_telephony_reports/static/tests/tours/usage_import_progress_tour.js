import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

/**
 * C18 in the back office, in Hebrew: the IT manager keeps the form of a
 * running usage import open and watches it move without reloading the page.
 * Started on the import's form (tests/test_tours.py); the background job is
 * played by the test from its own transaction, as the job writes: the tour
 * asks for its next step by a note on the import (the manager cannot write
 * the import's status: issue 13, item 7).
 */
function nextJobStep() {
    return async () => {
        const id = Number(window.location.pathname.split("/").pop());
        await rpc("/web/dataset/call_kw/telephony.usage.import/message_post", {
            model: "telephony.usage.import",
            method: "message_post",
            args: [[id]],
            kwargs: { body: "job-next-step", subtype_xmlid: "mail.mt_note" },
        });
    };
}

registry.category("web_tour.tours").add("council_telephony_reports_usage_import_progress", {
    steps: () => [
        {
            content: "The import is reading the file",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('קריאת הקובץ')",
        },
        {
            content: "a fifth of the way",
            trigger: ".o_field_widget[name='progress'] .o_progressbar_value:contains('20')",
            run: nextJobStep(),
        },
        {
            content: "The page shows the job's next step by itself",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('שמירת השורות')",
        },
        {
            content: "and how far it is",
            trigger: ".o_field_widget[name='progress'] .o_progressbar_value:contains('70')",
            run: nextJobStep(),
        },
        {
            content: "The import is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('יובא')",
        },
        {
            content: "with the rows imported",
            trigger: ".o_field_widget[name='row_count']:contains('3')",
        },
        {
            content: "and the result posted in the chatter",
            trigger: ".o-mail-Message:contains('3 שורות שימוש יובאו.')",
        },
        {
            content: "The page no longer says the file is being imported",
            trigger: ".o_form_view:not(:has(.alert-info[role='status']:visible))",
        },
    ],
});

/**
 * C18: the IT manager uploads the month's file from the PBX and presses
 * Import; the import waits for the background job. Started on the list of
 * imports (tests/test_tours.py).
 */
registry.category("web_tour.tours").add("council_telephony_reports_usage_import_upload", {
    steps: () => [
        {
            content: "A new import",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the month's file",
            trigger: ".o_field_widget[name='file'] .o_select_file_button",
            run() {
                const input = this.anchor
                    .closest(".o_field_widget")
                    .querySelector("input[type='file']");
                const file = new File(
                    ["period,number,department,calls,minutes,cost\n2026-10,4101,,12,30.5,8.20\n"],
                    "pbx-2026-10.csv",
                    { type: "text/csv" }
                );
                const files = new DataTransfer();
                files.items.add(file);
                input.files = files.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The file is chosen",
            trigger: ".o_field_widget[name='file'] .o_clear_file_button",
        },
        {
            content: "Import it",
            trigger: ".o_form_view button[name='action_import']",
            run: "click",
        },
        {
            content: "It waits for the background job",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('ממתין')",
        },
        {
            content: "and the page says it follows it",
            trigger: ".o_form_view .alert-info[role='status']",
        },
    ],
});
