"""The lab news site's content, written as each static CMS reads it.

Usage: python seed.py CMS SITE_DIR   (CMS: hugo, jekyll or hexo)

The same Vietnamese news site for every CMS: 24 published posts in four
sections, four authors (one post by two of them), tags, an about page, three
posts that must never be published (Hugo ``draft: true``; Jekyll
``published: false`` and a file in ``_drafts/``; Hexo ``published: false`` and
a file in ``source/_drafts/``) and the attached files (two PDFs, a DOCX, from
``tools/wordpress/make_files.py``), linked from post bodies. Everything is
fixed: a rerun writes the same files. The expected values of a capture are
read back from these files (``truth.py``), never from congdoan's readers.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAKE_FILES = HERE.parent / "wordpress" / "make_files.py"

AUTHORS = ["Nguyễn Thị Hoa", "Trần Văn Minh", "Lê Thu Trang", "Phạm Quốc Bảo"]
SECTIONS = {  # slug -> name
    "tin-tuc-su-kien": "Tin tức - Sự kiện",
    "hoat-dong-cong-doan": "Hoạt động công đoàn",
    "chinh-sach-phap-luat": "Chính sách - Pháp luật",
    "nu-cong": "Nữ công",
}
TAGS = ["Tháng Công nhân", "An toàn lao động", "Đại hội", "Tết sum vầy", "Lương tối thiểu",
        "Phúc lợi đoàn viên"]
FILES = {"ke-hoach-thang-cong-nhan-2026.pdf": "Kế hoạch Tháng Công nhân",
         "bang-luong-toi-thieu-vung.pdf": "Bảng lương tối thiểu vùng",
         "huong-dan-to-chuc-dai-hoi.docx": "Hướng dẫn tổ chức đại hội"}

_SUBJECTS = [
    "Hội nghị tổng kết công tác công đoàn năm 2024",
    "Trao quà Tết sum vầy cho công nhân khó khăn",
    "Phát động Tháng Công nhân năm 2025",
    "Tập huấn an toàn vệ sinh lao động tại khu công nghiệp",
    "Đối thoại giữa người lao động và doanh nghiệp",
    "Hướng dẫn tổ chức đại hội công đoàn cơ sở",
    "Lương tối thiểu vùng áp dụng từ ngày 01/7",
    "Hội thao nữ công chào mừng ngày 8/3",
    "Khám sức khỏe miễn phí cho đoàn viên",
    "Xây dựng Mái ấm công đoàn cho đoàn viên khó khăn",
    "Giải bóng đá công nhân lao động lần thứ nhất",
    "Tuyên dương đoàn viên công đoàn tiêu biểu",
    "Hỏi đáp về chế độ thai sản của lao động nữ",
    "Công đoàn ký kết thỏa ước lao động tập thể",
    "Tọa đàm bình đẳng giới tại nơi làm việc",
    "Chương trình Phiên chợ nghĩa tình cho công nhân",
    "Kiểm tra việc thực hiện chính sách bảo hiểm xã hội",
    "Hội thi an toàn vệ sinh viên giỏi",
    "Trao học bổng cho con đoàn viên vượt khó",
    "Phổ biến Bộ luật Lao động cho công nhân trẻ",
    "Tổ chức Ngày hội gia đình công nhân",
    "Nâng cao chất lượng bữa ăn ca cho người lao động",
    "Sơ kết sáu tháng phong trào thi đua lao động giỏi",
    "Gặp mặt cán bộ công đoàn nghỉ hưu",
]
_HIDDEN = [
    "Bản nháp kế hoạch tuyên truyền quý IV",
    "Dự thảo báo cáo chưa duyệt về tranh chấp lao động",
    "Tin nội bộ chưa công bố về nhân sự ban chấp hành",
]
_PLACES = ["Khu công nghiệp Tân Bình", "Công ty May Việt Tiến", "huyện Đông Anh",
           "thành phố Thủ Dầu Một", "Công ty Điện tử Hoàng Long", "Khu chế xuất Linh Trung"]


def slug(title: str) -> str:
    """An ASCII slug of a Vietnamese title: ``"Hội thao 8/3"`` -> ``"hoi-thao-8-3"``."""
    text = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass
class Post:
    """One post as the seed writes it (the CMS's content file is the truth, not this)."""

    number: int
    title: str
    slug: str
    date: str  # ISO 8601 with +07:00
    authors: list[str]
    section: str  # a SECTIONS slug
    tags: list[str]
    paragraphs: list[str]
    files: list[str] = field(default_factory=list)
    published: bool = True


def _paragraphs(n: int, title: str) -> list[str]:
    place = _PLACES[n % len(_PLACES)]
    count = 120 + 7 * n
    lines = [
        f"Sáng ngày {3 + n % 25}/{1 + n % 12}, Liên đoàn Lao động tỉnh tổ chức hoạt động "
        f"“{title.lower()}” tại {place} với sự tham gia của {count} đoàn viên.",
        f"Phát biểu tại buổi lễ, đồng chí Chủ tịch Liên đoàn Lao động tỉnh nhấn mạnh vai trò "
        f"của tổ chức công đoàn trong việc chăm lo đời sống, bảo vệ quyền và lợi ích hợp pháp "
        f"của người lao động tại {place}.",
        f"Dịp này, công đoàn cơ sở đã trao {n + 10} suất quà, mỗi suất trị giá "
        f"{500 + 50 * n}.000 đồng, cho các đoàn viên có hoàn cảnh khó khăn.",
    ]
    if n % 3 == 0:
        lines.append("Các nội dung chính của chương trình gồm: thăm hỏi đoàn viên; tư vấn "
                     "pháp luật miễn phí; giao lưu văn nghệ giữa các doanh nghiệp.")
    return lines


def posts() -> list[Post]:
    """Every post of the lab site, published ones first, then the three never-public ones."""
    sections = list(SECTIONS)
    out = []
    for n, title in enumerate(_SUBJECTS):
        authors = [AUTHORS[n % len(AUTHORS)]]
        if n == 4:
            authors.append(AUTHORS[(n + 1) % len(AUTHORS)])  # the post with two authors
        tags = [TAGS[n % len(TAGS)]] + ([TAGS[(n + 2) % len(TAGS)]] if n % 2 else [])
        files = []
        if n in (2, 9, 16):
            files = ["ke-hoach-thang-cong-nhan-2026.pdf"]
        elif n in (5, 20):
            files = ["huong-dan-to-chuc-dai-hoi.docx", "bang-luong-toi-thieu-vung.pdf"]
        elif n == 6:
            files = ["bang-luong-toi-thieu-vung.pdf"]
        day = 1 + (n * 11) % 28
        month = 1 + n // 3
        out.append(Post(n + 1, title, slug(title), f"2025-{month:02d}-{day:02d}T{8 + n % 9:02d}:"
                        f"{(n * 7) % 60:02d}:00+07:00", authors, sections[n % 4], tags,
                        _paragraphs(n, title), files))
    for k, title in enumerate(_HIDDEN):
        out.append(Post(100 + k, title, slug(title), f"2025-09-{10 + k:02d}T09:00:00+07:00",
                        [AUTHORS[k]], sections[k], [TAGS[k]],
                        [f"{title}: nội dung này chưa được phép đăng tải trên cổng thông tin."],
                        published=False))
    return out


ABOUT_TITLE = "Giới thiệu"
ABOUT_TEXT = ("Cổng thông tin điện tử của Liên đoàn Lao động tỉnh Lab, cơ quan đại diện cho "
              "người lao động trên địa bàn tỉnh.")


def markdown_body(post: Post) -> str:
    """The post's Markdown: its paragraphs, then one link per attached file."""
    lines = list(post.paragraphs)
    for name in post.files:
        lines.append(f"Tải về: [{FILES[name]}](/files/{name})")
    return "\n\n".join(lines) + "\n"


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def write_hugo(site: Path) -> None:
    """content/<section>/<slug>.md with YAML front matter; sections' and authors' names."""
    for key, name in SECTIONS.items():
        folder = site / "content" / key
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_index.md").write_text(f'---\ntitle: "{name}"\n---\n', encoding="utf-8")
    (site / "content" / "gioi-thieu.md").write_text(
        f'---\ntitle: "{ABOUT_TITLE}"\ntype: page\n---\n\n{ABOUT_TEXT}\n', encoding="utf-8")
    for post in posts():
        front = [f'title: "{post.title}"', f'slug: "{post.slug}"', f"date: {post.date}",
                 f"authors: {_yaml_list(post.authors)}", f"tags: {_yaml_list(post.tags)}"]
        if not post.published:
            front.append("draft: true")
        (site / "content" / post.section / f"{post.slug}.md").write_text(
            "---\n" + "\n".join(front) + "\n---\n\n" + markdown_body(post), encoding="utf-8")


def _hide(post: Post, front: list[str]) -> str:
    """Jekyll's and Hexo's folder for ``post``: a never-public one is the first hidden
    post in ``_drafts/``, the others ``published: false`` (added to ``front``)."""
    if post.published:
        return "_posts"
    if post.number == 100:
        return "_drafts"
    front.append("published: false")
    return "_posts"


def _write(path: Path, front: list[str], post: Post) -> None:
    path.write_text("---\n" + "\n".join(front) + "\n---\n\n" + markdown_body(post),
                    encoding="utf-8")


def write_jekyll(site: Path) -> None:
    """_posts/DATE-slug.md (categories = the section), one hidden post in _drafts/."""
    for folder in ("_posts", "_drafts"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "gioi-thieu.md").write_text(
        f'---\nlayout: page\ntitle: "{ABOUT_TITLE}"\npermalink: /gioi-thieu/\n---\n\n'
        f"{ABOUT_TEXT}\n", encoding="utf-8")
    for post in posts():
        front = [f'title: "{post.title}"', f"date: {post.date.replace('T', ' ')}",
                 f"categories: [{post.section}]", f'section: "{SECTIONS[post.section]}"',
                 f"tags: {_yaml_list(post.tags)}"]
        front.append(f'author: "{post.authors[0]}"' if len(post.authors) == 1
                     else f"author: {_yaml_list(post.authors)}")
        folder = _hide(post, front)
        name = f"{post.date[:10]}-{post.slug}.md" if folder == "_posts" else f"{post.slug}.md"
        _write(site / folder / name, front, post)


def write_hexo(site: Path) -> None:
    """source/_posts/slug.md (categories: the section's name), one hidden post in _drafts/."""
    for folder in ("_posts", "_drafts", "gioi-thieu"):
        (site / "source" / folder).mkdir(parents=True, exist_ok=True)
    (site / "source" / "gioi-thieu" / "index.md").write_text(
        f'---\ntitle: "{ABOUT_TITLE}"\ndate: 2025-01-01 08:00:00\n---\n\n{ABOUT_TEXT}\n',
        encoding="utf-8")
    for post in posts():
        front = [f'title: "{post.title}"', f"date: {post.date[:19].replace('T', ' ')}",
                 f'categories: ["{SECTIONS[post.section]}"]', f"tags: {_yaml_list(post.tags)}",
                 f"author: {_yaml_list(post.authors)}"]
        _write(site / "source" / _hide(post, front) / f"{post.slug}.md", front, post)


def write_files(folder: Path) -> None:
    """The attached files, from the WordPress lab's generator (same fixed bytes)."""
    subprocess.run([sys.executable, str(MAKE_FILES), str(folder)], check=True)


def main(cms: str, site_dir: str) -> None:
    site = Path(site_dir)
    writers = {"hugo": (write_hugo, "static/files"), "jekyll": (write_jekyll, "files"),
               "hexo": (write_hexo, "source/files")}
    if cms not in writers:
        raise SystemExit(f"unknown CMS {cms!r}: one of {', '.join(writers)}")
    writer, files = writers[cms]
    writer(site)
    write_files(site / files)


if __name__ == "__main__":
    main(*sys.argv[1:])
