from . import res_company
from . import res_config_settings
from . import telephony_weekly_report
from . import telephony_usage
from . import telephony_idle_extension
from . import telephony_annual_figures
from . import telephony_usage_import
