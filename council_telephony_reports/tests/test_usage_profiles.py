import base64
import io
import logging
import os
from datetime import UTC, datetime
from unittest.mock import patch

import openpyxl

from odoo.tools.safe_eval import safe_eval

from ..tools import usage_share
from .common import UsageImportCase, contract_in_force

PRICE = "דקת שיחה"
IMPORT_LOGGER = "odoo.addons.council_telephony_reports.models.telephony_usage_import"


def unix(text):
    """A UTC time as CUCM writes it: seconds since 1970."""
    moment = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    return str(int(moment.timestamp()))


def asterisk(src, start, billsec, disposition="ANSWERED", answer=None, extra=()):
    """A line of Asterisk's Master.csv (cdr-csv): 16 columns, strings quoted,
    integers not; a caller id with a Hebrew name and a comma."""
    answer = start if answer is None else answer
    cells = [
        '""',
        f'"{src}"',
        '"0529876543"',
        '"from-internal"',
        f'"""כהן, משה"" <{src}>"',
        f'"SIP/{src}-00000001"',
        '"SIP/trunk-00000002"',
        '"Dial"',
        '"SIP/trunk/0529876543,60"',
        f'"{start}"',
        f'"{answer}"',
        f'"{start}"',
        str(billsec + 5),
        str(billsec),
        f'"{disposition}"',
        '"DOCUMENTATION"',
        *(f'"{cell}"' for cell in extra),
    ]
    return ",".join(cells) + "\n"


class ProfileImportCase(UsageImportCase):
    """The shipped profiles, the calls priced by a contract in force."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = contract_in_force(cls.env, cls.tadiran, 0.10, PRICE)
        cls.profiles = {
            key: cls.env.ref(f"council_telephony_reports.usage_import_profile_{key}")
            for key in ("asterisk", "freepbx", "cucm", "avaya", "council")
        }
        for key in ("asterisk", "freepbx", "cucm", "avaya"):
            cls.profiles[key].vendor_id = cls.tadiran

    def _import_file(self, profile, data, name="cdr.csv"):
        record = (
            self.env["telephony.usage.import"]
            .with_user(self.manager)
            .create(
                {
                    "file": base64.b64encode(data),
                    "name": name,
                    "profile_id": profile.id,
                }
            )
        )
        record.action_import()
        self._run_jobs()
        return record

    def _month(self, period):
        usage = self.env["telephony.usage"].search([("period", "=", period)])
        return {
            u.number: (u.calls, round(u.minutes, 2), round(u.cost, 2)) for u in usage
        }


class TestUsageProfiles(ProfileImportCase):
    """C18, 4.2.5: what the PBXs and carriers really export, read by import
    profiles: calls totalled per number and month in the council's time
    zone, priced by the contract when the file has no cost; a bad file
    changes nothing and says why; a file of another known format is told
    so."""

    def test_asterisk_master_csv_in_windows_1255(self):
        data = (
            asterisk("4101", "2026-10-05 09:00:00", 120)
            # Over midnight at the end of the month: the month it started.
            + asterisk("4101", "2026-10-31 23:50:00", 1200, extra=("acc", "17.1"))
            # Unanswered: no answer time, no talk time, not counted.
            + asterisk("4101", "2026-10-20 10:00:00", 0, "NO ANSWER", answer="")
            + asterisk("4101", "2026-10-21 10:00:00", 30, "BUSY")
            # Not in the register: imported, and named.
            + asterisk("41 02", "2026-11-01 00:05:00", 60, extra=("", "1.2", "x"))
        ).encode("windows-1255")
        # Totalled as read, the totals stored by one COPY: no other way.
        # (logging.INFO: in Odoo, the name "INFO" is also a level 25.)
        with self.assertNoLogs(IMPORT_LOGGER, logging.INFO):
            record = self._import_file(self.profiles["asterisk"], data, "Master.csv")
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(record.periods, "10/2026–11/2026")
        self.assertEqual(self._month("2026-10-01"), {"4101": (2, 22.0, 2.2)})
        self.assertEqual(self._month("2026-11-01"), {"4102": (1, 1.0, 0.1)})
        october = self.env["telephony.usage"].search([("period", "=", "2026-10-01")])
        self.assertEqual(october.extension_id, self.extension)
        # A PBX names no department: the register entry's is charged.
        self.assertTrue(self.extension.department_id)
        self.assertEqual(october.department_id, self.extension.department_id)
        self.assertIn("Not in the register (1): 4102", record.result)
        # The same month again replaces it (the checking way, which does).
        with self.assertLogs(IMPORT_LOGGER, logging.INFO) as logs:
            again = self._import_file(
                self.profiles["asterisk"],
                asterisk("4101", "2026-10-06 09:00:00", 60).encode(),
            )
        self.assertIn("checked the slow way", logs.output[0])
        self.assertEqual(again.state, "done", again.result)
        self.assertEqual(self._month("2026-10-01"), {"4101": (1, 1.0, 0.1)})

    def test_freepbx_report_with_its_header_in_utf8_with_bom(self):
        data = (
            "\ufeffcalldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,"
            "lastdata,duration,billsec,disposition,amaflags,accountcode,uniqueid,"
            "userfield,did,recordingfile,cnum,cnam\n"
            '2026-10-07 08:15:00,"""לוי, רחל"" <4101>",4101,035551234,'
            "from-internal,PJSIP/4101-1,PJSIP/trunk-2,Dial,x,95,90,ANSWERED,3,,"
            "1791.1,,,,4101,רחל לוי\n"
            '2026-10-07 08:20:00,"""לוי, רחל"" <4101>",4101,035551234,'
            "from-internal,PJSIP/4101-3,,Dial,x,20,0,NO ANSWER,3,,1791.2,,,,4101,\n"
            '2026-10-08 12:00:00,"""לוי, רחל"" <4101>",4101,*97,'
            "from-internal,PJSIP/4101-4,,VoiceMailMain,,40,35,FAILED,3,,1791.3,,,,,\n"
        ).encode()
        record = self._import_file(self.profiles["freepbx"], data, "cdr.csv")
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(self._month("2026-10-01"), {"4101": (1, 1.5, 0.15)})

    def test_cucm_utc_times_go_to_the_council_month_daylight_saving_included(self):
        names = (
            "cdrRecordType,globalCallID_callId,origLegCallIdentifier,"
            "dateTimeOrigination,callingPartyNumber,originalCalledPartyNumber,"
            "dateTimeConnect,dateTimeDisconnect,duration\n"
        )
        types = "INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),VARCHAR(50),"
        types += "INTEGER,INTEGER,INTEGER\n"

        def call(n, origination, number, seconds):
            start = unix(origination)
            end = str(int(start) + seconds) if seconds else "0"
            cells = f'{start},"{number}","0529876543",{start},{end},{seconds}'
            return f"1,{n},{n},{cells}\n"

        data = (
            names
            + types
            # Israel winter time (UTC+2) from 25/10/2026: 23:30 on 31/10.
            + call(1, "2026-10-31 21:30", "4101", 60)
            # 00:30 on 1/11: November.
            + call(2, "2026-10-31 22:30", "4101", 120)
            # Summer time (UTC+3) from 27/03/2026: 00:30 on 1/04, April.
            + call(3, "2026-03-31 21:30", "4101", 180)
            # 23:30 on 31/03 in summer time: March.
            + call(4, "2026-03-31 20:30", "4101", 240)
            # Not connected: no talk time.
            + call(5, "2026-10-15 08:00", "4101", 0)
        ).encode()
        record = self._import_file(self.profiles["cucm"], data, "cdr_StandAloneCluster")
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(self._month("2026-10-01"), {"4101": (1, 1.0, 0.1)})
        self.assertEqual(self._month("2026-11-01"), {"4101": (1, 2.0, 0.2)})
        self.assertEqual(self._month("2026-04-01"), {"4101": (1, 3.0, 0.3)})
        self.assertEqual(self._month("2026-03-01"), {"4101": (1, 4.0, 0.4)})

    def test_avaya_smdr_continuation_records_are_one_call(self):
        def smdr(start, talk, caller, direction, call_id, continuation):
            cells = [start, talk, "00:00:04", caller, direction, "0529876543"]
            cells += ["0529876543", "", "0", call_id, continuation, f"E{caller}"]
            cells += ["אבי כהן", "T9001", "Line 1.1", "0", "0", "", "", ""]
            cells += ["", "", "", "", "", "", "", "", "", ""]
            return ",".join(cells) + "\n"

        data = (
            smdr("2026/10/12 10:00:00", "00:02:00", "4101", "O", "1000001", "1")
            + smdr("2026/10/12 10:00:00", "00:01:30", "4101", "O", "1000001", "0")
            + smdr("2026/10/12 11:00:00", "00:05:00", "4101", "I", "1000002", "0")
            + smdr("2026/10/13 11:00:00", "00:00:00", "4101", "O", "1000003", "0")
        ).encode("windows-1255")
        record = self._import_file(self.profiles["avaya"], data, "smdr.csv")
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(self._month("2026-10-01"), {"4101": (1, 3.5, 0.35)})

    def test_a_bad_file_changes_nothing_and_names_line_column_and_value(self):
        self._import_file(
            self.profiles["asterisk"],
            asterisk("4101", "2026-10-05 09:00:00", 120).encode(),
        )
        before = self._month("2026-10-01")
        data = (
            asterisk("4101", "2026-10-06 09:00:00", 60)
            + asterisk("4101", "2026-13-06 09:00:00", 60)
            + asterisk("41a", "2026-10-06 09:00:00", 60)
            # An answered call with no start.
            + asterisk("4101", "", 60)
            + asterisk("4101", "2026-10-06 09:00:00", 60)
        ).encode()
        record = self._import_file(self.profiles["asterisk"], data)
        self.assertEqual(record.state, "failed")
        self.assertEqual(record.error_count, 3)
        self.assertEqual(
            record.result.split("\n"),
            [
                "Nothing was imported. Correct these rows and import again:",
                "Line 2, column 10: 2026-13-06 09:00:00 is not a date and time "
                "written %Y-%m-%d %H:%M:%S",
                "Line 3, column 2: 41a is not a phone number",
                "Line 4, column 10: no date and time",
            ],
        )
        self.assertEqual(self._month("2026-10-01"), before)

    def test_a_month_without_a_contract_price_imports_nothing(self):
        record = self._import_file(
            self.profiles["asterisk"],
            asterisk("4101", "2025-12-05 09:00:00", 120).encode(),
        )
        self.assertEqual(record.state, "failed")
        self.assertIn("in force in 12/2025 has no unit price דקת שיחה", record.result)
        self.assertFalse(self._month("2025-12-01"))

    def test_a_file_of_another_format_is_told_so_at_once(self):
        cucm = (
            "cdrRecordType,dateTimeOrigination,callingPartyNumber,duration\n"
            "INTEGER,INTEGER,VARCHAR(50),INTEGER\n"
            f"1,{unix('2026-10-01 08:00')},4101,60\n"
        ).encode()
        record = self._import_file(self.profiles["asterisk"], cucm)
        self.assertEqual(record.state, "failed")
        self.assertIn("this looks like a file of Cisco CUCM CDR", record.result)
        self.assertIn("Choose the profile Cisco CUCM (CDR)", record.result)
        record = self._import_file(
            self.profiles["council"],
            asterisk("4101", "2026-10-05 09:00:00", 120).encode(),
        )
        self.assertIn("this looks like a file of Asterisk", record.result)

    def test_a_carrier_spreadsheet_totalled_per_month_mapped_by_the_manager(self):
        profile = (
            self.env["telephony.usage.import.profile"]
            .with_user(self.manager)
            .create(
                {
                    "name": "בזק, חשבונית חודשית",
                    "kind": "totals",
                    "file_type": "xlsx",
                    "skip_lines": 2,
                    "period_column": "חודש",
                    "number_column": "מספר קו",
                    "calls_column": "שיחות",
                    "minutes_column": "דקות",
                    "cost_column": "סכום",
                    "datetime_format": "%m/%Y",
                }
            )
        )
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["בזק בינלאומי — פירוט חודשי"])
        sheet.append([])
        sheet.append(["מספר קו", "חודש", "שיחות", "דקות", "סכום", "הערה"])
        sheet.append(["08-912-3456", "10/2026", 12, 35.5, 61.2, "קו, ראשי"])
        sheet.append(["4101", datetime(2026, 10, 1), 3, 4, 1.5, None])
        stream = io.BytesIO()
        book.save(stream)
        record = self._import_file(profile, stream.getvalue(), "bezeq.xlsx")
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(
            self._month("2026-10-01"),
            {"08-912-3456": (12, 35.5, 61.2), "4101": (3, 4.0, 1.5)},
        )

    def test_a_carrier_csv_of_calls_with_its_own_dates_and_costs(self):
        profile = self.env["telephony.usage.import.profile"].create(
            {
                "name": "Cellcom calls",
                "delimiter": ";",
                "number_column": "מנוי",
                "start_column": "תאריך",
                "duration_column": "משך",
                "duration_unit": "minutes",
                "cost_column": "מחיר",
                "datetime_format": "%d/%m/%Y %H:%M",
            }
        )
        data = (
            "מנוי;תאריך;משך;מחיר;יעד\n"
            '04-8123456;31/10/2026 23:58;2,5;1.20;"ת""א; מרכז"\n'
            "04-8123456;01/11/2026 00:03;1;0.50;\n"
        ).encode("windows-1255")
        record = self._import_file(profile, data)
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(self._month("2026-10-01"), {"04-812-3456": (1, 2.5, 1.2)})
        self.assertEqual(self._month("2026-11-01"), {"04-812-3456": (1, 1.0, 0.5)})

    def test_a_tab_separated_export_priced_by_an_item_chosen_from_the_contract(self):
        """A tab, which no one can type in a field, is one of the delimiters
        offered; the price of a minute is chosen among the vendor's contract
        items, not typed, and the import prices the calls by it."""
        self._enable_hebrew()
        profiles = self.env["telephony.usage.import.profile"].with_user(self.manager)
        delimiters = profiles.with_context(lang="he_IL").fields_get(["delimiter"])
        self.assertIn(("tab", "טאב (Tab)"), delimiters["delimiter"]["selection"])
        (minute,) = self.contract.price_ids.filtered(lambda p: p.name == PRICE)
        # What the form offers for Tadiran (the field's domain).
        offered = profiles.env["telephony.contract.price"].search(
            safe_eval(
                profiles._fields["price_id"].domain, {"vendor_id": self.tadiran.id}
            )
        )
        self.assertEqual(set(offered.mapped("name")), {"מכשיר", PRICE})
        profile = profiles.create(
            {
                "name": "Coral, tab separated",
                "delimiter": "tab",
                "number_column": "ext",
                "start_column": "start",
                "duration_column": "secs",
                "vendor_id": self.tadiran.id,
                "price_id": minute.id,
            }
        )
        self.assertEqual(profile.price_item, PRICE)
        self.assertEqual(self.profiles["asterisk"].price_id, minute)
        data = (
            "ext\tstart\tsecs\tdestination\n"
            "4101\t2026-10-05 09:00:00\t120\tתל אביב, מרכז\n"
            "4101\t2026-10-06 09:00:00\t60\t035551234\n"
        ).encode()
        record = self._import_file(profile, data)
        self.assertEqual(record.state, "done", record.result)
        self.assertEqual(self._month("2026-10-01"), {"4101": (2, 3.0, 0.3)})

    def test_a_database_of_typed_delimiters_takes_the_tab(self):
        """Before the delimiter was chosen it was one typed character: the
        module's update widens the column, the profiles keep theirs."""
        profiles = self.env["telephony.usage.import.profile"]
        profile = profiles.create(
            {
                "name": "Old",
                "delimiter": ";",
                "number_column": "1",
                "start_column": "2",
                "duration_column": "3",
                "cost_column": "4",
            }
        )
        self.env.cr.execute(
            "ALTER TABLE telephony_usage_import_profile"
            " ALTER COLUMN delimiter TYPE varchar(1)"
        )
        profiles.init()
        profile.invalidate_recordset()
        self.assertEqual(profile.delimiter, ";")
        profile.delimiter = "tab"
        profile.flush_recordset()
        self.assertEqual(profile._layout().delimiter, "\t")


class TestUsageShare(ProfileImportCase):
    """Issue 15: the last part of a large file of calls read by PostgreSQL
    while Python reads the first (``tools/usage_share``): the same months
    as Python alone, whatever is where the file is cut."""

    def setUp(self):
        super().setUp()
        if (os.cpu_count() or 1) < 2:
            self.skipTest("PostgreSQL reads a part only on two processors or more")
        # Any file is large enough here.
        self.enterContext(patch.object(usage_share, "MIN_BYTES", 0))

    def _calls(self, count=600):
        """Calls of two numbers over two months (one unanswered in five), and
        what they make each month: {number: (calls, minutes, cost)}."""
        lines, expected = [], {}
        for n in range(count):
            number = ("4101", "4102")[n % 2]
            day = 1 + n % 28
            period = ("2026-10-01", "2026-11-01")[n * 2 // count]
            start = f"{period[:8]}{day:02d} {n % 24:02d}:{n % 60:02d}:00"
            answered = n % 5 != 0
            lines.append(
                asterisk(number, start, n % 300, "ANSWERED" if answered else "BUSY")
            )
            if answered:
                calls, seconds = expected.setdefault(period, {}).get(number, (0, 0))
                expected[period][number] = (calls + 1, seconds + n % 300)
        months = {
            period: {
                number: (calls, round(seconds / 60, 2), round(seconds / 60 * 0.10, 2))
                for number, (calls, seconds) in numbers.items()
            }
            for period, numbers in expected.items()
        }
        return lines, months

    def _assert_months(self, record, months):
        self.assertEqual(record.state, "done", record.result)
        for period, numbers in months.items():
            self.assertEqual(self._month(period), numbers, period)

    def test_the_last_part_read_by_postgresql_makes_the_same_months(self):
        lines, months = self._calls()
        with self.assertLogs(IMPORT_LOGGER, logging.INFO) as logs:
            record = self._import_file(
                self.profiles["asterisk"], "".join(lines).encode("windows-1255")
            )
        self.assertIn("read by PostgreSQL", logs.output[-1])
        # PostgreSQL read the last part: a line of the file's last third.
        line = int(logs.output[-1].split("from line ")[1].split()[0])
        self.assertGreater(line, len(lines) // 2)
        self.assertLess(line, len(lines))
        self._assert_months(record, months)
        self.assertIn("Not in the register (1): 4102", record.result)

    def test_a_record_over_two_lines_cut_there_is_read_by_python(self):
        lines, months = self._calls()
        # The file is cut inside a record whose value has a line end.
        middle = len(lines) * 2 // 3
        lines[middle] = lines[middle].replace("SIP/trunk/", "SIP/\ntrunk/")
        data = "".join(lines).encode()
        cut = len("".join(lines[:middle]).encode()) + 4
        share = 1 - cut / len(data)
        with (
            patch.object(usage_share, "SQL_SHARE", share),
            self.assertLogs(IMPORT_LOGGER, logging.INFO) as logs,
        ):
            record = self._import_file(self.profiles["asterisk"], data)
        self.assertEqual(
            [o.split(": ", 1)[1] for o in logs.output if "Usage import" in o],
            ["the calls read by Python alone"],
        )
        self._assert_months(record, months)

    def test_a_bad_row_in_postgresqls_part_is_named(self):
        lines, _months = self._calls()
        bad = len(lines) - 3
        lines[bad] = lines[bad].replace(',"ANSWERED"', '2x,"ANSWERED"')
        self.assertIn("2x", lines[bad])
        record = self._import_file(self.profiles["asterisk"], "".join(lines).encode())
        self.assertEqual(record.state, "failed")
        self.assertIn(f"Line {bad + 1}, column 14", record.result)
        self.assertEqual(self._month("2026-10-01"), {})
        self.assertEqual(self._month("2026-11-01"), {})
