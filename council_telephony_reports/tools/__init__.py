from . import usage_csv
from . import usage_files
from . import usage_share
from . import usage_sql
from . import weeks
