//! Who the console acts as. Tokens live in sessionStorage (or memory in
//! tests), never in localStorage or a URL, so they end with the tab.

use leptos::prelude::*;

const TOKEN_KEY: &str = "lifecycle-console.token";

/// The signed-in session, shared through context.
#[derive(Clone, Copy, Debug)]
pub struct Session {
    token: RwSignal<Option<String>>,
    persist: bool,
}

impl Session {
    /// The session of this browser tab, as kept in sessionStorage.
    pub fn from_tab() -> Session {
        let token = session_storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten());
        Session {
            token: RwSignal::new(token.filter(|t| !t.is_empty())),
            persist: true,
        }
    }

    /// A session that is never written anywhere (component tests).
    pub fn in_memory(token: Option<String>) -> Session {
        Session {
            token: RwSignal::new(token),
            persist: false,
        }
    }

    pub fn token(&self) -> Option<String> {
        self.token.get_untracked()
    }

    /// Tracked: views re-render when the admin signs in or out.
    pub fn is_signed_in(&self) -> bool {
        self.token.with(Option::is_some)
    }

    pub fn sign_in(&self, token: &str) {
        let token = token.trim().to_string();
        if self.persist {
            if let Some(storage) = session_storage() {
                let _ = storage.set_item(TOKEN_KEY, &token);
            }
        }
        self.token.set(Some(token));
    }

    pub fn sign_out(&self) {
        if self.persist {
            if let Some(storage) = session_storage() {
                let _ = storage.remove_item(TOKEN_KEY);
            }
        }
        self.token.set(None);
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
