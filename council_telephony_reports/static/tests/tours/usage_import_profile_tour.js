import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

/**
 * C18, 4.2.5, in Hebrew: the IT manager maps an export no preset knows (a
 * Tadiran Coral report of outgoing calls) by making a profile through the
 * form, then imports the month's file with it and finds the month's usage.
 * Started on the list of usage imports (tests/test_usage_profile_tour.py);
 * the file is the manager's own upload (an attachment the test made from
 * the file's bytes, in windows-1255); the test runs the background job
 * once the import is sent, then the second tour.
 */
const FILE_NAME = "coral-2026-10.csv";

// A loaded two-core machine: each step may wait up to a minute for its page
// (the most a tour step may wait).
const WAIT = 60000;

const field = (name) => `.o_form_view .o_field_widget[name='${name}']`;

// The Reports menu of the top bar, and an entry of its drop-down.
const REPORTS = ".o_main_navbar [data-menu-xmlid='council_telephony_reports.council_telephony_reports_menu']";
const menu = (xmlid) =>
    `.o-dropdown--menu .dropdown-item[data-menu-xmlid='council_telephony_reports.${xmlid}']`;

/**
 * Choose a file in the form's upload field, as the file picker does: the
 * file's bytes as the manager has them (fetched from the attachment the
 * test made), not text the browser would write in UTF-8.
 */
async function chooseFile() {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", FILE_NAME], ["res_model", "=", false]], ["id"]],
        kwargs: {},
    });
    const response = await fetch(`/web/content/${attachment.id}?download=true`);
    const file = new File([await response.blob()], FILE_NAME, { type: "text/csv" });
    const input = this.anchor.closest(".o_field_widget").querySelector("input[type='file']");
    const files = new DataTransfer();
    files.items.add(file);
    input.files = files.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

const STEPS = [
    // The profile, through the form.
    {
        content: "Open the Reports menu",
        trigger: REPORTS,
        run: "click",
    },
    {
        content: "and its usage import profiles",
        trigger: menu("telephony_usage_import_profile_menu"),
        run: "click",
    },
    {
        content: "The shipped profiles are listed",
        trigger: ".o_list_view .o_data_row:contains('Avaya IP Office')",
    },
    {
        content: "A new profile",
        trigger: ".o_list_button_add",
        run: "click",
    },
    {
        content: "named after the PBX and its report",
        trigger: `${field("name")} input`,
        run: "edit Tadiran Coral, שיחות יוצאות && click body",
    },
    {
        content: "One row per call (the default)",
        trigger: `${field("kind")} input[data-value='calls']:checked`,
    },
    {
        content: "a CSV file",
        trigger: `${field("file_type")} input[data-value='csv']:checked`,
    },
    {
        content: "written by a Hebrew Windows",
        trigger: `${field("encoding")} select`,
        run: 'select "windows-1255"',
    },
    {
        content: "its cells separated by semicolons, chosen (a tab is offered too)",
        trigger: `${field("delimiter")} select:has(option:contains('טאב'))`,
        run: 'select ";"',
    },
    {
        content: "after the report's title and date",
        trigger: `${field("skip_lines")} input`,
        run: "edit 2 && click body",
    },
    {
        content: "A file without a line of column names",
        trigger: `${field("header")} input:checked`,
        run: "click",
    },
    {
        content: "would need each column by its position",
        trigger: ".o_form_view p:contains('בקובץ אין שורת כותרת'):visible",
    },
    {
        content: "This one has a line of column names",
        trigger: `${field("header")} input:not(:checked)`,
        run: "click",
    },
    {
        content: "so a column is given by its name",
        trigger: ".o_form_view p:contains('לפי שמה בשורת הכותרת'):visible",
    },
    {
        content: "dates written day first (the format reads left to right)",
        trigger: `${field("datetime_format")}.o_telephony_ltr input`,
        run: "edit %d/%m/%Y %H:%M && click body",
    },
    {
        content: "in Israel's time (the default)",
        trigger: `${field("tz")} select:has(option:selected[value='"Asia/Jerusalem"'])`,
    },
    {
        content: "talk time as hours, minutes and seconds",
        trigger: `${field("duration_unit")} select`,
        run: 'select "hms"',
    },
    {
        content: "The extension's column, by its Hebrew name",
        trigger: `${field("number_column")} input`,
        run: "edit שלוחה && click body",
    },
    {
        content: "the call's start",
        trigger: `${field("start_column")} input`,
        run: "edit תאריך ושעה && click body",
    },
    {
        content: "its talk time",
        trigger: `${field("duration_column")} input`,
        run: "edit משך שיחה && click body",
    },
    {
        content: "Only outgoing calls count",
        trigger: `${field("filter_column")} input`,
        run: "edit כיוון && click body",
    },
    {
        content: "by their value in that column",
        trigger: `${field("filter_values")} input`,
        run: "edit יוצאת && click body",
    },
    {
        content: "The report has no cost: the vendor's contract prices it",
        trigger: ".o_form_view .o_horizontal_separator:contains('עלות השיחות')",
    },
    {
        content: "Whose contract",
        trigger: `${field("vendor_id")} input`,
        run: "edit תדיר",
    },
    {
        content: "Tadiran",
        trigger: ".o-autocomplete--dropdown-item:contains('תדיראן')",
        run: "click",
    },
    {
        content: "by its price of a minute of talk, one of the contract's items",
        trigger: `${field("price_id")} input`,
        run: "edit דקת",
    },
    {
        content: "chosen, not typed",
        trigger: ".o-autocomplete--dropdown-item:contains('דקת שיחה')",
        run: "click",
    },
    {
        content: "Save the profile",
        trigger: ".o_form_button_save:enabled",
        run: "click",
    },
    {
        content: "The profile is saved",
        trigger: ".o_form_view .o_form_saved",
    },
    // The month's file, with that profile.
    {
        content: "Open the Reports menu again",
        trigger: REPORTS,
        run: "click",
    },
    {
        content: "and its usage imports",
        trigger: menu("telephony_usage_import_menu"),
        run: "click",
    },
    {
        content: "A new import",
        trigger: ".o_list_button_add",
        run: "click",
    },
    {
        content: "Choose the new profile",
        trigger: `${field("profile_id")} input`,
        run: "edit Coral",
    },
    {
        content: "from the list",
        trigger: ".o-autocomplete--dropdown-item:contains('Tadiran Coral, שיחות יוצאות')",
        run: "click",
    },
    {
        content: "The profile is chosen",
        trigger: `${field("profile_id")} input:value(Tadiran Coral)`,
    },
    {
        content: "Choose the month's file from the Coral",
        trigger: `${field("file")} .o_select_file_button`,
        run: chooseFile,
    },
    {
        content: "The file is chosen",
        trigger: `${field("file")} .o_clear_file_button`,
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
];

/**
 * Then, once the test has run the background job: the import's form, open
 * again (started on it), says what was imported, and the usage shows the
 * month.
 */
const RESULT_STEPS = [
    {
        content: "The import is done",
        trigger: ".o_statusbar_status button.o_arrow_button_current:contains('יובא')",
    },
    {
        content: "with the profile the manager made",
        trigger: `${field("profile_id")}:contains('Tadiran Coral')`,
    },
    {
        content: "one row for each number and month",
        trigger: `${field("row_count")}:contains('2')`,
    },
    {
        content: "its months",
        trigger: `${field("periods")}:contains('10/2026–11/2026')`,
    },
    {
        content: "and the number not in the register",
        trigger: `${field("result")}:contains('4102')`,
    },
    // The month's usage.
    {
        content: "Open the Reports menu for the usage",
        trigger: REPORTS,
        run: "click",
    },
    {
        content: "Usage",
        trigger: menu("telephony_usage_menu"),
        run: "click",
    },
    {
        content: "as a list",
        trigger: ".o_switch_view.o_list",
        run: "click",
    },
    {
        content:
            "October of extension 4101: two outgoing calls, 22 minutes of talk, " +
            "at 0.25 a minute",
        trigger:
            ".o_list_view .o_data_row:contains('4101')" +
            ":has(td[name='calls']:contains('2'))" +
            ":has(td[name='minutes']:contains('22.00'))" +
            ":has(td[name='cost']:contains('5.50'))",
    },
    {
        content: "November's number, not in the register, is listed too",
        trigger:
            ".o_list_view .o_data_row:contains('4102')" +
            ":has(td[name='cost']:contains('0.25'))",
    },
];

const withWait = (steps) => () => steps.map((step) => ({ timeout: WAIT, ...step }));

registry.category("web_tour.tours").add("council_telephony_reports_usage_import_profile", {
    steps: withWait(STEPS),
});
registry
    .category("web_tour.tours")
    .add("council_telephony_reports_usage_import_profile_result", {
        steps: withWait(RESULT_STEPS),
    });
