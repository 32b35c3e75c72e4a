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
