from . import sale_closing_reopen
from . import sale_closing_generate
from . import sale_closing_waive
from . import sale_closing_drift_acknowledge
from . import sale_closing_close
from . import sale_closing_review
