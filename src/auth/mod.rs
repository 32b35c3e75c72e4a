//! Who the console acts as. Tokens live in sessionStorage (or memory in
//! tests), never in localStorage or a URL, so they end with the tab.

use leptos::prelude::*;

/// Where the token of a connection is kept in the tab's sessionStorage.
fn token_key(connection_name: &str) -> String {
    format!("lifecycle-console.token.{connection_name}")
}

/// Which connection the tab uses, by name.
const CONNECTION_KEY: &str = "lifecycle-console.connection";

/// The signed-in session of one connection, shared through context.
#[derive(Clone, Copy, Debug)]
pub struct Session {
    token: RwSignal<Option<String>>,
    /// The sessionStorage key; `None` keeps the token in memory only.
    storage_key: StoredValue<Option<String>>,
}

impl Session {
    /// The session of this browser tab for `connection_name`, as kept in sessionStorage.
    pub fn from_tab(connection_name: &str) -> Session {
        let key = token_key(connection_name);
        let token = session_storage().and_then(|s| s.get_item(&key).ok().flatten());
        Session {
            token: RwSignal::new(token.filter(|t| !t.is_empty())),
            storage_key: StoredValue::new(Some(key)),
        }
    }

    /// A session that is never written anywhere (component tests).
    pub fn in_memory(token: Option<String>) -> Session {
        Session {
            token: RwSignal::new(token),
            storage_key: StoredValue::new(None),
        }
    }

    /// The token, if signed in. A request scheduled by a page that is gone
    /// (a re-read after a write) may ask after its session was disposed: it
    /// then has none, rather than panicking.
    pub fn token(&self) -> Option<String> {
        self.token.try_get_untracked().flatten()
    }

    /// Tracked: views re-render when the admin signs in or out.
    pub fn is_signed_in(&self) -> bool {
        self.token.with(Option::is_some)
    }

    pub fn sign_in(&self, token: &str) {
        let token = token.trim().to_string();
        if let (Some(key), Some(storage)) = (self.storage_key.get_value(), session_storage()) {
            let _ = storage.set_item(&key, &token);
        }
        self.token.set(Some(token));
    }

    pub fn sign_out(&self) {
        if let (Some(key), Some(storage)) = (self.storage_key.get_value(), session_storage()) {
            let _ = storage.remove_item(&key);
        }
        self.token.set(None);
    }
}

/// The connection this tab chose last, if any.
pub fn remembered_connection() -> Option<String> {
    session_storage()?.get_item(CONNECTION_KEY).ok().flatten()
}

pub fn remember_connection(name: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(CONNECTION_KEY, name);
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Where to go after signing in: only a path on this site, so a crafted
/// link cannot send the admin elsewhere.
pub fn safe_return_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_return_path(Some("/users/1")), "/users/1");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_return_path(None), "/");
    }
}
