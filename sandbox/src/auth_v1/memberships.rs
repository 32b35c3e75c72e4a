//! `POST /auth/v1/memberships/me/_search` (ListMyMemberships, `proto/zitadel/auth.proto`,
//! `internal/api/grpc/auth/permission.go` and `internal/api/grpc/user/membership.go` at
//! v4.13.1): the caller's administrator roles, one `zitadel.user.v1.Membership` per
//! instance or org, for any authenticated caller.

use crate::api_kit::parse_body;
use crate::api_kit::v1::{ListDetails, ObjectDetails};
use crate::auth::Caller;
use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::events;
use crate::model::{INSTANCE_ID, INSTANCE_NAME};
use crate::query::{as_array, as_object, as_str, field, Paging};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;

/// `zitadel.user.v1.Membership`, fields in proto order; the `type` oneof is one of
/// `iam` and `orgId` here (the sandbox has no project memberships).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MembershipJson {
    user_id: String,
    details: ObjectDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    iam: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    org_id: Option<String>,
}

#[derive(Debug, Serialize)]
struct ListMyMembershipsResponse {
    details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    result: Vec<MembershipJson>,
}

/// One `MembershipQuery`: which memberships it keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Filter {
    Org(String),
    Iam,
    /// Project or project grant: the sandbox has none of those memberships.
    Nothing,
}

impl Filter {
    fn parse(query: &Value) -> Result<Filter, ApiError> {
        let query = as_object(query, "queries[]")?;
        let text = |body: &Value, key: &str| -> Result<String, ApiError> {
            let body = as_object(body, key)?;
            Ok(match field(body, key) {
                Some(value) => as_str(value, key)?.to_string(),
                None => String::new(),
            })
        };
        if let Some(body) = field(query, "orgQuery") {
            return Ok(Filter::Org(text(body, "orgId")?));
        }
        if field(query, "iamQuery").is_some() {
            return Ok(Filter::Iam);
        }
        if field(query, "projectQuery").is_some() || field(query, "projectGrantQuery").is_some() {
            return Ok(Filter::Nothing);
        }
        // `MembershipQueryToQuery`'s default case.
        Err(ApiError::zitadel(
            GrpcCode::InvalidArgument,
            "USER-dsg3z",
            "Errors.List.Query.Invalid",
        ))
    }

    fn keeps(&self, resource_id: &str) -> bool {
        match self {
            Filter::Org(org_id) => resource_id != INSTANCE_ID && resource_id == org_id,
            Filter::Iam => resource_id == INSTANCE_ID,
            Filter::Nothing => false,
        }
    }
}

pub async fn list_my_memberships(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_body(&body)?;
    let request = as_object(&request, "request")?;
    let paging = Paging::parse(request)?;
    let filters = match field(request, "queries") {
        Some(value) => as_array(value, "queries")?
            .iter()
            .map(Filter::parse)
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let response = store
        .call(move |conn| memberships_of(conn, &caller.user_id, &filters, &paging))
        .await?;
    Ok(json_response(StatusCode::OK, &response))
}

/// A resource the user holds roles on, with those roles.
struct Held {
    resource_id: String,
    roles: Vec<String>,
    created: String,
}

fn memberships_of(
    conn: &Connection,
    user_id: &str,
    filters: &[Filter],
    paging: &Paging,
) -> Result<ListMyMembershipsResponse, ApiError> {
    let mut held: Vec<Held> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT resource_id, role, created_at FROM memberships WHERE user_id = ?1
         ORDER BY resource_id <> ?2, resource_id, role",
    )?;
    let rows = stmt.query_map(params![user_id, INSTANCE_ID], |row| {
        Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?))
    })?;
    for row in rows {
        let (resource_id, role, created) = row?;
        match held.last_mut() {
            Some(last) if last.resource_id == resource_id => last.roles.push(role),
            _ => held.push(Held {
                resource_id,
                roles: vec![role],
                created,
            }),
        }
    }
    // All queries must match (`MembershipSearchQuery.Queries` are ANDed).
    held.retain(|h| filters.iter().all(|filter| filter.keeps(&h.resource_id)));
    let total = held.len() as u64;
    let result = held
        .into_iter()
        .skip(paging.offset.min(usize::MAX as u64) as usize)
        .take(paging.limit as usize)
        .map(|h| to_json(conn, user_id, h))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ListMyMembershipsResponse {
        details: ListDetails::new(total, events::last_event_id(conn)? as u64, Timestamp::now()),
        result,
    })
}

/// `MembershipToMembershipPb`: the org's or the instance's name as display name, and
/// view details owned by the org or the instance. The memberships have no events in
/// the sandbox, so no sequence, and they never changed since they were given.
fn to_json(conn: &Connection, user_id: &str, held: Held) -> Result<MembershipJson, ApiError> {
    let created = Timestamp::from_storage(&held.created).map(Timestamp::to_wire);
    let details = ObjectDetails {
        sequence: 0,
        creation_date: created.clone(),
        change_date: created,
        resource_owner: held.resource_id.clone(),
    };
    let (display_name, iam, org_id) = if held.resource_id == INSTANCE_ID {
        (INSTANCE_NAME.to_string(), Some(true), None)
    } else {
        let name: String = conn
            .prepare_cached("SELECT name FROM orgs WHERE id = ?1")?
            .query_row(params![held.resource_id], |row| row.get(0))?;
        (name, None, Some(held.resource_id.clone()))
    };
    Ok(MembershipJson {
        user_id: user_id.to_string(),
        details,
        roles: held.roles,
        display_name,
        iam,
        org_id,
    })
}
