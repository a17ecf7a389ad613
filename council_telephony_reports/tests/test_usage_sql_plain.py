import codecs
import io

from ..tools import usage_csv
from .common import HEADER, UsageImportCase

STORED = """SELECT company_id, period, number, extension_id, department_id,
                   calls, minutes, cost
              FROM telephony_usage WHERE period >= '2030-01-01'
             ORDER BY period, number"""


class TestUsagePlainRows(UsageImportCase):
    """4.2.5, C18: a good file of this system's layout is read by Python and
    stored by one COPY with no work table (the fast way); it stores exactly
    the rows the checks in SQL store (the slow way), and a file it cannot
    read surely as they do stores nothing, and goes the slow way."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.department.with_context(lang="he_IL").name = "חינוך"
        cls.idle = cls.env["telephony.extension"].create(
            {"number": "4199", "department_id": cls.department.id}
        )
        cls.other = cls.env["hr.department"].create({"name": 'מנכ"ל'})

    def _record(self):
        return self.env["telephony.usage.import"].create({"name": "usage.csv"})

    def _fast(self, data):
        """The rows the fast way stores, or None when it stores nothing
        (then the file is back where it was)."""
        header = usage_csv.read_header(io.BytesIO(data))
        start = header.body.tell()
        with self.env.cr.savepoint(flush=False) as savepoint:
            count = self._record()._store_plain(header)
            self.env.cr.execute(STORED)
            rows = self.env.cr.fetchall()
            savepoint.close(rollback=True)
        if count is None:
            self.assertEqual(rows, self.before)
            self.assertEqual(header.body.tell(), start)
            return None
        self.assertEqual(count, len(rows) - len(self.before))
        return rows

    def _slow(self, data):
        """The rows the checks in SQL store, or their message."""
        header = usage_csv.read_header(io.BytesIO(data))
        record = self._record()
        with self.env.cr.savepoint(flush=False) as savepoint:
            file_errors, total = record._copy_rows(header)
            result = record._check_and_store(header, file_errors, total)
            self.env.cr.execute(STORED)
            rows = self.env.cr.fetchall()
            savepoint.close(rollback=True)
        return rows if result["state"] == "done" else result["result"]

    def _both(self, text, bom=False):
        data = (codecs.BOM_UTF8 if bom else b"") + text.encode()
        self.env.cr.execute(STORED)
        self.before = self.env.cr.fetchall()
        return self._fast(data), self._slow(data)

    def test_a_good_file_stores_the_rows_the_checks_store(self):
        files = {
            "keys and amounts": HEADER
            + "2030-01,41 01,Education,134,412.5,38.90\n"
            # No department: the register entry's; a department in Hebrew.
            + "2030-01,4199,,0,0,24.50\n"
            + "2030-01,04-812-3456,חינוך,12,35,61.20\n"
            + "2030-02,4101,,7,0.125,0\n"
            + "2030-02,4102,,999999999,999999999.999999,999999999.99",
            "quoted cells, CRLF, another order of columns": (
                'cost,minutes,calls,department,"number",period\r\n'
                '1.5,2,3,"מנכ""ל",4101,2030-03\r\n'
                '"1",2,3,"Education","4102",2030-03\r\n'
            ),
            "semicolons": "period;number;department;calls;minutes;cost\n"
            "2030-04;4101;Education;3;20;17\n",
            "header only": HEADER,
        }
        self.env["telephony.extension"].create({"number": "4102"})
        for name, text in files.items():
            for bom in (False, True):
                with self.subTest(name, bom=bom):
                    fast, slow = self._both(text, bom)
                    self.assertIsNotNone(fast)
                    self.assertEqual(fast, slow)
        fast = self._both(files["keys and amounts"])[0]
        charged = {row[2]: row[3:5] for row in fast if row[1].month == 1}
        self.assertEqual(charged["4101"], (self.extension.id, self.department.id))
        self.assertEqual(charged["4199"], (self.idle.id, self.department.id))
        self.assertEqual(charged["04-812-3456"][0], None)

    def test_a_file_not_surely_read_goes_the_slow_way(self):
        self._import(HEADER + "2030-05,4101,,1,1,1\n")
        good = "2030-06,4101,Education,1,1,1\n"
        files = {
            # What the checks refuse.
            "period": "2030/06,4101,Education,1,1,1\n",
            "number": "2030-06,21,Education,1,1,1\n",
            "department": "2030-06,4101,Nowhere,1,1,1\n",
            "calls": "2030-06,4101,Education,1.5,1,1\n",
            # What the checks may take, but not surely as Python reads it.
            "exponent": "2030-06,4101,Education,1,1e3,1\n",
            "space": "2030-06,4101,Education, 1,1,1\n",
            "thousands": '2030-06,4101,Education,1,"1,024.50",1\n',
            "quote inside a cell": '2030-06,4101,Edu"cation",1,1,1\n',
            "cell over two lines": '2030-06,4101,"Edu\ncation",1,1,1\n',
            "blank line": "\n",
            "carriage return alone": "2030-06,4102,Education,1,1,1\r",
            "NUL": "2030-06,4102,Educ\x00ation,1,1,1\n",
            "columns": "2030-06,4102,Education,1,1\n",
            # The unique index: a number twice, a month imported before.
            "twice": good,
            "imported before": "2030-05,4101,,2,2,2\n",
        }
        for name, text in files.items():
            with self.subTest(name):
                fast = self._both(HEADER + good + text + "2030-06,4103,,1,1,1\n")[0]
                self.assertIsNone(fast)
        # A decimal comma, which the checks read in a semicolon file.
        fast, slow = self._both(
            "period;number;department;calls;minutes;cost\n"
            "2030-06;4101;Education;1;1,5;1\n"
        )
        self.assertIsNone(fast)
        self.assertEqual(slow[-1][6], 1.5)
        # Imported the slow way: the month imported before is replaced.
        record = self._import(HEADER + "2030-05,4101,,2,2,2\n")
        self.assertEqual(record.state, "done")
        usage = self.env["telephony.usage"].search([("period", "=", "2030-05-01")])
        self.assertEqual(usage.mapped("calls"), [2])
        # Refused the slow way, with the bad row named.
        record = self._import(HEADER + "2030-06,4101,,1,1,1\n2030-06,4101,,1,1,1\n")
        self.assertIn("Line 3: the same number and month as line 2", record.result)
