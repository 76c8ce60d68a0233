"""Word banks for news that travels: the national portal's stories and the provinces' own news.

Data only (``stories.py`` fills the templates). Sentences carry many slots
(people, numbers, places, dates) because real news does: two reports of two
different conferences share their phrasing, not their facts.
"""

from __future__ import annotations

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc", "Xuân", "Thu", "Kim")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương",
         "Khánh", "Lan", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm",
         "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến")
ROLES = ("Phó Chủ tịch Tổng Liên đoàn Lao động Việt Nam", "Chủ tịch Liên đoàn Lao động tỉnh",
         "Trưởng Ban Chính sách - Pháp luật", "Phó Chủ tịch thường trực Liên đoàn Lao động",
         "Trưởng Ban Nữ công", "Giám đốc Sở Nội vụ", "Phó Chủ tịch Ủy ban nhân dân tỉnh",
         "Ủy viên Đoàn Chủ tịch Tổng Liên đoàn", "Trưởng Ban Tổ chức", "Chủ tịch công đoàn ngành")
PROVINCES = ("Điện Biên", "Lai Châu", "Quảng Trị", "Nghệ An", "Thanh Hóa", "Cần Thơ",
             "Lâm Đồng", "Gia Lai", "Khánh Hòa", "Hải Phòng", "Tây Ninh", "Đồng Nai", "Huế",
             "Ninh Bình", "Phú Thọ", "Lào Cai")
ZONES = ("Khu công nghiệp Nam Cấm", "Khu công nghiệp VSIP", "Khu kinh tế Đông Nam",
         "Khu công nghiệp Quang Minh", "Khu chế xuất Tân Thuận", "Cụm công nghiệp Hòa Phú",
         "Khu công nghiệp Phố Nối", "Khu công nghiệp Trà Nóc")
FIRMS = ("Công ty TNHH Pouyuen", "Công ty CP Dệt may {p}", "Tổng công ty Điện lực miền Bắc",
         "Công ty TNHH Samsung Electronics", "Công ty CP Thủy sản {p}", "Bệnh viện Đa khoa {p}",
         "Công ty TNHH Giày da {p}", "Tập đoàn Than - Khoáng sản", "Công ty Cao su {p}",
         "Trường Cao đẳng nghề {p}")

# National events: (title template, what happened). {y}: year, {p}: a province, {n}: a number.
NATIONAL_EVENTS = (
    ("Tổng Liên đoàn phát động Tháng Công nhân năm {y} với chủ đề “{theme}”",
     "lễ phát động Tháng Công nhân"),
    ("Trao {n}.000 suất quà “Tết Sum vầy” cho đoàn viên, người lao động tại {p}",
     "chương trình “Tết Sum vầy”"),
    ("Ký kết chương trình phối hợp giữa Tổng Liên đoàn và Bộ Nội vụ giai đoạn {y}-{y5}",
     "lễ ký kết chương trình phối hợp"),
    ("Hội nghị toàn quốc triển khai Luật Công đoàn (sửa đổi) tại {p}",
     "hội nghị triển khai Luật Công đoàn (sửa đổi)"),
    ("Tuyên dương {n}0 “Gương mặt công nhân tiêu biểu” năm {y}",
     "lễ tuyên dương công nhân tiêu biểu"),
    ("Khánh thành {n} thiết chế công đoàn phục vụ công nhân tại {p}",
     "lễ khánh thành thiết chế công đoàn"),
    ("Đối thoại giữa Thủ tướng Chính phủ với công nhân lao động năm {y}",
     "chương trình đối thoại với công nhân lao động"),
    ("Tổng kết Chương trình “Mái ấm Công đoàn” giai đoạn {y}-{y5}",
     "hội nghị tổng kết Chương trình “Mái ấm Công đoàn”"),
    ("Tập huấn nghiệp vụ thương lượng tập thể cho cán bộ công đoàn {n} tỉnh phía Bắc",
     "lớp tập huấn thương lượng tập thể"),
    ("Công bố Chỉ số hài lòng của đoàn viên đối với tổ chức công đoàn năm {y}",
     "hội nghị công bố Chỉ số hài lòng của đoàn viên"),
    ("Phát động cuộc thi “Công nhân giỏi, sáng tạo” lần thứ {n} năm {y}",
     "lễ phát động cuộc thi “Công nhân giỏi, sáng tạo”"),
    ("Hỗ trợ {n}.000 đoàn viên bị ảnh hưởng bởi cơn bão số {q} tại {p}",
     "đợt hỗ trợ đoàn viên bị ảnh hưởng bởi bão"),
)
THEMES = ("Đoàn viên công đoàn - Đoàn kết, đổi mới, sáng tạo", "Công nhân lao động - Tự hào, "
          "tiên phong", "Chăm lo đoàn viên - Vững bước tương lai", "An toàn lao động - Bảo vệ "
          "sức khỏe người lao động")
# A province's own news: (title template, what happened). Two provinces may well use the
# same title for unrelated events: that is the trap precision must survive.
OWN_EVENTS = (
    ("Hội nghị tổng kết công tác công đoàn năm {y}", "hội nghị tổng kết công tác công đoàn"),
    ("Đại hội Công đoàn {firm} nhiệm kỳ {y}-{y5}", "đại hội công đoàn cơ sở"),
    ("Giải bóng đá công nhân lao động năm {y}", "giải bóng đá công nhân lao động"),
    ("Trao quà cho công nhân có hoàn cảnh khó khăn tại {zone}", "chương trình trao quà"),
    ("Tập huấn nghiệp vụ cho cán bộ công đoàn cơ sở năm {y}", "lớp tập huấn nghiệp vụ"),
    ("Hội nghị người lao động {firm} năm {y}", "hội nghị người lao động"),
    ("Ngày hội gia đình công nhân năm {y}", "ngày hội gia đình công nhân"),
    ("Khảo sát đời sống công nhân tại {zone}", "đợt khảo sát đời sống công nhân"),
)
# The title that two unrelated provinces both use in one year (the example).
SHARED_TITLE = "Hội nghị tổng kết công tác công đoàn năm {y}"

OPENINGS = (
    "Ngày {d}/{m}/{y}, tại {place}, {org} đã tổ chức {event}.",
    "Sáng {d}/{m}/{y}, {org} tổ chức {event} tại {place}.",
    "Chiều {d}/{m}, tại {place}, {org} long trọng tổ chức {event} với sự tham gia của {n} đại "
    "biểu.",
)
SENTENCES = (
    "Dự {event_short} có đồng chí {person}, {role}; đồng chí {person2}, {role2}.",
    "Báo cáo tại {event_short} cho biết, năm qua đã có {n}.{n3} đoàn viên được hỗ trợ với tổng "
    "kinh phí {n2} tỷ đồng.",
    "Theo đồng chí {person}, {role}, trong {n} tháng qua các cấp công đoàn tại {place} đã kết "
    "nạp {n}.{n3} đoàn viên mới.",
    "Phát biểu tại {event_short}, đồng chí {person} đề nghị các cấp công đoàn tiếp tục quan "
    "tâm chăm lo việc làm, thu nhập cho {n}.{n3} công nhân tại {zone}.",
    "Đồng chí {person} nhấn mạnh, {firm} hiện có {n}.{n3} lao động, trong đó {n2}% là lao động "
    "nữ, thu nhập bình quân đạt {n2},{q} triệu đồng mỗi tháng.",
    "Nhân dịp này, ban tổ chức đã trao {n} Bằng khen cho các tập thể và {n2} cá nhân có thành "
    "tích xuất sắc trong phong trào thi đua năm {y}.",
    "Cũng trong khuôn khổ {event_short}, {org} phối hợp với {firm} tổ chức khám sức khỏe miễn "
    "phí cho {n}0 công nhân.",
    "Kết quả khảo sát tại {n2} doanh nghiệp ở {zone} cho thấy {n}% người lao động hài lòng với "
    "hoạt động của công đoàn cơ sở.",
    "Đồng chí {person2}, {role2} cho biết, kinh phí thực hiện chương trình là {n2},{q} tỷ đồng, "
    "trong đó {firm} đóng góp {n} trăm triệu đồng.",
    "Các đại biểu đã thảo luận {q} nhóm giải pháp, tập trung vào nhà ở xã hội, nhà trẻ và "
    "thiết chế văn hóa cho công nhân tại {place}.",
    "Dịp này, {n} đơn vị, doanh nghiệp tại {place} đã ký thỏa thuận ưu đãi cho đoàn viên với mức "
    "giảm giá từ {q}0% đến {n2}%.",
    "Đại diện người lao động, chị {person3}, công nhân {firm}, chia sẻ về những khó khăn khi "
    "thuê trọ gần {zone}.",
    "Theo kế hoạch, từ nay đến hết tháng {m2}/{y}, {org} sẽ tổ chức thêm {n} đợt thăm hỏi tại "
    "{place} và {zone}.",
    "Tổng Liên đoàn yêu cầu các liên đoàn lao động tỉnh báo cáo kết quả trước ngày {d2}/{m2}/{y}.",
)
# What a province adds when it reposts national news.
REPOST_PREFIXES = ("TLĐ: ", "[Tin Tổng Liên đoàn] ", "Tổng LĐLĐ Việt Nam: ", "Tin Trung ương: ")
REPOST_SUFFIXES = (" (Tin Tổng Liên đoàn)", " - Tin từ Trung ương")
REPOST_LEADS = (
    "(LĐLĐ {prov}) - Theo thông tin từ Tổng Liên đoàn Lao động Việt Nam, {event} vừa diễn ra "
    "với nhiều nội dung thiết thực.",
    "Liên đoàn Lao động tỉnh {prov} xin giới thiệu tới đoàn viên, người lao động tin về {event}.",
    "CĐ {prov} - Hưởng ứng chủ trương của Tổng Liên đoàn, các cấp công đoàn tỉnh theo dõi sát "
    "{event}.",
)
REPOST_SOURCES = ("Nguồn: Cổng Thông tin điện tử Tổng Liên đoàn Lao động Việt Nam",
                  "(Theo Báo Lao Động)", "Nguồn: congdoan.vn", "Theo Cổng TTĐT Tổng LĐLĐVN")
