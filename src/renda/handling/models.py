"""The shared handling engine: one case per opinion or suggestion.

A ``Case`` carries the state of the handling loop (DESIGN.md §4), the unit it
belongs to (division, congress, deputy, station, for scoping and figures) and
the current stage's deadline. Everything that happens to it is recorded as an
immutable ``CaseEvent``; assignments, replies, extension requests,
evaluations and supervision are their own rows, written only by
``renda.handling.services``. The subject (an ``Opinion``, later a
``Suggestion``) holds the content and points at its case one-to-one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from renda.registry.models_import import private_storage


class CaseKind(models.TextChoices):
    OPINION = "opinion", "群众意见"
    SUGGESTION = "suggestion", "代表建议"


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "待交办"
    ASSIGNED = "assigned", "待签收"
    IN_PROGRESS = "in_progress", "办理中"
    REPLIED = "replied", "已答复待反馈"
    FED_BACK = "fed_back", "已反馈待评价"
    REOPENED = "reopened", "重办"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"
    MERGED = "merged", "已合并"


OPEN_STATES = frozenset(
    {
        CaseState.SUBMITTED,
        CaseState.ACCEPTED,
        CaseState.ASSIGNED,
        CaseState.IN_PROGRESS,
        CaseState.REPLIED,
        CaseState.FED_BACK,
        CaseState.REOPENED,
    }
)
FINAL_STATES = frozenset({CaseState.CLOSED, CaseState.REJECTED, CaseState.MERGED})


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    COMPLEX = "complex", "复杂"


class Stage(models.TextChoices):
    ACCEPT = "accept", "受理"
    SIGN = "sign", "签收"
    REPLY = "reply", "答复"
    FEEDBACK = "feedback", "反馈"
    EVALUATE = "evaluate", "评价"
    CO_VIEW = "co_view", "协办意见"


class CloseReason(models.TextChoices):
    EVALUATED = "evaluated", "群众已评价"
    UNEVALUATED = "unevaluated", "未评价"
    SECOND_UNSATISFIED = "second_unsatisfied", "重办后仍不满意"


class Case(models.Model):
    kind = models.CharField("类别", max_length=12, choices=CaseKind.choices, db_index=True)
    state = models.CharField("状态", max_length=12, choices=CaseState.choices, default=CaseState.SUBMITTED)
    version = models.PositiveIntegerField("版本", default=0)
    title = models.CharField("标题", max_length=200)
    urgency = models.CharField("办理类别", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    category_key = models.CharField("分类路径", max_length=200, blank=True)

    division = models.ForeignKey(
        "registry.Division", verbose_name="所涉区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    division_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    congress = models.ForeignKey(
        "registry.Congress", verbose_name="负责人大", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deputy = models.ForeignKey(
        "registry.Deputy", verbose_name="代表", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    station = models.ForeignKey(
        "registry.Station", verbose_name="家站点", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )

    created_at = models.DateTimeField("提交时间", default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    first_assigned_at = models.DateTimeField("首次交办时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    fed_back_at = models.DateTimeField("反馈时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, db_index=True)

    stage = models.CharField("当前环节", max_length=10, choices=Stage.choices, blank=True)
    stage_due_at = models.DateTimeField("当前环节时限", null=True, blank=True, db_index=True)
    supervision_level = models.PositiveSmallIntegerField("督办级别", default=0)
    reopened_count = models.PositiveSmallIntegerField("重办次数", default=0)
    close_reason = models.CharField("办结方式", max_length=20, choices=CloseReason.choices, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name="合并到", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    feedback_text = models.TextField("反馈内容", blank=True)
    reject_reason = models.TextField("不予受理理由", blank=True)

    class Meta:
        verbose_name = "办理件"
        verbose_name_plural = "办理件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "state", "-created_at"], name="case_kind_state_idx"),
            models.Index(fields=["deputy", "state"], name="case_deputy_state_idx"),
            models.Index(fields=["station", "state"], name="case_station_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return bool(self.stage_due_at and self.is_open and self.stage_due_at < timezone.now())


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "协办"
    SPLIT = "split", "分办"  # each unit answers its own part separately


# Roles that answer the case themselves (a co-handler sends its view to the lead instead).
ANSWERING_ROLES = (AssignmentRole.LEAD, AssignmentRole.SPLIT)


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    SIGNED = "signed", "办理中"
    REPLIED = "replied", "已答复"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


ACTIVE_ASSIGNMENT = (AssignmentStatus.PENDING, AssignmentStatus.SIGNED)


class Assignment(models.Model):
    """One agency's part in one round of handling a case (交办)."""

    case = models.ForeignKey(Case, verbose_name="办理件", on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("承办方式", max_length=6, choices=AssignmentRole.choices)
    status = models.CharField("状态", max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    assigned_at = models.DateTimeField("交办时间", default=timezone.now, db_index=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="交办人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    instructions = models.TextField("交办意见", blank=True)
    sign_due_at = models.DateTimeField("签收时限")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_due_at = models.DateTimeField("答复时限")
    original_reply_due_at = models.DateTimeField("原答复时限")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    co_view = models.TextField("协办意见", blank=True)
    co_view_at = models.DateTimeField("协办意见时间", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.TextField("退回/撤回理由", blank=True)

    class Meta:
        verbose_name = "交办"
        verbose_name_plural = "交办"
        ordering = ["case_id", "round", "role", "id"]
        indexes = [
            models.Index(fields=["agency", "status"], name="assign_agency_status_idx"),
            models.Index(fields=["case", "status"], name="assign_case_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.agency}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT

    @property
    def signed_on_time(self) -> bool | None:
        if self.signed_at is None:
            return None
        return self.signed_at <= self.sign_due_at

    @property
    def replied_on_time(self) -> bool | None:
        if self.replied_at is None:
            return None
        return self.replied_at <= self.reply_due_at


class ReplyResult(models.TextChoices):
    RESOLVED = "resolved", "已解决"
    PLANNED = "planned", "列入计划"
    EXPLAINED = "explained", "解释说明"


class Reply(models.Model):
    """An answer to the case: from the lead agency, or directly from the deputy."""

    case = models.ForeignKey(Case, verbose_name="办理件", on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(
        Assignment, verbose_name="交办", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    result = models.CharField("办理结果", max_length=10, choices=ReplyResult.choices)
    result_label = models.CharField("办理结果（名称）", max_length=50, blank=True, default="")
    content = models.TextField("答复内容")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField("答复单位", max_length=150)
    at = models.DateTimeField("答复时间", default=timezone.now)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    sent_back = models.BooleanField("已退回重答", default=False)
    review_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.author_label}：{self.get_result_display()}"

    def get_result_display(self) -> str:
        """The label saved with the reply (a configured result category), else the built-in one."""
        if self.result_label:
            return self.result_label
        return ReplyResult(self.result).label if self.result in ReplyResult.values else self.result


class ReplyAttachment(models.Model):
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("附件", upload_to="replies/%Y/%m/", storage=private_storage)  # served by scoped views
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)

    class Meta:
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"

    def __str__(self) -> str:
        return self.name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REFUSED = "refused", "未同意"


class ExtensionRequest(models.Model):
    assignment = models.ForeignKey(Assignment, verbose_name="交办", on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField("延期工作日")
    reason = models.TextField("延期理由")
    status = models.CharField("状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"延期 {self.working_days} 个工作日（{self.get_status_display()}）"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    NONE = "none", "未评价"


class Evaluation(models.Model):
    """The citizen's (or proposer's) verdict on one round: resolved? and how satisfied.

    One primary evaluation per round drives the case (the citizen's, or the proposing
    deputy's); for suggestions co-signing deputies may add their own, ``is_primary=False``,
    recorded but never moving the case (figures count primary rows only).
    """

    case = models.ForeignKey(Case, verbose_name="办理件", on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    is_primary = models.BooleanField("计入办理结果", default=True)
    evaluator = models.ForeignKey(
        "registry.Deputy", verbose_name="评价代表", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved = models.BooleanField("问题是否解决", null=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices)
    comment = models.TextField("评价意见", blank=True)
    at = models.DateTimeField("评价时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["case_id", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "round"], condition=models.Q(is_primary=True), name="one_evaluation_per_round"
            ),
            models.UniqueConstraint(
                fields=["case", "round", "evaluator"],
                condition=models.Q(is_primary=False),
                name="one_secondary_evaluation_per_deputy",
            ),
        ]

    def __str__(self) -> str:
        return self.get_satisfaction_display()


class Supervision(models.Model):
    """督办: by the system when a deadline passes, or by staff."""

    case = models.ForeignKey(Case, verbose_name="办理件", on_delete=models.CASCADE, related_name="supervisions")
    level = models.PositiveSmallIntegerField("督办级别")
    stage = models.CharField("环节", max_length=10, choices=Stage.choices, blank=True)
    reason = models.TextField("督办事由")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="督办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("督办时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.level} 级督办"


class Timer(models.Model):
    """A stage deadline the worker watches: remind before, escalate (or auto-close) after.

    The worker works from these rows, not from scheduled jobs, so a worker that
    was down catches up on restart: every timer still due is handled once.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timers")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="timers")
    stage = models.CharField("环节", max_length=10, choices=Stage.choices)
    due_at = models.DateTimeField("时限")
    remind_at = models.DateTimeField("提醒时间")
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "时限"
        verbose_name_plural = "时限"
        indexes = [
            models.Index(fields=["cleared_at", "remind_at"], name="timer_remind_idx"),
            models.Index(fields=["cleared_at", "due_at"], name="timer_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.due_at:%Y-%m-%d %H:%M}"


class EventKind(models.TextChoices):
    SUBMIT = "submit", "提交"
    ACCEPT = "accept", "受理"
    FORWARD = "forward", "转交人大交办"
    REJECT = "reject", "不予受理"
    MERGE = "merge", "合并"
    ASSIGN = "assign", "交办"
    REASSIGN = "reassign", "改派"
    SIGN = "sign", "签收"
    RETURN = "return", "退回"
    CO_VIEW = "co_view", "协办意见"
    EXTENSION_REQUEST = "ext_request", "申请延期"
    EXTENSION_APPROVE = "ext_approve", "同意延期"
    EXTENSION_REFUSE = "ext_refuse", "不同意延期"
    REPLY = "reply", "答复"
    ANSWER = "answer", "代表直接答复"
    SEND_BACK = "send_back", "退回重新答复"
    FEEDBACK = "feedback", "反馈群众"
    EVALUATE = "evaluate", "群众评价"
    REOPEN = "reopen", "重办"
    CLOSE = "close", "办结"
    REMIND = "remind", "到期提醒"
    SUPERVISE = "supervise", "督办"
    SPAM = "spam", "标记为无效信息"
    NOTE = "note", "备注"
    CONTACT = "contact", "沟通联系"
    SPLIT_REPLY = "split_reply", "分办答复"
    FULFIL = "fulfil", "承诺事项落实"


# What the citizen's timeline shows, with the wording the citizen sees.
PUBLIC_EVENT_LABELS: dict[str, str] = {
    EventKind.SUBMIT: "您的意见已提交",
    EventKind.ACCEPT: "已受理",
    EventKind.FORWARD: "已转交人大常委会办理",
    EventKind.REJECT: "不予受理",
    EventKind.MERGE: "与相同问题合并办理",
    EventKind.ASSIGN: "已交有关单位办理",
    EventKind.REASSIGN: "已调整承办单位",
    EventKind.SIGN: "承办单位已签收，正在办理",
    EventKind.RETURN: "正在重新交办",
    EventKind.EXTENSION_APPROVE: "办理时限已延长",
    EventKind.REPLY: "承办单位已答复",
    EventKind.ANSWER: "代表已答复",
    EventKind.FEEDBACK: "办理结果已反馈给您",
    EventKind.EVALUATE: "您已评价",
    EventKind.REOPEN: "已重新办理（督办）",
    EventKind.CLOSE: "已办结",
    EventKind.SUPERVISE: "已督办",
}


class CaseEvent(models.Model):
    """Immutable record of one thing that happened: who, when, from, to, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=12, choices=EventKind.choices)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作人", max_length=150)
    from_state = models.CharField("原状态", max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField("新状态", max_length=12, choices=CaseState.choices, blank=True)
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField("说明（内部）", blank=True)
    public_note = models.TextField("对群众说明", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("办理记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("办理记录不可删除。")

    @property
    def public_label(self) -> str:
        return PUBLIC_EVENT_LABELS.get(self.kind, "")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "工作日"
    DAYS = "days", "自然日"
    HOURS = "hours", "小时"
    MONTHS = "months", "月"


class StageLimit(models.Model):
    """A configured time limit for one stage, per kind, category (prefix) and urgency; blank = any.

    The most specific matching row wins; see ``renda.handling.deadlines.limit_for`` for the order
    (rows for the kind, the kind's defaults, rows for any kind, the general defaults).
    """

    kind = models.CharField("类别", max_length=12, choices=CaseKind.choices, blank=True, default="")
    stage = models.CharField("环节", max_length=10, choices=Stage.choices)
    urgency = models.CharField("办理类别", max_length=10, choices=Urgency.choices, blank=True)
    category_prefix = models.CharField("分类（前缀）", max_length=200, blank=True)
    amount = models.PositiveSmallIntegerField("时限")
    unit = models.CharField("单位", max_length=12, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        ordering = ["kind", "stage", "urgency", "category_prefix"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "stage", "urgency", "category_prefix"], name="one_limit_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.amount}{self.get_unit_display()}"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "面商"
    PHONE = "phone", "电话"
    WRITTEN = "written", "书面"


class CaseContact(models.Model):
    """沟通联系: the answering unit's contact with the deputy before it replies (suggestions require it)."""

    case = models.ForeignKey(Case, verbose_name="办理件", on_delete=models.CASCADE, related_name="contacts")
    assignment = models.ForeignKey(Assignment, verbose_name="交办", on_delete=models.CASCADE, related_name="contacts")
    agency = models.ForeignKey("registry.Agency", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    method = models.CharField("沟通方式", max_length=10, choices=ContactMethod.choices)
    contacted_on = models.DateField("沟通日期")
    content = models.TextField("沟通情况")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "沟通记录"
        verbose_name_plural = "沟通记录"
        ordering = ["case_id", "contacted_on", "id"]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.get_method_display()}"


class ResultCategory(models.Model):
    """A configurable answer category for one kind (suggestions: A/B/C/D); opinions use ``ReplyResult``."""

    kind = models.CharField("类别", max_length=12, choices=CaseKind.choices)
    code = models.CharField("代码", max_length=10)
    label = models.CharField("名称", max_length=50)
    creates_commitment = models.BooleanField("须填写承诺事项", default=False)
    is_active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "答复类别"
        verbose_name_plural = "答复类别"
        ordering = ["kind", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="one_result_category_per_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Commitment(models.Model):
    """承诺事项: what a unit undertook in a B-category answer; open until marked fulfilled."""

    case = models.ForeignKey(Case, verbose_name="办理件", on_delete=models.CASCADE, related_name="commitments")
    reply = models.ForeignKey(Reply, verbose_name="答复", on_delete=models.CASCADE, related_name="commitments")
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="承办单位", on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.TextField("承诺事项")
    due_on = models.DateField("计划完成日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)
    fulfilled_at = models.DateTimeField("落实时间", null=True, blank=True, db_index=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fulfil_note = models.TextField("落实情况", blank=True)

    class Meta:
        verbose_name = "承诺事项"
        verbose_name_plural = "承诺事项"
        ordering = ["case_id", "id"]
        indexes = [models.Index(fields=["agency", "fulfilled_at"], name="commitment_agency_open_idx")]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None
