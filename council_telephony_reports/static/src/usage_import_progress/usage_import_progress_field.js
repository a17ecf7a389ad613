import { ProgressBarField, progressBarField } from "@web/views/fields/progress_bar/progress_bar_field";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { useEffect } from "@odoo/owl";

// The states of an import the background job is working on (C18).
const RUNNING = ["queued", "reading", "checking", "storing"];
// How often the open form asks how far the import is, in milliseconds.
export const RELOAD_EVERY = 2000;

/**
 * The import's progress bar, following the job while it runs: the form is
 * read again every two seconds, as a reload would (the chatter too, where
 * the result is posted), until the import is done or failed. Polling rather
 * than a bus notification: it needs nothing of the server's set-up (no
 * websocket worker), and only an open, running import asks.
 */
export class UsageImportProgressField extends ProgressBarField {
    setup() {
        super.setup();
        useEffect(
            (running) => {
                if (!running) {
                    return;
                }
                const timer = browser.setInterval(() => {
                    if (!document.hidden) {
                        this.props.record.model.load();
                    }
                }, RELOAD_EVERY);
                return () => browser.clearInterval(timer);
            },
            () => [RUNNING.includes(this.props.record.data.state)]
        );
    }
}

registry.category("fields").add("usage_import_progress", {
    ...progressBarField,
    component: UsageImportProgressField,
});
