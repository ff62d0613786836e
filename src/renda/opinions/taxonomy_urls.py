"""Console URLs (merged into the \"console\" namespace by renda.console_urls)."""

from django.urls import path

from renda.opinions import views_taxonomy as v

urlpatterns: list = [
    path("taxonomies/", v.taxonomy_list, name="taxonomy_list"),
    path("taxonomies/import/", v.taxonomy_import, name="taxonomy_import"),
    path("taxonomies/template.xlsx", v.taxonomy_template, name="taxonomy_template"),
    path("taxonomies/<int:pk>/", v.taxonomy_detail, name="taxonomy_detail"),
    path("taxonomies/<int:pk>/default/", v.taxonomy_set_default, name="taxonomy_set_default"),
]
