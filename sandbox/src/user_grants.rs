//! The `user_grants` projection: user grants (a user's roles on a project) as ZITADEL's
//! management API v1 sees them (contract §5), and its reads.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{event_type, Event};
use crate::model::UserType;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// `zitadel.user.v1.UserGrantState`, numbered as in the proto.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantState {
    Active = 1,
    Inactive = 2,
}

impl GrantState {
    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(number: i64) -> Self {
        if number == 2 {
            GrantState::Inactive
        } else {
            GrantState::Active
        }
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            GrantState::Active => "USER_GRANT_STATE_ACTIVE",
            GrantState::Inactive => "USER_GRANT_STATE_INACTIVE",
        }
    }
}

/// Payload of `user.grant.added`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantAdded {
    pub user_id: String,
    pub project_id: String,
    pub role_keys: Vec<String>,
}

/// A grant as the projection holds it, joined with its user, project and orgs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    /// The owning organization (`resourceOwner`).
    pub org_id: String,
    pub org_name: String,
    pub org_domain: String,
    pub project_id: String,
    pub project_name: String,
    pub role_keys: Vec<String>,
    pub state: GrantState,
    pub created: Timestamp,
    pub changed: Timestamp,
    pub sequence: u64,
    pub user_id: String,
    pub user_name: String,
    pub user_type: UserType,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub email: String,
    /// `username@<the user's org domain>`.
    pub preferred_login_name: String,
}

/// `SELECT` of every column `read_grant` needs. Tables: `g` grants, `u` users, `o` the
/// grant's org, `p` projects, `uo` the user's org.
pub const SELECT_GRANT: &str = "SELECT g.id, g.org_id, o.name, o.primary_domain, g.project_id,
    p.name, g.role_keys, g.state, g.created_at, g.changed_at, g.sequence, g.user_id,
    u.username, u.user_type, u.given_name, u.family_name, u.display_name, u.email,
    uo.primary_domain
    FROM user_grants g
    JOIN users u ON u.id = g.user_id
    JOIN orgs o ON o.id = g.org_id
    JOIN projects p ON p.id = g.project_id
    JOIN orgs uo ON uo.id = u.org_id";

pub fn read_grant(row: &Row) -> rusqlite::Result<Grant> {
    let role_keys: String = row.get(6)?;
    let time = |index: usize| -> rusqlite::Result<Timestamp> {
        let text: String = row.get(index)?;
        Timestamp::from_storage(&text).ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(index, "time".into(), rusqlite::types::Type::Text)
        })
    };
    let user_name: String = row.get(12)?;
    let user_org_domain: String = row.get(18)?;
    Ok(Grant {
        id: row.get(0)?,
        org_id: row.get(1)?,
        org_name: row.get(2)?,
        org_domain: row.get(3)?,
        project_id: row.get(4)?,
        project_name: row.get(5)?,
        role_keys: serde_json::from_str(&role_keys).unwrap_or_default(),
        state: GrantState::from_number(row.get(7)?),
        created: time(8)?,
        changed: time(9)?,
        sequence: row.get::<_, i64>(10)? as u64,
        user_id: row.get(11)?,
        preferred_login_name: format!("{user_name}@{user_org_domain}"),
        user_name,
        user_type: if row.get::<_, i64>(13)? == UserType::Machine.number() {
            UserType::Machine
        } else {
            UserType::Human
        },
        first_name: row.get(14)?,
        last_name: row.get(15)?,
        display_name: row.get(16)?,
        email: row.get(17)?,
    })
}

/// The grant with this id owned by `org_id`, unless unknown or removed.
pub fn find_grant(
    conn: &Connection,
    grant_id: &str,
    org_id: &str,
) -> Result<Option<Grant>, ApiError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT_GRANT} WHERE g.id = ?1 AND g.org_id = ?2"))?
        .query_row(params![grant_id, org_id], read_grant)
        .optional()?)
}

/// Applies one `usergrant` event to the projection.
pub fn apply(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    let update_state = |state: Option<GrantState>| -> Result<(), ApiError> {
        conn.prepare_cached(
            "UPDATE user_grants SET state = COALESCE(?1, state), changed_at = ?2, sequence = ?3
             WHERE id = ?4",
        )?
        .execute(params![
            state.map(GrantState::number),
            event.created_at.to_storage(),
            event.sequence as i64,
            event.aggregate_id
        ])?;
        Ok(())
    };
    match event.event_type.as_str() {
        event_type::GRANT_ADDED => {
            let added: GrantAdded =
                serde_json::from_value(event.payload.clone()).map_err(|err| {
                    ApiError::internal(format!(
                        "event {} has an unreadable payload: {err}",
                        event.id
                    ))
                })?;
            let role_keys = serde_json::to_string(&added.role_keys).unwrap_or_default();
            conn.prepare_cached(
                "INSERT INTO user_grants (id, org_id, user_id, project_id, role_keys, state,
                    created_at, changed_at, sequence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            )?
            .execute(params![
                event.aggregate_id,
                event.resource_owner,
                added.user_id,
                added.project_id,
                role_keys,
                GrantState::Active.number(),
                event.created_at.to_storage(),
                event.sequence as i64,
            ])?;
            Ok(())
        }
        event_type::GRANT_DEACTIVATED => update_state(Some(GrantState::Inactive)),
        event_type::GRANT_REACTIVATED => update_state(Some(GrantState::Active)),
        event_type::GRANT_REMOVED | event_type::GRANT_CASCADE_REMOVED => {
            conn.prepare_cached("DELETE FROM user_grants WHERE id = ?1")?
                .execute(params![event.aggregate_id])?;
            Ok(())
        }
        _ => update_state(None),
    }
}
