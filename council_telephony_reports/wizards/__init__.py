from . import telephony_annual_report
