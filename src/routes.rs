//! Every in-app address, built in one place: links, redirects and `next`
//! targets. Paths are within the app; `site::href` adds the base path.

use crate::domain::UserQuery;
use crate::http::path_segment;

/// The user list with the default query.
pub const USERS: &str = "/users";

/// The user list for `query`.
pub fn users(query: &UserQuery) -> String {
    let params = query.to_params();
    if params.is_empty() {
        return USERS.to_string();
    }
    let encoded: Vec<String> = params
        .iter()
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect();
    format!("{USERS}?{}", encoded.join("&"))
}

/// Offboarding a pasted list of users.
pub const PASTE_LIST: &str = "/users/paste";

/// One user's page.
pub fn user(id: &str) -> String {
    format!("{USERS}/{}", path_segment(id))
}

/// One grant's page.
pub fn grant(user_id: &str, grant_id: &str) -> String {
    format!("{}/grants/{}", user(user_id), path_segment(grant_id))
}

/// The sign-in page, returning to the start (the user list) afterwards.
pub const SIGN_IN: &str = "/sign-in";

/// The sign-in page, returning to `next` (an in-app path) afterwards.
pub fn sign_in(next: &str) -> String {
    format!("{SIGN_IN}?next={}", encode(next))
}

/// The connections, and adding one.
pub const SETTINGS: &str = "/settings";

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}
