"""Messages in Vietnamese (the default) and English.

>>> set_language("en"); message("budget_exceeded", total=12, budget=10)
'The plan costs 12 million VND, more than the budget of 10 million VND.'
>>> set_language("vi")
"""
from __future__ import annotations

import os
from dataclasses import dataclass

_language = os.environ.get("POLICYCOMM_LANG", "vi")

#: code -> (Vietnamese template, English template); fields in {braces}.
MESSAGES: dict[str, tuple[str, str]] = {
    # recommend(): one reason per scoring term
    "r_stage_fit": ("Phù hợp với giai đoạn “{stage}” ({fit:.0%}): {reason}",
                    "Suits the stage “{stage}” ({fit:.0%}): {reason}"),
    "r_no_stage_fit": ("Không nằm trong các kênh nên dùng ở giai đoạn “{stage}”.",
                       "Not among the channels suited to the stage “{stage}”."),
    "r_reach": ("Tiếp cận khoảng {reach:.0%} nhóm “{audience}”.",
                "Reaches about {reach:.0%} of “{audience}”."),
    "r_objective": ("Phục vụ mục tiêu: {objectives}.", "Serves the objective(s): {objectives}."),
    "r_no_objective": ("Không phục vụ mục tiêu “{objective}”.", "Does not serve the objective “{objective}”."),
    "r_two_way": ("Kênh hai chiều: người dân có thể hỏi lại, góp ý.",
                  "Two-way: people can ask back and comment."),
    "r_internet_gap": ("Cần Internet, trong khi khoảng {offline:.0%} nhóm “{audience}” không dùng Internet.",
                       "Needs the internet, while about {offline:.0%} of “{audience}” are offline."),
    "r_literacy_gap": ("Cần đọc chữ, trong khi nhóm “{audience}” có nhiều người hạn chế đọc viết.",
                       "Needs reading, while many in “{audience}” have limited literacy."),
    "r_language_gap": ("Không truyền tải được tiếng dân tộc mà nhóm “{audience}” cần.",
                       "Cannot carry the ethnic language that “{audience}” need."),
    "r_over_budget": ("Chi phí {cost:g} triệu đồng vượt ngân sách {budget:g} triệu đồng.",
                      "Costs {cost:g} million VND, over the budget of {budget:g} million VND."),
    # assess_choice(): what fits and what is missing
    "a_good_fit": ("“{channel}” phù hợp với giai đoạn này.", "“{channel}” suits this stage."),
    "a_poor_fit": ("“{channel}” ít phù hợp với giai đoạn “{stage}”.", "“{channel}” does not suit the stage “{stage}”."),
    "a_no_good_fit": ("Chưa có kênh nào thật sự phù hợp với giai đoạn “{stage}”; thử: {suggest}.",
                      "No chosen channel really suits the stage “{stage}”; try: {suggest}."),
    "a_no_two_way": ("Giai đoạn “{stage}” cần đối thoại nhưng chưa có kênh hai chiều (ví dụ: {suggest}).",
                     "The stage “{stage}” needs dialogue but no channel is two-way (e.g. {suggest})."),
    "a_no_offline": ("Chưa có kênh nào đến được người không dùng Internet trong nhóm “{audience}” (ví dụ: {suggest}).",
                     "Nothing reaches people without internet in “{audience}” (e.g. {suggest})."),
    "a_no_language": ("Nhóm “{audience}” cần tiếng dân tộc nhưng chưa có kênh nào dùng tiếng dân tộc (ví dụ: {suggest}).",
                      "“{audience}” need an ethnic language but no channel carries one (e.g. {suggest})."),
    "a_low_coverage": ("Các kênh đã chọn chỉ đến được khoảng {coverage:.0%} nhóm “{audience}”.",
                       "The chosen channels reach only about {coverage:.0%} of “{audience}”."),
    "a_empty": ("Chưa chọn kênh nào.", "No channel chosen."),
    # CommunicationPlan.check()
    "stage_not_covered": ("Kế hoạch chưa có hoạt động nào cho giai đoạn “{stage}”.",
                          "The plan has no activity for the stage “{stage}”."),
    "no_two_way_consultation": ("Giai đoạn “{stage}” chưa có kênh hai chiều để người dân góp ý.",
                                "The stage “{stage}” has no two-way channel for people to comment."),
    "no_evaluation": ("Kế hoạch chưa có hoạt động đánh giá kết quả truyền thông.",
                      "The plan has no activity that evaluates the communication."),
    "budget_exceeded": ("Kế hoạch tốn {total:g} triệu đồng, vượt ngân sách {budget:g} triệu đồng.",
                        "The plan costs {total:g} million VND, more than the budget of {budget:g} million VND."),
    "offline_not_reached": ("Nhóm “{audience}” ít dùng Internet nhưng mọi kênh dành cho nhóm này đều cần Internet.",
                            "“{audience}” are often offline but every channel planned for them needs the internet."),
    "no_ethnic_language": ("Nhóm “{audience}” cần tiếng dân tộc nhưng kế hoạch không có kênh tiếng dân tộc cho họ.",
                           "“{audience}” need an ethnic language but the plan has no ethnic-language channel for them."),
    "channel_unsuited": ("Hoạt động {index}: “{channel}” ít phù hợp với giai đoạn “{stage}”.",
                         "Activity {index}: “{channel}” does not suit the stage “{stage}”."),
    "message_missing": ("Hoạt động {index} chưa có thông điệp.", "Activity {index} has no message."),
    "timing_missing": ("Hoạt động {index} chưa có thời gian thực hiện.", "Activity {index} has no timing."),
    "no_activities": ("Kế hoạch chưa có hoạt động nào.", "The plan has no activities."),
    "audience_missing": ("Nhóm công chúng “{audience}” chưa được hoạt động nào hướng tới.",
                         "No activity is aimed at the audience “{audience}”."),
}


class TraineeInputError(ValueError):
    """A slip a trainee can make (a wrong id, a bad number); its message is kind and says what to do.

    In a notebook, :mod:`policycomm.grading.checks` shows it as one sentence, without a traceback.
    """


def get_language() -> str:
    """The language of messages: ``"vi"`` (default) or ``"en"``."""
    return _language


def set_language(lang: str) -> None:
    """Choose the language of messages (``"vi"`` or ``"en"``)."""
    global _language
    if lang not in ("vi", "en"):
        raise ValueError(f"language must be 'vi' or 'en', not {lang!r}")
    _language = lang


def message(code: str, lang: str | None = None, **fields) -> str:
    """Render message ``code`` in ``lang`` (default: the current language)."""
    vi, en = MESSAGES[code]
    return (en if (lang or _language) == "en" else vi).format(**fields)


@dataclass(frozen=True)
class Bilingual:
    """A rendered message in both languages, plus the code it came from."""

    code: str
    vi: str
    en: str

    @classmethod
    def of(cls, code: str, **fields) -> "Bilingual":
        """Render ``code`` in both languages; ``fields`` values may be (vi, en) pairs."""
        def pick(i):
            return {k: (v[i] if isinstance(v, tuple) else v) for k, v in fields.items()}
        return cls(code, message(code, "vi", **pick(0)), message(code, "en", **pick(1)))

    def __str__(self) -> str:
        return self.en if _language == "en" else self.vi


@dataclass(frozen=True)
class Finding:
    """One finding of a check: ``severity`` is ``"error"``, ``"warning"``, ``"info"`` or ``"ok"``."""

    severity: str
    code: str
    message: Bilingual

    def __str__(self) -> str:
        return str(self.message)
