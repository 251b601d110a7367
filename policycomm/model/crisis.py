"""Crisis and misinformation: CERC principles and phases, RESIST steps, the
spokesperson's forms of giving information, and a check of a holding statement.

The lists are the frameworks' own (CERC: S50, S51; RESIST 2: S49; Nghị định
244/2026/NĐ-CP, in force from 1/7/2026 in place of Nghị định 09/2017: S70). The
holding-statement check is a teaching aid: it looks for the parts a first
statement needs under the CERC principles, by key phrases, and says which part
is missing. :func:`first_hour_channels` reads, from the crisis rows of the
stage × channel table, the means the disaster laws name for warning people.

>>> [p.id for p in CERC_PRINCIPLES][:3]
['be_first', 'be_right', 'be_credible']
>>> [s.en for s in RESIST_STEPS][0]
'Recognise'
>>> "press_conference" in first_hour_channels()
False
>>> text = ("UBND xã thông tin: sáng nay có sự cố sạt lở tại thôn 3. Chúng tôi chia sẻ với các gia đình. "
...         "Người dân không đi qua khu vực này. Gọi đường dây nóng 0200 3456 789. Chúng tôi sẽ cập nhật lúc 15 giờ.")
>>> [f.code for f in check_holding_statement(text) if f.severity != "ok"]
[]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..messages import Bilingual, Finding

__all__ = ["Term", "CERC_PRINCIPLES", "CERC_PHASES", "RESIST_STEPS", "SPOKESPERSON_FORMS",
           "HOLDING_PARTS", "check_holding_statement", "phase_order_findings", "first_hour_channels"]


@dataclass(frozen=True)
class Term:
    """One named item of a framework, in Vietnamese and English, with its source."""

    id: str
    vi: str
    en: str
    source: str

    def __str__(self) -> str:
        return f"{self.vi} ({self.en})"


CERC_PRINCIPLES = (
    Term("be_first", "Nhanh chóng", "Be First", "S50"),
    Term("be_right", "Chính xác", "Be Right", "S50"),
    Term("be_credible", "Đáng tin cậy", "Be Credible", "S50"),
    Term("express_empathy", "Thể hiện sự cảm thông", "Express Empathy", "S50"),
    Term("promote_action", "Hướng dẫn hành động", "Promote Action", "S50"),
    Term("show_respect", "Tôn trọng", "Show Respect", "S50"),
)

CERC_PHASES = (
    Term("pre_crisis", "Trước khủng hoảng", "Pre-crisis", "S51"),
    Term("initial", "Ban đầu", "Initial", "S51"),
    Term("maintenance", "Duy trì", "Maintenance", "S51"),
    Term("resolution", "Giải quyết", "Resolution", "S51"),
    Term("evaluation", "Đánh giá", "Evaluation", "S51"),
)

RESIST_STEPS = (
    Term("recognise", "Nhận diện", "Recognise", "S49"),
    Term("early_warning", "Cảnh báo sớm", "Early warning", "S49"),
    Term("situational_insight", "Nắm bắt tình hình", "Situational insight", "S49"),
    Term("impact_analysis", "Phân tích tác động", "Impact analysis", "S49"),
    Term("strategic_communication", "Truyền thông chiến lược", "Strategic communication", "S49"),
    Term("tracking_effectiveness", "Theo dõi hiệu quả", "Tracking effectiveness", "S49"),
)

#: the five forms of giving information to the press, Nghị định 244/2026/NĐ-CP Điều 5
SPOKESPERSON_FORMS = (
    Term("press_conference", "Họp báo (trực tiếp hoặc trực tuyến)", "Press conference (in person or online)", "S70"),
    Term("portal_post", "Đăng trên cổng, trang thông tin điện tử, trang, kênh, tài khoản mạng xã hội chính thức của cơ quan",
         "Posting on the agency's portal, website or official social-media page, channel or account", "S70"),
    Term("interview", "Phát ngôn trực tiếp hoặc trả lời phỏng vấn báo chí", "Speaking or giving interviews", "S70"),
    Term("press_release", "Thông cáo báo chí, nội dung trả lời bằng văn bản", "Press release or written reply", "S70"),
    Term("press_briefing", "Trao đổi trực tiếp, giao ban báo chí khi được yêu cầu", "Direct exchange or press briefing on request",
         "S70"),
)

#: part of a holding statement -> (CERC principle it serves, key phrases without accents)
HOLDING_PARTS = {
    "who": ("be_credible", ("ubnd", "uy ban", "co quan", "nguoi phat ngon", "ban chi dao")),
    "empathy": ("express_empathy", ("chia se", "chia buon", "cam thong", "thong cam", "xin loi", "lo lang",
                                    "hieu duoc")),
    "action": ("promote_action", ("nguoi dan", "ba con", "hay ", "can ", "khong di", "khong an",
                                  "khong su dung", "di chuyen", "lien he", "den ")),
    "contact": ("promote_action", ("duong day nong", "so dien thoai", "goi ", "hotline", "lien he")),
    "next_update": ("be_first", ("cap nhat", "thong tin tiep", "thong bao tiep", "se thong tin",
                                 "se thong bao")),
}

#: phrases that guess or blame before the facts are known (Be Right, Show Respect)
SPECULATION = ("nghe noi", "co le la do", "chac chan la do", "nghi la do", "nhieu kha nang la do",
               "do loi cua", "hoan toan khong co gi", "khong co gi nghiem trong")



_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def _plain(text: str) -> str:
    from ..text import normalize_vi

    return " " + normalize_vi(text, accents=False) + " "


def _principle(principle_id: str) -> tuple[str, str]:
    term = next(p for p in CERC_PRINCIPLES if p.id == principle_id)
    return term.vi, term.en


def check_holding_statement(text: str) -> list[Finding]:
    """Findings on a first (holding) statement about an unexpected event.

    One finding per part of :data:`HOLDING_PARTS` (``ok`` or ``warning``) and an
    ``error`` for each guessing or blaming phrase. Accents and case do not matter.

    >>> findings = check_holding_statement("Nghe nói là do lỗi của nhà thầu. Bà con cứ yên tâm.")
    >>> [f.code for f in findings if f.severity != "ok"]
    ['hs_missing_who', 'hs_missing_empathy', 'hs_missing_contact', 'hs_missing_next_update', 'hs_speculation']
    >>> print(findings[-1])
    Câu “Nghe nói là do lỗi của nhà thầu.” phỏng đoán hoặc quy lỗi khi chưa đủ thông tin (nguyên tắc “Chính xác”, “Tôn trọng”): chỉ nói điều đã xác minh, điều chưa biết thì nói là đang xác minh.
    """
    if not isinstance(text, str) or not text.strip():
        return [Finding("error", "hs_empty", Bilingual.of("hs_empty"))]
    plain = _plain(text)
    findings = []
    for part, (principle, phrases) in HOLDING_PARTS.items():
        if any(phrase in plain for phrase in phrases):
            findings.append(Finding("ok", f"hs_ok_{part}", Bilingual.of(f"hs_ok_{part}")))
        else:
            code = f"hs_missing_{part}"
            findings.append(Finding("warning", code, Bilingual.of(code, principle=_principle(principle))))
    for sentence in _SENTENCE_END.split(text.strip()):
        if any(phrase in _plain(sentence) for phrase in SPECULATION):
            findings.append(Finding("error", "hs_speculation", Bilingual.of("hs_speculation", sentence=sentence)))
    return findings


def phase_order_findings(actions: list[tuple[str, str]]) -> list[Finding]:
    """Findings for actions, given as ``(label, CERC phase id)`` in the order a
    trainee put them, that come before an action of an earlier phase.

    >>> phase_order_findings([("Họp báo", "initial"), ("Rút kinh nghiệm", "evaluation")])
    []
    >>> print(phase_order_findings([("Rút kinh nghiệm", "evaluation"), ("Họp báo", "initial")])[0])
    “Rút kinh nghiệm” (Đánh giá) được xếp trước “Họp báo” (Ban đầu): xem lại thứ tự các giai đoạn CERC.
    """
    rank = {phase.id: i for i, phase in enumerate(CERC_PHASES)}
    names = {phase.id: (phase.vi, phase.en) for phase in CERC_PHASES}
    findings = []
    for i, (later, later_phase) in enumerate(actions):
        for earlier, earlier_phase in actions[i + 1:]:
            if rank[earlier_phase] < rank[later_phase]:
                findings.append(Finding("error", "phase_out_of_order", Bilingual.of(
                    "phase_out_of_order", later=later, earlier=earlier,
                    later_phase=names[later_phase], earlier_phase=names[earlier_phase])))
    return findings


def first_hour_channels() -> list[str]:
    """Ids of the channels that the disaster laws name for bringing a warning to
    people in the first hour: the crisis rows marked ``first_hour``, best fit first.

    >>> first_hour_channels()[:2]
    ['commune_radio', 'door_to_door']
    """
    from .knowledge import knowledge

    rows = [f for f in knowledge().fits.values() if f.stage == "crisis" and f.first_hour]
    return [f.channel for f in sorted(rows, key=lambda f: -f.fit)]
