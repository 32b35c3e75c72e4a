//! The connections an admin can choose from: those of `config.json`, then
//! those the admin added in Settings (localStorage: they hold no secret).
//! Which connection and organisation the tab uses is remembered per tab.

use leptos::prelude::*;

use crate::config::Connection;
use crate::storage::{self, Store};
use crate::tr;

/// Where connections added in Settings are kept.
const ADDED_KEY: &str = "lifecycle-console.connections";
/// Which connection the tab uses, by name.
const CONNECTION_KEY: &str = "lifecycle-console.connection";

fn organization_key(connection_name: &str) -> String {
    format!("lifecycle-console.organization.{connection_name}")
}

/// Every connection, shared through context.
#[derive(Clone, Copy, Debug)]
pub struct Connections {
    all: RwSignal<Vec<Connection>>,
    /// How many of `all` come from config.json (they come first).
    configured: StoredValue<usize>,
}

impl Connections {
    /// The configured connections (provided by the app's `Console`).
    pub fn current() -> Connections {
        leptos::prelude::expect_context()
    }

    /// The connections, where they are provided (not in a test that mounts a page alone).
    pub fn try_current() -> Option<Connections> {
        leptos::prelude::use_context()
    }

    /// The configured connections and those added in this browser. An
    /// added one whose name a configured one took is left out.
    pub fn new(configured: Vec<Connection>) -> Connections {
        let count = configured.len();
        let mut all = configured;
        for added in read_added() {
            if !all.iter().any(|c| c.name == added.name) && added.check().is_ok() {
                all.push(added);
            }
        }
        Connections {
            all: RwSignal::new(all),
            configured: StoredValue::new(count),
        }
    }

    /// Tracked.
    pub fn all(&self) -> Vec<Connection> {
        self.all.get()
    }

    pub fn get_untracked(&self, index: usize) -> Option<Connection> {
        self.all.with_untracked(|all| all.get(index).cloned())
    }

    pub fn position_of(&self, name: Option<&str>) -> usize {
        self.all.with_untracked(|all| {
            name.and_then(|name| all.iter().position(|c| c.name == name))
                .unwrap_or(0)
        })
    }

    /// A connection to the same API origin as `api_base_url` whose API reads
    /// any user of the instance by id, if there is one: where an id another
    /// API of that instance does not know may be a user.
    pub fn instance_user_reader(&self, api_base_url: &str) -> Option<usize> {
        let origin = api_base_url.trim_end_matches('/');
        self.all.with_untracked(|all| {
            all.iter().position(|c| {
                c.provider.capabilities().reads_instance_users
                    && c.api_base_url.trim_end_matches('/') == origin
            })
        })
    }

    /// Whether the connection at `index` was added in Settings (and so can
    /// be removed there).
    pub fn is_added(&self, index: usize) -> bool {
        index >= self.configured.get_value()
    }

    /// Adds a connection after checking it; says what is wrong otherwise.
    pub fn add(&self, connection: Connection) -> Result<(), String> {
        connection.check()?;
        if self
            .all
            .with_untracked(|all| all.iter().any(|c| c.name == connection.name))
        {
            return Err(tr!(settings.connection_name_taken, name = connection.name));
        }
        self.all.update(|all| all.push(connection));
        self.save()
    }

    /// Removes an added connection; configured ones stay.
    pub fn remove(&self, index: usize) -> Result<(), String> {
        if !self.is_added(index) {
            return Err(tr!(settings.configured_connection_is_fixed).into());
        }
        self.all.update(|all| {
            if index < all.len() {
                all.remove(index);
            }
        });
        self.save()
    }

    fn save(&self) -> Result<(), String> {
        let added: Vec<Connection> = self
            .all
            .with_untracked(|all| all[self.configured.get_value()..].to_vec());
        let text = serde_json::to_string(&added).map_err(|e| e.to_string())?;
        if storage::write(Store::Browser, ADDED_KEY, Some(&text)) {
            Ok(())
        } else {
            Err(tr!(settings.storage_unavailable).to_string())
        }
    }
}

/// What Settings kept; anything unreadable is ignored rather than fatal.
fn read_added() -> Vec<Connection> {
    storage::read(Store::Browser, ADDED_KEY)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// The connection this tab chose last, if any.
pub fn remembered_connection() -> Option<String> {
    super::read_session_item(CONNECTION_KEY)
}

pub fn remember_connection(name: &str) {
    super::write_session_item(CONNECTION_KEY, Some(name));
}

/// The organisation this tab chose for a ZITADEL connection, if any.
pub fn remembered_organization(connection_name: &str) -> Option<String> {
    super::read_session_item(&organization_key(connection_name))
}

pub fn remember_organization(connection_name: &str, organization_id: &str) {
    super::write_session_item(&organization_key(connection_name), Some(organization_id));
}
