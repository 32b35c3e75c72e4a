//! Lists that lag behind writes, as on ZITADEL: `GetUserByID` and `GetUserGrantByID`
//! make their projection catch up first (`GetUserByIDWithPermission(ctx, true, …)`,
//! `UserGrant(ctx, true, …)`), `ListUsers` and `ListUserGrants` read the projection as
//! it is (`UserGrants(ctx, queries, false, …)`, `internal/api/grpc/user/v2/query.go`,
//! `internal/api/grpc/management/user_grant.go` at v4.13.1). The sandbox's projections
//! are always current, so a list instead reads them as they were `lag` ago.
//!
//! How: inside a transaction that is always rolled back, TEMP copies of `users` and
//! `user_grants` shadow the real tables (SQLite resolves unqualified names in `temp`
//! first). The users and grants with events newer than the cutoff are rebuilt in the
//! copies from their events up to the cutoff, with the ordinary projection code; the
//! list's own SQL then runs unchanged. Nothing of this outlives the call.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{self, AGGREGATE_USER, AGGREGATE_USER_GRANT};
use crate::projection;
use rusqlite::{params, Connection};
use std::time::Duration;

/// How far a list's view has got: `processedSequence` and the view's timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewPosition {
    pub processed_sequence: u64,
    pub timestamp: Timestamp,
}

/// The tables a lagging list reads, rebuilt in `temp`, and those a replay of a
/// user's events also writes (so that the replay touches only copies).
const LAGGING_TABLES: [&str; 4] = ["users", "user_grants", "sessions", "machine_credentials"];

/// Runs `read` on the projections as they were `lag` ago.
pub fn as_of_lag<T>(
    conn: &mut Connection,
    lag: Duration,
    read: impl FnOnce(&Connection, ViewPosition) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let now = Timestamp::now();
    if lag.is_zero() {
        let position = ViewPosition {
            processed_sequence: events::last_event_id(conn)? as u64,
            timestamp: now,
        };
        return read(conn, position);
    }
    let cutoff = now.plus(-chrono::Duration::milliseconds(lag.as_millis() as i64));
    let position = position_at(conn, cutoff)?;
    let recent = aggregates_changed_after(conn, cutoff)?;
    if recent.is_empty() {
        return read(conn, position);
    }
    let tx = conn.transaction()?;
    for table in LAGGING_TABLES {
        let definition: String = tx.query_row(
            "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
            params![table],
            |row| row.get(0),
        )?;
        // Same columns and defaults; a TEMP table cannot reference `main`'s orgs.
        let temp_definition = definition
            .replacen("CREATE TABLE", "CREATE TEMP TABLE", 1)
            .replace("REFERENCES orgs (id)", "");
        tx.execute_batch(&temp_definition)?;
        tx.execute_batch(&format!(
            "INSERT INTO temp.{table} SELECT * FROM main.{table}"
        ))?;
    }
    // Cached statements were compiled against `main`; new ones must see `temp`.
    tx.flush_prepared_statement_cache();
    let result = rebuild_as_of(&tx, &recent, cutoff).and_then(|()| read(&tx, position));
    tx.flush_prepared_statement_cache();
    // Dropping the transaction rolls it back: the TEMP tables go with it.
    drop(tx);
    result
}

/// (aggregate type, id) of the users and grants with an event after `cutoff`.
fn aggregates_changed_after(
    conn: &Connection,
    cutoff: Timestamp,
) -> Result<Vec<(String, String)>, ApiError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT aggregate_type, aggregate_id FROM events
         WHERE created_at > ?1 AND aggregate_type IN (?2, ?3)",
    )?;
    let rows = stmt.query_map(
        params![cutoff.to_storage(), AGGREGATE_USER, AGGREGATE_USER_GRANT],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Replaces the rows of `recent` in the TEMP tables by their state at `cutoff`.
fn rebuild_as_of(
    conn: &Connection,
    recent: &[(String, String)],
    cutoff: Timestamp,
) -> Result<(), ApiError> {
    for (aggregate_type, aggregate_id) in recent {
        let table = if aggregate_type == AGGREGATE_USER {
            "users"
        } else {
            "user_grants"
        };
        conn.execute(
            &format!("DELETE FROM temp.{table} WHERE id = ?1"),
            params![aggregate_id],
        )?;
        if aggregate_type == AGGREGATE_USER {
            // A user's tokens and keys are events of the user: replayed below.
            conn.execute(
                "DELETE FROM temp.machine_credentials WHERE user_id = ?1",
                params![aggregate_id],
            )?;
        }
        for event in events::events_of(conn, aggregate_type, aggregate_id)? {
            if event.created_at <= cutoff {
                projection::apply(conn, &event)?;
            }
        }
    }
    Ok(())
}

/// How far a projection lagging to `cutoff` has got: its last event and the cutoff.
fn position_at(conn: &Connection, cutoff: Timestamp) -> Result<ViewPosition, ApiError> {
    let processed: i64 = conn.query_row(
        "SELECT COALESCE(MAX(id), 0) FROM events WHERE created_at <= ?1",
        params![cutoff.to_storage()],
        |row| row.get(0),
    )?;
    Ok(ViewPosition {
        processed_sequence: processed as u64,
        timestamp: cutoff,
    })
}
