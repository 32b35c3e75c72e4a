//! Authentication (personal access tokens, and the access tokens of the OIDC provider
//! in `oidc`) and authorization (roles → permissions), modelled on ZITADEL (contract §9).

use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::{ApiError, GrpcCode};
use crate::i18n::CallerLanguage;
use crate::model::UserState;
use crate::model::INSTANCE_ID;
use crate::oidc::client as oidc_client;
use crate::oidc::store::{self as oidc_store, IssuedToken};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rusqlite::{params, Connection, OptionalExtension};

pub const PERMISSION_USER_READ: &str = "user.read";
pub const PERMISSION_USER_WRITE: &str = "user.write";
pub const PERMISSION_USER_DELETE: &str = "user.delete";
/// Held by the self-management roles only (none seeded).
pub const PERMISSION_USER_SELF_DELETE: &str = "user.self.delete";
pub const PERMISSION_USER_GRANT_READ: &str = "user.grant.read";
pub const PERMISSION_USER_GRANT_WRITE: &str = "user.grant.write";
pub const PERMISSION_USER_GRANT_DELETE: &str = "user.grant.delete";
pub const PERMISSION_ORG_READ: &str = "org.read";
/// Session API v2: reading and terminating other users' sessions.
pub const PERMISSION_SESSION_READ: &str = "session.read";
pub const PERMISSION_SESSION_DELETE: &str = "session.delete";

/// The permissions each role grants, a subset of ZITADEL's defaults
/// (`cmd/defaults.yaml`, `InternalAuthZ.RolePermissionMappings`). An `IAM_*` role held on
/// the instance applies to every org; an `ORG_*` role to its own org only.
fn role_permissions(role: &str) -> &'static [&'static str] {
    const ALL_USER: &[&str] = &[
        PERMISSION_ORG_READ,
        PERMISSION_USER_READ,
        PERMISSION_USER_WRITE,
        PERMISSION_USER_DELETE,
        PERMISSION_USER_GRANT_READ,
        PERMISSION_USER_GRANT_WRITE,
        PERMISSION_USER_GRANT_DELETE,
        PERMISSION_SESSION_READ,
        PERMISSION_SESSION_DELETE,
    ];
    match role {
        "IAM_OWNER" | "ORG_OWNER" | "ORG_USER_MANAGER" => ALL_USER,
        "IAM_OWNER_VIEWER" => &[
            PERMISSION_ORG_READ,
            PERMISSION_USER_READ,
            PERMISSION_USER_GRANT_READ,
            PERMISSION_SESSION_READ,
        ],
        "ORG_OWNER_VIEWER" => &[
            PERMISSION_ORG_READ,
            PERMISSION_USER_READ,
            PERMISSION_USER_GRANT_READ,
        ],
        _ => &[],
    }
}

/// A role held on a resource: the instance or one org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub resource_id: String,
    pub role: String,
}

/// Who is calling, resolved from the bearer token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub org_id: String,
    pub memberships: Vec<Membership>,
    /// The project of the app the token was issued to (`CtxData.ProjectID`): empty for
    /// a personal access token.
    pub project_id: String,
    /// The preferred language of the caller's user (`CtxData.PreferredLanguage`): empty
    /// for a service account.
    pub preferred_language: String,
}

impl Caller {
    /// Whether the caller holds `permission` on objects of org `org_id`.
    pub fn has_permission(&self, permission: &str, org_id: &str) -> bool {
        self.memberships.iter().any(|m| {
            (m.resource_id == INSTANCE_ID || m.resource_id == org_id)
                && role_permissions(&m.role).contains(&permission)
        })
    }

    /// Whether the caller holds any role on org `org_id` or on the instance: the
    /// memberships ZITADEL's `getUserPermissions` looks up before mapping roles.
    pub fn is_member_for(&self, org_id: &str) -> bool {
        self.memberships
            .iter()
            .any(|m| m.resource_id == INSTANCE_ID || m.resource_id == org_id)
    }

    /// ZITADEL's `CheckPermission` as commands and queries call it
    /// (`internal/api/authz/permissions.go` at v4.13.1): no role on the org nor on the
    /// instance is NotFound `AUTHZ-cdgFk` "membership not found" (access lost, not a
    /// missing object), roles without the permission are `AUTH-AWfge`.
    pub fn check_permission(&self, permission: &str, org_id: &str) -> Result<(), ApiError> {
        if !self.is_member_for(org_id) {
            return Err(membership_not_found());
        }
        if !self.has_permission(permission, org_id) {
            return Err(ApiError::permission_denied());
        }
        Ok(())
    }

    /// `check_permission` for a user's object, where the user themself needs none
    /// (`checkPermissionUpdateUser`, `checkPermissionDeleteUser`, `userCheckPermission`).
    pub fn check_permission_on_user(
        &self,
        permission: &str,
        user_id: &str,
        user_org_id: &str,
    ) -> Result<(), ApiError> {
        if self.user_id == user_id {
            return Ok(());
        }
        self.check_permission(permission, user_org_id)
    }

    /// The permission option of an RPC, as the authorization interceptor checks it
    /// in the org of the request's context (`CheckUserAuthorization`,
    /// `internal/api/authz/authorization.go`): `AUTHZ-cdgFk` without membership there,
    /// `AUTH-5mWD2` without the permission.
    pub fn check_rpc_permission(&self, permission: &str, org_id: &str) -> Result<(), ApiError> {
        if !self.is_member_for(org_id) {
            return Err(membership_not_found());
        }
        if !self.has_permission(permission, org_id) {
            return Err(ApiError::zitadel(
                GrpcCode::PermissionDenied,
                "AUTH-5mWD2",
                "No matching permissions found",
            ));
        }
        Ok(())
    }

    /// Orgs whose users the caller may read, or `None` for all of them.
    pub fn readable_orgs(&self) -> Option<Vec<String>> {
        let instance_wide = self.memberships.iter().any(|m| {
            m.resource_id == INSTANCE_ID
                && role_permissions(&m.role).contains(&PERMISSION_USER_READ)
        });
        if instance_wide {
            return None;
        }
        Some(
            self.memberships
                .iter()
                .filter(|m| role_permissions(&m.role).contains(&PERMISSION_USER_READ))
                .map(|m| m.resource_id.clone())
                .collect(),
        )
    }
}

/// `getUserPermissions` when the caller has no membership on the org nor the instance.
fn membership_not_found() -> ApiError {
    ApiError::zitadel(GrpcCode::NotFound, "AUTHZ-cdgFk", "membership not found")
}

/// ZITADEL's answer for a request without an `Authorization` header. It comes from the
/// gRPC interceptor, not ZITADEL's error package, hence no details.
fn missing_header() -> ApiError {
    ApiError::plain(
        StatusCode::UNAUTHORIZED,
        GrpcCode::Unauthenticated,
        "auth header missing",
    )
}

/// A header that does not split into two parts at `Bearer ` (`extractBearerToken`,
/// `internal/api/authz/context.go`).
fn malformed_header() -> ApiError {
    ApiError::zitadel(
        GrpcCode::Unauthenticated,
        "AUTH-toLo1",
        "invalid auth header",
    )
}

/// An unknown, expired or revoked token, or the token of a user who may no longer
/// sign in. The authorization interceptor runs before the one that translates texts
/// (`internal/api/grpc/server/server.go`), so the text stays the untranslated key.
fn invalid_token() -> ApiError {
    ApiError::zitadel(
        GrpcCode::Unauthenticated,
        "AUTH-7fs1e",
        "Errors.Token.Invalid",
    )
}

/// A token issued to a client, used from an origin the client did not register.
fn origin_not_allowed() -> ApiError {
    ApiError::zitadel(
        GrpcCode::PermissionDenied,
        "AUTH-DZG21",
        "Errors.OriginNotAllowed",
    )
}

/// Extracts the token from an `Authorization` header value.
pub fn bearer_token(header_value: Option<&str>) -> Result<&str, ApiError> {
    let value = header_value.ok_or_else(missing_header)?;
    if value.is_empty() {
        return Err(missing_header());
    }
    // ZITADEL splits on the exact, case-sensitive "Bearer " and needs two parts; an
    // empty token then fails as an invalid one.
    let parts: Vec<&str> = value.split("Bearer ").collect();
    match parts.as_slice() {
        [_, token] => Ok(token),
        _ => Err(malformed_header()),
    }
}

/// Whose a valid token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub user_id: String,
    pub org_id: String,
    pub preferred_language: String,
    /// For an access token of the OIDC provider: the client and scope it was issued
    /// for. `None` for a personal access token.
    pub issued: Option<IssuedToken>,
}

/// Resolves a token, a personal access token or an unexpired, unrevoked OIDC access
/// token, to its user. Tokens of users who are locked, deactivated or removed stop
/// working, as ZITADEL drops their tokens.
pub fn token_owner(conn: &Connection, token: &str) -> Result<TokenOwner, ApiError> {
    let pat_user: Option<String> = conn
        .prepare_cached("SELECT user_id FROM personal_access_tokens WHERE token = ?1")?
        .query_row(params![token], |row| row.get(0))
        .optional()?;
    let (user_id, issued) = match pat_user {
        Some(user_id) => (user_id, None),
        None => match oidc_store::find_token(conn, token, Timestamp::now().millis())? {
            Some(issued) => (issued.user_id.clone(), Some(issued)),
            None => return Err(invalid_token()),
        },
    };
    let user: Option<(String, i64, String)> = conn
        .prepare_cached("SELECT org_id, state, preferred_language FROM users WHERE id = ?1")?
        .query_row(params![user_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((org_id, state, preferred_language)) = user else {
        return Err(invalid_token());
    };
    let signs_in = matches!(
        UserState::from_number(state),
        Some(UserState::Active | UserState::Initial)
    );
    if !signs_in {
        return Err(invalid_token());
    }
    Ok(TokenOwner {
        user_id,
        org_id,
        preferred_language,
        issued,
    })
}

/// Resolves a token to its caller, for the API routes. An OIDC access token must have
/// been issued for ZITADEL's APIs (the audience scope, contract §9) and, as it was
/// issued to a client, is refused from an `Origin` that client did not register
/// (`AUTH-DZG21`); personal access tokens are exempt from both. `origin` is the
/// request's `Origin` header, if it sent one.
pub fn caller_for_token(
    conn: &Connection,
    token: &str,
    origin: Option<&str>,
) -> Result<Caller, ApiError> {
    let TokenOwner {
        user_id,
        org_id,
        preferred_language,
        issued,
    } = token_owner(conn, token)?;
    let project_id = match &issued {
        Some(_) => oidc_client::PROJECT_ID.to_string(),
        None => String::new(),
    };
    if let Some(issued) = issued {
        let for_the_api = issued
            .scope
            .split(' ')
            .any(|scope| scope == oidc_client::API_AUDIENCE_SCOPE);
        if !for_the_api {
            return Err(invalid_token());
        }
        // The provider has one client, so its origins are the allowed ones.
        if origin.is_some_and(|origin| !oidc_client::is_allowed_origin(origin)) {
            return Err(origin_not_allowed());
        }
    }
    let mut stmt =
        conn.prepare_cached("SELECT resource_id, role FROM memberships WHERE user_id = ?1")?;
    let memberships = stmt
        .query_map(params![user_id], |row| {
            Ok(Membership {
                resource_id: row.get(0)?,
                role: row.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Caller {
        user_id,
        org_id,
        memberships,
        project_id,
        preferred_language,
    })
}

/// Middleware for every API route: resolves the caller and stores it in the request's
/// extensions, or answers 401 (or 403 for a disallowed origin).
pub async fn require_caller(
    State(store): State<Store>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let origin = headers
        .get(header::ORIGIN)
        .map(|value| value.to_str().unwrap_or_default().to_string());
    let header_value = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or_default());
    let token = match bearer_token(header_value) {
        Ok(token) => token.to_string(),
        Err(err) => return err.into_response(),
    };
    let resolved = store
        .call(move |conn| caller_for_token(conn, &token, origin.as_deref()))
        .await;
    match resolved {
        Ok(caller) => {
            let language = CallerLanguage(caller.preferred_language.clone());
            request.extensions_mut().insert(caller);
            let mut response = next.run(request).await;
            // For `i18n::apply`: the language of the caller's texts.
            response.extensions_mut().insert(language);
            response
        }
        Err(err) => err.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_needs_the_exact_prefix() {
        assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(None), Err(missing_header()));
        assert_eq!(bearer_token(Some("")), Err(missing_header()));
        assert_eq!(bearer_token(Some("bearer abc")), Err(malformed_header()));
        assert_eq!(bearer_token(Some("abc")), Err(malformed_header()));
        assert_eq!(bearer_token(Some("Bearer ")), Ok(""));
        assert_eq!(
            bearer_token(Some("Bearer a Bearer b")),
            Err(malformed_header())
        );
    }

    fn caller(resource_id: &str, role: &str) -> Caller {
        Caller {
            user_id: "1".into(),
            org_id: "org-a".into(),
            memberships: vec![Membership {
                resource_id: resource_id.into(),
                role: role.into(),
            }],
            project_id: String::new(),
            preferred_language: String::new(),
        }
    }

    #[test]
    fn org_roles_apply_to_their_org_only() {
        let manager = caller("org-a", "ORG_USER_MANAGER");
        assert!(manager.has_permission(PERMISSION_USER_WRITE, "org-a"));
        assert!(!manager.has_permission(PERMISSION_USER_WRITE, "org-b"));
        assert_eq!(manager.readable_orgs(), Some(vec!["org-a".to_string()]));
        let elsewhere = manager.check_permission(PERMISSION_USER_READ, "org-b");
        assert_eq!(
            elsewhere.map_err(|e| e.detail.map(|d| d.0)),
            Err(Some("AUTHZ-cdgFk".into()))
        );
    }

    #[test]
    fn instance_roles_apply_everywhere() {
        let owner = caller(INSTANCE_ID, "IAM_OWNER");
        assert!(owner.has_permission(PERMISSION_USER_DELETE, "org-b"));
        assert_eq!(owner.readable_orgs(), None);
        let viewer = caller(INSTANCE_ID, "IAM_OWNER_VIEWER");
        assert!(viewer.has_permission(PERMISSION_USER_READ, "org-b"));
        assert!(!viewer.has_permission(PERMISSION_USER_WRITE, "org-b"));
        assert_eq!(
            viewer.check_permission_on_user(PERMISSION_USER_WRITE, "1", "org-a"),
            Ok(())
        );
        let denied = viewer.check_permission(PERMISSION_USER_WRITE, "org-b");
        assert_eq!(
            denied.map_err(|e| e.detail.map(|d| d.0)),
            Err(Some("AUTH-AWfge".into()))
        );
    }
}
