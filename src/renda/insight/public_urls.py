"""Public pages of 研判 (included in the "public" namespace)."""

urlpatterns: list = []
