//! The organisations the signed-in admin may work in, for the organisation
//! switcher and to name owners: auth v1 `ListMyMemberships`
//! (`POST /auth/v1/memberships/me/_search`) and, for an admin with a role on
//! the instance, v2 `ListOrganizations` (`POST /v2/organizations/_search`).
//! Not `ListMyProjectOrgs`: for a PAT or a non-console app it lists only the
//! organisations where the admin has a grant on the app's project
//! (contracts/ZITADEL.md Corrections 4).

use serde::Deserialize;

use super::wire::{non_empty, to_json, ListQuery, QueryOnly};
use super::zitadel::{error_from_response, unreadable};
use crate::http::{ApiError, ApiRequest, ApiResponse};
use crate::tr;

/// One organisation, as the switcher shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
}

/// The most organisations the switcher lists; an admin of more types an id.
pub const LIST_LIMIT: u32 = 200;

fn list_body() -> String {
    to_json(&QueryOnly {
        query: ListQuery::first(LIST_LIMIT),
    })
}

/// auth v1 `ListMyMemberships`: the admin's roles, per organisation, project
/// or on the instance. Works with any token, PATs included.
pub fn memberships_request() -> ApiRequest {
    ApiRequest::post("/auth/v1/memberships/me/_search".into(), Some(list_body()))
}

/// v2 `ListOrganizations`: every organisation, for an instance-level admin.
pub fn organizations_request() -> ApiRequest {
    ApiRequest::post("/v2/organizations/_search".into(), Some(list_body()))
}

/// Where the admin's memberships reach.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memberships {
    /// A membership on the instance (`iam`): every organisation is in reach.
    pub instance: bool,
    /// The organisations the admin is a member of, by name.
    pub organizations: Vec<Organization>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MembershipsWire {
    result: Vec<MembershipWire>,
}

/// `zitadel.user.v1.Membership`: `member_type` is one of `iam`, `orgId`,
/// `projectId`, `projectGrantId`; `displayName` names the organisation for
/// an org membership.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct MembershipWire {
    iam: Option<bool>,
    org_id: Option<String>,
    display_name: Option<String>,
}

pub fn read_memberships(response: &ApiResponse) -> Result<Memberships, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let list: MembershipsWire = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_organisation_list)))?;
    let mut memberships = Memberships::default();
    for membership in list.result {
        if membership.iam == Some(true) {
            memberships.instance = true;
        } else if let Some(id) = non_empty(membership.org_id) {
            let name = non_empty(membership.display_name).unwrap_or_else(|| id.clone());
            memberships.organizations.push(Organization { id, name });
        }
    }
    memberships.organizations = by_name(memberships.organizations);
    Ok(memberships)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListWire {
    result: Vec<OrgWire>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct OrgWire {
    id: Option<String>,
    name: Option<String>,
    primary_domain: Option<String>,
}

/// The organisations by name; entries without an id are left out, one
/// without a name shows its domain or id.
pub fn read_list(response: &ApiResponse) -> Result<Vec<Organization>, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let list: ListWire = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_organisation_list)))?;
    let organizations = list
        .result
        .into_iter()
        .filter_map(|org| {
            let id = non_empty(org.id)?;
            let name = non_empty(org.name)
                .or(non_empty(org.primary_domain))
                .unwrap_or_else(|| id.clone());
            Some(Organization { id, name })
        })
        .collect();
    Ok(by_name(organizations))
}

/// `lists` together, each organisation once, sorted by name.
pub fn merged(lists: impl IntoIterator<Item = Vec<Organization>>) -> Vec<Organization> {
    let mut all: Vec<Organization> = Vec::new();
    for org in lists.into_iter().flatten() {
        if !all.iter().any(|known| known.id == org.id) {
            all.push(org);
        }
    }
    by_name(all)
}

fn by_name(mut organizations: Vec<Organization>) -> Vec<Organization> {
    organizations.sort_by(|a, b| {
        crate::language::lowercase(&a.name)
            .cmp(&crate::language::lowercase(&b.name))
            .then_with(|| a.id.cmp(&b.id))
    });
    organizations.dedup_by(|a, b| a.id == b.id);
    organizations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memberships_give_the_organisations_by_name_and_the_instance() {
        let request = memberships_request();
        assert_eq!(request.path, "/auth/v1/memberships/me/_search");
        assert!(
            request.headers.is_empty(),
            "no org header: the list spans orgs"
        );
        let response = ApiResponse::json(
            200,
            r#"{"details":{"totalResult":"4"},"result":[
                {"userId":"1","roles":["ORG_OWNER"],"displayName":"Globex","orgId":"69629023906488335"},
                {"userId":"1","roles":["ORG_USER_MANAGER"],"displayName":"ACME","orgId":"69629023906488334"},
                {"userId":"1","roles":["PROJECT_OWNER"],"displayName":"Portal","projectId":"5"},
                {"userId":"1","roles":["ORG_OWNER"],"orgId":"7"}]}"#,
        );
        let memberships = read_memberships(&response).unwrap();
        assert!(!memberships.instance);
        let names: Vec<_> = memberships
            .organizations
            .iter()
            .map(|o| (o.id.as_str(), o.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("7", "7"),
                ("69629023906488334", "ACME"),
                ("69629023906488335", "Globex")
            ]
        );
        let owner = ApiResponse::json(
            200,
            r#"{"result":[{"userId":"1","roles":["IAM_OWNER"],"displayName":"ZITADEL","iam":true}]}"#,
        );
        let memberships = read_memberships(&owner).unwrap();
        assert!(memberships.instance);
        assert!(memberships.organizations.is_empty());
    }

    #[test]
    fn an_instance_admin_sees_every_organisation_once() {
        assert_eq!(organizations_request().path, "/v2/organizations/_search");
        let response = ApiResponse::json(
            200,
            r#"{"details":{"totalResult":"3"},"result":[
                {"id":"69629023906488335","name":"Globex","state":"ORGANIZATION_STATE_ACTIVE","primaryDomain":"globex.example"},
                {"id":"69629023906488334","name":"ACME","state":"ORGANIZATION_STATE_ACTIVE"},
                {"id":"1","primaryDomain":"nameless.example"},
                {"name":"no id"}]}"#,
        );
        let all = read_list(&response).unwrap();
        let ids: Vec<_> = all.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(ids, ["ACME", "Globex", "nameless.example"]);
        let own = vec![Organization {
            id: "69629023906488334".into(),
            name: "ACME".into(),
        }];
        assert_eq!(merged([own, all.clone()]), all);
    }

    #[test]
    fn refusals_and_garbage_are_errors() {
        let denied = ApiResponse::json(
            403,
            r#"{"code":7,"message":"No matching permissions found (AUTH-AWfge)"}"#,
        );
        assert!(matches!(
            read_list(&denied),
            Err(ApiError::PermissionDenied(_))
        ));
        assert!(matches!(
            read_memberships(&ApiResponse::json(200, "[")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert_eq!(read_list(&ApiResponse::json(200, "{}")).unwrap(), vec![]);
    }
}
