//! The `sessions` projection: the sign-in sessions of session API v2 as ZITADEL's
//! session projection holds them (`internal/query/projection/session.go` at v4.13.1),
//! and its reads.
//!
//! A session is added with its user agent, then its user and password are checked
//! (the three events ZITADEL's login writes). A terminated session's row is deleted.
//! From v4.12.0 so is every session of a user who is deactivated, locked or removed
//! (`reduceUserStateNotActive`, zitadel/zitadel#11644, which closed issue 10307):
//! ListSessions no longer lists them, though their aggregates are not terminated and
//! DeleteSession still terminates them by id. Here such rows are marked
//! (`ended_with_user`) rather than deleted, so that the version switch decides
//! (`Switches::sessions_end_with_their_user`); they never come back either way.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{event_type, Event};
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};

/// Payload of `session.added`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAdded {
    /// The description of the user agent (`UserAgent.description`).
    pub user_agent: String,
}

/// Payload of `session.user.checked`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserChecked {
    pub user_id: String,
    pub user_org_id: String,
    pub login_name: String,
    pub display_name: String,
}

/// A session as the projection holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    /// The user whose token created the session (`SessionColumnCreator`).
    pub creator: String,
    pub user_agent: String,
    pub user_id: String,
    pub user_org_id: String,
    pub login_name: String,
    pub display_name: String,
    pub user_checked_at: Option<Timestamp>,
    pub password_checked_at: Option<Timestamp>,
    pub created: Timestamp,
    pub changed: Timestamp,
    pub sequence: u64,
}

pub const SELECT_SESSION: &str = "SELECT id, creator, user_agent, user_id, user_org_id,
    login_name, display_name, user_checked_at, password_checked_at, created_at, changed_at,
    sequence FROM sessions";

pub fn read_session(row: &Row) -> rusqlite::Result<Session> {
    let time = |index: usize| -> rusqlite::Result<Option<Timestamp>> {
        let text: Option<String> = row.get(index)?;
        Ok(text.as_deref().and_then(Timestamp::from_storage))
    };
    let required = |index: usize| -> rusqlite::Result<Timestamp> {
        time(index)?.ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(index, "time".into(), rusqlite::types::Type::Text)
        })
    };
    Ok(Session {
        id: row.get(0)?,
        creator: row.get(1)?,
        user_agent: row.get(2)?,
        user_id: row.get(3)?,
        user_org_id: row.get(4)?,
        login_name: row.get(5)?,
        display_name: row.get(6)?,
        user_checked_at: time(7)?,
        password_checked_at: time(8)?,
        created: required(9)?,
        changed: required(10)?,
        sequence: row.get::<_, i64>(11)? as u64,
    })
}

/// Applies one `session` event to the projection.
pub fn apply(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    let at = event.created_at.to_storage();
    let sequence = event.sequence as i64;
    match event.event_type.as_str() {
        event_type::SESSION_ADDED => {
            let added: SessionAdded = payload(event)?;
            conn.prepare_cached(
                "INSERT INTO sessions (id, creator, user_agent, created_at, changed_at, sequence)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            )?
            .execute(params![
                event.aggregate_id,
                event.actor,
                added.user_agent,
                at,
                sequence
            ])?;
        }
        event_type::SESSION_USER_CHECKED => {
            let checked: UserChecked = payload(event)?;
            conn.prepare_cached(
                "UPDATE sessions SET user_id = ?1, user_org_id = ?2, login_name = ?3,
                    display_name = ?4, user_checked_at = ?5, changed_at = ?5, sequence = ?6
                 WHERE id = ?7",
            )?
            .execute(params![
                checked.user_id,
                checked.user_org_id,
                checked.login_name,
                checked.display_name,
                at,
                sequence,
                event.aggregate_id
            ])?;
        }
        event_type::SESSION_PASSWORD_CHECKED => {
            conn.prepare_cached(
                "UPDATE sessions SET password_checked_at = ?1, changed_at = ?1, sequence = ?2
                 WHERE id = ?3",
            )?
            .execute(params![at, sequence, event.aggregate_id])?;
        }
        event_type::SESSION_TERMINATED => {
            conn.prepare_cached("DELETE FROM sessions WHERE id = ?1")?
                .execute(params![event.aggregate_id])?;
        }
        _ => {}
    }
    Ok(())
}

/// Applies a `user` event: deactivating, locking or removing a user ends their
/// sessions in the projection of v4.12.0 and later (`reduceUserStateNotActive`).
pub fn apply_user_event(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    if matches!(
        event.event_type.as_str(),
        event_type::DEACTIVATED | event_type::LOCKED | event_type::REMOVED
    ) {
        conn.prepare_cached("UPDATE sessions SET ended_with_user = 1 WHERE user_id = ?1")?
            .execute(params![event.aggregate_id])?;
    }
    Ok(())
}

/// The condition that leaves out sessions ended with their user, on releases that
/// drop them.
pub fn listed_condition(ended_with_user_dropped: bool) -> &'static str {
    if ended_with_user_dropped {
        "ended_with_user = 0"
    } else {
        "1"
    }
}

fn payload<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, ApiError> {
    serde_json::from_value(event.payload.clone()).map_err(|err| {
        ApiError::internal(format!(
            "event {} ({}) has an unreadable payload: {err}",
            event.id, event.event_type
        ))
    })
}
