"""Public pages of 家站点管理 (included in the "public" namespace)."""

urlpatterns: list = []
