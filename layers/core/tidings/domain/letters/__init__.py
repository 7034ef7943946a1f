"""Letters: postal addresses, postage, the page layout, rendering, precompiled PDFs and sheets of paper."""
