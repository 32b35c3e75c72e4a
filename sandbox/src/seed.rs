//! The data a new database starts with. Ids and tokens are fixed so that tests and the
//! demo can name them. Users reach their states through real events (added, then
//! deactivated, locked…), with times in the recent past.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{self, event_type, HumanAdded, MachineAdded, NewEvent, AGGREGATE_USER};
use crate::journal;
use crate::model::{AccessTokenType, Gender, Human, Machine};
use crate::{oidc, random, weavr};
use chrono::Duration;
use rusqlite::{params, Connection};

mod generated;
mod grants;
mod schema_users;
pub use generated::generated_user_id;
pub use grants::{grant_ids, project_ids, SeedGrant, SeedProject, GRANTS, PROJECTS};
pub use schema_users::SCHEMA_ID as USER_SCHEMA_ID;

pub use crate::model::{ACME_ORG_ID, INSTANCE_ID, INSTANCE_NAME};
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

/// Personal access tokens. Sandbox-only values: they are printed at start and are
/// valid nowhere else.
pub const OWNER_TOKEN: &str = "sandbox-owner-pat";
pub const ACME_MANAGER_TOKEN: &str = "sandbox-acme-manager-pat";
pub const VIEWER_TOKEN: &str = "sandbox-viewer-pat";
/// Org user manager of Globex only: no role in ACME nor on the instance.
pub const GLOBEX_MANAGER_TOKEN: &str = "sandbox-globex-manager-pat";

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
    pub const CONSOLE_ADMIN: &str = "226000000000000100";
    pub const ACME_USER_MANAGER: &str = "226000000000000101";
    pub const AUDITOR: &str = "226000000000000102";
    pub const ADA_ADMIN: &str = "226000000000000103";
    pub const MAX_MANAGER: &str = "226000000000000104";
    pub const GLOBEX_USER_MANAGER: &str = "226000000000000105";
}

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

enum Profile {
    Person {
        given: &'static str,
        family: &'static str,
        display: Option<&'static str>,
        gender: Gender,
        /// Empty: not set; ZITADEL then still writes `nickName: ""`.
        nick: &'static str,
        /// Empty: none chosen; ZITADEL then writes `preferredLanguage: "und"`.
        language: &'static str,
        /// Empty: none; ZITADEL then writes `phone: {}`. A seeded phone is verified.
        phone: &'static str,
    },
    Service {
        name: &'static str,
        description: &'static str,
        access_token_type: AccessTokenType,
    },
}

struct SeedUser {
    id: &'static str,
    username: &'static str,
    org: &'static SeedOrg,
    profile: Profile,
    /// Events after the user was added; they decide the current state.
    history: &'static [&'static str],
}

const ACTIVE: &[&str] = &[];
const INACTIVE: &[&str] = &[event_type::DEACTIVATED];
const LOCKED: &[&str] = &[event_type::LOCKED];
const INITIAL: &[&str] = &[event_type::INIT_CODE_ADDED];

const fn person(given: &'static str, family: &'static str, gender: Gender) -> Profile {
    Profile::Person {
        given,
        family,
        display: None,
        gender,
        nick: "",
        language: "en",
        phone: "",
    }
}

const fn service(name: &'static str, description: &'static str) -> Profile {
    Profile::Service {
        name,
        description,
        access_token_type: AccessTokenType::Bearer,
    }
}

const USERS: [SeedUser; 18] = [
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
        },
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
                oidc::crypto::password_hash(&salt, person.password)
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
    schema_users::seed(conn, now)?;
    weavr::seed::seed(conn, now)?;
    generated::seed(conn, extra_users, now)
}

fn added_event(
    username: &str,
    org: &SeedOrg,
    profile: &Profile,
) -> (&'static str, serde_json::Value) {
    let payload = match profile {
        Profile::Person {
            given,
            family,
            display,
            gender,
            nick,
            language,
            phone,
        } => serde_json::to_value(HumanAdded {
            username: username.to_string(),
            human: Human {
                given_name: given.to_string(),
                family_name: family.to_string(),
                display_name: display.map_or_else(|| format!("{given} {family}"), str::to_string),
                nick_name: nick.to_string(),
                preferred_language: language.to_string(),
                gender: *gender,
                phone: phone.to_string(),
                phone_verified: !phone.is_empty(),
                // A user named by an email address has that address.
                email: if username.contains('@') {
                    username.to_string()
                } else {
                    format!("{username}@{}", org.domain)
                },
                email_verified: true,
            },
        }),
        Profile::Service {
            name,
            description,
            access_token_type,
        } => serde_json::to_value(MachineAdded {
            username: username.to_string(),
            machine: Machine {
                name: name.to_string(),
                description: description.to_string(),
                access_token_type: *access_token_type,
                has_secret: false,
            },
        }),
    };
    let event_type = match profile {
        Profile::Person { .. } => event_type::HUMAN_ADDED,
        Profile::Service { .. } => event_type::MACHINE_ADDED,
    };
    // Serialising plain structs of strings cannot fail.
    (event_type, payload.unwrap_or_default())
}

/// Writes the "added" event and then each event of `history`, `step` apart.
fn add_user(
    conn: &Connection,
    user_id: &str,
    org_id: &str,
    (added_type, payload): (&'static str, serde_json::Value),
    added_at: Timestamp,
    history: &[&'static str],
    step: Duration,
) -> Result<(), ApiError> {
    let event = |event_type, payload, at| NewEvent {
        aggregate_type: AGGREGATE_USER,
        aggregate_id: user_id,
        resource_owner: org_id,
        event_type,
        actor: events::SYSTEM_ACTOR,
        reason: None,
        payload,
        at: Some(at),
    };
    journal::record(conn, event(added_type, payload, added_at))?;
    let mut at = added_at;
    for event_type in history {
        at = at.plus(step);
        journal::record(conn, event(event_type, serde_json::json!({}), at))?;
    }
    Ok(())
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
