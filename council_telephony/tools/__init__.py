from . import batches
from . import israeli_calendar
from . import localtime
from . import mail_queue
from . import numbering
from . import working_hours
from . import ics
