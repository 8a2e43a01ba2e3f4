"""Demo data for trying Aktenfluss out; never loaded in production."""
