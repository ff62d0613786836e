from ninja import NinjaAPI

api = NinjaAPI(
    title="renda API",
    version="1",
    description="数字人大 · 代表履职平台 REST API (v1)",
    urls_namespace="api-v1",
)
