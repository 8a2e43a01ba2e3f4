"""Small pipeline steps, each with one contract; `ocr.pipeline` runs them in order."""
