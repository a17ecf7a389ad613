from . import usage_csv
from . import weeks
