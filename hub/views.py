from dataclasses import asdict

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import run_checks
from core.media import is_private, private_file_response
from hub.knowledge.selectors import collection_file_viewable
from members.selectors import avatar_viewable


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


@require_GET
def private_media(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    """A private upload (`core.media`) for whoever may see it; a 404 for everyone else, so an
    address reveals nothing about what it names."""
    if not is_private(name):
        raise Http404
    viewable = avatar_viewable(file_name=name, viewer=request.user)
    if viewable is None:
        viewable = collection_file_viewable(file_name=name, request=request)
    if not viewable:
        raise Http404
    return private_file_response(request, name)
