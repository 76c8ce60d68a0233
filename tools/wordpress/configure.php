<?php
/**
 * Switches the lab site's theme, permalink style and REST API access:
 *   php configure.php SITE_URL THEME plain|pretty open|closed
 */
[$_, $site_url, $lab_theme, $permalinks, $rest] = $argv;
$parts = parse_url($site_url);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['WORDPRESS_CONFIG'] = 'congdoanlab';
require '/usr/share/wordpress/wp-load.php';

if (!wp_get_theme($lab_theme)->exists()) {
    fwrite(STDERR, "theme $lab_theme is not installed\n");
    exit(1);
}
switch_theme($lab_theme);
update_option('permalink_structure', $permalinks === 'pretty' ? '/%year%/%monthnum%/%postname%/' : '');
update_option('congdoan_lab_rest_closed', $rest === 'closed' ? 1 : 0);
flush_rewrite_rules(false);
echo "theme=$lab_theme permalinks=$permalinks rest=$rest\n";
