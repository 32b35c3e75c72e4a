//! What every handler can reach: the database, the settings from the command line, the
//! runtime switches, the faults armed through `/debug/faults` and the Weavr idempotency records.

use crate::db::Store;
use crate::faults::spec::{ArmedFaults, FaultSpec};
use crate::model::GrantBehaviour;
use crate::oidc::client::DEFAULT_TOKEN_LIFETIME;
use crate::switches::{
    LiveSwitches, Switches, ZitadelVersion, DEFAULT_LIST_LAG, DEFAULT_ZITADEL_VERSION,
};
use crate::weavr::idempotency::Registry;
use axum::extract::FromRef;
use std::sync::Arc;
use std::time::Duration;

/// The Weavr api-key the sandbox expects when `--weavr-api-key` is not given.
pub const DEFAULT_WEAVR_API_KEY: &str = "sandbox-weavr-api-key";

/// Behaviour chosen on the command line.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How a repeated grant `_deactivate`/`_reactivate` is answered (contract §7.3).
    pub grant_behaviour: GrantBehaviour,
    /// The secret the Weavr API expects in the `api-key` header; the built-in proxy adds it.
    pub weavr_api_key: String,
    /// A fault applied to every API request (`--fault`).
    pub fault: Option<FaultSpec>,
    /// How long the OIDC provider's access and ID tokens live (`--oidc-token-lifetime`).
    pub oidc_token_lifetime: Duration,
    /// The instance feature "User Schema" (`--user-schema-feature`).
    pub user_schema_feature: bool,
    /// How long lists lag behind writes (`--list-lag-ms`).
    pub list_lag: Duration,
    /// ListUsers totals that do not drop unreadable rows (`--overcount-totals`).
    pub overcount_totals: bool,
    /// The ZITADEL release imitated (`--zitadel-version`).
    pub zitadel_version: ZitadelVersion,
}

impl Settings {
    /// The runtime switches a start begins with.
    pub fn switches(&self) -> Switches {
        Switches {
            user_schema_feature: self.user_schema_feature,
            list_lag: self.list_lag,
            overcount_totals: self.overcount_totals,
            zitadel_version: self.zitadel_version,
            grant_behaviour: self.grant_behaviour,
            // A test harness's switch only: no flag sets it.
            v3alpha_get_user: false,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            grant_behaviour: GrantBehaviour::Idempotent,
            weavr_api_key: DEFAULT_WEAVR_API_KEY.to_string(),
            fault: None,
            oidc_token_lifetime: DEFAULT_TOKEN_LIFETIME,
            user_schema_feature: true,
            list_lag: DEFAULT_LIST_LAG,
            overcount_totals: false,
            zitadel_version: DEFAULT_ZITADEL_VERSION,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub armed_faults: ArmedFaults,
    pub idempotency: Registry,
    /// Behaviours switchable at runtime (`/debug/settings`), from `settings` at start.
    pub switches: LiveSwitches,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> Self {
        AppState {
            store,
            switches: LiveSwitches::new(settings.switches()),
            settings: Arc::new(settings),
            armed_faults: ArmedFaults::default(),
            idempotency: Registry::default(),
        }
    }
}

/// Handlers that only need the database keep extracting `State<Store>`.
impl FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Store {
        state.store.clone()
    }
}

impl FromRef<AppState> for LiveSwitches {
    fn from_ref(state: &AppState) -> LiveSwitches {
        state.switches.clone()
    }
}
