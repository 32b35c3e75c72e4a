//! The seeded sign-in sessions and service users' tokens and keys, written through the
//! same commands as a sign-in (`session_commands`) and as ZITADEL writes them.

use super::directory::ids;
use crate::clock::Timestamp;
use crate::credential_commands::{self, NewCredential};
use crate::errors::ApiError;
use crate::events::SYSTEM_ACTOR;
use crate::machine_credentials::CredentialKind;
use crate::session_commands;
use crate::users;
use chrono::Duration;
use rusqlite::Connection;

/// Ids of the seeded sessions (the tests name them).
pub mod session_ids {
    pub const MINNIE_LAPTOP: &str = "80000000000000001";
    pub const MICKEY_PHONE: &str = "80000000000000002";
    pub const PLUTO_LAPTOP: &str = "80000000000000003";
    pub const GYRO_LAPTOP: &str = "80000000000000004";
    pub const GYRO_PHONE: &str = "80000000000000005";
    pub const GLADSTONE_LAPTOP: &str = "80000000000000006";
    pub const GLADSTONE_PHONE: &str = "80000000000000007";
}

/// Ids of the seeded personal access tokens and keys.
pub mod credential_ids {
    pub const DEPLOY_ROBOT_PAT_CI: &str = "81000000000000001";
    pub const DEPLOY_ROBOT_PAT_OPS: &str = "81000000000000002";
    pub const DEPLOY_ROBOT_KEY_1: &str = "82000000000000001";
    pub const DEPLOY_ROBOT_KEY_2: &str = "82000000000000002";
}

const LAPTOP: &str = "Firefox on Linux";
const PHONE: &str = "Safari on iOS";

const SESSIONS: [(&str, &str, &str); 7] = [
    (session_ids::MINNIE_LAPTOP, ids::MINNIE, LAPTOP),
    (session_ids::MICKEY_PHONE, ids::MICKEY, PHONE),
    (session_ids::PLUTO_LAPTOP, ids::PLUTO, LAPTOP),
    (session_ids::GYRO_LAPTOP, ids::GYRO, LAPTOP),
    (session_ids::GYRO_PHONE, ids::GYRO, PHONE),
    (session_ids::GLADSTONE_LAPTOP, ids::GLADSTONE, LAPTOP),
    (session_ids::GLADSTONE_PHONE, ids::GLADSTONE, PHONE),
];

/// (id, kind, user, scopes)
const CREDENTIALS: [(&str, CredentialKind, &str, &[&str]); 4] = [
    (
        credential_ids::DEPLOY_ROBOT_PAT_CI,
        CredentialKind::PersonalAccessToken,
        ids::DEPLOY_ROBOT,
        &["openid"],
    ),
    (
        credential_ids::DEPLOY_ROBOT_PAT_OPS,
        CredentialKind::PersonalAccessToken,
        ids::DEPLOY_ROBOT,
        &["openid", "profile"],
    ),
    (
        credential_ids::DEPLOY_ROBOT_KEY_1,
        CredentialKind::Key,
        ids::DEPLOY_ROBOT,
        &[],
    ),
    (
        credential_ids::DEPLOY_ROBOT_KEY_2,
        CredentialKind::Key,
        ids::DEPLOY_ROBOT,
        &[],
    ),
];

/// Sessions begin two days ago, an hour apart; tokens and keys were added three days
/// ago and expire in a year.
pub(super) fn seed(conn: &Connection, now: Timestamp) -> Result<(), ApiError> {
    let find = |user_id: &str| {
        users::find_user(conn, user_id)?
            .ok_or_else(|| ApiError::internal(format!("seeded user {user_id} is missing")))
    };
    for (k, (session_id, user_id, agent)) in SESSIONS.iter().enumerate() {
        let at = now.plus(-Duration::days(2) + Duration::hours(k as i64));
        let user = find(user_id)?;
        session_commands::add_session(conn, session_id, SYSTEM_ACTOR, &user, agent, Some(at))?;
    }
    for (k, (id, kind, user_id, scopes)) in CREDENTIALS.iter().enumerate() {
        let at = now.plus(-Duration::days(3) + Duration::minutes(k as i64));
        let user = find(user_id)?;
        let credential = NewCredential {
            kind: *kind,
            id,
            expires: now.plus(Duration::days(365)),
            scopes,
        };
        credential_commands::add_credential(conn, SYSTEM_ACTOR, &user, credential, Some(at))?;
    }
    Ok(())
}
