"""Public pages of 分析 (included in the "public" namespace)."""

urlpatterns: list = []
