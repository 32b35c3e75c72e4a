//! The browser's two key-value stores, the one way the console reads and
//! writes them. The tab's store ends with the tab: tokens and the tab's
//! choices. The browser's store outlives it: connections added in Settings
//! and the theme, never a secret.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// sessionStorage.
    Tab,
    /// localStorage.
    Browser,
}

fn storage(store: Store) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match store {
        Store::Tab => window.session_storage(),
        Store::Browser => window.local_storage(),
    }
    .ok()
    .flatten()
}

pub fn read(store: Store, key: &str) -> Option<String> {
    storage(store)?.get_item(key).ok().flatten()
}

/// Writes `value` under `key`, or removes the key for `None`. Says whether
/// the browser took it (storage may be off or full).
pub fn write(store: Store, key: &str, value: Option<&str>) -> bool {
    let Some(storage) = storage(store) else {
        return false;
    };
    match value {
        Some(value) => storage.set_item(key, value),
        None => storage.remove_item(key),
    }
    .is_ok()
}

/// How many recently opened user ids a connection remembers.
pub const RECENT_LIMIT: usize = 10;

fn recent_key(connection_name: &str) -> String {
    format!("lifecycle-console.recent-users.{connection_name}")
}

/// The user ids last opened on a connection that cannot list users, most
/// recent first. Ids only: no secret, no personal data the server sent.
pub fn recent_user_ids(connection_name: &str) -> Vec<String> {
    read(Store::Browser, &recent_key(connection_name))
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

pub fn remember_user_id(connection_name: &str, id: &str) {
    let ids = with_recent(recent_user_ids(connection_name), id);
    if let Ok(text) = serde_json::to_string(&ids) {
        write(Store::Browser, &recent_key(connection_name), Some(&text));
    }
}

/// `ids` with `id` moved or added to the front, at most [`RECENT_LIMIT`] long.
pub fn with_recent(mut ids: Vec<String>, id: &str) -> Vec<String> {
    let id = id.trim();
    if id.is_empty() {
        return ids;
    }
    ids.retain(|known| known != id);
    ids.insert(0, id.to_string());
    ids.truncate(RECENT_LIMIT);
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_ids_put_the_latest_first_without_repeats() {
        let ids = with_recent(vec!["1".into(), "2".into()], "2");
        assert_eq!(ids, ["2", "1"]);
        let ids = with_recent(ids, " 3 ");
        assert_eq!(ids, ["3", "2", "1"]);
        assert_eq!(with_recent(ids.clone(), "  "), ids);
        let many = (0..RECENT_LIMIT).fold(Vec::new(), |ids, n| with_recent(ids, &n.to_string()));
        let full = with_recent(many, "new");
        assert_eq!(full.len(), RECENT_LIMIT);
        assert_eq!(full[0], "new");
        assert!(!full.contains(&"0".to_string()), "the oldest goes");
    }
}
