from django.core.management import BaseCommand

from renda.handling.tick import deadlines_tick

LABELS = {"reminded": "提醒", "escalated": "督办", "closed": "未评价办结", "skipped": "跳过", "failed": "失败"}


class Command(BaseCommand):
    help = "检查一次办理时限：到期前提醒、逾期督办、评价期满办结（供 cron 或测试使用；renda worker 会定时自动执行）。"

    def handle(self, *args, **options):
        counts = deadlines_tick()
        self.stdout.write("，".join(f"{LABELS.get(k, k)} {v} 件" for k, v in counts.items()))
