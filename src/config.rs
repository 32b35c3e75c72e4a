//! Runtime configuration: `config.json` next to `index.html`, so one build
//! serves many deployments.

use serde::{Deserialize, Serialize};

use crate::providers::{ProviderApi, SignIn};
use crate::tr;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub connections: Vec<Connection>,
}

/// One identity provider API the console can act on. It holds no secret, so
/// connections an admin adds in Settings can be kept in localStorage.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Connection {
    pub name: String,
    pub provider: ProviderApi,
    /// The API origin, or a path on this site (a same-origin proxy, as Weavr
    /// needs); empty means the origin the console is served from.
    #[serde(default)]
    pub api_base_url: String,
    /// ZITADEL: the default organisation whose grants are managed
    /// (`x-zitadel-orgid`); the admin can switch to another one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// How long to wait for an answer before saying the server did not
    /// answer in time (default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<f64>,
    /// ZITADEL: the OpenID Connect issuer (`https://my-instance.zitadel.cloud`)
    /// for "Sign in with ZITADEL"; without it, admins sign in with a token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// ZITADEL: the client id of the console's OIDC application (type User
    /// Agent, authentication method none, i.e. code + PKCE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// ZITADEL: also keep the reason an admin gives for a change on the user,
    /// as metadata (`lifecycle-console.reasons`, README). Off by default.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub record_reasons: bool,
}

/// Where and as whom a connection signs in with OpenID Connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcClient {
    pub issuer: String,
    pub client_id: String,
}

impl OidcClient {
    /// An issuer given as a path on this site (`/`: ZITADEL and the console
    /// share an origin) made absolute, as the ID token's `iss` will be.
    pub fn on_origin(mut self, origin: &str) -> OidcClient {
        if self.issuer.is_empty() || is_site_path(&self.issuer) {
            self.issuer = format!("{origin}{}", self.issuer);
        }
        self
    }
}

impl Connection {
    /// The connection the page works in.
    pub fn current() -> Connection {
        leptos::prelude::expect_context()
    }

    /// The connection, where one is provided.
    pub fn try_current() -> Option<Connection> {
        leptos::prelude::use_context()
    }

    /// Its OIDC client, when it has both an issuer and a client id.
    pub fn oidc(&self) -> Option<OidcClient> {
        match (&self.issuer, &self.client_id) {
            (Some(issuer), Some(client_id)) => Some(OidcClient {
                issuer: issuer.trim_end_matches('/').to_string(),
                client_id: client_id.clone(),
            }),
            _ => None,
        }
    }

    /// Says what is wrong with it, in words for the person who wrote it.
    pub fn check(&self) -> Result<(), String> {
        let name = &self.name;
        if name.trim().is_empty() {
            return Err(tr!(config.check_needs_name).into());
        }
        if self
            .timeout_seconds
            .is_some_and(|t| !(0.1..=600.0).contains(&t))
        {
            return Err(tr!(config.check_timeout_range, name));
        }
        let url = &self.api_base_url;
        if !(url.is_empty() || is_site_path(url) || is_http_url(url)) {
            return Err(tr!(config.check_api_base_url, name));
        }
        if let Some(issuer) = &self.issuer {
            if !(is_http_url(issuer) || is_site_path(issuer)) {
                return Err(tr!(config.check_issuer_url, name));
            }
        }
        match (&self.issuer, &self.client_id) {
            (Some(_), None) => Err(tr!(config.check_issuer_without_client_id, name)),
            (None, Some(_)) => Err(tr!(config.check_client_id_without_issuer, name)),
            (Some(_), Some(_))
                if self.provider.capabilities().sign_in != SignIn::OidcOrAccessToken =>
            {
                Err(tr!(config.check_oidc_only_for_zitadel, name))
            }
            _ => Ok(()),
        }
    }

    pub fn timeout(&self) -> std::time::Duration {
        self.timeout_seconds
            .map(std::time::Duration::from_secs_f64)
            .unwrap_or(crate::http::DEFAULT_TIMEOUT)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    Unavailable(String),
    Malformed(String),
    NoConnections,
}

// Written by hand rather than with thiserror: the messages come from the
// catalogue, in the current language.
impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Unavailable(detail) => f.write_str(&tr!(config.unavailable, detail)),
            ConfigError::Malformed(detail) => f.write_str(&tr!(config.malformed, detail)),
            ConfigError::NoConnections => f.write_str(tr!(config.no_connections)),
        }
    }
}

impl std::error::Error for ConfigError {}

impl AppConfig {
    pub fn parse(text: &str) -> Result<AppConfig, ConfigError> {
        let config: AppConfig =
            serde_json::from_str(text).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        if config.connections.is_empty() {
            return Err(ConfigError::NoConnections);
        }
        for (index, connection) in config.connections.iter().enumerate() {
            connection.check().map_err(ConfigError::Malformed)?;
            if config.connections[..index]
                .iter()
                .any(|other| other.name == connection.name)
            {
                return Err(ConfigError::Malformed(tr!(
                    config.duplicate_name,
                    name = &connection.name
                )));
            }
        }
        Ok(config)
    }

    /// The position of the connection named `name`, else the first.
    pub fn position_of(&self, name: Option<&str>) -> usize {
        name.and_then(|name| self.connections.iter().position(|c| c.name == name))
            .unwrap_or(0)
    }

    /// Fetches `config.json` relative to the document's base URL.
    pub async fn load() -> Result<AppConfig, ConfigError> {
        let response = gloo_net::http::Request::get("config.json")
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| ConfigError::Unavailable(e.to_string()))?;
        if !response.ok() {
            return Err(ConfigError::Unavailable(format!(
                "HTTP {}",
                response.status()
            )));
        }
        let text = response
            .text()
            .await
            .map_err(|e| ConfigError::Unavailable(e.to_string()))?;
        AppConfig::parse(&text)
    }
}

fn is_site_path(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//")
}

fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|host| !host.is_empty() && !host.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_same_origin_and_a_remote_connection() {
        let text = r#"{"connections":[
            {"name":"Sandbox","provider":"zitadel-v2"},
            {"name":"Production","provider":"zitadel-v2","apiBaseUrl":"https://acme.zitadel.cloud","organizationId":"69629023906488334","recordReasons":true},
            {"name":"Weavr","provider":"weavr-multi","apiBaseUrl":"/weavr/multi"},
            {"name":"Payments","provider":"weavr-payment-run","apiBaseUrl":"/weavr/payment-run"},
            {"name":"Preview","provider":"zitadel-v3alpha","timeoutSeconds":2.5}]}"#;
        let config = AppConfig::parse(text).unwrap();
        assert_eq!(config.connections[config.position_of(None)].name, "Sandbox");
        assert_eq!(config.position_of(Some("Weavr")), 2);
        assert_eq!(config.position_of(Some("gone")), 0);
        assert_eq!(config.connections[0].api_base_url, "");
        assert_eq!(
            config.connections[1].api_base_url,
            "https://acme.zitadel.cloud"
        );
        assert_eq!(
            config.connections[1].organization_id.as_deref(),
            Some("69629023906488334")
        );
        assert!(config.connections[1].record_reasons);
        assert!(!config.connections[0].record_reasons, "off by default");
        assert_eq!(config.connections[2].provider, ProviderApi::WeavrMulti);
        assert_eq!(config.connections[3].provider, ProviderApi::WeavrPaymentRun);
        assert_eq!(config.connections[4].provider, ProviderApi::ZitadelV3Alpha);
        assert_eq!(
            config.connections[4].timeout(),
            std::time::Duration::from_millis(2_500)
        );
        assert_eq!(
            config.connections[0].timeout(),
            crate::http::DEFAULT_TIMEOUT
        );
    }

    #[test]
    fn oidc_needs_an_issuer_and_a_client_id_on_zitadel() {
        let text = r#"{"connections":[
            {"name":"Prod","provider":"zitadel-v2","apiBaseUrl":"https://acme.zitadel.cloud","issuer":"https://acme.zitadel.cloud/","clientId":"2311@console"},
            {"name":"Here","provider":"zitadel-v3alpha","issuer":"/","clientId":"lifecycle-console"},
            {"name":"Tokens","provider":"zitadel-v2"}]}"#;
        let config = AppConfig::parse(text).unwrap();
        let prod = config.connections[0].oidc().unwrap();
        assert_eq!(prod.issuer, "https://acme.zitadel.cloud");
        assert_eq!(prod.client_id, "2311@console");
        assert_eq!(
            prod.clone().on_origin("https://console.example").issuer,
            "https://acme.zitadel.cloud"
        );
        let here = config.connections[1].oidc().unwrap();
        assert_eq!(
            here.on_origin("http://127.0.0.1:8080").issuer,
            "http://127.0.0.1:8080"
        );
        assert_eq!(config.connections[2].oidc(), None);

        for (connection, says) in [
            (
                r#"{"name":"X","provider":"zitadel-v2","issuer":"https://a.example"}"#,
                "no clientId",
            ),
            (
                r#"{"name":"X","provider":"zitadel-v2","clientId":"c"}"#,
                "no issuer",
            ),
            (
                r#"{"name":"X","provider":"zitadel-v2","issuer":"acme.example","clientId":"c"}"#,
                "issuer of “X” must be a URL",
            ),
            (
                r#"{"name":"X","provider":"zitadel-v2","issuer":"https://","clientId":"c"}"#,
                "issuer of “X” must be a URL",
            ),
            (
                r#"{"name":"X","provider":"weavr-multi","issuer":"https://a.example","clientId":"c"}"#,
                "for ZITADEL connections",
            ),
            (r#"{"name":" ","provider":"zitadel-v2"}"#, "needs a name"),
        ] {
            let err =
                AppConfig::parse(&format!(r#"{{"connections":[{connection}]}}"#)).unwrap_err();
            assert!(err.to_string().contains(says), "{connection}: {err}");
        }
        let twice = r#"{"connections":[{"name":"A","provider":"zitadel-v2"},{"name":"A","provider":"weavr-multi"}]}"#;
        assert!(AppConfig::parse(twice)
            .unwrap_err()
            .to_string()
            .contains("two connections are named “A”"));
    }

    #[test]
    fn a_connection_added_in_settings_survives_storage() {
        let connection = Connection {
            name: "Staging".into(),
            provider: ProviderApi::ZitadelV3Alpha,
            api_base_url: "https://staging.example".into(),
            organization_id: Some("1".into()),
            timeout_seconds: None,
            issuer: Some("https://staging.example".into()),
            client_id: Some("console".into()),
            record_reasons: false,
        };
        let text = serde_json::to_string(&connection).unwrap();
        assert!(!text.contains("timeoutSeconds"), "{text}");
        assert!(text.contains(r#""provider":"zitadel-v3alpha""#), "{text}");
        let back: Connection = serde_json::from_str(&text).unwrap();
        assert_eq!(back, connection);
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(
            AppConfig::parse(r#"{"connections":[]}"#),
            Err(ConfigError::NoConnections)
        );
        let err = AppConfig::parse(r#"{"connections":[{"name":"X","provider":"keycloak"}]}"#)
            .unwrap_err();
        assert!(
            err.to_string().contains("unknown variant `keycloak`"),
            "{err}"
        );
        let err = AppConfig::parse(r#"{"connections":[{"name":"X","provider":"zitadel-v2","apiBaseUrl":"acme.zitadel.cloud"}]}"#).unwrap_err();
        assert!(
            err.to_string().contains("must start with https://"),
            "{err}"
        );
        let err = AppConfig::parse(r#"{"connections":[{"name":"X","provider":"weavr-multi","apiBaseUrl":"//evil.example"}]}"#).unwrap_err();
        assert!(
            err.to_string().contains("must start with https://"),
            "{err}"
        );
        let err = AppConfig::parse(
            r#"{"connections":[{"name":"X","provider":"zitadel-v2","timeoutSeconds":0}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("timeoutSeconds"), "{err}");
        let err = AppConfig::parse(r#"{"conections":[]}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown field `conections`"),
            "{err}"
        );
        assert!(matches!(
            AppConfig::parse("<html>"),
            Err(ConfigError::Malformed(_))
        ));
    }
}
