//! The data a new database starts with. Ids and tokens are fixed so that tests and the
//! demo can name them. Users reach their states through real events (added, then
//! deactivated, locked…), with times in the recent past.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::event_type;
use crate::model::{AccessTokenType, Gender};
use crate::oidc::crypto;
use crate::{random, weavr};
use chrono::Duration;
use rusqlite::{params, Connection};

mod directory;
mod generated;
mod grants;
mod people;
mod schema_users;
mod sessions;
pub use generated::generated_user_id;
pub use grants::{grant_ids, project_ids, SeedGrant, SeedProject, GRANTS, PROJECTS};
pub use schema_users::SCHEMA_ID as USER_SCHEMA_ID;
pub use sessions::{credential_ids, session_ids};

pub use crate::model::{ACME_ORG_ID, INSTANCE_ID, INSTANCE_NAME};
pub use directory::{ids, schema_user_ids, SeedOrg, ACME, GLOBEX, GLOBEX_ORG_ID};
use people::{
    add_user, added_event, person, person_with_email, service, Profile, SeedUser, ACTIVE, INACTIVE,
    INITIAL, LOCKED,
};
/// Personal access tokens. Sandbox-only values: they are printed at start and are
/// valid nowhere else.
pub const OWNER_TOKEN: &str = "sandbox-owner-pat";
pub const ACME_MANAGER_TOKEN: &str = "sandbox-acme-manager-pat";
pub const VIEWER_TOKEN: &str = "sandbox-viewer-pat";
/// Org user manager of Globex only: no role in ACME nor on the instance.
pub const GLOBEX_MANAGER_TOKEN: &str = "sandbox-globex-manager-pat";

/// People who sign in through the OIDC provider (`oidc`), "Sign in with ZITADEL".
/// Sandbox-only passwords, printed at start like the tokens.
pub const ADMIN_LOGIN_NAME: &str = "admin@acme.example";
pub const ADMIN_PASSWORD: &str = "Sandbox-Password-1";
pub const MANAGER_LOGIN_NAME: &str = "manager@acme.example";
pub const MANAGER_PASSWORD: &str = "Sandbox-Password-1";

/// A person who can sign in, and the role they hold.
pub struct SeedSignIn {
    pub user_id: &'static str,
    /// The user name, which is what they type as login name.
    pub login_name: &'static str,
    pub password: &'static str,
    pub role: &'static str,
    pub resource_id: &'static str,
    pub scope: &'static str,
}

pub const SIGN_INS: [SeedSignIn; 2] = [
    SeedSignIn {
        user_id: ids::ADA_ADMIN,
        login_name: ADMIN_LOGIN_NAME,
        password: ADMIN_PASSWORD,
        role: "IAM_OWNER",
        resource_id: INSTANCE_ID,
        scope: "instance",
    },
    SeedSignIn {
        user_id: ids::MAX_MANAGER,
        login_name: MANAGER_LOGIN_NAME,
        password: MANAGER_PASSWORD,
        role: "ORG_USER_MANAGER",
        resource_id: ACME_ORG_ID,
        scope: "org ACME",
    },
];

/// A seeded token, its user and the role that user holds.
pub struct SeedToken {
    pub token: &'static str,
    pub user_id: &'static str,
    pub username: &'static str,
    pub role: &'static str,
    /// Where the role holds: the instance or one org.
    pub resource_id: &'static str,
    pub scope: &'static str,
}

pub const TOKENS: [SeedToken; 4] = [
    SeedToken {
        token: OWNER_TOKEN,
        user_id: ids::CONSOLE_ADMIN,
        username: "console-admin",
        role: "IAM_OWNER",
        resource_id: INSTANCE_ID,
        scope: "instance",
    },
    SeedToken {
        token: ACME_MANAGER_TOKEN,
        user_id: ids::ACME_USER_MANAGER,
        username: "acme-user-manager",
        role: "ORG_USER_MANAGER",
        resource_id: ACME_ORG_ID,
        scope: "org ACME",
    },
    SeedToken {
        token: VIEWER_TOKEN,
        user_id: ids::AUDITOR,
        username: "auditor",
        role: "IAM_OWNER_VIEWER",
        resource_id: INSTANCE_ID,
        scope: "instance, read only",
    },
    SeedToken {
        token: GLOBEX_MANAGER_TOKEN,
        user_id: ids::GLOBEX_USER_MANAGER,
        username: "globex-user-manager",
        role: "ORG_USER_MANAGER",
        resource_id: GLOBEX_ORG_ID,
        scope: "org Globex",
    },
];

/// The address Chip and Dale share.
pub const SHARED_EMAIL: &str = "rescue-rangers@acme.example.com";

const USERS: [SeedUser; 23] = [
    SeedUser {
        id: ids::MINNIE,
        username: "minnie-mouse",
        org: &ACME,
        profile: person("Minnie", "Mouse", Gender::Female),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::MICKEY,
        username: "mickey-mouse",
        org: &ACME,
        // Every optional profile field set.
        profile: Profile::Person {
            given: "Mickey",
            family: "Mouse",
            display: None,
            gender: Gender::Male,
            nick: "Mick",
            language: "de",
            phone: "+41791234567",
            email: "",
        },
        history: &[event_type::DEACTIVATED, event_type::REACTIVATED],
    },
    SeedUser {
        id: ids::DONALD,
        username: "donald-duck",
        org: &ACME,
        profile: person("Donald", "Duck", Gender::Male),
        history: INACTIVE,
    },
    SeedUser {
        id: ids::DAISY,
        username: "daisy-duck",
        org: &ACME,
        profile: person("Daisy", "Duck", Gender::Female),
        history: LOCKED,
    },
    SeedUser {
        id: ids::GOOFY,
        username: "goofy",
        org: &ACME,
        profile: person("Goofy", "Goof", Gender::Male),
        history: INITIAL,
    },
    SeedUser {
        id: ids::BUILD_BOT,
        username: "build-bot",
        org: &ACME,
        profile: Profile::Service {
            name: "Build Bot",
            description: "CI deployments",
            access_token_type: AccessTokenType::Jwt,
        },
        history: ACTIVE,
    },
    SeedUser {
        id: ids::PLUTO,
        username: "pluto",
        org: &GLOBEX,
        // Added without a language, as ZITADEL allows.
        profile: Profile::Person {
            given: "Pluto",
            family: "Pup",
            display: None,
            gender: Gender::Unspecified,
            nick: "",
            language: "",
            phone: "",
            email: "",
        },
        history: ACTIVE,
    },
    SeedUser {
        id: ids::SCROOGE,
        username: "scrooge-mcduck",
        org: &ACME,
        profile: person("Scrooge", "McDuck", Gender::Male),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::HUEY,
        username: "huey-duck",
        org: &ACME,
        profile: person("Huey", "Duck", Gender::Male),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::DEWEY,
        username: "dewey-duck",
        org: &ACME,
        profile: person("Dewey", "Duck", Gender::Male),
        history: LOCKED,
    },
    SeedUser {
        id: ids::LOUIE,
        username: "louie-duck",
        org: &ACME,
        profile: person("Louie", "Duck", Gender::Male),
        // Locked first, then deactivated: deactivate is allowed from LOCKED.
        history: &[event_type::LOCKED, event_type::DEACTIVATED],
    },
    SeedUser {
        id: ids::MARKUP_TEST,
        username: "markup-test",
        org: &ACME,
        // Shows whether the app escapes what it displays.
        profile: Profile::Person {
            given: "Markup",
            family: "Test",
            display: Some("<img src=x onerror=alert(1)>"),
            gender: Gender::Unspecified,
            nick: "",
            language: "en",
            phone: "",
            email: "",
        },
        history: ACTIVE,
    },
    // Two people sharing one address: a pasted list naming it is ambiguous.
    SeedUser {
        id: ids::CHIP,
        username: "chip",
        org: &ACME,
        profile: person_with_email("Chip", "Rescue", Gender::Male, SHARED_EMAIL),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::DALE,
        username: "dale",
        org: &ACME,
        profile: person_with_email("Dale", "Rescue", Gender::Male, SHARED_EMAIL),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::GYRO,
        username: "gyro-gearloose",
        org: &ACME,
        profile: person("Gyro", "Gearloose", Gender::Male),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::GLADSTONE,
        username: "gladstone-gander",
        org: &ACME,
        profile: person("Gladstone", "Gander", Gender::Male),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::DEPLOY_ROBOT,
        username: "deploy-robot",
        org: &ACME,
        profile: service("Deploy Robot", "Deploys the portal"),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::CONSOLE_ADMIN,
        username: "console-admin",
        org: &ACME,
        profile: service("Console Admin", "Sandbox owner (IAM_OWNER)"),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::ACME_USER_MANAGER,
        username: "acme-user-manager",
        org: &ACME,
        profile: service("ACME User Manager", "Manages the users of ACME"),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::AUDITOR,
        username: "auditor",
        org: &ACME,
        profile: service("Auditor", "Read-only access"),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::ADA_ADMIN,
        username: ADMIN_LOGIN_NAME,
        org: &ACME,
        profile: person("Ada", "Admin", Gender::Female),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::MAX_MANAGER,
        username: MANAGER_LOGIN_NAME,
        org: &ACME,
        profile: person("Max", "Manager", Gender::Male),
        history: ACTIVE,
    },
    SeedUser {
        id: ids::GLOBEX_USER_MANAGER,
        username: "globex-user-manager",
        org: &GLOBEX,
        profile: service("Globex User Manager", "Manages the users of Globex"),
        history: ACTIVE,
    },
];

/// Fills a new database: orgs, projects, users, grants, tokens, passwords,
/// memberships, the Weavr data, and `extra_users` generated users. Runs inside the
/// transaction that created the schema.
pub fn seed(conn: &Connection, extra_users: u32, now: Timestamp) -> Result<(), ApiError> {
    // The orgs exist before anything in them.
    let orgs_created = now.plus(-Duration::days(8)).to_storage();
    for org in [&ACME, &GLOBEX] {
        conn.execute(
            "INSERT INTO orgs (id, name, primary_domain, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![org.id, org.name, org.domain, orgs_created],
        )?;
    }
    for project in &PROJECTS {
        conn.execute(
            "INSERT INTO projects (id, org_id, name) VALUES (?1, ?2, ?3)",
            params![project.id, project.org.id, project.name],
        )?;
    }

    let week_ago = now.plus(-Duration::days(7));
    for (k, user) in USERS.iter().enumerate() {
        let k = k as i64;
        let added_at = week_ago.plus(Duration::minutes(41 * k) + Duration::milliseconds(137 * k));
        let step = Duration::days(1) + Duration::minutes(7 * k);
        let added = added_event(user.username, user.org, &user.profile);
        add_user(
            conn,
            user.id,
            user.org.id,
            added,
            added_at,
            user.history,
            step,
        )?;
    }

    for token in &TOKENS {
        conn.execute(
            "INSERT INTO personal_access_tokens (token, user_id) VALUES (?1, ?2)",
            params![token.token, token.user_id],
        )?;
        conn.execute(
            "INSERT INTO memberships (user_id, resource_id, role, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![token.user_id, token.resource_id, token.role, orgs_created],
        )?;
    }

    for person in &SIGN_INS {
        let salt = random::hex(16);
        conn.execute(
            "INSERT INTO user_passwords (user_id, salt, hash) VALUES (?1, ?2, ?3)",
            params![
                person.user_id,
                salt,
                crypto::password_hash(&salt, person.password)
            ],
        )?;
        conn.execute(
            "INSERT INTO memberships (user_id, resource_id, role, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                person.user_id,
                person.resource_id,
                person.role,
                orgs_created
            ],
        )?;
    }

    grants::seed(conn, week_ago.plus(Duration::days(1)))?;
    sessions::seed(conn, now)?;
    schema_users::seed(conn, now)?;
    weavr::seed::seed(conn, now)?;
    generated::seed(conn, extra_users, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_do_not_collide_with_fixed_ones() {
        assert_eq!(generated_user_id(1), "226000001000000001");
        assert!(USERS.iter().all(|u| u.id < generated_user_id(1).as_str()));
    }
}
