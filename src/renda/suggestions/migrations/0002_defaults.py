"""Default suggestion categories and 议案 joint-signature thresholds (both editable afterwards)."""

from django.db import migrations

CATEGORIES = [
    "经济发展",
    "城乡建设",
    "农业农村",
    "交通运输",
    "生态环境",
    "教育科技",
    "医疗卫生",
    "社会保障",
    "文化旅游",
    "社会治理",
    "民主法治",
    "其他",
]
THRESHOLDS = {"national": 30, "provincial": 10, "city": 10, "county": 5, "township": 5}


def seed(apps, schema_editor):
    Category = apps.get_model("suggestions", "SuggestionCategory")
    Threshold = apps.get_model("suggestions", "MotionThreshold")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"order": order})
    for level, count in THRESHOLDS.items():
        Threshold.objects.get_or_create(level=level, defaults={"min_signers": count})


def unseed(apps, schema_editor):
    apps.get_model("suggestions", "SuggestionCategory").objects.filter(name__in=CATEGORIES).delete()
    apps.get_model("suggestions", "MotionThreshold").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
