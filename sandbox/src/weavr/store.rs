//! Weavr authorised users in the database: the `weavr_users` projection of the
//! `weavr_user` events, its reads, and the auth tokens. The commands are in `commands`.

use super::wire::{Product, Profile};
use crate::errors::ApiError;
use crate::events::{event_type, Event};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Payload of `weavr.user.added`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserAdded {
    pub product: String,
    pub profile: Profile,
}

/// A user as the projection holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeavrUser {
    pub profile: Profile,
    pub active: bool,
    /// Per-user sequence of the last event.
    pub sequence: u64,
}

/// The aggregate id of a user of one product: `<product>:<user id>`.
pub fn aggregate_id(product: Product, user_id: &str) -> String {
    format!("{}:{user_id}", product.key())
}

/// Applies one `weavr_user` event to the projection.
pub fn apply(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    let set_active = |active: bool| -> Result<(), ApiError> {
        conn.prepare_cached(
            "UPDATE weavr_users SET active = ?1, sequence = ?2 WHERE aggregate_id = ?3",
        )?
        .execute(params![active, event.sequence as i64, event.aggregate_id])?;
        Ok(())
    };
    match event.event_type.as_str() {
        event_type::WEAVR_USER_ADDED => {
            let added: UserAdded =
                serde_json::from_value(event.payload.clone()).map_err(|err| {
                    ApiError::internal(format!(
                        "event {} has an unreadable payload: {err}",
                        event.id
                    ))
                })?;
            let profile = serde_json::to_string(&added.profile)
                .map_err(|err| ApiError::internal(format!("profile: {err}")))?;
            conn.prepare_cached(
                "INSERT INTO weavr_users (aggregate_id, product, id, email, active, profile, sequence)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
            )?
            .execute(params![
                event.aggregate_id,
                added.product,
                added.profile.id,
                added.profile.email,
                profile,
                event.sequence as i64,
            ])?;
            Ok(())
        }
        event_type::WEAVR_USER_DEACTIVATED => set_active(false),
        event_type::WEAVR_USER_ACTIVATED => set_active(true),
        _ => Ok(()),
    }
}

fn read_user(row: &rusqlite::Row) -> rusqlite::Result<WeavrUser> {
    let profile: String = row.get(0)?;
    Ok(WeavrUser {
        profile: serde_json::from_str(&profile).map_err(|_| {
            rusqlite::Error::InvalidColumnType(0, "profile".into(), rusqlite::types::Type::Text)
        })?,
        active: row.get(1)?,
        sequence: row.get::<_, i64>(2)? as u64,
    })
}

pub fn find_user(
    conn: &Connection,
    product: Product,
    user_id: &str,
) -> Result<Option<WeavrUser>, ApiError> {
    Ok(conn
        .prepare_cached(
            "SELECT profile, active, sequence FROM weavr_users WHERE product = ?1 AND id = ?2",
        )?
        .query_row(params![product.key(), user_id], read_user)
        .optional()?)
}

/// Filters and paging of `usersGet`.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub active: Option<bool>,
    pub email: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

/// One page of users ordered by id, and how many match in all.
pub fn list_users(
    conn: &Connection,
    product: Product,
    filter: &ListFilter,
) -> Result<(Vec<WeavrUser>, u64), ApiError> {
    const WHERE: &str = "WHERE product = ?1 AND (?2 IS NULL OR active = ?2)
        AND (?3 IS NULL OR lower(email) = lower(?3))";
    let email = filter.email.as_deref();
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM weavr_users {WHERE}"),
        params![product.key(), filter.active, email],
        |row| row.get(0),
    )?;
    let users = conn
        .prepare(&format!(
            "SELECT profile, active, sequence FROM weavr_users {WHERE} ORDER BY id LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(
            params![product.key(), filter.active, email, filter.limit, filter.offset],
            read_user,
        )?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((users, total as u64))
}

/// Who holds a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub token: String,
    pub user_id: String,
    pub roles: Vec<String>,
    /// Seeded tokens stay valid after logout, so tests can keep using them.
    pub seeded: bool,
}

impl TokenHolder {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// The holder of `token` on `product`. The token of a user who is deactivated in that
/// product stops working, as the user may no longer act with their credentials.
pub fn token_holder(
    conn: &Connection,
    product: Product,
    token: &str,
) -> Result<Option<TokenHolder>, ApiError> {
    let holder = conn
        .prepare_cached(
            "SELECT t.user_id, t.roles, t.seeded FROM weavr_tokens t
             WHERE t.token = ?1 AND (t.product IS NULL OR t.product = ?2)
               AND NOT EXISTS (SELECT 1 FROM weavr_users w
                               WHERE w.product = ?2 AND w.id = t.user_id AND w.active = 0)",
        )?
        .query_row(params![token, product.key()], |row| {
            let roles: String = row.get(1)?;
            Ok(TokenHolder {
                token: token.to_string(),
                user_id: row.get(0)?,
                roles: serde_json::from_str(&roles).unwrap_or_default(),
                seeded: row.get(2)?,
            })
        })
        .optional()?;
    Ok(holder)
}

/// Stores a token; `product` `None` makes it valid on both products.
pub fn add_token(
    conn: &Connection,
    token: &str,
    product: Option<Product>,
    user_id: &str,
    roles: &[&str],
    seeded: bool,
) -> Result<(), ApiError> {
    let roles = serde_json::to_string(roles).unwrap_or_else(|_| "[]".to_string());
    conn.prepare_cached(
        "INSERT INTO weavr_tokens (token, product, user_id, roles, seeded) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![token, product.map(Product::key), user_id, roles, seeded])?;
    Ok(())
}

/// Ends a session: the token stops working (seeded tokens excepted).
pub fn remove_token(conn: &Connection, token: &str) -> Result<(), ApiError> {
    conn.prepare_cached("DELETE FROM weavr_tokens WHERE token = ?1 AND seeded = 0")?
        .execute(params![token])?;
    Ok(())
}
