//! Runtime configuration: `config.json` next to `index.html`, so one build
//! serves many deployments.

use serde::Deserialize;

use crate::providers::ProviderApi;

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    pub connections: Vec<Connection>,
}

/// One identity provider API the console can act on.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Connection {
    pub name: String,
    pub provider: ProviderApi,
    /// The API origin, or a path on this site (a same-origin proxy, as Weavr
    /// needs); empty means the origin the console is served from.
    #[serde(default)]
    pub api_base_url: String,
    /// ZITADEL: the organisation whose grants are managed (`x-zitadel-orgid`).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// How long to wait for an answer before saying the server did not
    /// answer in time (default 15).
    #[serde(default)]
    pub timeout_seconds: Option<f64>,
}

impl Connection {
    pub fn timeout(&self) -> std::time::Duration {
        self.timeout_seconds
            .map(std::time::Duration::from_secs_f64)
            .unwrap_or(crate::http::DEFAULT_TIMEOUT)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config.json could not be loaded ({0})")]
    Unavailable(String),
    #[error("config.json is not valid: {0}")]
    Malformed(String),
    #[error("config.json lists no connections")]
    NoConnections,
}

impl AppConfig {
    pub fn parse(text: &str) -> Result<AppConfig, ConfigError> {
        let config: AppConfig =
            serde_json::from_str(text).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        if config.connections.is_empty() {
            return Err(ConfigError::NoConnections);
        }
        for connection in &config.connections {
            let url = &connection.api_base_url;
            if connection
                .timeout_seconds
                .is_some_and(|t| !(0.1..=600.0).contains(&t))
            {
                return Err(ConfigError::Malformed(format!(
                    "timeoutSeconds of “{}” must be between 0.1 and 600",
                    connection.name
                )));
            }
            let is_site_path = url.starts_with('/') && !url.starts_with("//");
            if !(url.is_empty()
                || is_site_path
                || url.starts_with("https://")
                || url.starts_with("http://"))
            {
                return Err(ConfigError::Malformed(format!(
                    "apiBaseUrl of “{}” must start with https://, http:// or / (a path on this site), or be empty for this site's origin",
                    connection.name
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_same_origin_and_a_remote_connection() {
        let text = r#"{"connections":[
            {"name":"Sandbox","provider":"zitadel-v2"},
            {"name":"Production","provider":"zitadel-v2","apiBaseUrl":"https://acme.zitadel.cloud","organizationId":"69629023906488334"},
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
