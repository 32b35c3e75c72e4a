//! Reads of the `users` projection.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::model::{AccessTokenType, Gender, Human, Machine, User, UserKind, UserState, UserType};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// `SELECT` of every column `read_user` needs; the users table is `u`, its org `o`.
pub const SELECT_USER: &str = "SELECT u.id, u.org_id, o.primary_domain, u.username, u.state,
    u.user_type, u.given_name, u.family_name, u.nick_name, u.display_name,
    u.preferred_language, u.gender, u.email, u.email_verified, u.phone, u.phone_verified,
    u.machine_name, u.machine_description, u.access_token_type, u.has_secret,
    u.created_at, u.changed_at, u.sequence, u.locked
    FROM users u JOIN orgs o ON o.id = u.org_id";

/// The user with this id, unless unknown or removed.
pub fn find_user(conn: &Connection, user_id: &str) -> Result<Option<User>, ApiError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT_USER} WHERE u.id = ?1"))?
        .query_row(params![user_id], read_user)
        .optional()?)
}

/// Users ordered by id, at most `limit` of them, and how many there are in all.
pub fn first_users(conn: &Connection, limit: usize) -> Result<(Vec<User>, usize), ApiError> {
    let mut stmt = conn.prepare(&format!("{SELECT_USER} ORDER BY u.id LIMIT ?1"))?;
    let users = stmt
        .query_map(params![limit as i64], read_user)?
        .collect::<Result<Vec<_>, _>>()?;
    let total: i64 = conn.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))?;
    Ok((users, total as usize))
}

/// Maps a row of `SELECT_USER`.
pub fn read_user(row: &Row) -> rusqlite::Result<User> {
    let state_number: i64 = row.get(4)?;
    let state = UserState::from_number(state_number).ok_or_else(|| bad_column(4, "state"))?;
    let kind = if row.get::<_, i64>(5)? == UserType::Machine.number() {
        UserKind::Machine(Machine {
            name: row.get(16)?,
            description: row.get(17)?,
            access_token_type: AccessTokenType::from_number(row.get(18)?),
            has_secret: row.get(19)?,
        })
    } else {
        UserKind::Human(Human {
            given_name: row.get(6)?,
            family_name: row.get(7)?,
            nick_name: row.get(8)?,
            display_name: row.get(9)?,
            preferred_language: row.get(10)?,
            gender: Gender::from_number(row.get(11)?),
            email: row.get(12)?,
            email_verified: row.get(13)?,
            phone: row.get(14)?,
            phone_verified: row.get(15)?,
        })
    };
    let created: String = row.get(20)?;
    let changed: String = row.get(21)?;
    Ok(User {
        id: row.get(0)?,
        org_id: row.get(1)?,
        org_domain: row.get(2)?,
        username: row.get(3)?,
        state,
        locked: row.get(23)?,
        kind,
        created: Timestamp::from_storage(&created).ok_or_else(|| bad_column(20, "created_at"))?,
        changed: Timestamp::from_storage(&changed).ok_or_else(|| bad_column(21, "changed_at"))?,
        sequence: row.get::<_, i64>(22)? as u64,
    })
}

fn bad_column(index: usize, name: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(index, name.to_string(), rusqlite::types::Type::Text)
}
