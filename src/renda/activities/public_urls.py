"""Public pages of 履职活动 (included in the "public" namespace)."""

urlpatterns: list = []
