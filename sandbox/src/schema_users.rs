//! Schema users: the users of ZITADEL's v3alpha user resource, a separate aggregate
//! (`schemauser`, `internal/repository/user/schemauser/user.go` at v4.13.1) beside the
//! v2 users. No read model reads it (`internal/query` has none at v2.63 ... v4.13.1): the
//! v3alpha commands rebuild a write model from the aggregate's events each time
//! (`internal/command/user_v3_model.go`), and nothing else ever sees these users.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{self, Event};
use rusqlite::{params, Connection};

/// `schemauser.AggregateType`.
pub const AGGREGATE_SCHEMA_USER: &str = "schemauser";

/// Event types of the aggregate, as ZITADEL names them.
pub mod event_type {
    pub const CREATED: &str = "schemauser.created";
    pub const DELETED: &str = "schemauser.deleted";
    pub const LOCKED: &str = "schemauser.locked";
    pub const UNLOCKED: &str = "schemauser.unlocked";
    pub const DEACTIVATED: &str = "schemauser.deactivated";
    pub const ACTIVATED: &str = "schemauser.activated";
}

/// `domain.UserState` as the v3 write model uses it: locked is a separate flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelState {
    Unspecified,
    Active,
    Inactive,
    Deleted,
}

/// `UserV3WriteModel`, reduced to what the state changes look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaUserModel {
    pub id: String,
    /// The owning org: the filter's, or else the first event's (`WriteModel.Reduce`).
    pub resource_owner: String,
    pub state: ModelState,
    pub locked: bool,
    /// Time and per-aggregate sequence of the last event, if any.
    pub changed: Option<Timestamp>,
    pub sequence: u64,
}

impl SchemaUserModel {
    /// `Exists()`: neither unspecified (never created) nor deleted.
    pub fn exists(&self) -> bool {
        !matches!(self.state, ModelState::Unspecified | ModelState::Deleted)
    }

    /// Loads the events of user `id`, only those owned by `resource_owner` when one is
    /// given (`Query()` filters by resource owner), and reduces them.
    pub fn load(
        conn: &Connection,
        resource_owner: Option<&str>,
        id: &str,
    ) -> Result<SchemaUserModel, ApiError> {
        let events = events::events_of(conn, AGGREGATE_SCHEMA_USER, id)?;
        let mut model = SchemaUserModel {
            id: id.to_string(),
            resource_owner: resource_owner.unwrap_or_default().to_string(),
            state: ModelState::Unspecified,
            locked: false,
            changed: None,
            sequence: 0,
        };
        let owned = events
            .iter()
            .filter(|event| resource_owner.is_none_or(|owner| event.resource_owner == owner));
        for event in owned {
            model.reduce(event);
        }
        Ok(model)
    }

    fn reduce(&mut self, event: &Event) {
        if self.resource_owner.is_empty() {
            self.resource_owner = event.resource_owner.clone();
        }
        match event.event_type.as_str() {
            event_type::CREATED => {
                self.state = ModelState::Active;
                self.locked = false;
            }
            event_type::DELETED => self.state = ModelState::Deleted,
            event_type::LOCKED => self.locked = true,
            event_type::UNLOCKED => self.locked = false,
            event_type::DEACTIVATED => self.state = ModelState::Inactive,
            event_type::ACTIVATED => self.state = ModelState::Active,
            _ => {}
        }
        self.changed = Some(event.created_at);
        self.sequence = event.sequence;
    }

    /// Applies an event just written, as `pushAppendAndReduce` does.
    pub fn apply(&mut self, event: &Event) {
        self.reduce(event);
    }
}

/// Names of the schema users, for the start-up banner: (id, name, state) in id order.
pub fn overview(conn: &Connection) -> Result<Vec<(String, String, String)>, ApiError> {
    let ids: Vec<String> = conn
        .prepare(
            "SELECT aggregate_id FROM events WHERE aggregate_type = ?1 AND event_type = ?2
             ORDER BY aggregate_id",
        )?
        .query_map(params![AGGREGATE_SCHEMA_USER, event_type::CREATED], |row| {
            row.get(0)
        })?
        .collect::<Result<_, _>>()?;
    let mut overview = Vec::new();
    for id in ids {
        let created = events::events_of(conn, AGGREGATE_SCHEMA_USER, &id)?;
        let name = created
            .first()
            .and_then(|event| event.payload.pointer("/data/username"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string();
        let model = SchemaUserModel::load(conn, None, &id)?;
        let state = match (model.state, model.locked) {
            (ModelState::Deleted, _) => continue,
            (ModelState::Inactive, true) => "inactive, locked",
            (ModelState::Inactive, false) => "inactive",
            (_, true) => "active, locked",
            (_, false) => "active",
        };
        overview.push((id, name, state.to_string()));
    }
    Ok(overview)
}
