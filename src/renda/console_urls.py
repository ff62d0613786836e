"""The staff console: one namespace ("console") assembled from each domain app."""

from renda.activities.urls import urlpatterns as activities_patterns
from renda.analysis.urls import urlpatterns as analysis_patterns
from renda.circle.urls import urlpatterns as circle_patterns
from renda.core.notify_urls import urlpatterns as notify_patterns
from renda.core.urls import urlpatterns as core_patterns
from renda.handling.config_urls import urlpatterns as handling_config_patterns
from renda.handling.figures_urls import urlpatterns as figures_patterns
from renda.handling.urls import urlpatterns as handling_patterns
from renda.insight.urls import urlpatterns as insight_patterns
from renda.ledgers.urls import urlpatterns as ledgers_patterns
from renda.notices.urls import urlpatterns as notices_patterns
from renda.opinions.taxonomy_urls import urlpatterns as taxonomy_patterns
from renda.opinions.urls import urlpatterns as opinion_patterns
from renda.reception.urls import urlpatterns as reception_patterns
from renda.registry.import_urls import urlpatterns as import_patterns
from renda.registry.urls import urlpatterns as registry_patterns
from renda.reportback.urls import urlpatterns as reportback_patterns
from renda.similar.urls import urlpatterns as similar_patterns
from renda.suggestions.config_urls import urlpatterns as suggestion_config_patterns
from renda.suggestions.draft_urls import urlpatterns as suggestion_draft_patterns
from renda.suggestions.reports_urls import urlpatterns as suggestion_report_patterns
from renda.suggestions.urls import urlpatterns as suggestion_console_patterns

app_name = "console"
urlpatterns = [
    *core_patterns,
    *registry_patterns,
    *import_patterns,
    *opinion_patterns,
    *handling_patterns,
    *handling_config_patterns,
    *figures_patterns,
    *taxonomy_patterns,
    *notify_patterns,
    *suggestion_report_patterns,
    *suggestion_draft_patterns,
    *suggestion_config_patterns,
    *suggestion_console_patterns,
    *reception_patterns,
    *activities_patterns,
    *circle_patterns,
    *reportback_patterns,
    *ledgers_patterns,
    *notices_patterns,
    *insight_patterns,
    *similar_patterns,
    *analysis_patterns,
]
