//! JSON shapes of `zitadel.object.v2` that more than one v2 API answers with.

use super::{is_zero, u64_as_string};
use crate::clock::Timestamp;
use crate::events::Event;
use crate::model::User;
use serde::Serialize;

/// `zitadel.object.v2.Details`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_date: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
}

impl Details {
    /// On reads: the last event the projection processed, plus the creation time.
    pub fn of_user(user: &User) -> Self {
        Details {
            sequence: user.sequence,
            change_date: Some(user.changed.to_wire()),
            resource_owner: user.org_id.clone(),
            creation_date: Some(user.created.to_wire()),
        }
    }

    /// After a command: the event it wrote (ZITADEL's `DomainToDetailsPb`, which has no
    /// creation date).
    pub fn of_event(event: &Event) -> Self {
        Details {
            sequence: event.sequence,
            change_date: Some(event.created_at.to_wire()),
            resource_owner: event.resource_owner.clone(),
            creation_date: None,
        }
    }
}

/// `zitadel.object.v2.ListDetails`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDetails {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub total_result: u64,
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub processed_sequence: u64,
    pub timestamp: String,
}

impl ListDetails {
    pub fn new(total_result: u64, processed_sequence: u64, timestamp: Timestamp) -> Self {
        ListDetails {
            total_result,
            processed_sequence,
            timestamp: timestamp.to_wire(),
        }
    }
}
