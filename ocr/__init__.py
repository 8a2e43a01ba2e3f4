"""Document reading: type sniffing, guards and OCR. Pure Python, no Django imports."""
