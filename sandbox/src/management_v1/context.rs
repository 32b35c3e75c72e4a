//! The organization a management v1 call works in (`x-zitadel-orgid`, or the caller's
//! own organization without it), and the permission the RPC needs there (shared by the
//! grant, history, metadata and credential handlers).

use crate::auth::Caller;
use crate::errors::{ApiError, GrpcCode};
use axum::http::HeaderMap;
use rusqlite::{params, Connection, OptionalExtension};

/// The header that sets the organization context of v1 calls.
pub const ORG_HEADER: &str = "x-zitadel-orgid";

/// The organization a v1 call works in: the `x-zitadel-orgid` header's, or the
/// caller's own. An unknown organization is PermissionDenied `AUTH-Bs7Ds`, as
/// ZITADEL's auth interceptor answers.
pub fn org_in_context(
    conn: &Connection,
    caller: &Caller,
    header: Option<&str>,
) -> Result<String, ApiError> {
    match header.filter(|h| !h.is_empty()) {
        None => Ok(caller.org_id.clone()),
        Some(org_id) => {
            let exists = conn
                .prepare_cached("SELECT 1 FROM orgs WHERE id = ?1")?
                .query_row(params![org_id], |_| Ok(()))
                .optional()?
                .is_some();
            if !exists {
                return Err(ApiError::zitadel(
                    GrpcCode::PermissionDenied,
                    "AUTH-Bs7Ds",
                    "Organisation doesn't exist",
                ));
            }
            Ok(org_id.to_string())
        }
    }
}

/// The organization of a v1 call (`org_in_context`), where the caller needs the RPC's
/// `permission`, checked as the authorization interceptor does (`AUTHZ-cdgFk`,
/// `AUTH-5mWD2`).
pub fn org_context(
    conn: &Connection,
    caller: &Caller,
    header: Option<&str>,
    permission: &str,
) -> Result<String, ApiError> {
    let org_id = org_in_context(conn, caller, header)?;
    caller.check_rpc_permission(permission, &org_id)?;
    Ok(org_id)
}

pub fn org_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get(ORG_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string)
}
