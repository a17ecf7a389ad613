from numbers import Number

from odoo import models

# What starts a formula in a spreadsheet program (and in a CSV file saved
# from the sheet and opened elsewhere).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ReportAnnualXlsx(models.AbstractModel):
    """The annual report's figures as a spreadsheet (OCA report_xlsx)."""

    _name = "report.council_telephony_reports.report_annual_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Annual telephony report (spreadsheet)"

    def generate_xlsx_report(self, workbook, data, wizards):
        figures_model = self.env["telephony.annual.figures"]
        bold = workbook.add_format({"bold": True})
        for wizard in wizards:
            figures = figures_model._figures(wizard.year, wizard.company_id)
            this, last = figures["this"], figures["last"]
            year, previous = str(wizard.year), str(wizard.year - 1)
            shown = self._shown
            sheet = self._sheet(workbook, self.env._("Summary"))
            rows = [
                (
                    self.env._("Phone faults"),
                    *(shown(y, "faults", y["tickets"]) for y in (this, last)),
                ),
                (
                    self.env._("Vendor call within 3 hours (%)"),
                    *(shown(y, "faults", y["compliance"]) for y in (this, last)),
                ),
                (
                    self.env._("Availability (%)"),
                    *(shown(y, "faults", y["availability"]) for y in (this, last)),
                ),
                (
                    self.env._("Availability target (%)"),
                    this["availability_target"],
                    None,
                ),
                (
                    self.env._("Faults judged by the 3-hour rule"),
                    *(shown(y, "faults", y["judged"]) for y in (this, last)),
                ),
                *(
                    (
                        label,
                        *(shown(y, "usage", y["usage_total"][i]) for y in (this, last)),
                    )
                    for i, label in enumerate(
                        (
                            self.env._("Phone calls"),
                            self.env._("Minutes"),
                            self.env._("Cost"),
                        )
                    )
                ),
                (
                    self.env._("Idle extensions and lines"),
                    *(shown(y, "usage", y["idle_count"]) for y in (this, last)),
                ),
                (
                    self.env._("Their cost a year"),
                    *(
                        shown(y, "usage", y["idle_monthly_cost"] * 12)
                        for y in (this, last)
                    ),
                ),
            ]
            self._write_table(sheet, bold, ["", year, previous], rows)
            for title, key in (
                (self.env._("By fault kind"), "by_category"),
                (self.env._("By vendor"), "by_vendor"),
            ):
                sheet = self._sheet(workbook, title)
                keys = sorted(set(this[key]) | set(last[key]))
                self._write_table(
                    sheet,
                    bold,
                    ["", year, previous],
                    [
                        (
                            k,
                            *(
                                shown(y, "faults", y[key].get(k, 0))
                                for y in (this, last)
                            ),
                        )
                        for k in keys
                    ],
                )
            sheet = self._sheet(workbook, self.env._("By month"))
            self._write_table(
                sheet,
                bold,
                ["", year, previous],
                [
                    (m, *(shown(y, "faults", y["by_month"][m]) for y in (this, last)))
                    for m in range(1, 13)
                ],
            )
            # Three figures a row, and the last of them the year before.
            for title, key, labels in (
                (
                    self.env._("Usage by department"),
                    "usage",
                    (
                        self.env._("Phone calls"),
                        self.env._("Minutes"),
                        self.env._("Cost"),
                    ),
                ),
                (
                    self.env._("Budget and payments"),
                    "spend",
                    (self.env._("Budget"), self.env._("Approved"), self.env._("Paid")),
                ),
                (
                    self.env._("Compliance reviews"),
                    "reviews",
                    (
                        self.env._("Complied"),
                        self.env._("Did not comply"),
                        self.env._("Penalties"),
                    ),
                ),
            ):
                sheet = self._sheet(workbook, title)
                nothing = (0, 0, 0)
                # usage, spend and reviews are each their own kind of record.
                self._write_table(
                    sheet,
                    bold,
                    ["", *labels, f"{labels[2]} {previous}"],
                    [
                        (
                            k,
                            *(shown(this, key, v) for v in this[key].get(k, nothing)),
                            shown(last, key, last[key].get(k, nothing)[2]),
                        )
                        for k in sorted(set(this[key]) | set(last[key]))
                    ],
                )
            sheet = self._sheet(workbook, self.env._("Training"))
            self._write_table(
                sheet,
                bold,
                ["", year, previous],
                [
                    (
                        self.env._("Sessions held"),
                        *(
                            shown(y, "training", y["training"]["sessions"])
                            for y in (this, last)
                        ),
                    ),
                    (
                        self.env._("Employees trained"),
                        *(
                            shown(y, "training", y["training"]["trained"])
                            for y in (this, last)
                        ),
                    ),
                    (
                        self.env._("Phone holders not yet trained (today)"),
                        this["training"]["untrained"],
                        None,
                    ),
                    (
                        self.env._("Phone holders (today)"),
                        this["training"]["holders"],
                        None,
                    ),
                ],
            )
            sheet = self._sheet(workbook, self.env._("Vendors"))
            self._write_table(
                sheet,
                bold,
                [
                    "",
                    self.env._("Year"),
                    self.env._("Calls"),
                    self.env._("Resolved"),
                    self.env._("Response, median (working hours)"),
                    self.env._("Response, 90th percentile (working hours)"),
                    self.env._("Repair, median (working hours)"),
                    self.env._("Repair, 90th percentile (working hours)"),
                    self.env._("Availability (%)"),
                ],
                [
                    (
                        v["vendor"],
                        row_year,
                        v["calls"],
                        v["resolved"],
                        v["response_median"],
                        v["response_p90"],
                        v["repair_median"],
                        v["repair_p90"],
                        v["availability"],
                    )
                    for row_year, rows in ((wizard.year, this), (wizard.year - 1, last))
                    for v in rows["vendors"]
                ],
            )

    def _shown(self, figures, kind, value):
        """``value`` of a year's figures, or "Not recorded" for a year before
        the system's first record of its kind (``_recorded_since``)."""
        return value if figures["recorded"][kind] else self.env._("Not recorded")

    def _sheet(self, workbook, title):
        """A sheet of the report: right to left in a right-to-left language."""
        sheet = workbook.add_worksheet(title)
        if self.env["res.lang"]._get_data(code=self.env.lang).direction == "rtl":
            sheet.right_to_left()
        return sheet

    def get_workbook_options(self):
        # C20: a name is never read as a formula, whichever way it is written.
        return {**super().get_workbook_options(), "strings_to_formulas": False}

    @staticmethod
    def _text(value):
        """A name given by a user (a fault kind, a department, a vendor) as
        plain text: one that starts like a formula gets a leading apostrophe,
        so that no spreadsheet program runs it (C20)."""
        text = str(value)
        return f"'{text}" if text.startswith(FORMULA_START) else text

    @classmethod
    def _write_table(cls, sheet, bold, header, rows):
        for column, title in enumerate(header):
            sheet.write_string(0, column, cls._text(title), bold)
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Number) and not isinstance(value, bool):
                    sheet.write_number(index, column, value)
                else:
                    sheet.write_string(index, column, cls._text(value))
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, len(header), 16)
