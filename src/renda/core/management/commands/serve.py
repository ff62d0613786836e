import os
import shutil
import subprocess
import sys

from django.conf import settings
from django.core.management import BaseCommand, call_command


class Command(BaseCommand):
    help = "以生产方式启动平台（gunicorn），默认同时启动后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("RENDA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("RENDA_WEB_WORKERS", "3")))
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程（另行运行 renda worker）")
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, bind, workers, no_worker, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "renda.cli", "worker"])
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        self.stdout.write(self.style.SUCCESS(f"{settings.SITE_NAME} 已启动：http://{bind}/  （Ctrl+C 停止）"))
        try:
            subprocess.run(
                [gunicorn, "renda.wsgi", "--bind", bind, "--workers", str(workers), "--access-logfile", "-"],
                check=False,
            )
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
