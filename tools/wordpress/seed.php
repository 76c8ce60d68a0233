<?php
/**
 * Seeds the congdoan WordPress lab site: a union portal with Vietnamese posts.
 *
 * Run by capture.sh with PHP's CLI after the database was (re)created empty:
 *   php seed.php SITE_URL FILES_DIR
 * FILES_DIR holds the attachment sources made by make_files.py (PDF, DOCX).
 * Everything is fixed (dates, names, bodies), so two runs give the same site.
 */
if ($argc < 3) {
    fwrite(STDERR, "usage: php seed.php SITE_URL FILES_DIR\n");
    exit(2);
}
[$_, $site_url, $files_dir] = $argv;
$parts = parse_url($site_url);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['SERVER_NAME'] = $parts['host'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['WORDPRESS_CONFIG'] = 'congdoanlab';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

add_filter('pre_wp_mail', '__return_false');  // no mail leaves the lab
wp_install('Liên đoàn Lao động tỉnh Lab', 'admin', 'admin@congdoan-lab.invalid', true, '',
           'lab-password-not-secret');
// The sample content wp_install makes is not part of the portal.
foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1]) as $p) {
    wp_delete_post($p->ID, true);
}
foreach (get_comments() as $c) {
    wp_delete_comment($c->comment_ID, true);
}
update_option('blogdescription', 'Cổng thông tin điện tử Công đoàn tỉnh Lab');
update_option('timezone_string', 'Asia/Ho_Chi_Minh');
update_option('gmt_offset', '');
update_option('date_format', 'd/m/Y');
update_option('time_format', 'H:i');
update_option('posts_per_page', 5);
update_option('posts_per_rss', 10);
update_option('rss_use_excerpt', 0);
update_option('uploads_use_yearmonth_folders', 1);
update_option('default_comment_status', 'closed');
update_option('blog_public', 1);
update_option('permalink_structure', '');

// --- people -----------------------------------------------------------------
$admin = get_user_by('login', 'admin');
wp_update_user(['ID' => $admin->ID, 'display_name' => 'Ban Tuyên giáo', 'nickname' => 'Ban Tuyên giáo']);
$users = ['admin' => $admin->ID];
foreach ([
    ['nguyenhoa', 'Nguyễn Thị Hoa', 'editor'],
    ['tranminh', 'Trần Văn Minh', 'author'],
    ['lehoangnam', 'Lê Hoàng Nam', 'author'],
] as [$login, $name, $role]) {
    $users[$login] = wp_insert_user([
        'user_login' => $login, 'user_pass' => 'lab-password-not-secret',
        'user_email' => "$login@congdoan-lab.invalid", 'display_name' => $name,
        'nickname' => $name, 'role' => $role,
    ]);
}

// --- categories and tags ------------------------------------------------------
wp_update_term(1, 'category', ['name' => 'Tin tức - Sự kiện', 'slug' => 'tin-tuc-su-kien']);
$cats = ['tin-tuc-su-kien' => 1];
foreach ([
    ['Hoạt động công đoàn', 'hoat-dong-cong-doan', null],
    ['Công đoàn cơ sở', 'cong-doan-co-so', 'hoat-dong-cong-doan'],
    ['Chính sách pháp luật', 'chinh-sach-phap-luat', null],
] as [$name, $slug, $parent]) {
    $made = wp_insert_term($name, 'category',
                           ['slug' => $slug, 'parent' => $parent ? $cats[$parent] : 0]);
    $cats[$slug] = $made['term_id'];
}

// --- media ------------------------------------------------------------------
function lab_attach(string $name, string $bytes, string $title, string $when, int $parent = 0): int {
    $upload = wp_upload_bits($name, null, $bytes, substr($when, 0, 4) . '/' . substr($when, 5, 2));
    if (!empty($upload['error'])) {
        fwrite(STDERR, "upload $name: {$upload['error']}\n");
        exit(1);
    }
    $type = wp_check_filetype($upload['file'])['type'];
    $id = wp_insert_attachment([
        'post_mime_type' => $type, 'post_title' => $title, 'post_status' => 'inherit',
        'post_date' => $when, 'post_date_gmt' => get_gmt_from_date($when),
    ], $upload['file'], $parent);
    wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $upload['file']));
    return $id;
}

function lab_image(string $label, array $rgb): string {
    $im = imagecreatetruecolor(1200, 800);
    imagefill($im, 0, 0, imagecolorallocate($im, ...$rgb));
    imagestring($im, 5, 40, 380, $label, imagecolorallocate($im, 255, 255, 255));
    ob_start();
    imagejpeg($im, null, 70);
    return ob_get_clean();
}

$images = [];
foreach ([
    ['dai-hoi-cong-doan', 'Đại hội Công đoàn tỉnh Lab', [180, 30, 30], '2026-09-02 08:00:00'],
    ['tet-sum-vay', 'Chương trình Tết sum vầy', [200, 120, 0], '2026-09-20 08:00:00'],
    ['an-toan-lao-dong', 'Huấn luyện an toàn lao động', [0, 110, 60], '2026-10-05 08:00:00'],
    ['mai-am-cong-doan', 'Trao Mái ấm Công đoàn', [20, 60, 150], '2026-10-18 08:00:00'],
    ['hoi-thao-nu-cong', 'Hội thao nữ công', [120, 40, 140], '2026-11-02 08:00:00'],
] as [$slug, $alt, $rgb, $when]) {
    $id = lab_attach("$slug.jpg", lab_image($slug, $rgb), $alt, $when);
    update_post_meta($id, '_wp_attachment_image_alt', $alt);
    $images[$slug] = $id;
}
$files = [];
foreach ([
    ['ke-hoach-thang-cong-nhan-2026.pdf', 'Kế hoạch Tháng Công nhân năm 2026', '2026-09-10 08:00:00'],
    ['huong-dan-to-chuc-dai-hoi.docx', 'Hướng dẫn tổ chức đại hội công đoàn cơ sở', '2026-10-01 08:00:00'],
    ['bang-luong-toi-thieu-vung.pdf', 'Bảng lương tối thiểu vùng', '2026-11-05 08:00:00'],
] as [$name, $title, $when]) {
    $files[$name] = lab_attach($name, file_get_contents("$files_dir/$name"), $title, $when);
}

// --- posts ------------------------------------------------------------------
function p(string $text): string {
    return "<!-- wp:paragraph -->\n<p>$text</p>\n<!-- /wp:paragraph -->";
}
function h(string $text): string {
    return "<!-- wp:heading -->\n<h2>$text</h2>\n<!-- /wp:heading -->";
}
function ul(array $items): string {
    $li = implode('', array_map(fn($i) => "<li>$i</li>", $items));
    return "<!-- wp:list -->\n<ul>$li</ul>\n<!-- /wp:list -->";
}
function img(int $id): string {
    $url = wp_get_attachment_url($id);
    $alt = esc_attr(get_post_meta($id, '_wp_attachment_image_alt', true));
    $cap = esc_html(get_the_title($id));
    return "<!-- wp:image {\"id\":$id,\"sizeSlug\":\"large\"} -->\n<figure class=\"wp-block-image size-large\">"
         . "<img src=\"$url\" alt=\"$alt\" class=\"wp-image-$id\"/><figcaption>$cap</figcaption></figure>\n<!-- /wp:image -->";
}
function file_block(int $id): string {
    $url = wp_get_attachment_url($id);
    $name = esc_html(get_the_title($id));
    return "<!-- wp:file {\"id\":$id,\"href\":\"$url\"} -->\n<div class=\"wp-block-file\"><a href=\"$url\">$name</a>"
         . "<a href=\"$url\" class=\"wp-block-file__button\" download>Tải xuống</a></div>\n<!-- /wp:file -->";
}
function table(array $rows): string {
    $tr = implode('', array_map(fn($r) => '<tr><td>' . implode('</td><td>', $r) . '</td></tr>', $rows));
    return "<!-- wp:table -->\n<figure class=\"wp-block-table\"><table><tbody>$tr</tbody></table></figure>\n<!-- /wp:table -->";
}

$posts = [
    // [slug, title, author, categories, tags, date, status, excerpt, blocks, featured image]
    ['dai-hoi-cong-doan-tinh-lab-lan-thu-xviii', 'Đại hội Công đoàn tỉnh Lab lần thứ XVIII, nhiệm kỳ 2026 - 2031',
     'nguyenhoa', ['tin-tuc-su-kien', 'hoat-dong-cong-doan'], ['đại hội', 'nhiệm kỳ 2026 - 2031'],
     '2026-09-02 08:30:00', 'publish', 'Sáng 02/9, Đại hội Công đoàn tỉnh Lab lần thứ XVIII khai mạc trọng thể với 250 đại biểu.',
     [p('Sáng 02/9, tại Hội trường Trung tâm Hội nghị tỉnh, Đại hội Công đoàn tỉnh Lab lần thứ XVIII, nhiệm kỳ 2026 - 2031 đã khai mạc trọng thể.'),
      'IMG:dai-hoi-cong-doan',
      p('Đại hội có 250 đại biểu chính thức, đại diện cho hơn 120.000 đoàn viên công đoàn trong toàn tỉnh.'),
      h('Mục tiêu nhiệm kỳ'),
      ul(['Phát triển 15.000 đoàn viên mới', 'Thành lập 60 công đoàn cơ sở', '100% doanh nghiệp có thỏa ước lao động tập thể']),
      p('Đại hội đã bầu Ban Chấp hành gồm 35 đồng chí.')],
     'dai-hoi-cong-doan'],
    ['ke-hoach-to-chuc-thang-cong-nhan-nam-2026', 'Kế hoạch tổ chức Tháng Công nhân năm 2026',
     'tranminh', ['tin-tuc-su-kien'], ['tháng công nhân'],
     '2026-09-10 14:15:00', 'publish', '',
     [p('Ban Thường vụ Liên đoàn Lao động tỉnh ban hành kế hoạch tổ chức Tháng Công nhân năm 2026 với chủ đề &quot;Đoàn viên công đoàn được chăm lo&quot;.'),
      p('Các cấp công đoàn triển khai đồng bộ các hoạt động thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn.'),
      'FILE:ke-hoach-thang-cong-nhan-2026.pdf'],
     null],
    ['tet-sum-vay-xuan-binh-ngo-2026', 'Chương trình "Tết sum vầy" Xuân Bính Ngọ 2026',
     'lehoangnam', ['hoat-dong-cong-doan'], ['tết sum vầy', 'chăm lo đoàn viên'],
     '2026-09-20 09:00:00', 'publish', 'Hơn 2.000 suất quà được trao cho công nhân lao động không có điều kiện về quê đón Tết.',
     [p('Chương trình &quot;Tết sum vầy&quot; năm nay trao hơn 2.000 suất quà cho công nhân lao động.'),
      'IMG:tet-sum-vay',
      p('Mỗi suất quà trị giá 1.000.000 đồng, gồm tiền mặt và nhu yếu phẩm.')],
     'tet-sum-vay'],
    ['huan-luyen-an-toan-ve-sinh-lao-dong-2026', 'Huấn luyện an toàn, vệ sinh lao động cho cán bộ công đoàn cơ sở',
     'tranminh', ['cong-doan-co-so'], ['an toàn lao động'],
     '2026-10-05 07:45:00', 'publish', '',
     [p('Trong 2 ngày 05 và 06/10, Liên đoàn Lao động tỉnh tổ chức lớp huấn luyện an toàn, vệ sinh lao động cho 150 cán bộ công đoàn cơ sở.'),
      'IMG:an-toan-lao-dong',
      table([['Nội dung', 'Thời lượng'], ['Pháp luật về an toàn lao động', '4 tiết'], ['Kỹ năng nhận diện nguy cơ', '4 tiết']]),
      p('Kết thúc lớp học, các học viên được cấp giấy chứng nhận.')],
     'an-toan-lao-dong'],
    ['huong-dan-to-chuc-dai-hoi-cong-doan-co-so', 'Hướng dẫn tổ chức đại hội công đoàn cơ sở nhiệm kỳ 2027 - 2032',
     'nguyenhoa', ['cong-doan-co-so', 'chinh-sach-phap-luat'], ['đại hội', 'hướng dẫn'],
     '2026-10-01 10:00:00', 'publish', '',
     [p('Liên đoàn Lao động tỉnh hướng dẫn các công đoàn cơ sở chuẩn bị và tổ chức đại hội nhiệm kỳ 2027 - 2032.'),
      h('Thời gian tổ chức'),
      p('Đại hội công đoàn cơ sở hoàn thành trước ngày 30/6/2027.'),
      'FILE:huong-dan-to-chuc-dai-hoi.docx'],
     null],
    ['trao-mai-am-cong-doan-cho-doan-vien-kho-khan', 'Trao "Mái ấm Công đoàn" cho đoàn viên có hoàn cảnh khó khăn',
     'lehoangnam', ['hoat-dong-cong-doan'], ['mái ấm công đoàn', 'chăm lo đoàn viên'],
     '2026-10-18 16:20:00', 'publish', '',
     [p('Liên đoàn Lao động tỉnh trao 5 &quot;Mái ấm Công đoàn&quot; cho đoàn viên có hoàn cảnh đặc biệt khó khăn về nhà ở, mỗi căn hỗ trợ 50 triệu đồng.'),
      'IMG:mai-am-cong-doan',
      p('Đây là hoạt động thiết thực chào mừng Ngày Phụ nữ Việt Nam 20/10.')],
     'mai-am-cong-doan'],
    ['luong-toi-thieu-vung-tu-01-01-2027', 'Tăng lương tối thiểu vùng từ ngày 01/01/2027',
     'admin', ['chinh-sach-phap-luat'], ['lương tối thiểu'],
     '2026-11-05 08:00:00', 'publish', 'Chính phủ quyết định tăng lương tối thiểu vùng thêm 7,2% từ ngày 01/01/2027.',
     [p('Theo Nghị định số 293/2026/NĐ-CP, mức lương tối thiểu vùng tăng bình quân 7,2% so với hiện hành.'),
      table([['Vùng', 'Mức lương tháng'], ['Vùng I', '5.310.000 đồng'], ['Vùng II', '4.730.000 đồng'], ['Vùng III', '4.140.000 đồng'], ['Vùng IV', '3.700.000 đồng']]),
      'FILE:bang-luong-toi-thieu-vung.pdf'],
     null],
    ['hoi-thao-nu-cong-nam-2026', 'Hội thao nữ công năm 2026 thu hút 600 vận động viên',
     'lehoangnam', ['tin-tuc-su-kien'], ['nữ công'],
     '2026-11-02 07:30:00', 'publish', '',
     [p('Hội thao nữ công năm 2026 diễn ra với các môn kéo co, nhảy bao bố, đi cà kheo.'),
      'IMG:hoi-thao-nu-cong',
      p('Công đoàn ngành Giáo dục giành giải nhất toàn đoàn.')],
     'hoi-thao-nu-cong'],
    ['doi-thoai-giua-chu-tich-ubnd-tinh-voi-cong-nhan', 'Đối thoại giữa Chủ tịch UBND tỉnh với công nhân lao động',
     'nguyenhoa', ['tin-tuc-su-kien'], ['đối thoại'],
     '2026-11-08 15:00:00', 'publish', '',
     [p('Hơn 300 công nhân lao động tham dự buổi đối thoại, nêu 27 ý kiến về nhà ở, trường học cho con công nhân và tiền lương.'),
      p('Chủ tịch UBND tỉnh giao các sở, ngành giải quyết dứt điểm các kiến nghị trong quý I/2027.')],
     null],
    ['cong-doan-co-so-cong-ty-may-lab-cham-lo-doan-vien', 'Công đoàn cơ sở Công ty May Lab chăm lo đoàn viên',
     'tranminh', ['cong-doan-co-so'], ['chăm lo đoàn viên'],
     '2026-11-10 10:10:00', 'publish', '',
     [p('Công đoàn cơ sở Công ty May Lab phối hợp với người sử dụng lao động tổ chức bữa cơm ca nâng chất lượng cho 1.200 công nhân.')],
     null],
    ['tuyen-truyen-bo-luat-lao-dong-cho-cong-nhan', 'Tuyên truyền Bộ luật Lao động cho công nhân khu công nghiệp',
     'tranminh', ['chinh-sach-phap-luat', 'tin-tuc-su-kien'], ['pháp luật', 'khu công nghiệp'],
     '2026-11-12 19:05:00', 'publish', '',
     [p('Trung tâm Tư vấn pháp luật Công đoàn tỉnh tổ chức 12 buổi tuyên truyền Bộ luật Lao động cho hơn 3.000 công nhân.'),
      ul(['Hợp đồng lao động', 'Thời giờ làm việc, thời giờ nghỉ ngơi', 'Kỷ luật lao động'])],
     null],
    ['giai-bong-da-cong-nhan-lan-thu-v', 'Giải bóng đá công nhân lần thứ V: 24 đội tranh tài',
     'lehoangnam', ['tin-tuc-su-kien'], [],
     '2026-11-14 17:40:00', 'publish', '',
     [p('Giải bóng đá công nhân lần thứ V có 24 đội bóng đến từ các doanh nghiệp trong tỉnh tham gia.')],
     null],
    ['ra-mat-mo-hinh-cong-doan-so', 'Ra mắt mô hình "Công đoàn số" tại các khu công nghiệp',
     'nguyenhoa', ['hoat-dong-cong-doan', 'tin-tuc-su-kien'], ['chuyển đổi số'],
     '2026-11-16 09:25:00', 'publish', 'Đoàn viên có thể gửi kiến nghị, đăng ký ưu đãi qua ứng dụng Công đoàn số.',
     [p('Mô hình &quot;Công đoàn số&quot; giúp đoàn viên gửi kiến nghị, tra cứu chính sách và đăng ký ưu đãi ngay trên điện thoại.'),
      p('Sau 1 tháng triển khai, đã có 8.500 đoàn viên đăng ký tài khoản.')],
     null],
    ['tong-ket-thang-cong-nhan-2026', 'Tổng kết Tháng Công nhân năm 2026',
     'admin', ['tin-tuc-su-kien'], ['tháng công nhân'],
     '2026-11-18 14:00:00', 'publish', '',
     [p('Tháng Công nhân năm 2026 đã chăm lo cho hơn 45.000 lượt đoàn viên với tổng kinh phí 18 tỷ đồng.')],
     null],
    ['thong-bao-lich-tiep-doan-vien-thang-12', 'Thông báo lịch tiếp đoàn viên, người lao động tháng 12/2026',
     'admin', ['tin-tuc-su-kien'], [],
     '2026-11-20 08:05:00', 'publish', '',
     [p('Thường trực Liên đoàn Lao động tỉnh tiếp đoàn viên, người lao động vào sáng thứ Năm hằng tuần tại trụ sở cơ quan.')],
     null],
    // Never public: each must stay out of every crawl.
    ['du-thao-bao-cao-chinh-tri-chua-duyet', 'Dự thảo báo cáo chính trị (chưa duyệt)',
     'nguyenhoa', ['tin-tuc-su-kien'], ['đại hội'], '2026-11-19 10:00:00', 'draft', '',
     [p('Bản nháp, không được công bố.')], null],
    ['danh-sach-can-bo-noi-bo', 'Danh sách cán bộ (nội bộ)',
     'admin', ['hoat-dong-cong-doan'], [], '2026-11-11 11:00:00', 'private', '',
     [p('Tài liệu nội bộ, chỉ dành cho quản trị viên.')], null],
    ['bai-cho-duyet-giai-chay', 'Bài chờ duyệt: Giải chạy vì đoàn viên',
     'lehoangnam', ['tin-tuc-su-kien'], [], '2026-11-19 16:00:00', 'pending', '',
     [p('Bài viết đang chờ biên tập duyệt.')], null],
    ['ke-hoach-nam-2027-hen-gio', 'Kế hoạch công tác năm 2027 (hẹn giờ đăng)',
     'admin', ['tin-tuc-su-kien'], [], '2027-01-05 08:00:00', 'future', '',
     [p('Bài hẹn giờ, chưa đến ngày đăng.')], null],
];

$ids = [];
foreach ($posts as [$slug, $title, $author, $pcats, $ptags, $date, $status, $excerpt, $blocks, $featured]) {
    $content = implode("\n\n", array_map(function ($b) use ($images, $files) {
        if (strpos($b, 'IMG:') === 0) {
            return img($images[substr($b, 4)]);
        }
        if (strpos($b, 'FILE:') === 0) {
            return file_block($files[substr($b, 5)]);
        }
        return $b;
    }, $blocks));
    $id = wp_insert_post([
        'post_type' => 'post', 'post_name' => $slug, 'post_title' => $title,
        'post_content' => $content, 'post_excerpt' => $excerpt, 'post_status' => $status,
        'post_author' => $users[$author], 'post_date' => $date,
        'post_date_gmt' => get_gmt_from_date($date),
        'post_category' => array_map(fn($c) => $cats[$c], $pcats),
        'tags_input' => $ptags,
    ], true);
    if (is_wp_error($id)) {
        fwrite(STDERR, "post $slug: " . $id->get_error_message() . "\n");
        exit(1);
    }
    if ($featured) {
        set_post_thumbnail($id, $images[$featured]);
        wp_update_post(['ID' => $images[$featured], 'post_parent' => $id]);
    }
    foreach ($blocks as $b) {
        if (strpos($b, 'FILE:') === 0) {
            wp_update_post(['ID' => $files[substr($b, 5)], 'post_parent' => $id]);
        }
    }
    $ids[$slug] = $id;
}

// One post edited after publication: a real update (with its revision), then a fixed time.
$edited = $ids['ke-hoach-to-chuc-thang-cong-nhan-nam-2026'];
$post = get_post($edited);
wp_update_post(['ID' => $edited, 'post_title' => 'Kế hoạch tổ chức Tháng Công nhân năm 2026 (cập nhật)',
                'post_content' => $post->post_content . "\n\n"
                  . p('Cập nhật ngày 25/9: bổ sung chương trình &quot;Bữa cơm công đoàn&quot; tại 20 doanh nghiệp.')]);

// Fixed modified times: equal to the publication time, except the edited post.
global $wpdb;
foreach ($wpdb->get_results("SELECT ID, post_date, post_date_gmt FROM {$wpdb->posts}") as $row) {
    $wpdb->update($wpdb->posts, ['post_modified' => $row->post_date, 'post_modified_gmt' => $row->post_date_gmt],
                  ['ID' => $row->ID]);
}
$wpdb->update($wpdb->posts, ['post_modified' => '2026-09-25 10:30:00', 'post_modified_gmt' => '2026-09-25 03:30:00'],
              ['ID' => $edited]);

// A page: public, but no news article.
wp_insert_post(['post_type' => 'page', 'post_name' => 'gioi-thieu', 'post_title' => 'Giới thiệu',
                'post_status' => 'publish', 'post_author' => $users['admin'],
                'post_date' => '2026-09-01 08:00:00',
                'post_content' => p('Liên đoàn Lao động tỉnh Lab là tổ chức chính trị - xã hội của giai cấp công nhân.')]);
$wpdb->query("UPDATE {$wpdb->posts} SET post_modified = post_date, post_modified_gmt = post_date_gmt WHERE post_type = 'page'");
clean_post_cache($edited);
echo json_encode($ids, JSON_UNESCAPED_UNICODE), "\n";
