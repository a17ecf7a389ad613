from . import test_weeks
from . import test_weekly_report
from . import test_translations
from . import test_usage_csv
from . import test_usage_import
from . import test_annual_report
from . import test_security
from . import test_usage_properties
