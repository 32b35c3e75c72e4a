//! Behaviours of real ZITADEL servers that differ between versions or instance
//! settings, switchable at runtime through `POST /debug/settings` (for browser tests)
//! and set at start by command-line flags. A start resets them to the flags' values.

use crate::model::GrantBehaviour;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// ZITADEL's release the sandbox imitates when not told otherwise.
pub const DEFAULT_ZITADEL_VERSION: ZitadelVersion = ZitadelVersion(4, 13, 1);
/// `/v2/users` exists from this release (`proto/zitadel/user/v2/user_service.proto`).
pub const V2_USERS_SINCE: ZitadelVersion = ZitadelVersion(2, 58, 0);
/// `POST /v2/organizations/_search` exists from this release
/// (`proto/zitadel/org/v2/org_service.proto`).
pub const V2_ORGANIZATIONS_SINCE: ZitadelVersion = ZitadelVersion(2, 59, 0);
/// The v3alpha user resource has its state changes from this release
/// (`internal/api/grpc/resources/user/v3alpha/user.go` at v2.63.0 implements
/// Deactivate/Activate/Lock/UnlockUser).
pub const V3ALPHA_USERS_SINCE: ZitadelVersion = ZitadelVersion(2, 63, 0);
/// The v3alpha user resource is served under `/resources/v3alpha/users` from this
/// release: v2.60.0 registers the service, but its `user_service.proto` gives the
/// routes without that prefix (`post: "/{user_id}/_lock"`), so those paths meet the
/// gateway's 404 there. v2.61.0 and v2.62.0 route the full paths but implement only
/// CreateUser and DeleteUser (`user.go`); the rest is `UnimplementedZITADELUsersServer`
/// (501), and activate's path was `/_reactivate`.
pub const V3ALPHA_ROUTES_SINCE: ZitadelVersion = ZitadelVersion(2, 61, 0);
/// Session API v2 (`/v2/sessions…`) exists from this release
/// (`proto/zitadel/session/v2/session_service.proto`; before it, only v2beta).
pub const V2_SESSIONS_SINCE: ZitadelVersion = ZitadelVersion(2, 58, 0);
/// From this release deactivating, locking or removing a user drops their sessions
/// from the session projection (`reduceUserStateNotActive` in
/// `internal/query/projection/session.go`, zitadel/zitadel#11644).
pub const SESSIONS_END_WITH_USER_SINCE: ZitadelVersion = ZitadelVersion(4, 12, 0);
/// From this release users need `user.write` to change their own state
/// (`internal/command/user_v2.go`, `allowSelfManagement: false`).
pub const NO_SELF_MANAGED_STATE_SINCE: ZitadelVersion = ZitadelVersion(4, 3, 0);
/// `POST /v2/users/{user_id}/metadata` (SetUserMetadata) exists from this release: it
/// came with commit 5403be7c4 (`proto/zitadel/user/v2/user_service.proto`), whose
/// first release is v4.0.0 (`git tag --contains`; no v3.x tag has it). Older releases
/// answer it with the gateway's routing 404; management v1's SetUserMetadata remains.
pub const V2_USER_METADATA_SINCE: ZitadelVersion = ZitadelVersion(4, 0, 0);
/// How long list reads lag behind writes by default.
pub const DEFAULT_LIST_LAG: Duration = Duration::from_millis(1000);

/// A ZITADEL release number, `major.minor.patch` (a leading `v` is accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ZitadelVersion(pub u32, pub u32, pub u32);

impl FromStr for ZitadelVersion {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a ZITADEL version such as 4.13.1");
        let trimmed = text.trim().trim_start_matches('v');
        let mut parts = trimmed.split('.').map(|part| part.parse::<u32>());
        let mut next = || parts.next().unwrap_or(Ok(0)).map_err(|_| bad());
        let version = ZitadelVersion(next()?, next()?, next()?);
        if trimmed.split('.').count() > 3 || trimmed.is_empty() {
            return Err(bad());
        }
        Ok(version)
    }
}

impl fmt::Display for ZitadelVersion {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The switchable behaviours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switches {
    /// The instance feature "User Schema": without it every v3alpha user call is 400.
    pub user_schema_feature: bool,
    /// How long list reads (v2 ListUsers, management v1 ListUserGrants) keep showing
    /// the state before a write; single reads are always current.
    pub list_lag: Duration,
    /// v2 ListUsers drops unreadable rows after paging without lowering `totalResult`.
    pub overcount_totals: bool,
    /// The release imitated: older ones lack routes.
    pub zitadel_version: ZitadelVersion,
    /// How a repeated grant `_deactivate`/`_reactivate` is answered.
    pub grant_behaviour: GrantBehaviour,
    /// Not a ZITADEL release: v3alpha GetUser answers 200 with the schema user, as a
    /// future server might, so the console's use of such an answer can be tested.
    pub v3alpha_get_user: bool,
}

impl Default for Switches {
    fn default() -> Self {
        Switches {
            user_schema_feature: true,
            list_lag: DEFAULT_LIST_LAG,
            overcount_totals: false,
            zitadel_version: DEFAULT_ZITADEL_VERSION,
            grant_behaviour: GrantBehaviour::Idempotent,
            v3alpha_get_user: false,
        }
    }
}

impl Switches {
    /// The JSON of `GET /debug/settings`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "userSchemaFeature": self.user_schema_feature,
            "listLagMs": self.list_lag.as_millis() as u64,
            "overcountTotals": self.overcount_totals,
            "zitadelVersion": self.zitadel_version.to_string(),
            "grantBehaviour": self.grant_behaviour.name(),
            "v3alphaGetUser": self.v3alpha_get_user,
        })
    }

    /// Applies the fields present in `body` (all or nothing): unknown fields and wrong
    /// types are refused with a reason.
    pub fn update(&self, body: &serde_json::Value) -> Result<Switches, String> {
        let object = body
            .as_object()
            .ok_or("the body must be a JSON object of settings")?;
        let mut next = self.clone();
        for (key, value) in object {
            match key.as_str() {
                "userSchemaFeature" => {
                    next.user_schema_feature = value
                        .as_bool()
                        .ok_or("userSchemaFeature: give true or false")?;
                }
                "listLagMs" => {
                    let millis = value
                        .as_u64()
                        .filter(|ms| *ms <= 600_000)
                        .ok_or("listLagMs: give milliseconds from 0 to 600000")?;
                    next.list_lag = Duration::from_millis(millis);
                }
                "overcountTotals" => {
                    next.overcount_totals = value
                        .as_bool()
                        .ok_or("overcountTotals: give true or false")?;
                }
                "zitadelVersion" => {
                    next.zitadel_version = value
                        .as_str()
                        .ok_or("zitadelVersion: give a string such as \"2.57.0\"")?
                        .parse()?;
                }
                "grantBehaviour" => {
                    next.grant_behaviour = match value.as_str() {
                        Some("idempotent") => GrantBehaviour::Idempotent,
                        Some("legacy") => GrantBehaviour::Legacy,
                        _ => return Err("grantBehaviour: give \"idempotent\" or \"legacy\"".into()),
                    };
                }
                "v3alphaGetUser" => {
                    next.v3alpha_get_user = value
                        .as_bool()
                        .ok_or("v3alphaGetUser: give true or false")?;
                }
                other => return Err(format!("unknown setting `{other}`")),
            }
        }
        Ok(next)
    }

    /// Whether a user may lock, unlock, deactivate, reactivate and delete themselves
    /// without the permission, as before v4.3.0.
    pub fn users_change_their_own_state(&self) -> bool {
        self.zitadel_version < NO_SELF_MANAGED_STATE_SINCE
    }

    /// Whether the imitated release serves `path` at all. Older releases answer what
    /// they lack with the gateway's routing 404.
    /// Whether ListSessions leaves out the sessions of a user who was deactivated,
    /// locked or removed (v4.12.0 and later).
    pub fn sessions_end_with_their_user(&self) -> bool {
        self.zitadel_version >= SESSIONS_END_WITH_USER_SINCE
    }

    pub fn serves(&self, path: &str) -> bool {
        let version = self.zitadel_version;
        if path.starts_with("/v2/users/") && path.ends_with("/metadata") {
            return version >= V2_USER_METADATA_SINCE;
        }
        if path == "/v2/users" || path.starts_with("/v2/users/") {
            return version >= V2_USERS_SINCE;
        }
        if path.starts_with("/v2/sessions") {
            return version >= V2_SESSIONS_SINCE;
        }
        if path.starts_with("/v2/organizations") {
            return version >= V2_ORGANIZATIONS_SINCE;
        }
        if path.starts_with("/resources/v3alpha/users") {
            // Activate was `ReactivateUser` at `/_reactivate` before v2.63.
            if path.ends_with("/_reactivate") {
                return version >= V3ALPHA_ROUTES_SINCE && version < V3ALPHA_USERS_SINCE;
            }
            if path.ends_with("/_activate") {
                return version >= V3ALPHA_USERS_SINCE;
            }
            return version >= V3ALPHA_ROUTES_SINCE;
        }
        true
    }

    /// Whether the v3alpha user resource implements its state changes and search
    /// (v2.63.0 and later); v2.61 and v2.62 answer them 501.
    pub fn v3alpha_state_changes(&self) -> bool {
        self.zitadel_version >= V3ALPHA_USERS_SINCE
    }
}

/// The switches as they are now, shared by all requests.
#[derive(Clone, Default)]
pub struct LiveSwitches {
    inner: Arc<Mutex<Switches>>,
}

impl LiveSwitches {
    pub fn new(initial: Switches) -> Self {
        LiveSwitches {
            inner: Arc::new(Mutex::new(initial)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Switches> {
        // Plain values: they stay consistent even if a holder panicked.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self) -> Switches {
        self.lock().clone()
    }

    pub fn set(&self, switches: Switches) {
        *self.lock() = switches;
    }
}

/// Middleware: a path the imitated release does not have gets the gateway's routing
/// 404, before auth, as on the real server.
pub async fn gate_routes(
    State(live): State<LiveSwitches>,
    request: Request,
    next: Next,
) -> Response {
    if live.get().serves(request.uri().path()) {
        next.run(request).await
    } else {
        crate::errors::ApiError::route_not_found().into_response()
    }
}

/// `GET /debug/settings` and `POST /debug/settings` (no token: the test harness's).
pub fn debug_routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    LiveSwitches: axum::extract::FromRef<S>,
{
    Router::new().route("/debug/settings", get(show).post(change))
}

async fn show(State(live): State<LiveSwitches>) -> Response {
    crate::errors::json_response(StatusCode::OK, &live.get().to_json())
}

async fn change(State(live): State<LiveSwitches>, body: Bytes) -> Response {
    let parsed = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(serde_json::json!({}))
    } else {
        serde_json::from_slice(&body).map_err(|err| format!("body is not JSON: {err}"))
    };
    match parsed.and_then(|value| live.get().update(&value)) {
        Ok(next) => {
            live.set(next.clone());
            crate::errors::json_response(StatusCode::OK, &next.to_json())
        }
        Err(message) => crate::errors::json_response(
            StatusCode::BAD_REQUEST,
            &serde_json::json!({ "error": message }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        assert_eq!("4.13.1".parse(), Ok(ZitadelVersion(4, 13, 1)));
        assert_eq!("v2.57".parse(), Ok(ZitadelVersion(2, 57, 0)));
        assert!("2.x".parse::<ZitadelVersion>().is_err());
        assert!("1.2.3.4".parse::<ZitadelVersion>().is_err());
        assert!(ZitadelVersion(2, 57, 9) < V2_USERS_SINCE);
        assert!(ZitadelVersion(2, 63, 0) >= V3ALPHA_USERS_SINCE);
    }

    #[test]
    fn old_releases_lack_routes() {
        let old = Switches {
            zitadel_version: ZitadelVersion(2, 57, 0),
            ..Switches::default()
        };
        assert!(!old.serves("/v2/users"));
        assert!(!old.serves("/v2/users/1/lock"));
        assert!(!old.serves("/resources/v3alpha/users/1/_lock"));
        assert!(old.serves("/management/v1/users/grants/_search"));
        let before_routes = Switches {
            zitadel_version: ZitadelVersion(2, 60, 4),
            ..Switches::default()
        };
        assert!(before_routes.serves("/v2/users/1"));
        assert!(!before_routes.serves("/resources/v3alpha/users/1/_lock"));
        assert!(!before_routes.serves("/resources/v3alpha/users/1"));
        let mid = Switches {
            zitadel_version: ZitadelVersion(2, 62, 0),
            ..Switches::default()
        };
        assert!(mid.serves("/resources/v3alpha/users/1/_lock"));
        assert!(mid.serves("/resources/v3alpha/users/1/_reactivate"));
        assert!(!mid.serves("/resources/v3alpha/users/1/_activate"));
        assert!(!mid.v3alpha_state_changes());
        let now = Switches::default();
        assert!(now.serves("/resources/v3alpha/users/1/_lock"));
        assert!(now.serves("/resources/v3alpha/users/1/_activate"));
        assert!(!now.serves("/resources/v3alpha/users/1/_reactivate"));
        assert!(now.v3alpha_state_changes());
    }

    #[test]
    fn updates_are_all_or_nothing() {
        let switches = Switches::default();
        let next = switches
            .update(&serde_json::json!({"userSchemaFeature": false, "listLagMs": 0}))
            .expect("valid");
        assert!(!next.user_schema_feature);
        assert_eq!(next.list_lag, Duration::ZERO);
        assert!(switches
            .update(&serde_json::json!({"listLagMs": 5, "bogus": 1}))
            .is_err());
        assert!(switches
            .update(&serde_json::json!({"zitadelVersion": 4}))
            .is_err());
    }
}
