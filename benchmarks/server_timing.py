"""The sandbox LMS as a WSGI application that says how long it worked on each request.

For benchmarks only: each response carries ``Server-Timing: app;dur=<wall ms>, cpu;dur=<CPU ms>``,
measured around the Django application (after the HTTP server parsed the request, until the body
is produced). CPU time (this process's) is what a loaded machine does not inflate.
"""

from __future__ import annotations

import time

from django.core.wsgi import get_wsgi_application

_django = get_wsgi_application()


def application(environ, start_response):
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    captured = {}

    def hold(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers
        return lambda data: None  # the body comes back as the iterable below

    response = _django(environ, hold)
    try:
        body = b"".join(response)
    finally:
        response.close()  # request_finished: what the server does after each request
    wall = (time.perf_counter() - started_wall) * 1000
    cpu = (time.process_time() - started_cpu) * 1000
    headers = [*captured["headers"], ("Server-Timing", f"app;dur={wall:.3f}, cpu;dur={cpu:.3f}")]
    start_response(captured["status"], headers)
    return [body]
