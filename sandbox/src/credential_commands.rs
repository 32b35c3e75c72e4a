//! A service user's personal access tokens and keys: adding them (the seed) and
//! removing them (`RemovePersonalAccessToken`, `RemoveUserMachineKey` in
//! `internal/command/user_personal_access_token.go` and `user_machine_key.go` at
//! v4.13.1).

use crate::clock::Timestamp;
use crate::errors::{ApiError, GrpcCode};
use crate::events::{Event, NewEvent, AGGREGATE_USER};
use crate::journal;
use crate::machine_credentials::{self, CredentialAdded, CredentialKind, CredentialRemoved};
use crate::model::User;
use rusqlite::{Connection, TransactionBehavior};

/// A token or key to add.
pub struct NewCredential<'a> {
    pub kind: CredentialKind,
    pub id: &'a str,
    pub expires: Timestamp,
    pub scopes: &'a [&'a str],
}

/// Adds a token or key to the service user `user`.
pub fn add_credential(
    conn: &Connection,
    actor: &str,
    user: &User,
    credential: NewCredential,
    at: Option<Timestamp>,
) -> Result<Event, ApiError> {
    let added = CredentialAdded {
        id: credential.id.to_string(),
        expiration: credential.expires.to_storage(),
        scopes: credential.scopes.iter().map(|s| s.to_string()).collect(),
    };
    journal::record(
        conn,
        NewEvent {
            aggregate_type: AGGREGATE_USER,
            aggregate_id: &user.id,
            resource_owner: &user.org_id,
            event_type: credential.kind.added_event(),
            actor,
            reason: None,
            payload: serde_json::to_value(added).map_err(ApiError::internal)?,
            at,
        },
    )
}

/// ZITADEL's answer when the token or key is not found: both commands use the id
/// `COMMAND-4m77G`, with their own text (`internal/static/i18n/en.yaml`).
pub fn not_found(kind: CredentialKind) -> ApiError {
    let text = match kind {
        CredentialKind::PersonalAccessToken => "Personal Access Token not found",
        CredentialKind::Key => "Machine key not found",
    };
    ApiError::zitadel(GrpcCode::NotFound, "COMMAND-4m77G", text)
}

/// Removes the token or key `id` of user `user_id` in org `org_id` (the organisation
/// in the request's context: the write model filters by it). The RPC's permission
/// (`user.write`) is checked by the caller, as ZITADEL's interceptor does.
pub fn remove_credential(
    conn: &mut Connection,
    actor: &str,
    org_id: &str,
    user_id: &str,
    kind: CredentialKind,
    id: &str,
) -> Result<Event, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let credential = machine_credentials::find(&tx, kind, id, user_id, org_id)?
        .ok_or_else(|| not_found(kind))?;
    let removed = CredentialRemoved {
        id: credential.id.clone(),
    };
    let event = journal::record(
        &tx,
        NewEvent {
            aggregate_type: AGGREGATE_USER,
            aggregate_id: user_id,
            resource_owner: &credential.org_id,
            event_type: kind.removed_event(),
            actor,
            reason: None,
            payload: serde_json::to_value(removed).map_err(ApiError::internal)?,
            at: None,
        },
    )?;
    tx.commit()?;
    Ok(event)
}
