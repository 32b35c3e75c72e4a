//! JSON shapes of `zitadel.v1` and `zitadel.org.v1` that more than one v1 API answers
//! with (management and auth), written as grpc-gateway writes them.

use super::{is_zero, u64_as_string};
use crate::clock::Timestamp;
use crate::events::Event;
use crate::orgs::Org;
use crate::user_grants::Grant;
use serde::Serialize;

/// `zitadel.v1.ObjectDetails`. Which fields are set depends on ZITADEL's converter.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectDetails {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_date: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_owner: String,
}

impl ObjectDetails {
    /// `DomainToChangeDetailsPb` after a write: the event written, no creation date.
    pub fn of_change(event: &Event) -> Self {
        ObjectDetails {
            sequence: event.sequence,
            creation_date: None,
            change_date: Some(event.created_at.to_wire()),
            resource_owner: event.resource_owner.clone(),
        }
    }

    /// The same converter when an idempotent repeat wrote nothing: the grant's last
    /// event, i.e. the details are unchanged.
    pub fn unchanged(grant: &Grant) -> Self {
        ObjectDetails {
            sequence: grant.sequence,
            creation_date: None,
            change_date: Some(grant.changed.to_wire()),
            resource_owner: grant.org_id.clone(),
        }
    }

    /// `ToViewDetailsPb` on reads: all four fields.
    pub fn of_view(grant: &Grant) -> Self {
        ObjectDetails {
            sequence: grant.sequence,
            creation_date: Some(grant.created.to_wire()),
            change_date: Some(grant.changed.to_wire()),
            resource_owner: grant.org_id.clone(),
        }
    }
}

/// `zitadel.v1.ListDetails`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDetails {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub total_result: u64,
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub processed_sequence: u64,
    pub view_timestamp: String,
}

impl ListDetails {
    pub fn new(total_result: u64, processed_sequence: u64, at: Timestamp) -> Self {
        ListDetails {
            total_result,
            processed_sequence,
            view_timestamp: at.to_wire(),
        }
    }
}

/// `zitadel.org.v1.Org`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgJson {
    pub id: String,
    pub details: ObjectDetails,
    pub state: &'static str,
    pub name: String,
    pub primary_domain: String,
}

impl From<&Org> for OrgJson {
    fn from(org: &Org) -> Self {
        OrgJson {
            id: org.id.clone(),
            // An org owns itself. The sandbox's orgs have no events, so no sequence,
            // and they never changed since their creation.
            details: ObjectDetails {
                sequence: 0,
                creation_date: Some(org.created.to_wire()),
                change_date: Some(org.created.to_wire()),
                resource_owner: org.id.clone(),
            },
            state: "ORG_STATE_ACTIVE",
            name: org.name.clone(),
            primary_domain: org.primary_domain.clone(),
        }
    }
}

/// Response of the auth API's `ListMyProjectOrgs`.
#[derive(Debug, Serialize)]
pub struct ListOrgsResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<OrgJson>,
}
