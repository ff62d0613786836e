from ninja import NinjaAPI

from renda.api import deputies, opinions, stations, suggestions


class RendaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Mark session auth as optional: an operation with ``[SessionAuth, {}]`` also accepts anonymous callers."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                security = operation.get("security")
                if security and {} not in security:
                    security.append({})
        return schema


api = RendaAPI(
    title="renda API",
    version="1",
    description=(
        "数字人大 · 代表履职平台 REST API (v1)。\n\n"
        "匿名调用返回公开名录；已登录工作台的工作人员（会话 Cookie `sessionid`）按其权限范围返回记录，"
        "个人信息按权限脱敏。列表接口以 `page`、`page_size`（最大 100）分页，返回总数 `count`。"
    ),
    urls_namespace="api-v1",
    # The interactive docs page loads Swagger UI from a CDN; we never reach the internet, so
    # only the OpenAPI document is served (/api/v1/openapi.json).
    docs_url=None,
)
api.add_router("/", deputies.router)
api.add_router("/", stations.router)
api.add_router("/", opinions.router)
api.add_router("/", suggestions.router)
