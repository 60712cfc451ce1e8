from . import test_delivery_rules
from . import test_exception
from . import test_i18n
from . import test_lock_matrix
from . import test_order_rules
from . import test_period
from . import test_security
from . import test_ui
