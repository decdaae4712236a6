"""FastAPI service: timelines, jamming windows, summaries, ingest, and the web page."""
