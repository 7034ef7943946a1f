"""HTTP dialects: request parsing, response shapes and one error table per dialect."""
