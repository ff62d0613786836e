"""The staff console: one namespace ("console") assembled from each domain app."""

from renda.core.urls import urlpatterns as core_patterns
from renda.opinions.urls import urlpatterns as opinion_patterns
from renda.registry.import_urls import urlpatterns as import_patterns
from renda.registry.urls import urlpatterns as registry_patterns

app_name = "console"
urlpatterns = [*core_patterns, *registry_patterns, *import_patterns, *opinion_patterns]
