//! One module per provider API: request building, wire types (serde) and the
//! mapping from wire to domain. No UI code and no I/O here.

pub mod weavr;
mod wire;
pub mod zitadel;
pub mod zitadel_grants;
pub mod zitadel_history;
pub mod zitadel_lookup;
pub mod zitadel_machine_credentials;
pub mod zitadel_orgs;
pub mod zitadel_sessions;
pub mod zitadel_v2;
pub mod zitadel_v3alpha;

use serde::{Deserialize, Serialize};

use crate::domain::offboarding::Reach;
use crate::domain::Lifecycle;
use crate::tr;

/// Which API a connection speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum ProviderApi {
    #[serde(rename = "zitadel-v2")]
    ZitadelV2,
    #[serde(rename = "zitadel-v3alpha")]
    ZitadelV3Alpha,
    #[serde(rename = "weavr-payment-run")]
    WeavrPaymentRun,
    #[serde(rename = "weavr-multi")]
    WeavrMulti,
}

impl ProviderApi {
    /// Every API, in the order Settings offers them.
    pub const ALL: [ProviderApi; 4] = [
        ProviderApi::ZitadelV2,
        ProviderApi::ZitadelV3Alpha,
        ProviderApi::WeavrMulti,
        ProviderApi::WeavrPaymentRun,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ProviderApi::ZitadelV2 => tr!(errors.provider_zitadel_v2),
            ProviderApi::ZitadelV3Alpha => tr!(errors.provider_zitadel_v3alpha),
            // Weavr's product names, the same in every language.
            ProviderApi::WeavrPaymentRun => "Weavr Embedded Payment Run",
            ProviderApi::WeavrMulti => "Weavr Multi",
        }
    }

    pub fn lifecycle(self) -> Lifecycle {
        match self {
            ProviderApi::ZitadelV2 => Lifecycle::ZitadelV2,
            ProviderApi::ZitadelV3Alpha => Lifecycle::ZitadelV3Alpha,
            ProviderApi::WeavrPaymentRun | ProviderApi::WeavrMulti => Lifecycle::Weavr,
        }
    }

    /// What this API can do, for pages to follow rather than asking
    /// which provider it is.
    pub fn capabilities(self) -> Capabilities {
        match self {
            ProviderApi::ZitadelV2 => ZITADEL_V2,
            ProviderApi::ZitadelV3Alpha => ZITADEL_V3ALPHA,
            ProviderApi::WeavrMulti | ProviderApi::WeavrPaymentRun => WEAVR,
        }
    }

    /// Why the users page has no list, for an API that cannot list.
    pub fn why_no_list(self) -> Option<&'static str> {
        (!self.capabilities().lists_users).then(|| tr!(users.no_list_v3alpha))
    }
}

/// What the user list's search field searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// Names, login names and emails, by substring (ZITADEL).
    AnyField,
    /// One exact email address (Weavr filters by nothing else).
    ExactEmail,
}

/// How the admin signs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignIn {
    /// OIDC when the connection configures it, else a personal access token.
    OidcOrAccessToken,
    /// Email and password through the deployment's proxy, or an auth token.
    PasswordOrAuthToken,
}

/// One description per provider API: what it can do, which pages follow.
/// Adding a provider adds one of these and its module; pages stay as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Whether the API lists users. v3alpha's SearchUsers answers `{}` on
    /// every release (`internal/api/grpc/resources/user/v3alpha/query.go`),
    /// and no other API lists its schema users: such a connection opens
    /// users by id.
    pub lists_users: bool,
    /// Whether the API is known to read one user's state. v3alpha's GetUser
    /// answers 501 on every release: the user page still asks once and uses
    /// an answer should a server give one, and otherwise shows only what the
    /// state changes confirm (it acts by id).
    pub reads_user: bool,
    /// Whether users have grants: ZITADEL v2 users have them (management
    /// v1); v3alpha's schema users are no users of management v1; Weavr
    /// users have roles only.
    pub has_grants: bool,
    /// Whether the API lists a user's changes (ZITADEL's ListUserChanges,
    /// which reads the `user` aggregate: v3alpha's schema users have none
    /// there, and Weavr has no such API).
    pub has_history: bool,
    /// Whether the connection works within an organisation (ZITADEL: the
    /// picker, `x-zitadel-orgid`, `organization.orgId`).
    pub has_organizations: bool,
    /// Whether the API reads any user of its instance by id (ZITADEL's v2
    /// user API): an id that another API of the same instance does not
    /// know may be such a user, so the page offers it there.
    pub reads_instance_users: bool,
    pub search: Search,
    /// The states the list can filter by, by their `css_name`.
    pub filter_states: &'static [&'static str],
    /// Whether the list can be sorted.
    pub sorts: bool,
    /// The largest page the API returns, when it has a limit.
    pub max_page_size: Option<u32>,
    pub sign_in: SignIn,
    /// Whether signing out also ends the session on the server (Weavr's
    /// logout; ZITADEL's OIDC end-session page is the session's own).
    pub server_sign_out: bool,
    /// How far offboarding reaches: ZITADEL v2 ends sessions, grants and a
    /// service user's tokens and keys too; Weavr has deactivation only.
    pub offboarding: Reach,
}

impl Capabilities {
    /// Whether a search for `text` cannot be sent as typed, so the page
    /// says what the API searches instead.
    pub fn needs_search_hint(&self, text: &str) -> bool {
        self.search == Search::ExactEmail && !text.is_empty() && !weavr::is_email(text)
    }

    /// Whether the list offers `size` rows per page.
    pub fn offers_page_size(&self, size: u32) -> bool {
        self.max_page_size.is_none_or(|max| size <= max)
    }
}

const ZITADEL_V2: Capabilities = Capabilities {
    lists_users: true,
    reads_user: true,
    has_grants: true,
    has_history: true,
    has_organizations: true,
    reads_instance_users: true,
    search: Search::AnyField,
    filter_states: &["active", "inactive", "locked", "initial"],
    sorts: true,
    max_page_size: None,
    sign_in: SignIn::OidcOrAccessToken,
    server_sign_out: false,
    offboarding: Reach::Full,
};

const ZITADEL_V3ALPHA: Capabilities = Capabilities {
    lists_users: false,
    reads_user: false,
    has_grants: false,
    has_history: false,
    reads_instance_users: false,
    // Offboarding shows what a read confirms, and v3alpha reads no user.
    offboarding: Reach::None,
    ..ZITADEL_V2
};

const WEAVR: Capabilities = Capabilities {
    lists_users: true,
    reads_user: true,
    has_grants: false,
    has_history: false,
    has_organizations: false,
    reads_instance_users: false,
    search: Search::ExactEmail,
    filter_states: &["active", "inactive"],
    sorts: false,
    max_page_size: Some(weavr::MAX_LIMIT),
    sign_in: SignIn::PasswordOrAuthToken,
    server_sign_out: true,
    offboarding: Reach::DeactivationOnly,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_description_not_the_provider_name() {
        let weavr = ProviderApi::WeavrMulti.capabilities();
        assert!(weavr.needs_search_hint("ada"));
        assert!(!weavr.needs_search_hint("ada@example.com"));
        assert!(!weavr.offers_page_size(1000));
        let v2 = ProviderApi::ZitadelV2.capabilities();
        assert!(!v2.needs_search_hint("ada"));
        assert!(v2.offers_page_size(1000));
        let v3 = ProviderApi::ZitadelV3Alpha.capabilities();
        assert!(!v3.lists_users && !v3.reads_user && !v3.has_grants && v3.has_organizations);
        // ListUserChanges reads the `user` aggregate: v2 users only.
        assert!(v2.has_history && !v3.has_history && !weavr.has_history);
        assert_eq!(ProviderApi::WeavrPaymentRun.capabilities(), weavr);
        // Offboarding: everything on v2, deactivation only on Weavr, none
        // where no read could confirm it.
        assert_eq!(v2.offboarding, Reach::Full);
        assert_eq!(weavr.offboarding, Reach::DeactivationOnly);
        assert_eq!(v3.offboarding, Reach::None);
        // An id v3alpha does not know is offered on v2, which reads any user
        // of the instance; both sign in with OIDC, Weavr with a password.
        assert!(v2.reads_instance_users && !v3.reads_instance_users && !weavr.reads_instance_users);
        assert_eq!(v2.sign_in, SignIn::OidcOrAccessToken);
        assert_eq!(v3.sign_in, SignIn::OidcOrAccessToken);
        assert_eq!(weavr.sign_in, SignIn::PasswordOrAuthToken);
    }

    #[test]
    fn all_names_every_api_once() {
        // A new API fails to compile here until it has a place in ALL.
        let place = |api: ProviderApi| match api {
            ProviderApi::ZitadelV2 => 0,
            ProviderApi::ZitadelV3Alpha => 1,
            ProviderApi::WeavrMulti => 2,
            ProviderApi::WeavrPaymentRun => 3,
        };
        let places: Vec<usize> = ProviderApi::ALL.into_iter().map(place).collect();
        assert_eq!(places, [0, 1, 2, 3]);
    }
}
