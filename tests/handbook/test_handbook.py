"""The handbook: the real ``policycomm handbook`` command writes a PDF that a PDF reader opens,
with every section, intact Vietnamese text, no template leftovers, and every cited source listed.

The pages of the PDF built from the packaged data are rendered to PNG under
``test-artifacts/handbook/`` (git-ignored) for a person to look at.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from policycomm.handbook.build import contents
from policycomm.messages import message

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = REPO_ROOT / "policycomm" / "data"
ARTIFACTS = REPO_ROOT / "test-artifacts" / "handbook"
ALWAYS = ["hb_toc", "hb_intro_title", "hb_stages_title", "hb_fit_title", "hb_audiences_title",
          "hb_institutions_title", "hb_law_title", "hb_templates_title", "hb_course_title", "hb_glossary_title",
          "hb_sources_title"]
LEFTOVERS = ["{{", "}}", "{%", "%}", "TODO", "None", "undefined", "&lt;", "&amp;", "&#"]

LEDGER = """\
claims:
  - id: c3
    claim: {vi: "Tham vấn chính sách là trao đổi trực tiếp giữa cơ quan lập đề xuất chính sách với đối tượng được tham vấn.", en: "Policy consultation is a direct exchange."}
    places: [{notebook: 01-truyen-thong-chinh-sach, cell: phap_ly}]
    source: S16
    quote: "Tham vấn chính sách là việc trao đổi trực tiếp <giữa> cơ quan lập đề xuất chính sách"
    checked: 2026-12-01
    status: confirmed
  - id: c99
    claim: {vi: "Một nhận định chưa xác nhận được.", en: "A claim that could not be confirmed."}
    places: [{question: m01-q01}]
    source: S15
    checked: 2026-12-01
    status: could-not-confirm
"""
INSTITUTIONS = """\
institutions:
  - id: mcst
    name: {vi: "Bộ Văn hóa, Thể thao và Du lịch (thử nghiệm)", en: "Ministry of Culture, Sports and Tourism"}
    level: central
    since: "2025-03-01"
    role: {vi: "Quản lý nhà nước về báo chí, thông tin cơ sở.", en: "Press and grassroots information."}
    sources: [S4]
former:
  - id: old_ministry
    name: {vi: "Bộ cũ (thử nghiệm)", en: "Former ministry"}
    until: "2025-02-28"
    successor: {vi: "Hợp nhất vào bộ khác.", en: "Merged."}
    documents: ["Quyết định 765/QĐ-BTTTT"]
    sources: [S4]
"""


def data_copy(tmp_path: Path, **extra_files: str) -> Path:
    """A copy of the packaged data without any ledger, plus ``extra_files`` (name -> text)."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    for name in ("claims.yaml", "institutions.yaml"):
        (folder / name).unlink(missing_ok=True)
    for name, text in extra_files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_handbook(out: Path, data: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, POLICYCOMM_DATA=str(data), POLICYCOMM_LANG="vi")
    return subprocess.run([sys.executable, "-m", "policycomm.cli", "handbook", "-o", str(out)],
                          env=env, cwd=out.parent, capture_output=True, text=True, timeout=300)


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return unicodedata.normalize("NFC", text)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def flat(text: str) -> str:
    """Lines joined, so a title broken across lines by the layout still matches."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def plain_build(tmp_path_factory):
    """The handbook built from the packaged data, with no claims ledger and no institutions file."""
    tmp = tmp_path_factory.mktemp("plain")
    result = run_handbook(tmp / "build", data_copy(tmp))
    assert result.returncode == 0, result.stderr
    return tmp / "build", result


pytestmark = pytest.mark.slow  # three real builds: about 25 s


def test_the_command_writes_a_pdf_and_an_html_page(plain_build):
    out, result = plain_build
    pdf, html = out / "handbook.pdf", out / "handbook.html"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "<html lang=\"vi\">" in html.read_text(encoding="utf-8")
    pages = pdf_pages(pdf)
    assert 12 <= pages <= 80
    assert result.stdout.strip() == message("hb_written", "vi", pdf=pdf, html=html, pages=pages)
    assert not result.stderr


def test_the_pdf_holds_every_section_and_intact_vietnamese(plain_build):
    out, _ = plain_build
    text = flat(pdf_text(out / "handbook.pdf"))
    for code in ALWAYS:
        assert flat(message(code, "vi")) in text, code
    assert message("hb_claims_title", "vi") not in text  # no ledger in this data folder
    assert "Truyền thông chính sách" in text and "Cẩm nang truyền thông chính sách" in text
    hb = contents(out.parent / "data")  # the copy the plain build read
    for stage in hb["stages"]:
        assert flat(stage["name"]) in text
    for template in hb["templates"]:
        assert flat(template["title"]) in text
    for term in hb["glossary"]:
        assert flat(term.term) in text
    for statement in hb["institutions_checked"]:  # the fallback text of the primary-text check C8
        assert flat(statement["texts"][0]) in text
    for law in hb["laws"]:
        assert flat(law.title) in text
    for lesson in hb["lessons"]:
        assert flat(lesson) in text
    for leftover in LEFTOVERS:
        assert leftover not in text, leftover


def test_every_cited_source_is_in_the_list_of_sources(plain_build):
    out, _ = plain_build
    text = pdf_text(out / "handbook.pdf")
    start = text.index(message("hb_sources_intro", "vi")[:30])
    body, listing = text[:start], text[start:]
    cited = {i for group in re.findall(r"\[([SAC]\d+(?:, [SAC]\d+)*)\]", flat(body)) for i in group.split(", ")}
    listed = set(re.findall(r"^([SAC]\d+)\s", listing, re.M))
    assert {"S15", "S16", "A1", "C8"} <= cited
    assert cited <= listed, f"cited but not listed: {sorted(cited - listed)}"


def test_the_html_page_has_a_linked_table_of_contents(plain_build):
    out, _ = plain_build
    html = (out / "handbook.html").read_text(encoding="utf-8")
    for anchor in ("intro", "stages", "fit", "audiences", "institutions", "law", "templates", "glossary",
                   "sources"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert "{{" not in html and "{%" not in html


def test_pages_are_rendered_to_png_artifacts(plain_build):
    out, _ = plain_build
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    shutil.copy(out / "handbook.pdf", ARTIFACTS / "handbook.pdf")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out / "handbook.pdf"), str(ARTIFACTS / "page")],
                   check=True, timeout=300)
    pngs = sorted(ARTIFACTS.glob("page-*.png"))
    assert len(pngs) == pdf_pages(out / "handbook.pdf")
    assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5000 for p in pngs)


def test_with_a_claims_ledger_and_institutions_file(tmp_path):
    data = data_copy(tmp_path, **{"claims.yaml": LEDGER, "institutions.yaml": INSTITUTIONS})
    result = run_handbook(tmp_path / "build", data)
    assert result.returncode == 0, result.stderr
    text = flat(pdf_text(tmp_path / "build" / "handbook.pdf"))
    assert message("hb_claims_title", "vi") in text
    assert "Tham vấn chính sách là việc trao đổi trực tiếp <giữa> cơ quan lập đề xuất chính sách" in text
    assert message("hb_status_confirmed", "vi") in text and message("hb_status_could_not_confirm", "vi") in text
    assert "Một nhận định chưa xác nhận được" in text and message("hb_place_question", "vi", question="m01-q01") in text
    assert "Bộ Văn hóa, Thể thao và Du lịch (thử nghiệm)" in text and "Từ ngày 01/03/2025" in text
    assert "Bộ cũ (thử nghiệm)" in text and "Quyết định 765/QĐ-BTTTT" in text
    assert "Nghị định số 150/2025/NĐ-CP" not in text  # the institutions file replaces the fallback text
    html = (tmp_path / "build" / "handbook.html").read_text(encoding="utf-8")
    assert "&lt;giữa&gt;" in html and "<giữa>" not in html  # autoescaped


def test_an_unknown_source_id_stops_the_build_with_one_sentence(tmp_path):
    data = data_copy(tmp_path)
    glossary = data / "handbook" / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("sources: [S48]", "sources: [S999]"),
                        encoding="utf-8")
    result = run_handbook(tmp_path / "build", data)
    assert result.returncode == 1
    assert result.stderr.strip() == message("hb_bad_data", "vi", problem="nguồn “S999” không có trong sources.yaml")
    assert not (tmp_path / "build" / "handbook.pdf").exists()
