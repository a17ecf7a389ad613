from . import report_annual
from . import report_annual_xlsx
