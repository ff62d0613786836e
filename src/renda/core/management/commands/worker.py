import logging
import os
import threading

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import close_old_connections, connection

logger = logging.getLogger("renda.tick")


def _tick_once() -> None:
    from renda.handling.tick import deadlines_tick

    close_old_connections()
    try:
        deadlines_tick()
    except Exception:  # keep the scheduler alive; the next tick catches up
        logger.exception("deadlines tick failed")
    finally:
        connection.close()


def _intake_once() -> None:
    from renda.opinions.intake import opinions_register_all

    close_old_connections()
    try:
        opinions_register_all()
    except Exception:  # nothing is lost: unregistered opinions wait for the next round
        logger.exception("opinion intake failed")


def background_priority() -> None:
    """Run this process at ``RENDA_WORKER_NICE`` CPU priority (threads started afterwards inherit it).

    On a small server the web processes and the worker share the cores: during a burst, citizens'
    submissions are acknowledged first and registration catches up a moment later.
    """
    nice = int(settings.RENDA_WORKER_NICE)
    if nice > 0 and hasattr(os, "nice"):
        try:
            os.nice(nice)
        except OSError:  # not permitted here: run at normal priority
            logger.warning("could not lower the worker's CPU priority")


def _loop(job, stop: threading.Event, seconds: float) -> None:
    while not stop.is_set():
        job()
        stop.wait(seconds)


class Command(BaseCommand):
    help = "运行后台任务进程（数据库队列，无需消息中间件）：登记新提交的群众意见，定时检查办理时限（提醒、督办）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="处理完现有任务后退出")
        parser.add_argument("--no-tick", action="store_true", help="不定时检查办理时限（另用 cron 运行 renda tick）")

    def handle(self, *args, batch, no_tick, **options):
        background_priority()
        stop = threading.Event()
        jobs = [(_intake_once, max(0.2, float(settings.RENDA_INTAKE_SECONDS)), "renda-intake")]
        if not no_tick:
            jobs.append((_tick_once, max(1, int(settings.RENDA_TICK_SECONDS)), "renda-tick"))
        for job, seconds, name in jobs:
            if batch:
                job()
            else:
                threading.Thread(target=_loop, args=(job, stop, seconds), name=name, daemon=True).start()
        try:
            call_command("db_worker", batch=batch, interval=1, queue_name="*")
        finally:
            stop.set()
