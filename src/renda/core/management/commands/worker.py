from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "运行后台任务进程（数据库队列，无需消息中间件）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="处理完现有任务后退出")

    def handle(self, *args, batch, **options):
        call_command("db_worker", batch=batch, interval=1, queue_name="*")
