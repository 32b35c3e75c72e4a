//! JSON shapes of `zitadel.object.v2` that more than one v2 API answers with.

use super::{is_zero, u64_as_string};
use crate::clock::Timestamp;
use serde::Serialize;

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
