//! What every handler can reach: the database, the settings from the command line, the
//! faults armed through `/debug/faults` and the Weavr idempotency records.

use crate::db::Store;
use crate::faults::{ArmedFaults, FaultSpec};
use crate::grants::GrantBehaviour;
use crate::oidc;
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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            grant_behaviour: GrantBehaviour::Idempotent,
            weavr_api_key: DEFAULT_WEAVR_API_KEY.to_string(),
            fault: None,
            oidc_token_lifetime: oidc::DEFAULT_TOKEN_LIFETIME,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub armed_faults: ArmedFaults,
    pub idempotency: Registry,
}

impl AppState {
    pub fn new(store: Store, settings: Settings) -> Self {
        AppState {
            store,
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
