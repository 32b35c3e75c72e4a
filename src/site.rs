//! Where the console lives on its web server: at the root, or under a
//! sub-path such as `/admin/` (trunk's `--public-url`, which becomes the
//! document's `<base href>`). The router, links and OIDC redirects all
//! derive from this one value.

/// The router base for the document's base URL: `""` at the root, else
/// the path without its trailing slash (`/admin`).
pub fn base_path() -> String {
    let base_uri = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    base_of(&base_uri)
}

/// The origin the console is served from (`https://console.example`).
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// A link to a path inside the console (`/users` → `/admin/users`).
/// leptos_router's `<A>` leaves an absolute `href` as it is, so links
/// carry the base themselves.
pub fn href(app_path: &str) -> String {
    format!("{}{app_path}", base_path())
}

/// An absolute URL of a path inside the console (`/auth/callback`).
pub fn absolute_url(app_path: &str) -> String {
    format!("{}{}{}", origin(), base_path(), app_path)
}

/// The path part of a base URL, without its trailing slash.
pub fn base_of(base_uri: &str) -> String {
    let after_scheme = base_uri
        .split_once("://")
        .map_or(base_uri, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |slash| &after_scheme[slash..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    // A base names a directory; a file name after the last slash is not part of it.
    let directory = &path[..path.rfind('/').map_or(0, |slash| slash)];
    directory.to_string()
}

/// A browser path without the base, as the router's links and `next`
/// parameters are written (`/admin/users/1` → `/users/1`).
pub fn within_app<'a>(full_path: &'a str, base: &str) -> &'a str {
    match full_path.strip_prefix(base) {
        Some(rest) if base.is_empty() || rest.is_empty() || rest.starts_with('/') => {
            if rest.is_empty() {
                "/"
            } else {
                rest
            }
        }
        _ => full_path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_the_directory_of_the_base_url() {
        assert_eq!(base_of("http://127.0.0.1:8080/"), "");
        assert_eq!(base_of("https://console.example/admin/"), "/admin");
        assert_eq!(
            base_of("https://console.example/tools/admin/"),
            "/tools/admin"
        );
        assert_eq!(
            base_of("https://console.example/admin/index.html"),
            "/admin"
        );
        assert_eq!(base_of("https://console.example"), "");
        assert_eq!(base_of("https://console.example/admin/?x=/y/"), "/admin");
    }

    #[test]
    fn paths_inside_the_app_drop_the_base() {
        assert_eq!(within_app("/admin/users/1", "/admin"), "/users/1");
        assert_eq!(within_app("/admin", "/admin"), "/");
        assert_eq!(within_app("/users/1", ""), "/users/1");
        assert_eq!(within_app("/administrators", "/admin"), "/administrators");
    }
}
