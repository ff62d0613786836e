"""Console URLs for configuring 代表建议 (merged into the "console" namespace by renda.console_urls)."""

from django.urls import path

from renda.suggestions import views_config as v

urlpatterns = [
    path("suggestion-sessions/", v.suggestion_session_list, name="suggestion_session_list"),
    path("suggestion-sessions/new/", v.suggestion_session_create, name="suggestion_session_create"),
    path("suggestion-sessions/<int:pk>/edit/", v.suggestion_session_edit, name="suggestion_session_edit"),
    path("suggestion-sessions/<int:pk>/delete/", v.suggestion_session_delete, name="suggestion_session_delete"),
    path("suggestion-categories/", v.suggestion_category_list, name="suggestion_category_list"),
    path("suggestion-categories/new/", v.suggestion_category_create, name="suggestion_category_create"),
    path("suggestion-categories/<int:pk>/edit/", v.suggestion_category_edit, name="suggestion_category_edit"),
    path("suggestion-categories/<int:pk>/toggle/", v.suggestion_category_toggle, name="suggestion_category_toggle"),
    path("key-topics/", v.key_topic_list, name="key_topic_list"),
    path("key-topics/new/", v.key_topic_create, name="key_topic_create"),
    path("key-topics/<int:pk>/edit/", v.key_topic_edit, name="key_topic_edit"),
    path("key-topics/<int:pk>/toggle/", v.key_topic_toggle, name="key_topic_toggle"),
    path("motion-thresholds/", v.motion_threshold_list, name="motion_threshold_list"),
    path("motion-thresholds/<slug:level>/edit/", v.motion_threshold_edit, name="motion_threshold_edit"),
    path("result-categories/", v.result_category_list, name="result_category_list"),
    path("result-categories/<int:pk>/edit/", v.result_category_edit, name="result_category_edit"),
    path("result-categories/<int:pk>/toggle/", v.result_category_toggle, name="result_category_toggle"),
]
