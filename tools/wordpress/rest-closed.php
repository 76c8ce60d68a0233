<?php
/**
 * Plugin Name: congdoan lab: REST API closed to visitors
 * Description: What "disable REST API" plugins do on many portals: anonymous
 * REST requests get 401 rest_login_required. Active only when the option
 * congdoan_lab_rest_closed is set (configure.php sets it).
 */
add_filter('rest_authentication_errors', function ($result) {
    if (!empty($result) || !get_option('congdoan_lab_rest_closed') || is_user_logged_in()) {
        return $result;
    }
    return new WP_Error('rest_login_required', 'REST API restricted to authenticated users.',
                        ['status' => 401]);
});
