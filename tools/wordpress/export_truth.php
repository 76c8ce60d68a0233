<?php
/**
 * Writes truth.json of the lab site from the WordPress database:
 *   php export_truth.php SITE_URL THEME PERMALINKS REST > truth.json
 *
 * Raw values are read from the tables; the displayed forms (title after
 * WordPress's own filters, permalinks, rendered body lines) are what WordPress
 * itself makes of them, never what congdoan's parsers read.
 */
[$_, $site_url, $lab_theme, $permalinks, $rest] = $argv;
$parts = parse_url($site_url);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['WORDPRESS_CONFIG'] = 'congdoanlab';
require '/usr/share/wordpress/wp-load.php';
global $wpdb, $wp_version;

$zone = new DateTimeZone('Asia/Ho_Chi_Minh');
function iso_local(string $local, DateTimeZone $zone): string {
    return (new DateTime($local, $zone))->format('c');
}
/** A term name as themes print it (the 'display' context: wptexturize, entities). */
function displayed_term(string $name, int $id, string $tax): string {
    return html_entity_decode(sanitize_term_field('name', $name, $id, $tax, 'display'),
                              ENT_QUOTES | ENT_HTML5, 'UTF-8');
}
function text(string $html): string {
    return trim(preg_replace('/\s+/u', ' ', html_entity_decode(wp_strip_all_tags($html), ENT_QUOTES | ENT_HTML5, 'UTF-8')));
}
/** One line per block of the rendered body: paragraph, heading, list item, table row, caption. */
function body_lines(string $html): array {
    $dom = new DOMDocument();
    libxml_use_internal_errors(true);
    $dom->loadHTML('<?xml encoding="UTF-8"><div>' . $html . '</div>');
    $lines = [];
    $xpath = new DOMXPath($dom);
    foreach ($xpath->query('//p|//h1|//h2|//h3|//h4|//li|//tr|//figcaption|//div[contains(@class,"wp-block-file")]') as $node) {
        if ($node->nodeName === 'tr') {
            $cells = [];
            foreach ($xpath->query('./td|./th', $node) as $cell) {
                $cells[] = trim(preg_replace('/\s+/u', ' ', $cell->textContent));
            }
            $line = implode(' ', $cells);
        } elseif ($node->nodeName === 'div') {
            $line = trim(preg_replace('/\s+/u', ' ', $xpath->query('./a', $node)->item(0)->textContent));
        } else {
            $line = trim(preg_replace('/\s+/u', ' ', $node->textContent));
        }
        if ($line !== '') {
            $lines[] = $line;
        }
    }
    return $lines;
}

$users = [];
foreach ($wpdb->get_results("SELECT ID, user_login, display_name FROM {$wpdb->users} ORDER BY ID") as $u) {
    $users[(int)$u->ID] = ['id' => (int)$u->ID, 'login' => $u->user_login, 'display_name' => $u->display_name,
                           'url' => get_author_posts_url($u->ID)];
}
$terms = [];
foreach (['category', 'post_tag'] as $tax) {
    $rows = $wpdb->get_results($wpdb->prepare(
        "SELECT t.term_id, t.name, t.slug, tt.parent, tt.count FROM {$wpdb->terms} t
         JOIN {$wpdb->term_taxonomy} tt ON tt.term_id = t.term_id WHERE tt.taxonomy = %s ORDER BY t.term_id", $tax));
    foreach ($rows as $t) {
        $terms[$tax][] = ['id' => (int)$t->term_id, 'name' => $t->name, 'slug' => $t->slug,
                          'name_displayed' => displayed_term($t->name, (int)$t->term_id, $tax),
                          'parent' => (int)$t->parent, 'count' => (int)$t->count,
                          'url' => get_term_link((int)$t->term_id, $tax)];
    }
}
$posts = [];
$rows = $wpdb->get_results("SELECT * FROM {$wpdb->posts} WHERE post_type = 'post' ORDER BY ID");
foreach ($rows as $p) {
    $id = (int)$p->ID;
    $cat_ids = wp_get_post_categories($id);
    $tags = wp_get_post_tags($id);
    $media = $wpdb->get_results($wpdb->prepare(
        "SELECT ID, post_title, post_mime_type, guid FROM {$wpdb->posts}
         WHERE post_type = 'attachment' AND post_parent = %d ORDER BY ID", $id));
    $thumb = (int)get_post_thumbnail_id($id);
    preg_match_all('/<img [^>]*src="([^"]+)"[^>]*alt="([^"]*)"/', $p->post_content, $imgs, PREG_SET_ORDER);
    preg_match_all('/<div class="wp-block-file"><a href="([^"]+)">([^<]+)<\/a>/', $p->post_content, $files, PREG_SET_ORDER);
    $rendered = apply_filters('the_content', $p->post_content);
    $posts[] = [
        'id' => $id,
        'slug' => $p->post_name,
        'status' => $p->post_status,
        'public' => $p->post_status === 'publish' && $p->post_password === '',
        'title_raw' => $p->post_title,
        'title' => html_entity_decode(get_the_title($id), ENT_QUOTES | ENT_HTML5, 'UTF-8'),
        'date' => iso_local($p->post_date, $zone),
        'date_gmt' => $p->post_date_gmt,
        'modified' => iso_local($p->post_modified, $zone),
        'modified_gmt' => $p->post_modified_gmt,
        'author' => $users[(int)$p->post_author],
        'categories' => array_map(fn($c) => get_cat_name($c), $cat_ids),
        'category_ids' => array_map('intval', $cat_ids),
        'categories_displayed' => array_map(fn($c) => displayed_term(get_cat_name($c), $c, 'category'), $cat_ids),
        'tags' => array_map(fn($t) => $t->name, $tags),
        'tags_displayed' => array_map(fn($t) => displayed_term($t->name, $t->term_id, 'post_tag'), $tags),
        'excerpt_raw' => $p->post_excerpt,
        'excerpt' => $p->post_excerpt === '' ? null
            : html_entity_decode(wptexturize($p->post_excerpt), ENT_QUOTES | ENT_HTML5, 'UTF-8'),
        'featured_image' => $thumb ? wp_get_attachment_url($thumb) : null,
        'featured_image_alt' => $thumb ? get_post_meta($thumb, '_wp_attachment_image_alt', true) : null,
        'content_images' => array_map(fn($m) => ['url' => $m[1], 'alt' => html_entity_decode($m[2], ENT_QUOTES, 'UTF-8')], $imgs),
        'attachments' => array_map(fn($m) => ['url' => $m[1], 'name' => html_entity_decode($m[2], ENT_QUOTES, 'UTF-8')], $files),
        'media' => array_map(fn($m) => ['id' => (int)$m->ID, 'title' => $m->post_title, 'mime' => $m->post_mime_type,
                                        'url' => wp_get_attachment_url($m->ID)], $media),
        'body_lines' => body_lines($rendered),
        'link' => $p->post_status === 'publish' ? get_permalink($id) : null,
        'shortlink' => home_url('/?p=' . $id),
    ];
}
echo json_encode([
    'site' => [
        'cms' => 'WordPress ' . $wp_version . ' (Debian package wordpress ' . trim(shell_exec("dpkg-query -W -f='\${Version}' wordpress")) . ')',
        'php' => PHP_VERSION,
        'base_url' => home_url(),
        'name' => get_option('blogname'),
        'timezone' => get_option('timezone_string'),
        'theme' => $lab_theme,
        'theme_version' => wp_get_theme($lab_theme)->get('Version'),
        'permalinks' => $permalinks,
        'permalink_structure' => get_option('permalink_structure'),
        'rest' => $rest,
        'posts_per_page' => (int)get_option('posts_per_page'),
        'captured_on' => gmdate('Y-m-d'),
    ],
    'users' => array_values($users),
    'categories' => $terms['category'] ?? [],
    'tags' => $terms['post_tag'] ?? [],
    'posts' => $posts,
], JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
