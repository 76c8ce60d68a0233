<?php
/**
 * Router for PHP's built-in web server: serves a Debian-packaged WordPress
 * whose wp-content lives in the capture work directory (CONGDOAN_WP_WORKDIR).
 *
 * Static files are served as they are; everything else goes through index.php,
 * which is what Apache's mod_rewrite rules do for pretty permalinks.
 */
$_SERVER['WORDPRESS_CONFIG'] = 'congdoanlab';  // selects /etc/wordpress/config-congdoanlab.php
$root = '/usr/share/wordpress';
$work = getenv('CONGDOAN_WP_WORKDIR');
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));

if (strpos($path, '/wp-content/') === 0 && $work) {
    $file = realpath($work . $path);
    if ($file && strpos($file, realpath($work)) === 0 && is_file($file)) {
        $types = ['css' => 'text/css', 'js' => 'application/javascript', 'jpg' => 'image/jpeg',
                  'jpeg' => 'image/jpeg', 'png' => 'image/png', 'svg' => 'image/svg+xml',
                  'woff2' => 'font/woff2', 'pdf' => 'application/pdf',
                  'docx' => 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'];
        $ext = strtolower(pathinfo($file, PATHINFO_EXTENSION));
        header('Content-Type: ' . ($types[$ext] ?? 'application/octet-stream'));
        header('Content-Length: ' . filesize($file));
        header('Last-Modified: ' . gmdate('D, d M Y H:i:s', filemtime($file)) . ' GMT');
        readfile($file);
        return true;
    }
}
if ($path !== '/' && is_file($root . $path)) {
    if (substr($path, -4) === '.php') {
        chdir(dirname($root . $path));
        $_SERVER['SCRIPT_NAME'] = $path;
        $_SERVER['SCRIPT_FILENAME'] = $root . $path;
        require $root . $path;
        return true;
    }
    return false;  // a static file of WordPress itself (wp-includes/...)
}
chdir($root);
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
require $root . '/index.php';
