"""Word banks for the simulated union portals: categories, titles, sentences, people.

Data only. Templates use ``{year}``, ``{n}``, ``{place}``, ``{company}`` fields,
filled by ``content.py`` from a seeded random generator.
"""

from __future__ import annotations

# (alias, title, parent alias or "", meta description); menu order as on the real portal.
CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    ("tin-tuc-su-kien", "Tin tức - Sự kiện", "",
     "Tin tức, sự kiện nổi bật của tổ chức Công đoàn tỉnh"),
    ("hoat-dong-cong-doan", "Hoạt động công đoàn", "",
     "Hoạt động của các cấp công đoàn trong tỉnh"),
    ("cong-doan-co-so", "Công đoàn cơ sở", "hoat-dong-cong-doan",
     "Hoạt động của công đoàn cơ sở"),
    ("chinh-sach-phap-luat", "Chính sách pháp luật", "",
     "Tuyên truyền chính sách, pháp luật liên quan đến người lao động"),
    ("nu-cong", "Nữ công", "",
     "Công tác nữ công, bình đẳng giới"),
)

# Category weights when assigning an article (same order as CATEGORIES).
CATEGORY_WEIGHTS = (5, 3, 2, 3, 1)

TITLES: dict[str, tuple[str, ...]] = {
    "tin-tuc-su-kien": (
        "Hội nghị Ban Chấp hành Liên đoàn Lao động tỉnh lần thứ {n}, khóa XII",
        "Khai mạc Tháng Công nhân năm {year} với chủ đề “Đoàn viên công đoàn - Đoàn kết, "
        "đổi mới, sáng tạo”",
        "Liên đoàn Lao động tỉnh tổng kết công tác công đoàn năm {year}",
        "Kỷ niệm {n} năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 - 28/7/{year})",
        "Tuyên dương {n} công nhân lao động tiêu biểu năm {year}",
        "Hỗ trợ đoàn viên: “Tết Sum vầy” {year} tại {place}",
        "Đoàn công tác Tổng Liên đoàn Lao động Việt Nam làm việc tại {place}",
        "Giao ban công tác công đoàn quý {q} năm {year}",
        "Lãnh đạo tỉnh thăm, tặng quà công nhân lao động nhân dịp Tết Nguyên đán {year}",
        "Phát động cuộc thi <em>“Sáng kiến vì người lao động”</em> năm {year}",
        "Hội nghị đối thoại giữa lãnh đạo tỉnh với công nhân lao động {place}",
    ),
    "hoat-dong-cong-doan": (
        "Công đoàn {company} tổ chức Hội nghị người lao động năm {year}",
        "Liên đoàn Lao động {place} ký kết thỏa thuận phúc lợi đoàn viên",
        "Tổ chức “Phiên chợ Công đoàn” năm {year} phục vụ {n}.000 đoàn viên",
        "Trao {n}0 suất quà cho công nhân có hoàn cảnh khó khăn tại {place}",
        "Tập huấn kỹ năng thương lượng tập thể cho cán bộ công đoàn năm {year}",
        "Giải bóng đá công nhân lao động năm {year} khép lại thành công tốt đẹp",
    ),
    "cong-doan-co-so": (
        "Công đoàn cơ sở {company} chăm lo Tết cho đoàn viên",
        "Đại hội Công đoàn cơ sở {company} nhiệm kỳ {year} - {year5}",
        "Công đoàn cơ sở {company} tổ chức ngày hội gia đình công nhân",
        "Thành lập mới {n} công đoàn cơ sở tại {place}",
    ),
    "chinh-sach-phap-luat": (
        "Tăng lương tối thiểu vùng từ ngày 01/7/{year}",
        "Tuyên truyền Nghị định số {n}/{year}/NĐ-CP về xử phạt vi phạm hành chính trong lĩnh vực "
        "lao động",
        "Người lao động được hưởng những chế độ gì khi bị tai nạn lao động?",
        "Quyền đơn phương chấm dứt hợp đồng lao động của người lao động",
        "Hỏi - đáp: Chế độ thai sản đối với lao động nữ theo quy định mới",
        "Điều chỉnh mức lương hưu, trợ cấp bảo hiểm xã hội từ ngày 01/7/{year}",
        "Những điểm mới của Luật Công đoàn (sửa đổi) năm {year}",
    ),
    "nu-cong": (
        "Tổ chức Hội thi “Cán bộ nữ công giỏi” cấp tỉnh năm {year}",
        "Gặp mặt kỷ niệm {n} năm Ngày Phụ nữ Việt Nam 20/10",
        "Chương trình “Mái ấm Công đoàn” trao nhà cho nữ đoàn viên tại {place}",
    ),
}

PLACES = (
    "huyện Tân Phú", "thành phố Điện Biên Phủ", "Khu công nghiệp phía Bắc",
    "Khu công nghiệp Đông Nam", "huyện Mường Chà", "thị xã Quảng Trị", "huyện Gio Linh",
    "huyện Tuần Giáo", "Khu kinh tế cửa khẩu Lao Bảo",
)
COMPANIES = (
    "Bệnh viện Đa khoa tỉnh", "Công ty TNHH Giày Thái Bình", "Công ty CP May Sông Hồng",
    "Trường THPT Chuyên", "Điện lực tỉnh", "Công ty Xi măng Điện Biên",
    "Ngân hàng Nông nghiệp chi nhánh tỉnh", "Công ty Cao su Quảng Trị",
)

SENTENCES = (
    "Theo báo cáo, toàn tỉnh hiện có 1.254 công đoàn cơ sở với hơn 118.600 đoàn viên.",
    "Trong năm, các cấp công đoàn đã kết nạp mới 6.215 đoàn viên, thành lập mới 42 công đoàn "
    "cơ sở, vượt 18% chỉ tiêu Tổng Liên đoàn giao.",
    "Bên cạnh đó, công tác nữ công được quan tâm chỉ đạo, triển khai có hiệu quả các phong trào "
    "thi đua “Giỏi việc nước, đảm việc nhà”.",
    "Chương trình “Phúc lợi cho đoàn viên công đoàn” tiếp tục được mở rộng với 96 đơn vị, doanh "
    "nghiệp ký kết thỏa thuận hợp tác.",
    "Phát biểu tại hội nghị, đồng chí Chủ tịch Liên đoàn Lao động tỉnh ghi nhận, biểu dương những "
    "kết quả mà các cấp công đoàn đạt được.",
    "Quỹ Xã hội Mái ấm Công đoàn tỉnh đã hỗ trợ xây mới và sửa chữa 56 Mái ấm Công đoàn với tổng "
    "kinh phí trên 2,8 tỷ đồng.",
    "Tại buổi làm việc, đoàn công tác đã nghe lãnh đạo doanh nghiệp báo cáo tình hình sản xuất "
    "kinh doanh, việc làm, thu nhập của người lao động.",
    "Công tác kiểm tra, giám sát được thực hiện theo đúng kế hoạch; Ủy ban Kiểm tra các cấp đã "
    "kiểm tra 215 tổ chức công đoàn cùng cấp và cấp dưới.",
    "Nhân dịp này, Liên đoàn Lao động tỉnh đã trao Bằng khen cho 25 tập thể và 48 cá nhân có "
    "thành tích xuất sắc.",
    "Các cấp công đoàn đã phối hợp với người sử dụng lao động tổ chức 312 hội nghị người lao "
    "động, đối thoại định kỳ tại nơi làm việc.",
    "Liên đoàn Lao động tỉnh đề nghị các doanh nghiệp thực hiện nghiêm việc đóng kinh phí công "
    "đoàn, bảo hiểm xã hội cho người lao động.",
    "Phong trào thi đua “Lao động giỏi, lao động sáng tạo” thu hút đông đảo công nhân, viên chức, "
    "lao động tham gia với 1.870 sáng kiến.",
    "Chương trình “Tết Sum vầy” năm nay đã trao 3.500 suất quà, mỗi suất trị giá 1.000.000 đồng, "
    "cho đoàn viên có hoàn cảnh khó khăn.",
    "Công tác tuyên truyền, phổ biến, giáo dục pháp luật được triển khai với nhiều hình thức "
    "phong phú tại khu nhà trọ công nhân.",
)

CAPTIONS = (
    "Quang cảnh hội nghị", "Đồng chí Chủ tịch LĐLĐ tỉnh phát biểu tại buổi lễ",
    "Trao quà cho đoàn viên có hoàn cảnh khó khăn", "Các đại biểu chụp ảnh lưu niệm",
    "Công nhân lao động tham gia phiên chợ",
)

LIST_ITEMS = (
    "Tổ chức thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn;",
    "Phối hợp tổ chức đối thoại tại nơi làm việc;",
    "Đẩy mạnh phát triển đoàn viên, thành lập công đoàn cơ sở;",
    "Tuyên truyền, phổ biến pháp luật lao động cho công nhân;",
    "Kiểm tra việc thực hiện chế độ, chính sách tại doanh nghiệp.",
)

TABLE_ROWS = (
    ("Phát triển đoàn viên", "6.215"), ("Thành lập CĐCS", "42"),
    ("Hội nghị người lao động", "312"), ("Thỏa ước lao động tập thể", "85"),
    ("Sáng kiến được công nhận", "1.870"),
)

AUTHORS = ("Thu Hà", "Minh Tuấn", "Ngọc Lan", "Văn Hùng", "Phạm Thị Thanh Hương", "Quang Huy")
SOURCES = ("Báo Lao Động", "Cổng TTĐT Tổng Liên đoàn Lao động Việt Nam",
           "LĐLĐ huyện Tân Phú", "Báo Người Lao Động")
TAGS = ("đoàn viên", "Tết Sum vầy", "Luật Công đoàn", "an toàn lao động", "nữ công",
        "tiền lương", "bảo hiểm xã hội")

# Legal documents: (Thể loại, type alias, code pattern, issuer, title templates).
# Code patterns: {n} number, {n2} zero-padded number, {y} year, {leg} legislature.
DOC_KINDS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("Chỉ thị", "Chi-thi", "{n}/CT-UBND", "UBND tỉnh", (
        "Về việc tăng cường công tác chăm lo Tết cho công nhân, người lao động trên địa bàn tỉnh",
        "Về tăng cường công tác an toàn, vệ sinh lao động và phòng chống cháy nổ tại doanh "
        "nghiệp",
    )),
    ("Chỉ thị", "Chi-thi", "{n}-CT/TW", "Ban Chấp hành Trung ương Đảng", (
        "Về tiếp tục tăng cường sự lãnh đạo của Đảng đối với tổ chức Công đoàn trong tình hình "
        "mới",
        "Về đẩy mạnh công tác phát triển đoàn viên trong khu vực kinh tế ngoài nhà nước",
    )),
    ("Quyết định", "Quyet-dinh", "{n}/QĐ-TLĐ", "Tổng Liên đoàn Lao động Việt Nam", (
        "Quyết định về việc hỗ trợ đoàn viên công đoàn, người lao động bị ảnh hưởng do thiên tai",
        "Quyết định ban hành Quy chế chi tiêu nội bộ năm {y}",
    )),
    ("Hướng dẫn", "Huong-dan", "{n2}/HD-TLĐ", "Tổng Liên đoàn Lao động Việt Nam", (
        "Hướng dẫn thi hành Điều lệ Công đoàn Việt Nam",
        "Hướng dẫn quy trình hỗ trợ, thương lượng tập thể trong doanh nghiệp",
    )),
    ("Nghị định", "Nghi-dinh", "{n}/{y}/NĐ-CP", "Chính phủ", (
        "Quy định chi tiết về tài chính công đoàn",
        "Quy định mức lương tối thiểu đối với người lao động làm việc theo hợp đồng lao động",
    )),
    ("Luật", "Luat", "{n}/{y}/QH{leg}", "Quốc hội", (
        "Bộ luật Lao động",
        "Luật Công đoàn (sửa đổi)",
    )),
    ("Công văn", "Cong-van", "{n} /LĐLĐ", "Liên đoàn Lao động tỉnh", (
        "V/v triển khai Chương trình “Tết Sum vầy” và hỗ trợ vé xe cho đoàn viên",
        "V/v đôn đốc thu nộp kinh phí công đoàn, đoàn phí công đoàn năm {y}",
    )),
    ("Công văn", "Cong-van", "{n}/LĐLĐ-TC", "Liên đoàn Lao động tỉnh", (
        "V/v hỗ trợ đoàn viên, người lao động bị ảnh hưởng bởi dịch bệnh",
    )),
    ("Kế hoạch", "Ke-hoach", "{n}/KH-LĐLĐ", "Liên đoàn Lao động tỉnh", (
        "Kế hoạch tổ chức Hội thi “Cán bộ nữ công giỏi” năm {y}",
        "Kế hoạch phát triển đoàn viên, thành lập công đoàn cơ sở giai đoạn {y} - {y5}",
    )),
    ("Thông báo", "Thong-bao", "{n2}/TB-LĐLĐ", "Liên đoàn Lao động tỉnh", (
        "Thông báo lịch nghỉ Tết Nguyên đán và phân công trực cơ quan",
        "Thông báo kết luận của Thường trực LĐLĐ tỉnh tại buổi đối thoại với công nhân lao động",
    )),
    ("Nghị quyết", "Nghi-quyet", "{n2}/NQ-CP", "Chính phủ", (
        "Nghị quyết về chính sách hỗ trợ người lao động bị giảm thời giờ làm việc",
    )),
    ("Kết luận", "Ket-luan", "{n}-KL/TW", "Ban Chấp hành Trung ương Đảng", (
        "Kết luận về tiếp tục thực hiện Nghị quyết số 20-NQ/TW về giai cấp công nhân",
    )),
)

AREAS = ("Tổ chức - Cán bộ", "Tài chính công đoàn", "Chính sách - Pháp luật",
         "Tuyên giáo", "Nữ công", "Kiểm tra")

SIGNERS: dict[str, tuple[str, ...]] = {
    "UBND tỉnh": ("Lê Hoàng Sơn", "Nguyễn Văn Bình"),
    "Ban Chấp hành Trung ương Đảng": ("Võ Thành Nam",),
    "Tổng Liên đoàn Lao động Việt Nam": ("Nguyễn Đình Khang", "Ngọ Duy Hiểu"),
    "Chính phủ": ("Hoàng Văn Thắng", "Phạm Minh Chính"),
    "Quốc hội": ("Nguyễn Thị Kim Ngân", "Vương Đình Huệ"),
    "Liên đoàn Lao động tỉnh": ("Phạm Thị Thanh Hương", "Trần Quốc Toản"),
}

DOC_CLOSING = "Áp dụng đối với các cấp công đoàn và đoàn viên, người lao động."
