import base64
import csv
import functools
import io

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.council_telephony.tools import numbering

from ..tools import usage_csv

SHOWN_ERRORS = 100


class TelephonyUsageImport(models.TransientModel):
    """C18: import a month (or months) of usage from a PBX or carrier CSV.
    Everything is checked first; one bad row and nothing is imported. A
    number's month imported again replaces the earlier import. Rows go in by
    PostgreSQL COPY, not one ORM create each."""

    _name = "telephony.usage.import"
    _description = "Import monthly usage"

    file = fields.Binary(string="CSV file", required=True, attachment=False)
    filename = fields.Char()

    def action_import(self):
        self.ensure_one()
        company = self.env.company
        buffer, count, periods, errors = self._prepare(
            base64.b64decode(self.file), company
        )
        if errors:
            raise UserError(self._errors_message(errors))
        self._store(buffer, periods, company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s usage rows imported for %(periods)s.",
                    count=count,
                    periods=", ".join(p.strftime("%m/%Y") for p in sorted(periods)),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _prepare(self, data, company):
        """Check every row and write the valid ones as COPY input, in one
        pass. Return ``(buffer, count, periods, errors)``."""
        low = company.telephony_extension_min_digits
        high = company.telephony_extension_max_digits

        @functools.lru_cache(maxsize=65536)
        def parse_number(text):
            try:
                return numbering.parse_number(text, low, high)[1]
            except numbering.NumberError as error:
                raise ValueError(f"number_{error.reason}") from error

        departments = self._departments(company)
        self.env.cr.execute(
            "SELECT number, id FROM telephony_extension WHERE company_id = %s",
            (company.id,),
        )
        extensions = dict(self.env.cr.fetchall())
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        errors, periods, count = [], set(), 0
        for item in usage_csv.iter_parse(data, parse_number):
            if isinstance(item, usage_csv.RowError):
                errors.append(item)
                continue
            department = departments.get(item.department, "") if item.department else ""
            if item.department and not department:
                errors.append(
                    usage_csv.RowError(item.line, "department", item.department)
                )
                continue
            if errors:
                continue  # nothing will be imported: only look for more errors
            periods.add(item.period)
            count += 1
            writer.writerow(
                (
                    company.id,
                    item.period,
                    item.number,
                    extensions.get(item.number, ""),
                    department,
                    item.calls,
                    item.minutes,
                    item.cost,
                )
            )
        buffer.seek(0)
        return buffer, count, periods, errors

    def _departments(self, company):
        # Department names are translatable: any language's name matches.
        self.env.cr.execute(
            """SELECT names.value, d.id
                 FROM hr_department d, jsonb_each_text(d.name) AS names
                WHERE d.company_id = %s OR d.company_id IS NULL""",
            (company.id,),
        )
        return dict(self.env.cr.fetchall())

    def _errors_message(self, errors):
        reasons = {
            "encoding": self.env._("the file is not UTF-8 text"),
            "header": self.env._("the header lacks the columns: %s"),
            "columns": self.env._("wrong number of columns (%s)"),
            "period": self.env._("the period %s is not a month written YYYY-MM"),
            "number_empty": self.env._("no extension or line number"),
            "number_characters": self.env._("%s is not a phone number"),
            "number_extension_length": self.env._("%s is not a council extension"),
            "number_line_invalid": self.env._("%s is not a valid Israeli line number"),
            "amount": self.env._(
                "calls, minutes and cost must be numbers from 0 to 1,000,000,000 (%s)"
            ),
            "unreadable": self.env._("the line cannot be read as CSV"),
            "department": self.env._("no department is named %s"),
        }
        lines = [
            self.env._(
                "Line %(line)s: %(reason)s",
                line=error.line,
                reason=reasons[error.reason].replace("%s", error.value),
            )
            for error in errors[:SHOWN_ERRORS]
        ]
        if len(errors) > SHOWN_ERRORS:
            lines.append(
                self.env._("… and %(count)s more.", count=len(errors) - SHOWN_ERRORS)
            )
        return "\n".join(
            [self.env._("Nothing was imported. Correct these rows and import again:")]
            + lines
        )

    def _store(self, buffer, periods, company):
        """Load the rows by COPY into a work table, then replace what the
        file brings: the same month of the same number (a PBX export and a
        carrier export of one month each keep their own numbers)."""
        usage = self.env["telephony.usage"]
        usage.flush_model()
        cr = self.env.cr
        cr.execute(
            """CREATE TEMP TABLE telephony_usage_incoming
                   (LIKE telephony_usage INCLUDING DEFAULTS) ON COMMIT DROP"""
        )
        cr._obj.copy_expert(
            """COPY telephony_usage_incoming (company_id, period, number,
                   extension_id, department_id, calls, minutes, cost)
               FROM STDIN WITH (FORMAT csv)""",
            buffer,
        )
        cr.execute(
            """DELETE FROM telephony_usage u
                USING (SELECT DISTINCT company_id, period, number
                         FROM telephony_usage_incoming) i
                WHERE u.company_id = i.company_id AND u.period = i.period
                  AND u.number = i.number"""
        )
        cr.execute(
            """INSERT INTO telephony_usage (company_id, period, number,
                   extension_id, department_id, calls, minutes, cost)
               SELECT company_id, period, number, extension_id, department_id,
                      calls, minutes, cost
                 FROM telephony_usage_incoming"""
        )
        cr.execute("DROP TABLE telephony_usage_incoming")
        usage.invalidate_model()
