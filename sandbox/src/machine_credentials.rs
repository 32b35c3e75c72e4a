//! The `machine_credentials` projection: a service user's personal access tokens and
//! keys, from the user aggregate's `user.personal.access.token.*` and
//! `user.machine.key.*` events (ZITADEL's `personal_access_tokens` and `authn_keys`
//! projections, `internal/query/projection/personal_access_token.go` and
//! `authn_key.go` at v4.13.1). A removed credential's row is deleted. ZITADEL's user
//! projection has no reducer for these events, so they do not move the user's
//! `changeDate` either.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{event_type, Event};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Which kind of credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    PersonalAccessToken,
    Key,
}

impl CredentialKind {
    fn column_value(self) -> &'static str {
        match self {
            CredentialKind::PersonalAccessToken => "pat",
            CredentialKind::Key => "key",
        }
    }

    pub fn added_event(self) -> &'static str {
        match self {
            CredentialKind::PersonalAccessToken => event_type::PAT_ADDED,
            CredentialKind::Key => event_type::MACHINE_KEY_ADDED,
        }
    }

    pub fn removed_event(self) -> &'static str {
        match self {
            CredentialKind::PersonalAccessToken => event_type::PAT_REMOVED,
            CredentialKind::Key => event_type::MACHINE_KEY_REMOVED,
        }
    }
}

/// Whether `event_type` is one of a credential's events.
pub fn is_credential_event(event_type: &str) -> bool {
    matches!(
        event_type,
        event_type::PAT_ADDED
            | event_type::PAT_REMOVED
            | event_type::MACHINE_KEY_ADDED
            | event_type::MACHINE_KEY_REMOVED
    )
}

/// Payload of the `…added` events.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialAdded {
    /// `tokenId` or `keyId` in ZITADEL's payloads; one name here.
    pub id: String,
    /// In the storage form (`Timestamp::to_storage`).
    pub expiration: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Payload of the `…removed` events.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialRemoved {
    pub id: String,
}

/// A token or key as the projection holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: String,
    pub user_id: String,
    pub org_id: String,
    pub scopes: Vec<String>,
    pub expires: Timestamp,
    pub created: Timestamp,
    /// The user aggregate's sequence when it was added.
    pub sequence: u64,
}

const SELECT_CREDENTIAL: &str =
    "SELECT id, user_id, org_id, scopes, expires_at, created_at, sequence FROM machine_credentials";

fn read_credential(row: &Row) -> rusqlite::Result<Credential> {
    let time = |index: usize| -> rusqlite::Result<Timestamp> {
        let text: String = row.get(index)?;
        Timestamp::from_storage(&text).ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(index, "time".into(), rusqlite::types::Type::Text)
        })
    };
    let scopes: String = row.get(3)?;
    Ok(Credential {
        id: row.get(0)?,
        user_id: row.get(1)?,
        org_id: row.get(2)?,
        scopes: serde_json::from_str(&scopes).unwrap_or_default(),
        expires: time(4)?,
        created: time(5)?,
        sequence: row.get::<_, i64>(6)? as u64,
    })
}

/// The credentials of `kind` of user `user_id` owned by `org_id`, oldest first, and
/// how many there are in all (before `limit`/`offset`).
pub fn list(
    conn: &Connection,
    kind: CredentialKind,
    user_id: &str,
    org_id: &str,
    limit: u64,
    offset: u64,
    ascending: bool,
) -> Result<(Vec<Credential>, u64), ApiError> {
    let filter = "WHERE kind = ?1 AND user_id = ?2 AND org_id = ?3";
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM machine_credentials {filter}"),
        params![kind.column_value(), user_id, org_id],
        |row| row.get(0),
    )?;
    let direction = if ascending { "ASC" } else { "DESC" };
    let rows = conn
        .prepare_cached(&format!(
            "{SELECT_CREDENTIAL} {filter} ORDER BY created_at {direction}, id {direction}
             LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(
            params![
                kind.column_value(),
                user_id,
                org_id,
                limit.min(i64::MAX as u64) as i64,
                offset.min(i64::MAX as u64) as i64
            ],
            read_credential,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total as u64))
}

/// The credential of `kind` with this id of user `user_id` in org `org_id`, if any.
pub fn find(
    conn: &Connection,
    kind: CredentialKind,
    id: &str,
    user_id: &str,
    org_id: &str,
) -> Result<Option<Credential>, ApiError> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT_CREDENTIAL} WHERE kind = ?1 AND id = ?2 AND user_id = ?3 AND org_id = ?4"
        ))?
        .query_row(
            params![kind.column_value(), id, user_id, org_id],
            read_credential,
        )
        .optional()?)
}

/// Applies a credential event of the user aggregate; removing the user removes them
/// all (the projections' `user.removed` reducers).
pub fn apply(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    let kind = match event.event_type.as_str() {
        event_type::PAT_ADDED | event_type::PAT_REMOVED => CredentialKind::PersonalAccessToken,
        event_type::MACHINE_KEY_ADDED | event_type::MACHINE_KEY_REMOVED => CredentialKind::Key,
        event_type::REMOVED => {
            conn.prepare_cached("DELETE FROM machine_credentials WHERE user_id = ?1")?
                .execute(params![event.aggregate_id])?;
            return Ok(());
        }
        _ => return Ok(()),
    };
    if event.event_type == kind.added_event() {
        let added: CredentialAdded = payload(event)?;
        let scopes = serde_json::to_string(&added.scopes).unwrap_or_default();
        conn.prepare_cached(
            "INSERT INTO machine_credentials (id, kind, user_id, org_id, scopes, expires_at,
                created_at, sequence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            added.id,
            kind.column_value(),
            event.aggregate_id,
            event.resource_owner,
            scopes,
            added.expiration,
            event.created_at.to_storage(),
            event.sequence as i64,
        ])?;
    } else {
        let removed: CredentialRemoved = payload(event)?;
        conn.prepare_cached("DELETE FROM machine_credentials WHERE id = ?1 AND kind = ?2")?
            .execute(params![removed.id, kind.column_value()])?;
    }
    Ok(())
}

fn payload<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, ApiError> {
    serde_json::from_value(event.payload.clone()).map_err(|err| {
        ApiError::internal(format!(
            "event {} ({}) has an unreadable payload: {err}",
            event.id, event.event_type
        ))
    })
}
