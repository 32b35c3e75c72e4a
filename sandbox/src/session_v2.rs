//! ZITADEL session service v2 over REST: `POST /v2/sessions/search` (ListSessions) and
//! `DELETE /v2/sessions/{sessionId}` (DeleteSession), as served by v4.13.1
//! (`proto/zitadel/session/v2/session_service.proto`, `session.proto`; handlers in
//! `internal/api/grpc/session/v2/query.go` and `session.go`). Both need only a valid
//! token (`authenticated`); what a caller may see or end is decided per session.

use crate::api_kit::v2::{Details, ListDetails};
use crate::api_kit::{is_zero, parse_body, u64_as_string};
use crate::auth::{self, Caller, PERMISSION_SESSION_READ};
use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::events;
use crate::query::{as_array, as_enum, as_object, as_str, field, Paging, SqlParams};
use crate::session_commands;
use crate::sessions::{self, Session};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{delete, post};
use axum::{Extension, Router};
use serde::Serialize;
use serde_json::{Map, Value};

pub fn routes(store: Store) -> Router<AppState> {
    Router::new()
        .route("/v2/sessions/search", post(list_sessions))
        .route("/v2/sessions/{session_id}", delete(delete_session))
        .route_layer(middleware::from_fn_with_state(store, auth::require_caller))
}

/// `zitadel.session.v2.Session`, as `sessionToPb` fills it: no metadata, no
/// expiration (none is set), the user agent only when it has something.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionJson {
    pub id: String,
    pub creation_date: String,
    pub change_date: String,
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factors: Option<FactorsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<UserAgentJson>,
}

/// `Factors`: nil without a checked user (`factorsToPb`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FactorsJson {
    pub user: UserFactorJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<VerifiedJson>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserFactorJson {
    pub verified_at: String,
    pub id: String,
    pub login_name: String,
    pub display_name: String,
    pub organization_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedJson {
    pub verified_at: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAgentJson {
    pub description: String,
}

impl From<&Session> for SessionJson {
    fn from(session: &Session) -> Self {
        let factors = session.user_checked_at.map(|checked| FactorsJson {
            user: UserFactorJson {
                verified_at: checked.to_wire(),
                id: session.user_id.clone(),
                login_name: session.login_name.clone(),
                display_name: session.display_name.clone(),
                organization_id: session.user_org_id.clone(),
            },
            password: session.password_checked_at.map(|at| VerifiedJson {
                verified_at: at.to_wire(),
            }),
        });
        SessionJson {
            id: session.id.clone(),
            creation_date: session.created.to_wire(),
            change_date: session.changed.to_wire(),
            sequence: session.sequence,
            factors,
            user_agent: (!session.user_agent.is_empty()).then(|| UserAgentJson {
                description: session.user_agent.clone(),
            }),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ListSessionsResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<SessionJson>,
}

#[derive(Debug, Serialize)]
pub struct DeleteSessionResponse {
    pub details: Details,
}

/// A parsed ListSessions request.
struct SessionSearch {
    paging: Paging,
    condition: String,
    params: SqlParams,
    by_creation_date: bool,
}

impl SessionSearch {
    fn parse(request: &Map<String, Value>, caller: &Caller) -> Result<Self, ApiError> {
        let paging = Paging::parse(request)?;
        let mut params = SqlParams::default();
        let queries = match field(request, "queries") {
            Some(value) => as_array(value, "queries")?.clone(),
            None => Vec::new(),
        };
        let mut conditions = Vec::new();
        for query in &queries {
            conditions.push(one_query(
                as_object(query, "queries[]")?,
                caller,
                &mut params,
            )?);
        }
        let by_creation_date = match field(request, "sortingColumn") {
            Some(value) => {
                as_enum(
                    value,
                    &[
                        "SESSION_FIELD_NAME_UNSPECIFIED",
                        "SESSION_FIELD_NAME_CREATION_DATE",
                    ],
                    "sortingColumn",
                )? == 1
            }
            None => false,
        };
        Ok(SessionSearch {
            paging,
            condition: if conditions.is_empty() {
                "1".to_string()
            } else {
                conditions.join(" AND ")
            },
            params,
            by_creation_date,
        })
    }
}

/// One `SearchQuery` (`sessionQueryToQuery`). The sandbox serves the id, user id and
/// creator queries; the date and user agent queries are refused as unsupported.
fn one_query(
    query: &Map<String, Value>,
    caller: &Caller,
    params: &mut SqlParams,
) -> Result<String, ApiError> {
    if let Some(ids) = field(query, "idsQuery") {
        let ids = match field(as_object(ids, "idsQuery")?, "ids") {
            Some(list) => as_array(list, "idsQuery.ids")?
                .iter()
                .map(|id| as_str(id, "idsQuery.ids[]").map(|id| params.param(id.to_string())))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        return Ok(if ids.is_empty() {
            "0".to_string()
        } else {
            format!("id IN ({})", ids.join(", "))
        });
    }
    if let Some(user) = field(query, "userIdQuery") {
        let id = match field(as_object(user, "userIdQuery")?, "id") {
            Some(id) => as_str(id, "userIdQuery.id")?.to_string(),
            None => String::new(),
        };
        return Ok(format!("user_id = {}", params.param(id)));
    }
    if let Some(creator) = field(query, "creatorQuery") {
        // Without an id: the caller's own (`authz.GetCtxData(ctx).UserID`).
        let id = match field(as_object(creator, "creatorQuery")?, "id") {
            Some(id) => as_str(id, "creatorQuery.id")?.to_string(),
            None => caller.user_id.clone(),
        };
        if id.is_empty() {
            return Err(ApiError::zitadel(
                GrpcCode::InvalidArgument,
                "GRPC-x8n24uh",
                "List.Query.Invalid",
            ));
        }
        return Ok(format!("creator = {}", params.param(id)));
    }
    let known_elsewhere = ["creationDateQuery", "userAgentQuery", "expirationDateQuery"];
    if known_elsewhere
        .iter()
        .any(|key| field(query, key).is_some())
    {
        return Err(ApiError::plain(
            StatusCode::BAD_REQUEST,
            GrpcCode::InvalidArgument,
            "the sandbox serves only idsQuery, userIdQuery and creatorQuery",
        ));
    }
    Err(ApiError::zitadel(
        GrpcCode::InvalidArgument,
        "GRPC-Sfefs",
        "List.Query.Invalid",
    ))
}

/// Whether `caller` may see `session` (`sessionCheckPermission`,
/// `internal/query/session.go`): its creator and its user may, anyone else needs
/// `session.read` on the user's org or the instance.
fn may_read(caller: &Caller, session: &Session) -> bool {
    caller.user_id == session.creator
        || (!session.user_id.is_empty() && caller.user_id == session.user_id)
        || caller.has_permission(PERMISSION_SESSION_READ, &session.user_org_id)
}

/// `POST /v2/sessions/search`. Sessions the caller may not read are left out. With
/// `overcount_totals` they are dropped after LIMIT/OFFSET and `totalResult` still
/// counts them, as `SearchSessions` does without the PermissionCheckV2 feature;
/// without it, the total counts only what the caller may read (the feature on).
async fn list_sessions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_body(&body)?;
    let request = as_object(&request, "request")?.clone();
    let switches = state.switches.get();
    let overcount = switches.overcount_totals;
    let listed = sessions::listed_condition(switches.sessions_end_with_their_user());
    let response = state
        .store
        .call(move |conn| {
            let search = SessionSearch::parse(&request, &caller)?;
            let order = if search.by_creation_date {
                format!("created_at {}, id", search.paging.direction())
            } else {
                "created_at, id".to_string()
            };
            let sql = format!(
                "{} WHERE {listed} AND {} ORDER BY {order}",
                sessions::SELECT_SESSION,
                search.condition
            );
            let matching: Vec<Session> = search.params.rows(conn, &sql, sessions::read_session)?;
            let offset = search.paging.offset.min(usize::MAX as u64) as usize;
            let limit = search.paging.limit.min(usize::MAX as u64) as usize;
            let (total, page): (usize, Vec<Session>) = if overcount {
                let total = matching.len();
                let page = matching
                    .into_iter()
                    .skip(offset)
                    .take(limit)
                    .filter(|session| may_read(&caller, session))
                    .collect();
                (total, page)
            } else {
                let readable: Vec<Session> = matching
                    .into_iter()
                    .filter(|session| may_read(&caller, session))
                    .collect();
                let total = readable.len();
                (
                    total,
                    readable.into_iter().skip(offset).take(limit).collect(),
                )
            };
            Ok(ListSessionsResponse {
                details: ListDetails::new(
                    total as u64,
                    events::last_event_id(conn)? as u64,
                    Timestamp::now(),
                ),
                sessions: page.iter().map(SessionJson::from).collect(),
            })
        })
        .await?;
    Ok(json_response(StatusCode::OK, &response))
}

/// `DELETE /v2/sessions/{sessionId}`. The body may carry `sessionToken`; the sandbox
/// issues no session tokens, so a token given is never right (`COMMAND-sGr42`, as
/// `sessionTokenVerifier` answers a wrong one).
async fn delete_session(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    Path(session_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_body(&body)?;
    let token = field(as_object(&request, "request")?, "sessionToken")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !token.is_empty() {
        return Err(ApiError::zitadel(
            GrpcCode::PermissionDenied,
            "COMMAND-sGr42",
            "Session Token is invalid",
        ));
    }
    let terminated = store
        .call(move |conn| session_commands::terminate_session(conn, &caller, &session_id))
        .await?;
    let response = DeleteSessionResponse {
        details: Details {
            sequence: terminated.sequence,
            change_date: terminated.changed.map(Timestamp::to_wire),
            resource_owner: terminated.resource_owner,
            creation_date: None,
        },
    };
    Ok(json_response(StatusCode::OK, &response))
}
