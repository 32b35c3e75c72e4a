//! ZITADEL auth API v1 (the caller's own data): `POST
//! /auth/v1/global/projectorgs/_search` (ListMyProjectOrgs) and `POST
//! /auth/v1/memberships/me/_search` (ListMyMemberships, in `memberships`) and
//! `GET /auth/v1/users/me` (GetMyUser, in `me`).

mod me;
mod memberships;

use crate::api_kit::v1::{ListDetails, ListOrgsResponse, OrgJson};
use crate::api_kit::{parse_body, TEXT_METHODS};
use crate::auth::{self, Caller};
use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::{json_response, ApiError};
use crate::events;
use crate::orgs::{read_org, SELECT_ORG};
use crate::query::{
    all_queries, as_enum, as_object, as_str, field, text_condition, Paging, SqlParams,
};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use rusqlite::Connection;
use serde_json::Value;

/// The routes of the auth API. Every one needs a valid bearer token.
pub fn routes(store: Store) -> Router<AppState> {
    Router::new()
        .route("/auth/v1/global/projectorgs/_search", post(list_my_orgs))
        .route(
            "/auth/v1/memberships/me/_search",
            post(memberships::list_my_memberships),
        )
        .route("/auth/v1/users/me", get(me::get_my_user))
        .route_layer(middleware::from_fn_with_state(store, auth::require_caller))
}

const ORG_STATES: [&str; 4] = [
    "ORG_STATE_UNSPECIFIED",
    "ORG_STATE_ACTIVE",
    "ORG_STATE_INACTIVE",
    "ORG_STATE_REMOVED",
];
const ORG_FIELD_NAMES: [&str; 2] = ["ORG_FIELD_NAME_UNSPECIFIED", "ORG_FIELD_NAME_NAME"];

/// `POST /auth/v1/global/projectorgs/_search`. It needs no permission, only a token.
async fn list_my_orgs(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let search = OrgSearch::parse(&parse_body(&body)?)?;
    let response = store.call(move |conn| search.run(conn, &caller)).await?;
    Ok(json_response(StatusCode::OK, &response))
}

/// A parsed `ListMyProjectOrgsRequest`: paging, the `queries` (all must match) and the
/// sorting column.
#[derive(Debug)]
struct OrgSearch {
    paging: Paging,
    /// `sortingColumn` is ORG_FIELD_NAME_NAME: then `asc` decides the order.
    by_name: bool,
    condition: String,
    params: SqlParams,
}

impl OrgSearch {
    fn parse(body: &Value) -> Result<Self, ApiError> {
        let request = as_object(body, "request")?;
        let paging = Paging::parse(request)?;
        let by_name = match field(request, "sortingColumn") {
            Some(value) => as_enum(value, &ORG_FIELD_NAMES, "sortingColumn")? == 1,
            None => false,
        };
        let mut params = SqlParams::default();
        let condition = all_queries(request, &mut params, org_query)?;
        Ok(OrgSearch {
            paging,
            by_name,
            condition,
            params,
        })
    }

    /// ZITADEL's semantics (`internal/api/grpc/auth/user.go` at v4.13.1): for a token
    /// of an app outside ZITADEL's own project, and for a personal access token (no
    /// project), the orgs owning a user grant of the caller on the token's project;
    /// not the orgs the caller manages (those are ListMyMemberships). Only ZITADEL's own
    /// console gets the orgs of its memberships, and the sandbox has no such app.
    /// Sorted by name: ascending, unless `sortingColumn` is the name and `asc` unset
    /// (ZITADEL leaves the order open without a sorting column).
    fn run(mut self, conn: &Connection, caller: &Caller) -> Result<ListOrgsResponse, ApiError> {
        let me = self.params.param(caller.user_id.clone());
        let project = self.params.param(caller.project_id.clone());
        let visible = format!(
            "o.id IN (SELECT g.org_id FROM user_grants g
                      WHERE g.user_id = {me} AND g.project_id = {project})"
        );
        let where_clause = format!("WHERE {visible} AND ({})", self.condition);
        let total: i64 = self
            .params
            .count(conn, &format!("SELECT COUNT(*) FROM orgs o {where_clause}"))?;
        let direction = if self.by_name && !self.paging.asc {
            "DESC"
        } else {
            "ASC"
        };
        let page = self.paging.limit_offset(&mut self.params);
        let sql = format!(
            "{SELECT_ORG} {where_clause}
             ORDER BY fold(o.name) {direction}, o.id {direction} {page}"
        );
        let orgs = self.params.rows(conn, &sql, read_org)?;
        Ok(ListOrgsResponse {
            details: ListDetails::new(
                total as u64,
                events::last_event_id(conn)? as u64,
                Timestamp::now(),
            ),
            result: orgs.iter().map(OrgJson::from).collect(),
        })
    }
}

/// One `OrgQuery`: an object with exactly one of nameQuery, domainQuery, stateQuery,
/// idQuery.
fn org_query(query: &Value, params: &mut SqlParams) -> Result<String, ApiError> {
    const KEYS: [&str; 4] = ["nameQuery", "domainQuery", "stateQuery", "idQuery"];
    let query = as_object(query, "queries[]")?;
    let keys: Vec<&str> = KEYS
        .into_iter()
        .filter(|key| field(query, key).is_some())
        .collect();
    let [key] = keys.as_slice() else {
        return Err(ApiError::invalid_body(
            "each query needs exactly one OrgQuery key (nameQuery, domainQuery, stateQuery, idQuery)",
        ));
    };
    let body = as_object(field(query, key).unwrap_or(&Value::Null), key)?;
    match *key {
        "nameQuery" => text_condition(body, "name", &TEXT_METHODS, "o.name", params),
        "domainQuery" => text_condition(body, "domain", &TEXT_METHODS, "o.primary_domain", params),
        "idQuery" => {
            let id = match field(body, "id") {
                Some(value) => as_str(value, "id")?,
                None => "",
            };
            Ok(format!("o.id = {}", params.param(id.to_string())))
        }
        // Every org of the sandbox is active.
        _ => {
            let state = match field(body, "state") {
                Some(value) => as_enum(value, &ORG_STATES, "state")?,
                None => 0,
            };
            Ok(if state == 1 { "1" } else { "0" }.to_string())
        }
    }
}
