//! The Weavr user commands: activate and deactivate an authorised user.

use super::store::{aggregate_id, find_user};
use super::wire::Product;
use crate::errors::ApiError;
use crate::events::{event_type, NewEvent, AGGREGATE_WEAVR_USER};
use crate::journal;
use rusqlite::{Connection, TransactionBehavior};

/// What `set_active` did.
#[derive(Debug, Clone, PartialEq)]
pub enum ActiveChange {
    NotFound,
    /// The user already had that state: nothing written.
    Unchanged,
    /// The sequence of the event written.
    Written(u64),
}

/// Activates or deactivates a user of `product`, checks and write in one transaction.
pub fn set_active(
    conn: &mut Connection,
    actor: &str,
    product: Product,
    user_id: &str,
    active: bool,
) -> Result<ActiveChange, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(user) = find_user(&tx, product, user_id)? else {
        return Ok(ActiveChange::NotFound);
    };
    if user.active == active {
        return Ok(ActiveChange::Unchanged);
    }
    let owner = user
        .profile
        .identity
        .as_ref()
        .map(|identity| identity.id.clone())
        .or(user.profile.buyer_id.clone())
        .unwrap_or_default();
    let event = journal::record(
        &tx,
        NewEvent {
            aggregate_type: AGGREGATE_WEAVR_USER,
            aggregate_id: &aggregate_id(product, user_id),
            resource_owner: &owner,
            event_type: if active {
                event_type::WEAVR_USER_ACTIVATED
            } else {
                event_type::WEAVR_USER_DEACTIVATED
            },
            actor,
            reason: None,
            payload: serde_json::json!({}),
            at: None,
        },
    )?;
    tx.commit()?;
    Ok(ActiveChange::Written(event.sequence))
}
