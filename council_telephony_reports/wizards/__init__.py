from . import telephony_annual_report
from . import telephony_weekly_report_week
