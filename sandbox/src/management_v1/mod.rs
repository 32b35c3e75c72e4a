//! ZITADEL management API v1: user grants (`/management/v1/users/…/grants…`, contract
//! §5 and §7.3) and the organization in context (`GET /management/v1/orgs/me`).
//!
//! Every call works inside one organization: `x-zitadel-orgid`, or the caller's own
//! organization without it. A grant owned by another organization behaves as missing.

mod changes;
mod context;
mod credentials;
mod list;
mod metadata;
pub mod wire;

use crate::api_kit::{parse_body, reason_of};
use crate::auth::{
    self, Caller, PERMISSION_USER_GRANT_DELETE, PERMISSION_USER_GRANT_READ,
    PERMISSION_USER_GRANT_WRITE,
};
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::grants::{self, GrantAction, GrantChange};
use crate::lag;
use crate::orgs;
use crate::state::AppState;
use crate::user_grants;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use wire::{
    ChangeResponse, GetMyOrgResponse, GetUserGrantResponse, ObjectDetails, OrgJson, UserGrantJson,
};

pub use context::ORG_HEADER;
use context::{org_context, org_header, org_in_context};

pub fn routes(store: Store) -> Router<AppState> {
    Router::new()
        .route("/management/v1/users/grants/_search", post(list_grants))
        .route(
            "/management/v1/users/{user_id}/grants/{grant_id}",
            get(get_grant).delete(remove_grant),
        )
        .route(
            "/management/v1/users/{user_id}/grants/{grant_id}/_deactivate",
            post(deactivate_grant),
        )
        .route(
            "/management/v1/users/{user_id}/grants/{grant_id}/_reactivate",
            post(reactivate_grant),
        )
        .route("/management/v1/orgs/me", get(get_my_org))
        .route(
            "/management/v1/users/{user_id}/changes/_search",
            post(changes::list_user_changes),
        )
        .route(
            "/management/v1/users/{user_id}/metadata/_search",
            post(metadata::list_user_metadata),
        )
        .route(
            "/management/v1/users/{user_id}/metadata/{key}",
            get(metadata::get_user_metadata).post(metadata::set_user_metadata),
        )
        .merge(credentials::routes())
        .route_layer(middleware::from_fn_with_state(store, auth::require_caller))
}

/// The `{userId}/grants/{grantId}` path segments.
pub struct GrantPath {
    pub user_id: String,
    pub grant_id: String,
}

impl<S: Send + Sync> FromRequestParts<S> for GrantPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(Path((user_id, grant_id))) => Ok(GrantPath { user_id, grant_id }),
            Err(rejection) => Err(ApiError::plain(
                StatusCode::BAD_REQUEST,
                GrpcCode::InvalidArgument,
                &rejection.body_text(),
            )),
        }
    }
}

/// `GET /management/v1/orgs/me` (GetMyOrg): the organization in context. It needs no
/// permission, only a valid token (`authenticated` in ZITADEL's proto options).
async fn get_my_org(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let header = org_header(&headers);
    let org = store
        .call(move |conn| {
            let org_id = org_in_context(conn, &caller, header.as_deref())?;
            orgs::find_org(conn, &org_id)?.ok_or_else(|| {
                ApiError::zitadel(GrpcCode::NotFound, "QUERY-iTTGJ", "Organisation not found")
            })
        })
        .await?;
    let response = GetMyOrgResponse {
        org: OrgJson::from(&org),
    };
    Ok(json_response(StatusCode::OK, &response))
}

/// `GET /management/v1/users/{userId}/grants/{grantId}`.
async fn get_grant(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    path: GrantPath,
) -> Result<Response, ApiError> {
    let header = org_header(&headers);
    let grant = store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_GRANT_READ)?;
            // The query matches the grant id, the user id and the organization.
            user_grants::find_grant(conn, &path.grant_id, &org_id)?
                .filter(|grant| grant.user_id == path.user_id)
                .ok_or_else(|| {
                    ApiError::zitadel(GrpcCode::NotFound, "QUERY-wIPkA", "User grant not found")
                })
        })
        .await?;
    let response = GetUserGrantResponse {
        user_grant: UserGrantJson::from(&grant),
    };
    Ok(json_response(StatusCode::OK, &response))
}

/// `POST /management/v1/users/grants/_search`, which lags behind writes (`crate::lag`).
async fn list_grants(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let search = list::GrantSearch::parse(&parse_body(&body)?)?;
    let header = org_header(&headers);
    let lag = state.switches.get().list_lag;
    let response = state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_GRANT_READ)?;
            lag::as_of_lag(conn, lag, |conn, view| search.run(conn, &org_id, view))
        })
        .await?;
    Ok(json_response(StatusCode::OK, &response))
}

async fn deactivate_grant(
    state: State<AppState>,
    caller: Extension<Caller>,
    headers: HeaderMap,
    path: GrantPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    change(state, caller, headers, path, &body, GrantAction::Deactivate).await
}

async fn reactivate_grant(
    state: State<AppState>,
    caller: Extension<Caller>,
    headers: HeaderMap,
    path: GrantPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    change(state, caller, headers, path, &body, GrantAction::Reactivate).await
}

/// `DELETE` takes no body; like the gateway, ignore any.
async fn remove_grant(
    state: State<AppState>,
    caller: Extension<Caller>,
    headers: HeaderMap,
    path: GrantPath,
) -> Result<Response, ApiError> {
    change(state, caller, headers, path, b"", GrantAction::Remove).await
}

async fn change(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    path: GrantPath,
    body: &[u8],
    action: GrantAction,
) -> Result<Response, ApiError> {
    let reason = reason_of(&parse_body(body)?);
    let header = org_header(&headers);
    let behaviour = state.switches.get().grant_behaviour;
    let permission = match action {
        GrantAction::Remove => PERMISSION_USER_GRANT_DELETE,
        _ => PERMISSION_USER_GRANT_WRITE,
    };
    let change = state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), permission)?;
            grants::change_grant(
                conn,
                &caller.user_id,
                &org_id,
                &path.grant_id,
                action,
                behaviour,
                reason.as_deref(),
            )
        })
        .await?;
    let details = match &change {
        GrantChange::Written(event) => ObjectDetails::of_change(event),
        GrantChange::Unchanged(grant) => ObjectDetails::unchanged(grant),
    };
    Ok(json_response(StatusCode::OK, &ChangeResponse { details }))
}
