//! The organisations the signed-in admin may work in, for the organisation
//! switcher: auth v1 `ListMyProjectOrgs` (`POST /auth/v1/global/projectorgs/_search`),
//! the call ZITADEL's own console makes for its switcher.

use serde::Deserialize;

use super::wire::non_empty;
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

pub fn list_request() -> ApiRequest {
    let body = serde_json::json!({ "query": { "offset": "0", "limit": LIST_LIMIT, "asc": true } });
    ApiRequest::post(
        "/auth/v1/global/projectorgs/_search".into(),
        Some(body.to_string()),
    )
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
    let mut organizations: Vec<Organization> = list
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
    organizations.sort_by_key(|org| org.name.to_lowercase());
    Ok(organizations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_admins_organisations_by_name() {
        let request = list_request();
        assert_eq!(request.path, "/auth/v1/global/projectorgs/_search");
        assert!(
            request.headers.is_empty(),
            "no org header: the list spans orgs"
        );
        let response = ApiResponse::json(
            200,
            r#"{"details":{"totalResult":"3"},"result":[
                {"id":"69629023906488335","name":"Globex","state":"ORG_STATE_ACTIVE","primaryDomain":"globex.example"},
                {"id":"69629023906488334","name":"ACME","state":"ORG_STATE_ACTIVE"},
                {"id":"1","primaryDomain":"nameless.example"},
                {"name":"no id"}]}"#,
        );
        let names: Vec<_> = read_list(&response)
            .unwrap()
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
        assert_eq!(
            names,
            [
                ("69629023906488334".to_string(), "ACME".to_string()),
                ("69629023906488335".into(), "Globex".into()),
                ("1".into(), "nameless.example".into()),
            ]
        );
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
            read_list(&ApiResponse::json(200, "[")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert_eq!(read_list(&ApiResponse::json(200, "{}")).unwrap(), vec![]);
    }
}
