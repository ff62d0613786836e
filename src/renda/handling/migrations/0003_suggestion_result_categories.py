"""Seed the suggestion answer categories A/B/C/D (localities may disable D, or rename)."""

from django.db import migrations

CATEGORIES = [
    ("A", "已解决或基本解决", False, 1),
    ("B", "正在解决或列入计划", True, 2),
    ("C", "因条件限制暂时难以解决", False, 3),
    ("D", "留作参考", False, 4),
]


def seed(apps, schema_editor):
    ResultCategory = apps.get_model("handling", "ResultCategory")
    for code, label, creates, order in CATEGORIES:
        ResultCategory.objects.get_or_create(
            kind="suggestion",
            code=code,
            defaults={"label": label, "creates_commitment": creates, "order": order, "is_active": True},
        )


def unseed(apps, schema_editor):
    apps.get_model("handling", "ResultCategory").objects.filter(kind="suggestion").delete()


class Migration(migrations.Migration):
    dependencies = [("handling", "0002_kind_policy")]

    operations = [migrations.RunPython(seed, unseed)]
