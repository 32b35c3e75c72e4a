//! The service pages use to read and change users and grants: it picks the
//! provider module for the active connection and sends through [`HttpClient`].

use crate::auth::Session;
use crate::config::Connection;
use std::collections::HashMap;

use leptos::prelude::{RwSignal, StoredValue, Update, UpdateValue, With, WithValue};

use crate::domain::history::{action_name, Change, ReasonLog, ReasonRecord, HISTORY_PAGE_SIZE};
use crate::domain::offboarding::{Credential, Remaining};
use crate::domain::Timestamp;
use crate::domain::{
    Candidate, ConfirmedWrites, Details, Grant, GrantAction, Lifecycle, Me, User, UserAction,
    UserPage, UserQuery,
};
use crate::http::{ApiError, ApiRequest, ApiResponse, HttpClient, RequestScope, ServerMessage};
use crate::providers::weavr::{self, LoginError, Product};
use crate::providers::zitadel::is_unknown_route;
use crate::providers::zitadel_machine_credentials;
use crate::providers::zitadel_orgs::{self, Organization};
use crate::providers::{
    zitadel_grants, zitadel_history, zitadel_lookup, zitadel_sessions, zitadel_v2, zitadel_v3alpha,
    ProviderApi,
};

#[derive(Clone, Debug)]
pub struct Api {
    http: HttpClient,
    provider: ProviderApi,
    /// The connection's name: what this browser remembers per connection is keyed by it.
    connection_name: String,
    organization_id: Option<String>,
    session: Session,
    /// The page whose requests these are, when one asked (see [`Api::for_page`]).
    scope: Option<RequestScope>,
    /// What writes on this connection confirmed, shared by every page.
    confirmed: StoredValue<ConfirmedWrites>,
    /// Organisation names by id, as the organisation list gave them.
    organization_names: RwSignal<HashMap<String, String>>,
    /// The connection's `recordReasons`.
    record_reasons: bool,
}

/// A reason to keep on the user for a change the server confirmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingReason {
    pub action: UserAction,
    pub reason: String,
    /// The confirmed change's sequence and time (its details).
    pub sequence: u64,
    pub at: Option<Timestamp>,
}

/// One administrator's intent to change a user, kept across retries of the
/// same click so the server can recognise a repeat (Weavr `idempotency-ref`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intent<A = UserAction> {
    pub action: A,
    pub reference: String,
    /// Why, as the admin wrote it in the confirmation.
    pub reason: Option<String>,
}

impl Api {
    pub fn new(connection: &Connection, session: Session) -> Api {
        Api {
            http: HttpClient::new(&connection.api_base_url, connection.timeout()),
            provider: connection.provider,
            connection_name: connection.name.clone(),
            organization_id: connection.organization_id.clone(),
            session,
            scope: None,
            confirmed: StoredValue::new(ConfirmedWrites::default()),
            organization_names: RwSignal::new(HashMap::new()),
            record_reasons: connection.record_reasons,
        }
    }

    /// The connection's service, for what outlives a page (sign-out, menus).
    pub fn current() -> Api {
        leptos::prelude::expect_context()
    }

    /// The service, where one is provided.
    pub fn try_current() -> Option<Api> {
        leptos::prelude::use_context()
    }

    /// The service for the current page: its requests are aborted when the
    /// page goes away.
    pub fn for_page() -> Api {
        let api = Api::current();
        Api {
            scope: Some(RequestScope::for_page()),
            ..api
        }
    }

    pub fn provider(&self) -> ProviderApi {
        self.provider
    }

    /// Remembers the state a write confirmed, for every page of the connection.
    pub fn remember_confirmed_user(&self, user: &User) {
        self.confirmed
            .try_update_value(|c| c.record_user(user.clone()));
    }

    pub fn remember_confirmed_grant(&self, grant: &Grant) {
        self.confirmed
            .try_update_value(|c| c.record_grant(grant.clone()));
    }

    /// A read of a user, unless it is older than a write confirmed here.
    pub fn user_as_confirmed(&self, fresh: User) -> User {
        self.confirmed
            .try_with_value(|c| c.user_over(fresh.clone()))
            .unwrap_or(fresh)
    }

    /// A read of a grant, unless it is older than a write confirmed here.
    pub fn grant_as_confirmed(&self, fresh: Grant) -> Grant {
        self.confirmed
            .try_with_value(|c| c.grant_over(fresh.clone()))
            .unwrap_or(fresh)
    }

    pub fn connection_name(&self) -> &str {
        &self.connection_name
    }

    pub fn lifecycle(&self) -> Lifecycle {
        self.provider.lifecycle()
    }

    pub fn organization_id(&self) -> Option<&str> {
        self.organization_id.as_deref()
    }

    /// Whether reasons are kept on the user: the connection asks for it
    /// (`recordReasons`) and its API has a history to show them in.
    pub fn records_reasons(&self) -> bool {
        self.record_reasons && self.provider.capabilities().has_history
    }

    /// Sends with the session's token. A 401 ends the session: the page
    /// then sends the admin to sign in again, and back (nothing is replayed).
    async fn send(&self, request: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let token = self.session.token();
        let response = self
            .http
            .send(request, token.as_deref(), self.scope.as_ref())
            .await?;
        if response.status == 401 {
            self.session.expire(token.as_deref());
        }
        Ok(response)
    }

    /// The organisations the admin may switch between (ZITADEL): those of
    /// their memberships, and every one for an admin on the instance. Their
    /// names are kept to name owners on every page.
    pub async fn list_organizations(&self) -> Result<Vec<Organization>, ApiError> {
        let response = self.send(&zitadel_orgs::memberships_request()).await?;
        let memberships = zitadel_orgs::read_memberships(&response)?;
        let mut lists = vec![memberships.organizations];
        if memberships.instance {
            let response = self.send(&zitadel_orgs::organizations_request()).await?;
            match zitadel_orgs::read_list(&response) {
                Ok(all) => lists.push(all),
                // A role on the instance without the right to list every
                // organisation: the memberships still name some.
                Err(error) if lists[0].is_empty() => return Err(error),
                Err(_) => {}
            }
        }
        let organizations = zitadel_orgs::merged(lists);
        // Only a new or changed name tells the views that name owners.
        self.organization_names.try_maybe_update(|names| {
            let mut changed = false;
            for org in &organizations {
                if names.get(&org.id) != Some(&org.name) {
                    names.insert(org.id.clone(), org.name.clone());
                    changed = true;
                }
            }
            (changed, ())
        });
        Ok(organizations)
    }

    /// The name of organisation `id`, once a list of organisations has
    /// named it (tracked).
    pub fn organization_name(&self, id: &str) -> Option<String> {
        self.organization_names
            .try_with(|names| names.get(id).cloned())
            .flatten()
    }

    /// Every organisation named so far, by id (tracked): for views that name
    /// many owners at once.
    pub fn organization_names(&self) -> HashMap<String, String> {
        self.organization_names
            .try_with(HashMap::clone)
            .unwrap_or_default()
    }

    /// Signs in with email and password (Weavr's login, through the
    /// deployment's proxy: `SignIn::PasswordOrAuthToken`); returns the auth
    /// token.
    pub async fn password_sign_in(
        &self,
        email: &str,
        password: &str,
    ) -> Result<String, LoginError> {
        let request = weavr::login_request(self.weavr_product(), email, password);
        let response = self
            .http
            .send(&request, None, self.scope.as_ref())
            .await
            .map_err(LoginError::Api)?;
        weavr::read_login(&response)
    }

    /// Ends the server's session of `token` (Weavr's logout:
    /// `Capabilities::server_sign_out`); best effort, as the token is
    /// forgotten here either way.
    pub async fn end_server_session(&self, token: &str) {
        let request = weavr::logout_request(self.weavr_product());
        let _ = self.http.send(&request, Some(token), None).await;
    }

    /// One user. A v3alpha server answers 501 ([`ApiError::NotImplemented`]):
    /// see `Capabilities::reads_user`.
    pub async fn get_user(&self, user_id: &str) -> Result<User, ApiError> {
        match self.provider {
            ProviderApi::ZitadelV2 => self.get_user_v2(user_id).await,
            ProviderApi::ZitadelV3Alpha => {
                let response = self
                    .send(&zitadel_v3alpha::get_user_request(user_id))
                    .await?;
                zitadel_v3alpha::read_user(user_id, &response)
            }
            ProviderApi::WeavrMulti | ProviderApi::WeavrPaymentRun => {
                let response = self
                    .send(&weavr::get_user_request(self.weavr_product(), user_id))
                    .await?;
                weavr::read_user(user_id, &response)
            }
        }
    }

    /// One page of users, for an API that lists (`Capabilities::lists_users`).
    pub async fn list_users(&self, query: &UserQuery) -> Result<UserPage, ApiError> {
        match self.provider {
            ProviderApi::ZitadelV2 => {
                let response = self.send(&zitadel_v2::list_request(query)).await?;
                zitadel_v2::read_list(&response)
            }
            // Its search answers `{}` on every release, and v2 never lists
            // schema users: nothing is asked that could only mislead.
            ProviderApi::ZitadelV3Alpha => Err(ApiError::NotImplemented(ServerMessage::default())),
            ProviderApi::WeavrMulti | ProviderApi::WeavrPaymentRun => {
                let response = self
                    .send(&weavr::list_request(self.weavr_product(), query))
                    .await?;
                weavr::read_list(&response)
            }
        }
    }

    /// The users a chunk of pasted lines names, by exact matches only (see
    /// [`zitadel_lookup`]); an API that cannot list answers 501.
    pub async fn find_users(&self, texts: &[String]) -> Result<Vec<Candidate>, ApiError> {
        match self.provider {
            ProviderApi::ZitadelV2 => {
                let response = self.send(&zitadel_lookup::lookup_request(texts)).await?;
                zitadel_lookup::read_lookup(&response)
            }
            ProviderApi::ZitadelV3Alpha => Err(ApiError::NotImplemented(ServerMessage::default())),
            // Weavr finds users by exact email or by id, one request a line.
            ProviderApi::WeavrMulti | ProviderApi::WeavrPaymentRun => {
                let mut found = Vec::new();
                for text in texts {
                    let users = if weavr::is_email(text) {
                        let query = UserQuery {
                            search: text.clone(),
                            page_size: weavr::MAX_LIMIT,
                            ..UserQuery::default()
                        };
                        self.list_users(&query).await?.users
                    } else {
                        match self.get_user(text).await {
                            Ok(user) => vec![user],
                            // Not an id of Weavr's: no user by that line.
                            Err(ApiError::NotFound(_) | ApiError::InvalidRequest(_)) => Vec::new(),
                            Err(error) => return Err(error),
                        }
                    };
                    found.extend(users.into_iter().map(|user| Candidate {
                        user,
                        login_names: Vec::new(),
                    }));
                }
                Ok(found)
            }
        }
    }

    /// Who the signed-in admin is, when the server says: ZITADEL's GetMyUser.
    /// Weavr's API has no such read for the console's token.
    pub async fn signed_in_user(&self) -> Me {
        match self.provider {
            ProviderApi::ZitadelV2 | ProviderApi::ZitadelV3Alpha => {
                match self.send(&zitadel_lookup::me_request()).await {
                    Ok(response) => {
                        zitadel_lookup::read_me(&response).map_or(Me::Unknown, Me::Known)
                    }
                    Err(_) => Me::Unknown,
                }
            }
            ProviderApi::WeavrMulti | ProviderApi::WeavrPaymentRun => Me::Unknown,
        }
    }

    async fn get_user_v2(&self, user_id: &str) -> Result<User, ApiError> {
        let response = self.send(&zitadel_v2::get_user_request(user_id)).await?;
        zitadel_v2::read_user(user_id, &response)
    }

    /// Asks the server for the intended change; `Ok` carries the details of
    /// the change it confirmed (empty where the provider returns none).
    pub async fn act(&self, user_id: &str, intent: &Intent) -> Result<Details, ApiError> {
        let action = intent.action;
        match self.provider {
            ProviderApi::ZitadelV2 => {
                let response = self
                    .send(&zitadel_v2::action_request(
                        user_id,
                        action,
                        intent.reason.as_deref(),
                    ))
                    .await?;
                zitadel_v2::read_action(&response)
            }
            ProviderApi::ZitadelV3Alpha => {
                let request =
                    zitadel_v3alpha::action_request(user_id, action, self.organization_id());
                let response = self.send(&request).await?;
                zitadel_v3alpha::read_action(&response)
            }
            ProviderApi::WeavrMulti | ProviderApi::WeavrPaymentRun => {
                let request =
                    weavr::action_request(self.weavr_product(), user_id, action, &intent.reference)
                        .ok_or_else(|| not_offered(self.provider, action))?;
                let response = self.send(&request).await?;
                weavr::read_action(&response)
            }
        }
    }

    fn weavr_product(&self) -> Product {
        match self.provider {
            ProviderApi::WeavrPaymentRun => Product::PaymentRun,
            _ => Product::Multi,
        }
    }

    /// The user's grants owned by the connection's organisation, and how
    /// many the server counted in all.
    pub async fn list_grants(&self, user_id: &str) -> Result<(Vec<Grant>, u64), ApiError> {
        let response = self
            .send(&zitadel_grants::list_request(
                user_id,
                self.organization_id(),
            ))
            .await?;
        let (grants, total) = zitadel_grants::read_list(&response)?;
        self.remember_grant_owners(&grants);
        Ok((grants, total))
    }

    pub async fn get_grant(&self, user_id: &str, grant_id: &str) -> Result<Grant, ApiError> {
        let response = self
            .send(&zitadel_grants::get_request(
                user_id,
                grant_id,
                self.organization_id(),
            ))
            .await?;
        let grant = zitadel_grants::read_grant(&response)?;
        self.remember_grant_owners(std::slice::from_ref(&grant));
        Ok(grant)
    }

    /// A grant names the organisation that owns it (`orgName` beside
    /// `details.resourceOwner`, both the grant's resource owner in ZITADEL's
    /// `UserGrantToPb`): kept, so its owner is named without the menu's list.
    fn remember_grant_owners(&self, grants: &[Grant]) {
        let named: Vec<(String, String)> = grants
            .iter()
            .filter_map(|grant| {
                let owner = grant.details.owner.as_ref()?;
                let name = grant.organization_name.clone()?;
                Some((owner.id.clone(), name))
            })
            .collect();
        if named.is_empty() {
            return;
        }
        // Only a new name tells the views that name owners.
        self.organization_names.try_maybe_update(|names| {
            let mut changed = false;
            for (id, name) in named {
                if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
                    slot.insert(name);
                    changed = true;
                }
            }
            (changed, ())
        });
    }

    /// One page of a user's changes, newest first, older than `before` when
    /// given. `organization_id` is the user's own: the server lists only the
    /// changes owned by the organisation in context.
    pub async fn list_changes(
        &self,
        user_id: &str,
        organization_id: Option<&str>,
        before: Option<u64>,
    ) -> Result<Vec<Change>, ApiError> {
        let request =
            zitadel_history::changes_request(user_id, organization_id, before, HISTORY_PAGE_SIZE);
        let response = self.send(&request).await?;
        zitadel_history::read_changes(&response)
    }

    /// The reasons kept on a user (none when the key was never set).
    pub async fn read_reasons(
        &self,
        user_id: &str,
        organization_id: Option<&str>,
    ) -> Result<ReasonLog, ApiError> {
        let request = zitadel_history::reasons_request(user_id, organization_id);
        let response = self.send(&request).await?;
        zitadel_history::read_reasons(&response)
    }

    /// The reason of a change the server confirmed with `details`, to keep
    /// on the user: when the connection records reasons and the admin gave
    /// one (a deleted user keeps no metadata).
    pub fn reason_to_keep(&self, intent: &Intent, details: &Details) -> Option<PendingReason> {
        let keeps = self.records_reasons() && intent.action != UserAction::Delete;
        let (Some(reason), Some(sequence), true) = (intent.reason.clone(), details.sequence, keeps)
        else {
            return None;
        };
        Some(PendingReason {
            action: intent.action,
            reason,
            sequence,
            at: details.changed.clone(),
        })
    }

    /// Keeps `pending` on the user, after its change was confirmed: names the
    /// admin as the server names the change's editor, adds the reason to those
    /// kept, and writes them with v2 SetUserMetadata, or management v1 on a
    /// server older than 4.0.0 (the gateway's bare 404). Only metadata is
    /// written: a retry never repeats the change.
    pub async fn record_reason(
        &self,
        user_id: &str,
        organization_id: Option<&str>,
        pending: &PendingReason,
    ) -> Result<(), ApiError> {
        let changes = self.list_changes(user_id, organization_id, None).await?;
        let change = changes.iter().find(|c| c.sequence == pending.sequence);
        let admin = change
            .map(|c| c.editor.login_name.clone().unwrap_or(c.editor.id.clone()))
            .unwrap_or_default();
        let at = pending
            .at
            .clone()
            .or_else(|| change.and_then(|c| c.at.clone()))
            .map(|t| t.as_str().to_string())
            .unwrap_or_default();
        let log = self
            .read_reasons(user_id, organization_id)
            .await?
            .with(ReasonRecord {
                action: action_name(pending.action).to_string(),
                reason: pending.reason.clone(),
                admin,
                at,
                sequence: pending.sequence,
            });
        let response = self
            .send(&zitadel_history::set_reasons_v2_request(user_id, &log))
            .await?;
        if !is_unknown_route(&response) {
            return zitadel_history::read_set(&response);
        }
        let request = zitadel_history::set_reasons_v1_request(user_id, organization_id, &log);
        let response = self.send(&request).await?;
        zitadel_history::read_set(&response)
    }

    pub async fn act_on_grant(
        &self,
        user_id: &str,
        grant_id: &str,
        action: GrantAction,
        reason: Option<&str>,
    ) -> Result<Details, ApiError> {
        let request = zitadel_grants::action_request(
            user_id,
            grant_id,
            action,
            self.organization_id(),
            reason,
        );
        let response = self.send(&request).await?;
        zitadel_grants::read_action(action, &response)
    }
}

/// Offboarding (ZITADEL): a user's sessions, and a service user's tokens and
/// keys, in the organisation `organization_id` that owns the user.
impl Api {
    pub async fn list_sessions(&self, user_id: &str) -> Result<Remaining, ApiError> {
        let response = self.send(&zitadel_sessions::list_request(user_id)).await?;
        zitadel_sessions::read_list(&response)
    }

    pub async fn end_session(&self, session_id: &str) -> Result<(), ApiError> {
        let response = self
            .send(&zitadel_sessions::delete_request(session_id))
            .await?;
        zitadel_sessions::read_delete(&response)
    }

    pub async fn list_credentials(
        &self,
        kind: Credential,
        user_id: &str,
        organization_id: Option<&str>,
    ) -> Result<Remaining, ApiError> {
        let request = zitadel_machine_credentials::list_request(kind, user_id, organization_id);
        let response = self.send(&request).await?;
        zitadel_machine_credentials::read_list(&response)
    }

    pub async fn remove_credential(
        &self,
        kind: Credential,
        user_id: &str,
        id: &str,
        organization_id: Option<&str>,
    ) -> Result<(), ApiError> {
        let request =
            zitadel_machine_credentials::remove_request(kind, user_id, id, organization_id);
        let response = self.send(&request).await?;
        zitadel_machine_credentials::read_remove(&response)
    }
}

fn not_offered(provider: ProviderApi, action: UserAction) -> ApiError {
    use crate::domain::LifecycleAction;
    ApiError::InvalidRequest(ServerMessage {
        text: Some(crate::tr!(
            errors.action_not_offered,
            provider = provider.label(),
            action = action.label()
        )),
        id: None,
    })
}

impl<A: PartialEq> Intent<A> {
    /// The intent for a click on `action`: the unsettled one when it is a
    /// retry of the same action, so its reference (and reason) is reused;
    /// else a new one.
    pub fn for_click(
        unsettled: Option<Intent<A>>,
        action: A,
        reason: Option<String>,
        fresh: impl FnOnce(A) -> Intent<A>,
    ) -> Intent<A> {
        match unsettled {
            Some(intent) if intent.action == action => intent,
            _ => Intent {
                reason,
                ..fresh(action)
            },
        }
    }
}

/// A fresh reference for a new intent: a random UUID v4 from the browser's
/// cryptographic generator (works on plain-http deployments too, unlike
/// `crypto.randomUUID`).
pub fn new_intent<A>(action: A) -> Intent<A> {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto (never in a supported browser): fall back to Math.random.
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    Intent {
        action,
        reference: uuid_v4(bytes),
        reason: None,
    }
}

/// Formats 16 random bytes as a version 4, variant 1 UUID.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::{uuid_v4, Intent};
    use crate::domain::UserAction;

    #[test]
    fn a_retry_of_the_same_click_keeps_its_reference() {
        let fresh = |action| Intent {
            action,
            reference: "new".into(),
            reason: None,
        };
        let unsettled = Intent {
            action: UserAction::Deactivate,
            reference: "first".into(),
            reason: Some("left".into()),
        };
        let retry = Intent::for_click(Some(unsettled.clone()), UserAction::Deactivate, None, fresh);
        assert_eq!(retry, unsettled, "the retry keeps reference and reason");
        let other = Intent::for_click(
            Some(unsettled),
            UserAction::Reactivate,
            Some("back".into()),
            fresh,
        );
        assert_eq!(
            (
                other.action,
                other.reference.as_str(),
                other.reason.as_deref()
            ),
            (UserAction::Reactivate, "new", Some("back"))
        );
        assert_eq!(
            Intent::for_click(None, UserAction::Deactivate, None, fresh).reference,
            "new"
        );
    }

    #[test]
    fn formats_a_version_4_uuid() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = uuid_v4([
            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
            0xde, 0xf0,
        ]);
        assert_eq!(id, "12345678-9abc-4ef0-9234-56789abcdef0");
    }
}
