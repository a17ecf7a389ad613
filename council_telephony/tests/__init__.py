from . import test_numbering
from . import test_register
from . import test_routing
from . import test_intake
from . import test_vendor_call
from . import test_access
from . import test_portal
from . import test_translations
