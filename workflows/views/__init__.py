"""Task views of the flows."""
