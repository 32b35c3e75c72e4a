//! The sandbox's own view of users, independent of any wire format.
//! Enums keep the numbers of ZITADEL's `zitadel.user.v2` protos, which is also how the
//! database stores them (so that sorting by state or type orders like ZITADEL).

use crate::clock::Timestamp;
use serde::{Deserialize, Serialize};

/// The one instance. The seed creates it; authorisation checks memberships on it.
pub const INSTANCE_ID: &str = "69629000000000001";
/// The instance's name: ZITADEL's default for the first instance (`cmd/setup/steps.yaml`).
pub const INSTANCE_NAME: &str = "ZITADEL";
/// The organisation the console works in by default.
pub const ACME_ORG_ID: &str = "69629023906488334";

/// `zitadel.user.v2.UserState`. A user that has been removed leaves the projection, so
/// `Deleted` only shows up in search filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserState {
    Active = 1,
    Inactive = 2,
    Deleted = 3,
    Locked = 4,
    Initial = 5,
}

impl UserState {
    pub const ALL: [UserState; 5] = [
        UserState::Active,
        UserState::Inactive,
        UserState::Deleted,
        UserState::Locked,
        UserState::Initial,
    ];

    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(number: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.number() == number)
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            UserState::Active => "USER_STATE_ACTIVE",
            UserState::Inactive => "USER_STATE_INACTIVE",
            UserState::Deleted => "USER_STATE_DELETED",
            UserState::Locked => "USER_STATE_LOCKED",
            UserState::Initial => "USER_STATE_INITIAL",
        }
    }
}

/// `zitadel.user.v2.Type`: human or machine (service) user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserType {
    Human = 1,
    Machine = 2,
}

impl UserType {
    pub fn number(self) -> i64 {
        self as i64
    }
}

/// `zitadel.user.v2.Gender`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Gender {
    #[default]
    #[serde(rename = "GENDER_UNSPECIFIED")]
    Unspecified = 0,
    #[serde(rename = "GENDER_FEMALE")]
    Female = 1,
    #[serde(rename = "GENDER_MALE")]
    Male = 2,
    #[serde(rename = "GENDER_DIVERSE")]
    Diverse = 3,
}

impl Gender {
    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(number: i64) -> Self {
        match number {
            1 => Gender::Female,
            2 => Gender::Male,
            3 => Gender::Diverse,
            _ => Gender::Unspecified,
        }
    }

    /// The enum name, `GENDER_UNSPECIFIED` included: `HumanProfile.gender` is a proto3
    /// `optional` field that ZITADEL always sets, so even enum 0 is written out.
    pub fn wire_name(self) -> &'static str {
        match self {
            Gender::Unspecified => "GENDER_UNSPECIFIED",
            Gender::Female => "GENDER_FEMALE",
            Gender::Male => "GENDER_MALE",
            Gender::Diverse => "GENDER_DIVERSE",
        }
    }
}

/// `zitadel.user.v2.AccessTokenType` of a machine user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AccessTokenType {
    #[default]
    #[serde(rename = "ACCESS_TOKEN_TYPE_BEARER")]
    Bearer = 0,
    #[serde(rename = "ACCESS_TOKEN_TYPE_JWT")]
    Jwt = 1,
}

impl AccessTokenType {
    pub fn number(self) -> i64 {
        self as i64
    }

    pub fn from_number(number: i64) -> Self {
        if number == 1 {
            AccessTokenType::Jwt
        } else {
            AccessTokenType::Bearer
        }
    }

    /// `None` for the default value (BEARER), which the wire omits.
    pub fn wire_name(self) -> Option<&'static str> {
        match self {
            AccessTokenType::Bearer => None,
            AccessTokenType::Jwt => Some("ACCESS_TOKEN_TYPE_JWT"),
        }
    }
}

/// Profile of a person. Empty strings mean "not set", as in the protos.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Human {
    pub given_name: String,
    pub family_name: String,
    pub nick_name: String,
    pub display_name: String,
    pub preferred_language: String,
    pub gender: Gender,
    pub email: String,
    pub email_verified: bool,
    pub phone: String,
    pub phone_verified: bool,
}

/// A service account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Machine {
    pub name: String,
    pub description: String,
    pub access_token_type: AccessTokenType,
    pub has_secret: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserKind {
    Human(Human),
    Machine(Machine),
}

impl UserKind {
    pub fn user_type(&self) -> UserType {
        match self {
            UserKind::Human(_) => UserType::Human,
            UserKind::Machine(_) => UserType::Machine,
        }
    }
}

/// A user as the projection holds it: current state plus the bookkeeping ZITADEL
/// reports in `details`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    /// The organization that owns the user (`resourceOwner`).
    pub org_id: String,
    /// The organization's primary domain, for login names.
    pub org_domain: String,
    pub username: String,
    pub state: UserState,
    /// Locked and not yet unlocked, even if deactivated since.
    pub locked: bool,
    pub kind: UserKind,
    /// Time of the first event.
    pub created: Timestamp,
    /// Time of the last event.
    pub changed: Timestamp,
    /// Per-user sequence of the last event.
    pub sequence: u64,
}

impl User {
    pub fn login_name(&self) -> String {
        format!("{}@{}", self.username, self.org_domain)
    }
}

/// How a repeated `_deactivate`/`_reactivate` is answered; ZITADEL changed this between
/// versions and the app must cope with both (contract §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GrantBehaviour {
    /// Older servers (v2.x): a repeat is 400 `COMMAND-1S9gx` / `COMMAND-1ML0v`.
    Legacy,
    /// Newest servers (v4 line): a repeat is 200 with the details unchanged.
    Idempotent,
}

impl GrantBehaviour {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            GrantBehaviour::Legacy => "legacy",
            GrantBehaviour::Idempotent => "idempotent",
        }
    }
}
