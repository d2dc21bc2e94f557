"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import gc

from portal import create_app

app = create_app()

# Everything imported and built so far lives as long as the process: move it out of
# the collector's reach, so a full collection during a request walks only what requests
# made. On a 500-employee page of /api/v1/scores this took p95 from 194-217 ms to
# 112-135 ms (docs/performance.md, "The appraisal API").
gc.freeze()
