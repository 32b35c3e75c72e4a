//! The seeded projects and user grants: reference data (projects) and grants brought
//! into their states through real events.

use super::directory::{ids, SeedOrg, ACME, GLOBEX};
use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{self, event_type, NewEvent, AGGREGATE_USER_GRANT};
use crate::journal;
use crate::user_grants::GrantAdded;
use chrono::Duration;
use rusqlite::Connection;

/// Projects the seeded user grants are on. Reference data, like the orgs.
pub struct SeedProject {
    pub id: &'static str,
    pub org: &'static SeedOrg,
    pub name: &'static str,
}

pub mod project_ids {
    pub const PORTAL: &str = "69629099999999999";
    pub const BILLING: &str = "69629099999999998";
    pub const GLOBEX_INTRANET: &str = "69629099999999997";
}

pub const PROJECTS: [SeedProject; 3] = [
    SeedProject {
        id: project_ids::PORTAL,
        org: &ACME,
        name: "Portal",
    },
    SeedProject {
        id: project_ids::BILLING,
        org: &ACME,
        name: "Billing",
    },
    SeedProject {
        id: project_ids::GLOBEX_INTRANET,
        org: &GLOBEX,
        name: "Globex Intranet",
    },
];

/// Ids of the seeded user grants (the app's tests name them).
pub mod grant_ids {
    pub const MINNIE_PORTAL: &str = "70000000000000001";
    pub const MINNIE_BILLING: &str = "70000000000000002";
    pub const MICKEY_PORTAL: &str = "70000000000000003";
    pub const PLUTO_INTRANET: &str = "70000000000000004";
    pub const SCROOGE_PORTAL: &str = "70000000000000005";
    pub const HUEY_BILLING: &str = "70000000000000006";
    pub const HUEY_PORTAL: &str = "70000000000000007";
    pub const DEWEY_PORTAL: &str = "70000000000000008";
    pub const DEWEY_BILLING: &str = "70000000000000009";
    pub const GYRO_PORTAL: &str = "70000000000000010";
    pub const GYRO_BILLING: &str = "70000000000000011";
    pub const GLADSTONE_PORTAL: &str = "70000000000000012";
    pub const GLADSTONE_BILLING: &str = "70000000000000013";
    pub const DEPLOY_ROBOT_BILLING: &str = "70000000000000014";
}

/// A seeded grant; it belongs to its project's org.
pub struct SeedGrant {
    pub id: &'static str,
    pub user_id: &'static str,
    pub project: &'static SeedProject,
    pub role_keys: &'static [&'static str],
    pub active: bool,
}

pub const GRANTS: [SeedGrant; 14] = [
    SeedGrant {
        id: grant_ids::MINNIE_PORTAL,
        user_id: ids::MINNIE,
        project: &PROJECTS[0],
        role_keys: &["reader"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::MINNIE_BILLING,
        user_id: ids::MINNIE,
        project: &PROJECTS[1],
        role_keys: &["admin", "auditor"],
        active: false,
    },
    SeedGrant {
        id: grant_ids::MICKEY_PORTAL,
        user_id: ids::MICKEY,
        project: &PROJECTS[0],
        role_keys: &["editor"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::PLUTO_INTRANET,
        user_id: ids::PLUTO,
        project: &PROJECTS[2],
        role_keys: &["member"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::SCROOGE_PORTAL,
        user_id: ids::SCROOGE,
        project: &PROJECTS[0],
        role_keys: &["reader"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::HUEY_BILLING,
        user_id: ids::HUEY,
        project: &PROJECTS[1],
        role_keys: &["viewer"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::HUEY_PORTAL,
        user_id: ids::HUEY,
        project: &PROJECTS[0],
        role_keys: &["reader"],
        active: false,
    },
    SeedGrant {
        id: grant_ids::DEWEY_PORTAL,
        user_id: ids::DEWEY,
        project: &PROJECTS[0],
        role_keys: &["reader"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::DEWEY_BILLING,
        user_id: ids::DEWEY,
        project: &PROJECTS[1],
        role_keys: &["viewer"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::GYRO_PORTAL,
        user_id: ids::GYRO,
        project: &PROJECTS[0],
        role_keys: &["editor"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::GYRO_BILLING,
        user_id: ids::GYRO,
        project: &PROJECTS[1],
        role_keys: &["viewer"],
        active: false,
    },
    SeedGrant {
        id: grant_ids::GLADSTONE_PORTAL,
        user_id: ids::GLADSTONE,
        project: &PROJECTS[0],
        role_keys: &["reader"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::GLADSTONE_BILLING,
        user_id: ids::GLADSTONE,
        project: &PROJECTS[1],
        role_keys: &["viewer"],
        active: true,
    },
    SeedGrant {
        id: grant_ids::DEPLOY_ROBOT_BILLING,
        user_id: ids::DEPLOY_ROBOT,
        project: &PROJECTS[1],
        role_keys: &["deployer"],
        active: true,
    },
];

/// Grants are added a day after the users, the inactive ones deactivated a day later.
pub(super) fn seed(conn: &Connection, start: Timestamp) -> Result<(), ApiError> {
    for (k, grant) in GRANTS.iter().enumerate() {
        let added_at = start.plus(Duration::minutes(13 * k as i64));
        let event = |event_type, payload, at| NewEvent {
            aggregate_type: AGGREGATE_USER_GRANT,
            aggregate_id: grant.id,
            resource_owner: grant.project.org.id,
            event_type,
            actor: events::SYSTEM_ACTOR,
            reason: None,
            payload,
            at: Some(at),
        };
        let added = GrantAdded {
            user_id: grant.user_id.to_string(),
            project_id: grant.project.id.to_string(),
            role_keys: grant.role_keys.iter().map(|r| r.to_string()).collect(),
        };
        let payload = serde_json::to_value(&added).unwrap_or_default();
        journal::record(conn, event(event_type::GRANT_ADDED, payload, added_at))?;
        if !grant.active {
            let at = added_at.plus(Duration::days(1));
            journal::record(
                conn,
                event(event_type::GRANT_DEACTIVATED, serde_json::json!({}), at),
            )?;
        }
    }
    Ok(())
}
