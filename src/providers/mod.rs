//! One module per provider API: request building, wire types (serde) and the
//! mapping from wire to domain. No UI code and no I/O here.

mod wire;
pub mod zitadel;
pub mod zitadel_v2;

use serde::Deserialize;

/// Which API a connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum ProviderApi {
    #[serde(rename = "zitadel-v2")]
    ZitadelV2,
}

impl ProviderApi {
    pub fn label(self) -> &'static str {
        match self {
            ProviderApi::ZitadelV2 => "ZITADEL user service v2",
        }
    }
}
