"""`tidings local` and `tidings admin`: the developer's side. Never shipped to Lambda."""
