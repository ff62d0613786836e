"""Console URLs (merged into the \"console\" namespace by renda.console_urls)."""

urlpatterns: list = []
