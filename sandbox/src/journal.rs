//! Writing a change: append its event to the log and apply it to the projections, in
//! the caller's transaction, so the two never disagree. The log (`events`) knows no
//! projection; this module is where the two meet.

use crate::errors::ApiError;
use crate::events::{self, Event, NewEvent};
use crate::projection;
use rusqlite::Connection;

/// Appends `new` to the event store and applies it to the projection of its aggregate.
/// Run it inside a transaction together with the checks that allowed it.
pub fn record(conn: &Connection, new: NewEvent) -> Result<Event, ApiError> {
    let event = events::append(conn, new)?;
    projection::apply(conn, &event)?;
    Ok(event)
}
