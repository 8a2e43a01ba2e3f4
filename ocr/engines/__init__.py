"""OCR engines behind the `OcrEngine` protocol."""
