from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from core.admin_reports import wagtail_report_overrides
from core.page_cache import cache_for_anonymous
from hub import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The language is a display preference, not account state: switching needs no CSRF token,
    # so pages for anonymous visitors carry none and can come from the page cache.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("konto/", include("allauth.urls")),
    path("mitglieder/", include("members.urls")),
    path("lernen/", include("peer_learning.urls")),
    path("austausch/", include("discussions.urls")),
    path("netzwerk/", include("network.urls")),
    path("suche/", include("search.urls")),
    path("fachleute/", include("experts.urls")),
    # Wagtail's own login form would skip allauth's rate limits and MFA.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    # Wagtail's own reports, with formulas defused in their CSV export.
    *wagtail_report_overrides(),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    # Uploads not everyone may see (core/media.py); public media stay under MEDIA_URL.
    path("dateien/<path:name>", views.private_media, name="private_media"),
    path("sitemap.xml", cache_for_anonymous(sitemap), name="sitemap"),
    path("", include("hub.knowledge.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
