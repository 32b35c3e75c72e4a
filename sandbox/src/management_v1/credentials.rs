//! A service user's personal access tokens and keys through management v1, as
//! v4.13.1 serves them (`proto/zitadel/management.proto`: ListPersonalAccessTokens,
//! RemovePersonalAccessToken, ListMachineKeys, RemoveMachineKey; handlers in
//! `internal/api/grpc/management/user.go`). The lists need `user.read` and the
//! removals `user.write` in the organization of the request's context (the RPCs'
//! `auth_option`), and both look only at that organization's user.

use super::context::{org_context, org_header};
use super::wire::{ListDetails, ObjectDetails};
use crate::api_kit::parse_body;
use crate::auth::{Caller, PERMISSION_USER_READ, PERMISSION_USER_WRITE};
use crate::clock::Timestamp;
use crate::credential_commands;
use crate::errors::{json_response, ApiError};
use crate::events;
use crate::machine_credentials::{self, Credential, CredentialKind};
use crate::query::{as_object, Paging};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, post};
use axum::{Extension, Router};
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/management/v1/users/{user_id}/pats/_search",
            post(list_pats),
        )
        .route(
            "/management/v1/users/{user_id}/pats/{token_id}",
            delete(remove_pat),
        )
        .route(
            "/management/v1/users/{user_id}/keys/_search",
            post(list_keys),
        )
        .route(
            "/management/v1/users/{user_id}/keys/{key_id}",
            delete(remove_key),
        )
}

/// `zitadel.user.v1.PersonalAccessToken` (`PersonalAccessTokenToPb`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalAccessTokenJson {
    pub id: String,
    pub details: ObjectDetails,
    pub expiration_date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

/// `zitadel.authn.v1.Key` (`KeyToPb`): its details carry the creation date as the
/// change date too.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyJson {
    pub id: String,
    pub details: ObjectDetails,
    #[serde(rename = "type")]
    pub key_type: &'static str,
    pub expiration_date: String,
}

#[derive(Debug, Serialize)]
pub struct ListResponse<T: Serialize> {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<T>,
}

#[derive(Debug, Serialize)]
pub struct RemoveResponse {
    pub details: ObjectDetails,
}

fn view_details(credential: &Credential) -> ObjectDetails {
    ObjectDetails {
        sequence: credential.sequence,
        creation_date: Some(credential.created.to_wire()),
        change_date: Some(credential.created.to_wire()),
        resource_owner: credential.org_id.clone(),
    }
}

fn pat_json(credential: &Credential) -> PersonalAccessTokenJson {
    PersonalAccessTokenJson {
        id: credential.id.clone(),
        details: view_details(credential),
        expiration_date: credential.expires.to_wire(),
        scopes: credential.scopes.clone(),
    }
}

fn key_json(credential: &Credential) -> KeyJson {
    KeyJson {
        id: credential.id.clone(),
        details: view_details(credential),
        key_type: "KEY_TYPE_JSON",
        expiration_date: credential.expires.to_wire(),
    }
}

/// The `{userId}` and the credential id of a removal.
type CredentialPath = Path<(String, String)>;

async fn list_pats(
    state: State<AppState>,
    caller: Extension<Caller>,
    headers: HeaderMap,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let found = list(
        state,
        caller,
        headers,
        user_id,
        &body,
        CredentialKind::PersonalAccessToken,
    )
    .await?;
    let (credentials, details) = found;
    let response = ListResponse {
        details,
        result: credentials.iter().map(pat_json).collect(),
    };
    Ok(json_response(StatusCode::OK, &response))
}

async fn list_keys(
    state: State<AppState>,
    caller: Extension<Caller>,
    headers: HeaderMap,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (credentials, details) =
        list(state, caller, headers, user_id, &body, CredentialKind::Key).await?;
    let response = ListResponse {
        details,
        result: credentials.iter().map(key_json).collect(),
    };
    Ok(json_response(StatusCode::OK, &response))
}

/// A list of one user's tokens or keys in the organization of the context. An
/// unknown user, or one of another organization, has none: the list is empty, not
/// an error (the query filters by user id and resource owner).
async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    user_id: String,
    body: &[u8],
    kind: CredentialKind,
) -> Result<(Vec<Credential>, ListDetails), ApiError> {
    let request = parse_body(body)?;
    let paging = Paging::parse(as_object(&request, "request")?)?;
    let header = org_header(&headers);
    state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_READ)?;
            let (credentials, total) = machine_credentials::list(
                conn,
                kind,
                &user_id,
                &org_id,
                paging.limit,
                paging.offset,
                // `ListQueryToModel`: ascending only when asked.
                paging.asc,
            )?;
            let details =
                ListDetails::new(total, events::last_event_id(conn)? as u64, Timestamp::now());
            Ok((credentials, details))
        })
        .await
}

async fn remove_pat(
    state: State<AppState>,
    caller: Extension<Caller>,
    headers: HeaderMap,
    path: CredentialPath,
) -> Result<Response, ApiError> {
    remove(
        state,
        caller,
        headers,
        path,
        CredentialKind::PersonalAccessToken,
    )
    .await
}

async fn remove_key(
    state: State<AppState>,
    caller: Extension<Caller>,
    headers: HeaderMap,
    path: CredentialPath,
) -> Result<Response, ApiError> {
    remove(state, caller, headers, path, CredentialKind::Key).await
}

/// `DELETE` takes no body; like the gateway, ignore any.
async fn remove(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path((user_id, id)): CredentialPath,
    kind: CredentialKind,
) -> Result<Response, ApiError> {
    let header = org_header(&headers);
    let event = state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_WRITE)?;
            credential_commands::remove_credential(
                conn,
                &caller.user_id,
                &org_id,
                &user_id,
                kind,
                &id,
            )
        })
        .await?;
    let response = RemoveResponse {
        details: ObjectDetails::of_change(&event),
    };
    Ok(json_response(StatusCode::OK, &response))
}
