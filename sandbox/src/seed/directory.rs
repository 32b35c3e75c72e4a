//! Who the seed creates, by id: the orgs, the users and the schema users. Tests and the
//! seed's parts name them from here.

use crate::model::ACME_ORG_ID;

pub const GLOBEX_ORG_ID: &str = "69629023906488335";

pub struct SeedOrg {
    pub id: &'static str,
    pub name: &'static str,
    pub domain: &'static str,
}

pub const ACME: SeedOrg = SeedOrg {
    id: ACME_ORG_ID,
    name: "ACME",
    domain: "acme.example.com",
};
pub const GLOBEX: SeedOrg = SeedOrg {
    id: GLOBEX_ORG_ID,
    name: "Globex",
    domain: "globex.example.com",
};

/// Ids of the seeded schema users of the v3alpha user resource (`crate::schema_users`):
/// v2 and management v1 never see them.
pub mod schema_user_ids {
    /// Active, ACME.
    pub const SCARLETT: &str = "326000000000000001";
    /// Inactive, ACME.
    pub const ROSE: &str = "326000000000000002";
    /// Locked (and active), ACME.
    pub const RUBY: &str = "326000000000000003";
    /// Active, ACME; tests may delete it.
    pub const AMBER: &str = "326000000000000004";
    /// Active, Globex.
    pub const JADE: &str = "326000000000000005";
}

/// Ids of the seeded users.
pub mod ids {
    pub const MINNIE: &str = "226000000000000001";
    pub const MICKEY: &str = "226000000000000002";
    pub const DONALD: &str = "226000000000000003";
    pub const DAISY: &str = "226000000000000004";
    pub const GOOFY: &str = "226000000000000005";
    pub const BUILD_BOT: &str = "226000000000000006";
    pub const PLUTO: &str = "226000000000000007";
    pub const SCROOGE: &str = "226000000000000008";
    pub const HUEY: &str = "226000000000000009";
    pub const DEWEY: &str = "226000000000000010";
    pub const LOUIE: &str = "226000000000000011";
    pub const MARKUP_TEST: &str = "226000000000000012";
    /// Offboarding: two sessions, an active and an inactive grant (the e2e journey).
    pub const GYRO: &str = "226000000000000013";
    /// Offboarding: two sessions and two active grants (the wasm tests).
    pub const GLADSTONE: &str = "226000000000000014";
    /// Offboarding a service user: personal access tokens, keys and a grant.
    pub const DEPLOY_ROBOT: &str = "226000000000000015";
    pub const CHIP: &str = "226000000000000016";
    pub const DALE: &str = "226000000000000017";
    pub const CONSOLE_ADMIN: &str = "226000000000000100";
    pub const ACME_USER_MANAGER: &str = "226000000000000101";
    pub const AUDITOR: &str = "226000000000000102";
    pub const ADA_ADMIN: &str = "226000000000000103";
    pub const MAX_MANAGER: &str = "226000000000000104";
    pub const GLOBEX_USER_MANAGER: &str = "226000000000000105";
}
