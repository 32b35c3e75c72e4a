//! The provider's tables: passwords, authorization codes, access tokens (see `db.rs`).
//! Times are Unix milliseconds.

use super::crypto;
use crate::errors::ApiError;
use crate::model::{User, UserState};
use crate::users;
use rusqlite::{params, Connection, OptionalExtension};

/// What an authorization code stands for: everything the authorization request said,
/// who signed in, and in which browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub session: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub scope: String,
    pub user_id: String,
    /// When the person signed in (the `auth_time` claim).
    pub auth_time: i64,
}

/// The user signing in with `login_name` and `password`, if both are right and the
/// user may sign in (ACTIVE or INITIAL, as for tokens). The login name is the user
/// name or the full login name `<user name>@<org domain>`, in any case, as ZITADEL
/// matches login names.
pub fn check_password(
    conn: &Connection,
    login_name: &str,
    password: &str,
) -> Result<Option<User>, ApiError> {
    let login_name = login_name.trim().to_lowercase();
    let found: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT u.id, p.salt, p.hash FROM users u
             JOIN orgs o ON o.id = u.org_id
             JOIN user_passwords p ON p.user_id = u.id
             WHERE fold(u.username) = ?1 OR fold(u.username || '@' || o.primary_domain) = ?1",
        )?
        .query_row(params![login_name], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((user_id, salt, hash)) = found else {
        return Ok(None);
    };
    if crypto::password_hash(&salt, password) != hash {
        return Ok(None);
    }
    let user = users::find_user(conn, &user_id)?;
    Ok(user.filter(|user| matches!(user.state, UserState::Active | UserState::Initial)))
}

/// Stores a new code for `grant`, valid until `expires_at`. Codes that expired are
/// dropped on the way.
pub fn save_code(
    conn: &Connection,
    code: &str,
    grant: &Grant,
    expires_at: i64,
    now: i64,
) -> Result<(), ApiError> {
    conn.execute(
        "DELETE FROM oidc_codes WHERE expires_at <= ?1",
        params![now],
    )?;
    conn.execute(
        "INSERT INTO oidc_codes (code, client_id, redirect_uri, code_challenge, nonce, scope,
             user_id, auth_time, expires_at, session)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            code,
            grant.client_id,
            grant.redirect_uri,
            grant.code_challenge,
            grant.nonce,
            grant.scope,
            grant.user_id,
            grant.auth_time,
            expires_at,
            grant.session
        ],
    )?;
    Ok(())
}

/// What presenting a code to the token endpoint found.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeUse {
    /// First use: the code is now spent.
    Fresh(Grant),
    /// Used before: the tokens it gave are revoked (RFC 6749 §4.1.2).
    Replayed,
    /// Unknown or expired.
    Unknown,
}

/// Spends `code`. Any presentation spends it, even one that then fails (wrong
/// verifier, wrong redirect URI): a code is worth one try.
pub fn take_code(conn: &Connection, code: &str, now: i64) -> Result<CodeUse, ApiError> {
    let found: Option<(Grant, bool)> = conn
        .prepare_cached(
            "SELECT client_id, redirect_uri, code_challenge, nonce, scope, user_id, auth_time,
                 used, session
             FROM oidc_codes WHERE code = ?1 AND expires_at > ?2",
        )?
        .query_row(params![code, now], |row| {
            Ok((
                Grant {
                    client_id: row.get(0)?,
                    redirect_uri: row.get(1)?,
                    code_challenge: row.get(2)?,
                    nonce: row.get(3)?,
                    scope: row.get(4)?,
                    user_id: row.get(5)?,
                    auth_time: row.get(6)?,
                    session: row.get(8)?,
                },
                row.get(7)?,
            ))
        })
        .optional()?;
    match found {
        None => Ok(CodeUse::Unknown),
        Some((_, true)) => {
            conn.execute("DELETE FROM oidc_tokens WHERE code = ?1", params![code])?;
            Ok(CodeUse::Replayed)
        }
        Some((grant, false)) => {
            conn.execute(
                "UPDATE oidc_codes SET used = 1 WHERE code = ?1",
                params![code],
            )?;
            Ok(CodeUse::Fresh(grant))
        }
    }
}

/// Stores an access token issued for `grant` in exchange for `code`.
pub fn save_token(
    conn: &Connection,
    token: &str,
    grant: &Grant,
    code: &str,
    expires_at: i64,
) -> Result<(), ApiError> {
    conn.execute(
        "INSERT INTO oidc_tokens (token, user_id, client_id, scope, code, expires_at, session)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            token,
            grant.user_id,
            grant.client_id,
            grant.scope,
            code,
            expires_at,
            grant.session
        ],
    )?;
    Ok(())
}

/// An access token that has neither expired nor been revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub user_id: String,
    pub client_id: String,
    pub scope: String,
}

pub fn find_token(
    conn: &Connection,
    token: &str,
    now: i64,
) -> Result<Option<IssuedToken>, ApiError> {
    Ok(conn
        .prepare_cached(
            "SELECT user_id, client_id, scope FROM oidc_tokens
             WHERE token = ?1 AND expires_at > ?2",
        )?
        .query_row(params![token, now], |row| {
            Ok(IssuedToken {
                user_id: row.get(0)?,
                client_id: row.get(1)?,
                scope: row.get(2)?,
            })
        })
        .optional()?)
}

/// Logout: revokes the tokens issued to `client_id` for `user_id` or in the browser
/// session `session`; returns how many.
pub fn revoke_tokens(
    conn: &Connection,
    client_id: &str,
    user_id: Option<&str>,
    session: Option<&str>,
) -> Result<usize, ApiError> {
    Ok(conn.execute(
        "DELETE FROM oidc_tokens WHERE client_id = ?1 AND (user_id = ?2 OR session = ?3)",
        params![client_id, user_id, session],
    )?)
}

/// Makes `token`, or every access token when `None`, expire at `now` (tests of an
/// expired session). Returns how many were valid until then.
pub fn expire_tokens(conn: &Connection, token: Option<&str>, now: i64) -> Result<usize, ApiError> {
    Ok(conn.execute(
        "UPDATE oidc_tokens SET expires_at = ?1
         WHERE expires_at > ?1 AND (?2 IS NULL OR token = ?2)",
        params![now, token],
    )?)
}
