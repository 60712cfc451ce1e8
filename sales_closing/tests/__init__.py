from . import test_lock_matrix
