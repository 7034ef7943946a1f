"""The internal admin dialect: `{"data": ...}` on success, the v2 error envelope on failure."""
