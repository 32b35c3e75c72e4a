//! User metadata: key/value pairs on a user, written as `user.metadata.set` events of
//! the user's aggregate (`internal/command/user_metadata.go` at v4.13.1) and read back
//! from the log, newest value per key. Values are bytes; JSON carries them as base64
//! (`proto/zitadel/metadata.proto`).

use crate::auth::{Caller, PERMISSION_USER_WRITE};
use crate::clock::Timestamp;
use crate::errors::{ApiError, GrpcCode};
use crate::events::{event_type, Event, NewEvent, AGGREGATE_USER};
use crate::journal;
use crate::model::User;
use crate::users;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// The largest value ZITADEL accepts (`validate.rules` of `SetUserMetadataRequest`).
pub const MAX_VALUE_BYTES: usize = 500_000;
/// The longest key (`validate.rules`: `max_len: 200`).
pub const MAX_KEY_CHARS: usize = 200;

/// One key's current value, with the event that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub key: String,
    pub value: Vec<u8>,
    pub sequence: u64,
    pub created: Timestamp,
    pub changed: Timestamp,
    pub resource_owner: String,
}

/// Who may write metadata on `user`, as each API checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteCheck {
    /// Management v1: the RPC's `user.write` was checked in the org in context by the
    /// interceptor, and the user must be owned by that org (`checkUserExists` with the
    /// resource owner).
    InOrg,
    /// User service v2: `NewPermissionCheckUserWrite(ctx, false)` on the user's own
    /// org (`internal/command/permission_checks.go`): no exception for oneself.
    UserWrite,
}

/// `checkUserExists` (`internal/command/user.go`): a missing user is a failed
/// precondition, not a 404.
pub fn user_not_found() -> ApiError {
    ApiError::zitadel(
        GrpcCode::FailedPrecondition,
        "COMMAND-uXHNj",
        "User could not be found",
    )
}

/// `domain.Metadata.IsValid`: a key, and a value within bounds.
fn invalid() -> ApiError {
    ApiError::zitadel(
        GrpcCode::InvalidArgument,
        "META-2m00f",
        "Metadata is invalid",
    )
}

/// `GetUserMetadataByKey` found nothing (`internal/query/user_metadata.go`).
pub fn metadata_not_found() -> ApiError {
    ApiError::zitadel(GrpcCode::NotFound, "QUERY-Rgh32", "Metadata not found")
}

/// Sets `entries` on user `user_id` for `caller`, in one transaction; `org_id` is the
/// org in context (v1), which must own the user. A value equal to the current one
/// writes nothing, as `createMetadataEvents` skips it. Returns the events written and
/// the user.
pub fn set(
    conn: &mut Connection,
    caller: &Caller,
    user_id: &str,
    org_id: Option<&str>,
    check: WriteCheck,
    entries: &[(String, Vec<u8>)],
) -> Result<(User, Vec<Event>), ApiError> {
    if entries.is_empty() {
        return Err(ApiError::zitadel(
            GrpcCode::FailedPrecondition,
            "META-9mm2d",
            "Metadata list is empty",
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let user = users::find_user(&tx, user_id)?
        .filter(|user| org_id.is_none_or(|org| org == user.org_id))
        .ok_or_else(user_not_found)?;
    if check == WriteCheck::UserWrite {
        caller.check_permission(PERMISSION_USER_WRITE, &user.org_id)?;
    }
    let mut written = Vec::new();
    for (key, value) in entries {
        if key.is_empty() || key.chars().count() > MAX_KEY_CHARS || value.len() > MAX_VALUE_BYTES {
            return Err(invalid());
        }
        let current = find(&tx, &user.id, key)?;
        // `createMetadataEvents`: an empty value removes the key (if set), an equal
        // value writes nothing.
        let (event_type, payload) = match (value.is_empty(), current) {
            (true, None) => continue,
            (false, Some(current)) if &current.value == value => continue,
            (true, Some(_)) => (
                event_type::METADATA_REMOVED,
                serde_json::json!({ "key": key }),
            ),
            (false, _) => (
                event_type::METADATA_SET,
                serde_json::json!({ "key": key, "value": STANDARD.encode(value) }),
            ),
        };
        let event = journal::record(
            &tx,
            NewEvent {
                aggregate_type: AGGREGATE_USER,
                aggregate_id: &user.id,
                resource_owner: &user.org_id,
                event_type,
                actor: &caller.user_id,
                reason: None,
                payload,
                at: None,
            },
        )?;
        written.push(event);
    }
    tx.commit()?;
    Ok((user, written))
}

/// The current value of `key` on user `user_id`, if set.
pub fn find(conn: &Connection, user_id: &str, key: &str) -> Result<Option<Metadata>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT created_at, sequence, resource_owner, payload, event_type FROM events
         WHERE aggregate_type = ?1 AND aggregate_id = ?2 AND event_type IN (?3, ?4)
           AND json_extract(payload, '$.key') = ?5
         ORDER BY sequence",
    )?;
    let rows = stmt.query_map(
        params![
            AGGREGATE_USER,
            user_id,
            event_type::METADATA_SET,
            event_type::METADATA_REMOVED,
            key
        ],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        },
    )?;
    let mut found: Option<Metadata> = None;
    for row in rows {
        let (at, sequence, resource_owner, payload, kind) = row?;
        if kind == event_type::METADATA_REMOVED {
            found = None;
            continue;
        }
        let at = Timestamp::from_storage(&at)
            .ok_or_else(|| ApiError::internal(format!("unreadable event time {at}")))?;
        let value = serde_json::from_str::<serde_json::Value>(&payload)
            .ok()
            .and_then(|p| p.get("value")?.as_str().map(str::to_string))
            .and_then(|v| STANDARD.decode(v).ok())
            .ok_or_else(|| ApiError::internal("a metadata event without a value"))?;
        found = Some(Metadata {
            key: key.to_string(),
            value,
            sequence: sequence as u64,
            created: found.as_ref().map_or(at, |f| f.created),
            changed: at,
            resource_owner,
        });
    }
    Ok(found)
}

/// Every key set on user `user_id`, by key.
pub fn list(conn: &Connection, user_id: &str) -> Result<Vec<Metadata>, ApiError> {
    let mut keys: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT json_extract(payload, '$.key') FROM events
             WHERE aggregate_type = ?1 AND aggregate_id = ?2 AND event_type = ?3",
        )?
        .query_map(
            params![AGGREGATE_USER, user_id, event_type::METADATA_SET],
            |row| row.get::<_, String>(0),
        )?
        .collect::<Result<_, _>>()?;
    keys.sort();
    let mut found = Vec::new();
    for key in keys {
        if let Some(metadata) = find(conn, user_id, &key)? {
            found.push(metadata);
        }
    }
    Ok(found)
}

/// The value of `key` on a user owned by `org_id` (v1 `GetUserMetadata` filters by
/// the org in context): `QUERY-Rgh32` when the user or the key is missing.
pub fn get_in_org(
    conn: &Connection,
    user_id: &str,
    org_id: &str,
    key: &str,
) -> Result<Metadata, ApiError> {
    let owned: Option<String> = conn
        .prepare_cached("SELECT org_id FROM users WHERE id = ?1")?
        .query_row(params![user_id], |row| row.get(0))
        .optional()?;
    if owned.as_deref() != Some(org_id) {
        return Err(metadata_not_found());
    }
    find(conn, user_id, key)?.ok_or_else(metadata_not_found)
}

/// A base64 value as the gateway reads `bytes` (standard or URL-safe alphabet, with
/// or without padding).
pub fn decode_value(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text.trim()).ok())
}

/// A value as JSON writes `bytes`.
pub fn encode_value(value: &[u8]) -> String {
    STANDARD.encode(value)
}
