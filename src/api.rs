//! The service pages use to read and change users: it picks the provider
//! module for the active connection and sends through [`HttpClient`].

use crate::auth::Session;
use crate::config::Connection;
use crate::domain::{Details, User, UserAction};
use crate::http::{ApiError, HttpClient};
use crate::providers::{zitadel_v2, ProviderApi};

#[derive(Clone, Debug)]
pub struct Api {
    http: HttpClient,
    provider: ProviderApi,
    session: Session,
}

impl Api {
    pub fn new(connection: &Connection, session: Session) -> Api {
        Api { http: HttpClient::new(&connection.api_base_url), provider: connection.provider, session }
    }

    pub async fn get_user(&self, user_id: &str) -> Result<User, ApiError> {
        match self.provider {
            ProviderApi::ZitadelV2 => {
                let response = self.http.send(&zitadel_v2::get_user_request(user_id), self.session.token().as_deref()).await?;
                zitadel_v2::read_user(user_id, &response)
            }
        }
    }

    /// Asks the server for `action`; `Ok` carries the details of the change it confirmed.
    pub async fn act(&self, user_id: &str, action: UserAction) -> Result<Details, ApiError> {
        match self.provider {
            ProviderApi::ZitadelV2 => {
                let request = zitadel_v2::action_request(user_id, action);
                let response = self.http.send(&request, self.session.token().as_deref()).await?;
                zitadel_v2::read_action(&response)
            }
        }
    }
}
