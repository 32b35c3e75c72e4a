//! Who the console acts as. Tokens live in sessionStorage (or memory in
//! tests), never in localStorage or a URL, so they end with the tab.

mod connections;
pub mod oidc;

pub use connections::{
    remember_connection, remember_organization, remembered_connection, remembered_organization,
    Connections,
};

use leptos::prelude::*;

use crate::storage::{self, Store};

/// Where the token of a connection is kept in the tab's sessionStorage.
fn token_key(connection_name: &str) -> String {
    format!("lifecycle-console.token.{connection_name}")
}

/// Where an OIDC session's end-session address is kept (no token in it).
fn sign_out_url_key(connection_name: &str) -> String {
    format!("lifecycle-console.sign-out-url.{connection_name}")
}

/// The signed-in session of one connection, shared through context.
#[derive(Clone, Copy, Debug)]
pub struct Session {
    token: RwSignal<Option<String>>,
    /// Set when the server refused the token (401): the sign-in page says so.
    expired: RwSignal<bool>,
    /// The connection's name; `None` keeps everything in memory only.
    connection_name: StoredValue<Option<String>>,
}

impl Session {
    /// The session of the connection the page works in.
    pub fn current() -> Session {
        leptos::prelude::expect_context()
    }

    /// The session of this browser tab for `connection_name`, as kept in sessionStorage.
    pub fn from_tab(connection_name: &str) -> Session {
        let token = read_session_item(&token_key(connection_name));
        Session {
            token: RwSignal::new(token.filter(|t| !t.is_empty())),
            expired: RwSignal::new(false),
            connection_name: StoredValue::new(Some(connection_name.to_string())),
        }
    }

    /// A session that is never written anywhere (component tests).
    pub fn in_memory(token: Option<String>) -> Session {
        Session {
            token: RwSignal::new(token),
            expired: RwSignal::new(false),
            connection_name: StoredValue::new(None),
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

    /// Tracked: whether the server ended the session (see [`Session::expire`]).
    pub fn has_expired(&self) -> bool {
        self.expired.get()
    }

    /// Signs in with a token. `sign_out_url` is where an OIDC session ends
    /// at the provider (ZITADEL's end-session endpoint), if it has one.
    pub fn sign_in(&self, token: &str, sign_out_url: Option<&str>) {
        let token = token.trim().to_string();
        if let Some(name) = self.connection_name.get_value() {
            write_session_item(&token_key(&name), Some(&token));
            write_session_item(&sign_out_url_key(&name), sign_out_url);
        }
        self.expired.set(false);
        self.token.set(Some(token));
    }

    /// Forgets the token. Returns the provider's end-session address, where
    /// the browser should go next to end the provider's own session too.
    pub fn sign_out(&self) -> Option<String> {
        let mut sign_out_url = None;
        if let Some(name) = self.connection_name.get_value() {
            sign_out_url = read_session_item(&sign_out_url_key(&name));
            write_session_item(&token_key(&name), None);
            write_session_item(&sign_out_url_key(&name), None);
        }
        self.token.set(None);
        sign_out_url
    }

    /// The server refused `refused`, the token a request was sent with (401):
    /// forget it, and let the sign-in page say why the admin is there. A late
    /// answer to a request sent with an older token (before the admin signed
    /// in again) ends nothing.
    pub fn expire(&self, refused: Option<&str>) {
        let current = self.token.try_get_untracked().flatten();
        if current.is_none() || current.as_deref() != refused {
            return;
        }
        self.sign_out();
        self.expired.set(true);
    }
}

fn read_session_item(key: &str) -> Option<String> {
    storage::read(Store::Tab, key)
}

fn write_session_item(key: &str, value: Option<&str>) {
    storage::write(Store::Tab, key, value);
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
    use super::{safe_return_path, Session};
    use leptos::prelude::GetUntracked;

    #[test]
    fn a_401_ends_only_the_session_whose_token_it_refused() {
        let session = Session::in_memory(Some("new".into()));
        // A late answer to a request sent before the admin signed in again.
        session.expire(Some("old"));
        assert_eq!(session.token().as_deref(), Some("new"));
        assert!(!session.expired.get_untracked());

        session.expire(Some("new"));
        assert_eq!(session.token(), None);
        assert!(session.expired.get_untracked());
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_return_path(Some("/users/1")), "/users/1");
        assert_eq!(safe_return_path(Some("https://evil.example")), "/");
        assert_eq!(safe_return_path(Some("//evil.example")), "/");
        assert_eq!(safe_return_path(Some("/\\evil.example")), "/");
        assert_eq!(safe_return_path(None), "/");
    }
}
