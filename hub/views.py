from dataclasses import asdict

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hub.health import run_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Status of database, channel layer and search backend; 503 when one of them is down."""
    results = run_checks()
    healthy = all(result.ok for result in results.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "checks": {name: asdict(result) for name, result in results.items()},
        },
        status=200 if healthy else 503,
    )
