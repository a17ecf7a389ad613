from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import sql

from odoo.addons.base.models.res_partner import _tz_get

from ..tools import usage_files

COLUMN_HELP = "The column's name in the header, or its position from 1."
TAB = "tab"


class TelephonyUsageImportProfile(models.Model):
    """How a PBX's or a carrier's usage file is read (4.2.5, C18): one per
    source. Modelled on the sheet mappings of OCA's
    ``account_statement_import_sheet_file``: the file's encoding, separators
    and lines to skip, each needed field taken from a column by name or
    position, the date-time format and time zone, the duration's unit, what
    counts as a call, and whether the file is per call or already totalled
    per number and month. Presets ship for Asterisk, FreePBX, Cisco CUCM,
    Avaya IP Office and this project's own monthly layout; the IT manager
    maps any other export (Tadiran, a carrier's) without a developer."""

    _name = "telephony.usage.import.profile"
    _description = "Usage import profile"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    preset = fields.Selection(
        selection=[
            ("asterisk", "Asterisk cdr-csv (Master.csv)"),
            ("freepbx", "FreePBX CDR report (CSV)"),
            ("cucm", "Cisco CUCM CDR"),
            ("avaya", "Avaya IP Office SMDR"),
            ("council", "Monthly usage (this system's layout)"),
        ],
        readonly=True,
        copy=False,
        help="The known format this profile reads: a file in another known "
        "format is refused with the name of its profile.",
    )
    kind = fields.Selection(
        string="Rows",
        selection=[
            ("calls", "One row per call"),
            ("totals", "Totalled per number and month"),
        ],
        required=True,
        default="calls",
    )
    file_type = fields.Selection(
        string="File type",
        selection=[("csv", "CSV"), ("xlsx", "XLSX (Excel)")],
        required=True,
        default="csv",
    )
    encoding = fields.Selection(
        selection=[
            ("auto", "Detect (UTF-8 or windows-1255)"),
            ("utf-8", "UTF-8"),
            ("windows-1255", "windows-1255 (Hebrew Windows)"),
        ],
        required=True,
        default="auto",
    )
    # A tab cannot be typed in a field: the common delimiters are chosen,
    # each stored as the character itself, as when it was typed, but the tab
    # by its name (TAB), whose label, unlike a tab's, can be translated.
    delimiter = fields.Selection(
        selection=[
            (",", "Comma (,)"),
            (";", "Semicolon (;)"),
            (TAB, "Tab"),
            ("|", "Vertical bar (|)"),
        ],
        default=",",
        help="The character between cells.",
    )
    quotechar = fields.Char(
        string="Quote character",
        default='"',
        size=1,
        help="The character around a cell that holds the delimiter; empty: none.",
    )
    skip_lines = fields.Integer(
        string="Lines to skip", help="Lines before the header (or the first row)."
    )
    header = fields.Boolean(
        string="Header line", default=True, help="The file names its columns."
    )
    skip_after_header = fields.Integer(
        string="Lines to skip after the header",
        help="e.g. the line of field types of a CUCM file.",
    )
    number_column = fields.Char(
        string="Extension or line", help=COLUMN_HELP, required=True
    )
    start_column = fields.Char(string="Call start", help=COLUMN_HELP)
    duration_column = fields.Char(string="Talk time", help=COLUMN_HELP)
    cost_column = fields.Char(
        string="Cost",
        help=COLUMN_HELP + " Empty: the cost is the talk minutes at the unit price "
        "of the vendor's contract in force.",
    )
    call_id_column = fields.Char(
        string="Call identifier",
        help=COLUMN_HELP + " Rows with the same identifier are one call (e.g. "
        "Avaya's continuation records).",
    )
    filter_column = fields.Char(
        string="Counted when column",
        help=COLUMN_HELP + " Only rows with one of the values below are calls.",
    )
    filter_values = fields.Char(
        string="has one of the values",
        help="Separated by commas, e.g. ANSWERED, or O for outgoing calls.",
    )
    talk_only = fields.Boolean(
        string="Only calls with talk time",
        default=True,
        help="A call with no talk time (not answered) is not counted.",
    )
    period_column = fields.Char(string="Month", help=COLUMN_HELP)
    department_column = fields.Char(string="Department", help=COLUMN_HELP)
    calls_column = fields.Char(string="Number of phone calls", help=COLUMN_HELP)
    minutes_column = fields.Char(string="Minutes", help=COLUMN_HELP)
    datetime_format = fields.Char(
        string="Date-time format",
        default="%Y-%m-%d %H:%M:%S",
        required=True,
        help="As Python writes it (%d/%m/%Y %H:%M for 31/10/2026 23:50), or "
        "unix for seconds since 1970.",
    )
    tz = fields.Selection(
        selection=_tz_get,
        string="Time zone of the file",
        default="Asia/Jerusalem",
        required=True,
    )
    duration_unit = fields.Selection(
        string="Talk time unit",
        selection=[
            ("seconds", "Seconds"),
            ("minutes", "Minutes"),
            ("hms", "HH:MM:SS"),
        ],
        default="seconds",
        required=True,
    )
    vendor_id = fields.Many2one(
        comodel_name="telephony.vendor",
        help="Whose contract prices the calls of a file without a cost.",
    )
    price_item = fields.Char(
        string="Unit price item",
        help="The item of the contract's unit prices that is priced per minute "
        "of talk, as the contract names it.",
    )
    # Chosen among the vendor's contracts' items, not typed: the import looks
    # the name up in the contract in force each month (price_item).
    price_id = fields.Many2one(
        comodel_name="telephony.contract.price",
        string="Price of a minute",
        compute="_compute_price_id",
        inverse="_inverse_price_id",
        domain="[('contract_id.vendor_id', '=', vendor_id),"
        " ('contract_id.state', 'in', ('draft', 'active'))]",
        help="The item of the vendor's contract priced per minute of talk. Each "
        "month's calls are priced by the item of this name in the contract in "
        "force that month.",
    )

    def init(self):
        # The delimiter was typed, one character (a Char of size 1), before it
        # was chosen: Odoo does not widen the column of a field that became a
        # selection, and the tab is stored by its name. Widened as
        # Char.update_db_column widens a column; the values stay.
        columns = sql.table_columns(self.env.cr, self._table)
        if columns["delimiter"]["character_maximum_length"]:
            sql.convert_column(self.env.cr, self._table, "delimiter", "varchar")

    @api.depends("vendor_id", "price_item")
    def _compute_price_id(self):
        # Read as superuser: IT agents read profiles, not contracts' prices.
        prices = self.env["telephony.contract.price"].sudo()
        for profile in self:
            name = (profile.price_item or "").strip()
            profile.price_id = (
                prices.search(
                    [
                        ("contract_id.vendor_id", "=", profile.vendor_id.id),
                        ("name", "=", name),
                    ],
                    order="contract_id, sequence, id",
                    limit=1,
                )
                if profile.vendor_id and name
                else prices
            )

    def _inverse_price_id(self):
        for profile in self:
            profile.price_item = profile.price_id.name

    @api.constrains(
        "kind",
        "header",
        "delimiter",
        "filter_column",
        "filter_values",
        *(f"{name}_column" for name in usage_files.CALL_FIELDS),
        *(f"{name}_column" for name in usage_files.TOTAL_FIELDS),
    )
    def _check_columns(self):
        labels = self._fields
        for profile in self:
            missing = [
                labels[f"{name}_column"].get_description(self.env)["string"]
                for name in usage_files.REQUIRED[profile.kind]
                if not (profile[f"{name}_column"] or "").strip()
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "The profile %(profile)s needs the columns: %(columns)s.",
                        profile=profile.name,
                        columns=", ".join(missing),
                    )
                )
            columns = profile._layout().columns.values()
            if not profile.header and not all(
                column.isdigit() for column in columns if column
            ):
                raise ValidationError(
                    self.env._(
                        "A file without a header line: give each column by its "
                        "position (1, 2, 3…)."
                    )
                )
            if profile.file_type == "csv" and not profile.delimiter:
                raise ValidationError(self.env._("Give the delimiter of the file."))
            if profile.filter_column and not profile._filter_values():
                raise ValidationError(
                    self.env._("Give the values of the column that count a call.")
                )

    def _filter_values(self):
        return tuple(
            value.strip()
            for value in (self.filter_values or "").split(",")
            if value.strip()
        )

    def _layout(self):
        """The profile as the pipeline reads it (``tools/usage_files``)."""
        self.ensure_one()
        names = (
            usage_files.CALL_FIELDS
            if self.kind == "calls"
            else usage_files.TOTAL_FIELDS
        )
        return usage_files.Layout(
            kind=self.kind,
            file_type=self.file_type,
            encoding=self.encoding,
            delimiter="\t" if self.delimiter == TAB else self.delimiter or ",",
            quotechar=self.quotechar or "",
            skip_lines=max(self.skip_lines, 0),
            header=self.header,
            skip_after_header=max(self.skip_after_header, 0),
            columns={
                name: (self[f"{name}_column"] or "").strip()
                for name in names
                if (self[f"{name}_column"] or "").strip()
            },
            datetime_format=self.datetime_format.strip(),
            duration_unit=self.duration_unit,
            filter_values=self._filter_values(),
            talk_only=self.talk_only,
        )
