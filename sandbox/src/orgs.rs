//! Reads of the organizations: reference data from the seed, always active, never
//! changed (so no events).

use crate::clock::Timestamp;
use crate::errors::ApiError;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub primary_domain: String,
    pub created: Timestamp,
}

/// `SELECT` of every column `read_org` needs; the orgs table is `o`.
pub const SELECT_ORG: &str = "SELECT o.id, o.name, o.primary_domain, o.created_at FROM orgs o";

pub fn read_org(row: &Row) -> rusqlite::Result<Org> {
    let created: String = row.get(3)?;
    Ok(Org {
        id: row.get(0)?,
        name: row.get(1)?,
        primary_domain: row.get(2)?,
        created: Timestamp::from_storage(&created).ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(
                3,
                "created_at".to_string(),
                rusqlite::types::Type::Text,
            )
        })?,
    })
}

pub fn find_org(conn: &Connection, org_id: &str) -> Result<Option<Org>, ApiError> {
    Ok(conn
        .prepare_cached(&format!("{SELECT_ORG} WHERE o.id = ?1"))?
        .query_row(params![org_id], read_org)
        .optional()?)
}
