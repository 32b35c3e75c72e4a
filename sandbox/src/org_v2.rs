//! ZITADEL organization service v2: `POST /v2/organizations/_search` (ListOrganizations,
//! `proto/zitadel/org/v2/org_service.proto`, `internal/api/grpc/org/v2/query.go` and
//! `internal/query/org.go` at v4.13.1).
//!
//! The RPC only needs a token (`authenticated`). With the instance feature
//! PermissionCheckV2 off, its default, `SearchOrgs` pages in SQL and afterwards drops
//! the orgs the caller may not read (`org.read`, `orgsCheckPermission`) without lowering
//! the count: an org manager gets their own org while `totalResult` counts all.

use crate::api_kit::v2::{Details, ListDetails};
use crate::api_kit::{parse_body, TEXT_METHODS};
use crate::auth::{self, Caller, PERMISSION_ORG_READ};
use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::events;
use crate::model::ACME_ORG_ID;
use crate::orgs::{read_org, Org, SELECT_ORG};
use crate::query::{
    all_queries, as_enum, as_object, as_str, field, text_condition, Paging, SqlParams,
};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::post;
use axum::{Extension, Router};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

pub fn routes(store: Store) -> Router<AppState> {
    Router::new()
        .route("/v2/organizations/_search", post(list_organizations))
        .route_layer(middleware::from_fn_with_state(store, auth::require_caller))
}

const ORG_STATES: [&str; 4] = [
    "ORGANIZATION_STATE_UNSPECIFIED",
    "ORGANIZATION_STATE_ACTIVE",
    "ORGANIZATION_STATE_INACTIVE",
    "ORGANIZATION_STATE_REMOVED",
];
/// `OrganizationFieldName`, with the column each sorts by (none: the id).
const SORTING_COLUMNS: [(&str, &str); 3] = [
    ("ORGANIZATION_FIELD_NAME_UNSPECIFIED", "o.id"),
    ("ORGANIZATION_FIELD_NAME_NAME", "fold(o.name)"),
    ("ORGANIZATION_FIELD_NAME_CREATION_DATE", "o.created_at"),
];

/// `zitadel.org.v2.Organization`, fields in proto order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationJson {
    id: String,
    details: Details,
    state: &'static str,
    name: String,
    primary_domain: String,
}

impl From<&Org> for OrganizationJson {
    /// `organizationToPb`. The sandbox's orgs are reference data: one event each (their
    /// creation), never changed since, owned by themselves.
    fn from(org: &Org) -> Self {
        OrganizationJson {
            id: org.id.clone(),
            details: Details {
                sequence: 1,
                change_date: Some(org.created.to_wire()),
                resource_owner: org.id.clone(),
                creation_date: Some(org.created.to_wire()),
            },
            state: ORG_STATES[1],
            name: org.name.clone(),
            primary_domain: org.primary_domain.clone(),
        }
    }
}

/// `ListOrganizationsResponse`: the handler never sets `sortingColumn`.
#[derive(Debug, Serialize)]
struct ListOrganizationsResponse {
    details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    result: Vec<OrganizationJson>,
}

async fn list_organizations(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let search = OrgSearch::parse(&parse_body(&body)?)?;
    let response = store.call(move |conn| search.run(conn, &caller)).await?;
    Ok(json_response(StatusCode::OK, &response))
}

#[derive(Debug)]
struct OrgSearch {
    paging: Paging,
    sorting: usize,
    condition: String,
    params: SqlParams,
}

impl OrgSearch {
    fn parse(body: &Value) -> Result<Self, ApiError> {
        let request = as_object(body, "request")?;
        let paging = Paging::parse(request)?;
        let sorting = match field(request, "sortingColumn") {
            Some(value) => as_enum(value, &SORTING_COLUMNS.map(|(n, _)| n), "sortingColumn")?,
            None => 0,
        };
        let mut params = SqlParams::default();
        let condition = all_queries(request, &mut params, search_query)?;
        Ok(OrgSearch {
            paging,
            sorting,
            condition,
            params,
        })
    }

    fn run(
        mut self,
        conn: &Connection,
        caller: &Caller,
    ) -> Result<ListOrganizationsResponse, ApiError> {
        let where_clause = format!("WHERE {}", self.condition);
        let total = self
            .params
            .count(conn, &format!("SELECT COUNT(*) FROM orgs o {where_clause}"))?;
        let direction = self.paging.direction();
        let page = self.paging.limit_offset(&mut self.params);
        let sql = format!(
            "{SELECT_ORG} {where_clause} ORDER BY {} {direction}, o.id {direction}
             {page}",
            SORTING_COLUMNS[self.sorting].1
        );
        let orgs = self.params.rows(conn, &sql, read_org)?;
        let result = orgs
            .iter()
            .filter(|org| {
                caller
                    .check_permission(PERMISSION_ORG_READ, &org.id)
                    .is_ok()
            })
            .map(OrganizationJson::from)
            .collect();
        Ok(ListOrganizationsResponse {
            details: ListDetails::new(
                total as u64,
                events::last_event_id(conn)? as u64,
                Timestamp::now(),
            ),
            result,
        })
    }
}

/// One `zitadel.org.v2.SearchQuery`; an object with none of its keys is
/// `ORG-vR9nC` `List.Query.Invalid` (`orgQueryToQuery`).
fn search_query(query: &Value, params: &mut SqlParams) -> Result<String, ApiError> {
    let query = as_object(query, "queries[]")?;
    let part = |key: &str| {
        field(query, key)
            .map(|value| as_object(value, key))
            .transpose()
    };
    if let Some(body) = part("nameQuery")? {
        return text_condition(body, "name", &TEXT_METHODS, "o.name", params);
    }
    if let Some(body) = part("domainQuery")? {
        // The sandbox's orgs have one verified domain each: the primary one.
        return text_condition(body, "domain", &TEXT_METHODS, "o.primary_domain", params);
    }
    if let Some(body) = part("stateQuery")? {
        let state = match field(body, "state") {
            Some(value) => as_enum(value, &ORG_STATES, "state")?,
            None => 0,
        };
        // Every org of the sandbox is active.
        return Ok(if state == 1 { "1" } else { "0" }.to_string());
    }
    if let Some(body) = part("idQuery")? {
        let id = match field(body, "id") {
            Some(value) => as_str(value, "id")?,
            None => "",
        };
        return Ok(format!("o.id = {}", params.param(id.to_string())));
    }
    if part("defaultQuery")?.is_some() {
        // ACME is the instance's default organisation.
        return Ok(format!("o.id = {}", params.param(ACME_ORG_ID.to_string())));
    }
    Err(ApiError::zitadel(
        GrpcCode::InvalidArgument,
        "ORG-vR9nC",
        "List.Query.Invalid",
    ))
}
