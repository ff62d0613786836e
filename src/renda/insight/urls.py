"""Console pages of 研判 (included in the "console" namespace)."""

from django.urls import path

from renda.insight import views

urlpatterns = [
    path("insight/opinions/<int:pk>/decide/", views.insight_decide, name="insight_decide"),
    path("insight/opinions/<int:pk>/correct/", views.insight_correct, name="insight_correct"),
    path("insight/models/", views.insight_models, name="insight_models"),
    path("insight/models/retrain/", views.insight_retrain, name="insight_retrain"),
    path("insight/models/<int:pk>/activate/", views.insight_model_activate, name="insight_model_activate"),
    path("insight/rules/", views.insight_rules, name="insight_rules"),
    path("insight/rules/<int:pk>/delete/", views.insight_rule_delete, name="insight_rule_delete"),
]
