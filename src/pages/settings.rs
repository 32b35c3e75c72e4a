use leptos::prelude::*;

use crate::auth::{self, Connections};
use crate::config::Connection;
use crate::providers::{ProviderApi, SignIn};
use crate::tr;
use crate::workspace::Workspace;

/// `/settings`: the connections, and a form to add one. Added connections
/// are kept in this browser's localStorage; they hold no secret.
#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <section class="card">
            <h1>{tr!(common.settings)}</h1>
            <ConnectionTable/>
            <AddConnectionForm/>
        </section>
    }
}

#[component]
fn ConnectionTable() -> impl IntoView {
    let connections = Connections::current();
    let workspace = Workspace::current();
    let problem = RwSignal::new(None::<String>);
    let remove = move |index: usize| {
        let active = workspace.active.get_untracked();
        match connections.remove(index) {
            Ok(()) if index == active => {
                let first = connections.get_untracked(0).map(|c| c.name);
                auth::remember_connection(first.as_deref().unwrap_or_default());
                workspace.active.set(0);
            }
            Ok(()) if index < active => workspace.active.set(active - 1),
            Ok(()) => {}
            Err(error) => problem.set(Some(error)),
        }
    };
    let rows = move || {
        connections
            .all()
            .into_iter()
            .enumerate()
            .map(|(index, c)| {
                let sign_in = match &c.issuer {
                    Some(issuer) => tr!(settings.sign_in_oidc_or_token, issuer),
                    None => tr!(settings.sign_in_token).to_string(),
                };
                let api = if c.api_base_url.is_empty() {
                    tr!(settings.this_site).to_string()
                } else {
                    c.api_base_url.clone()
                };
                let name = c.name.clone();
                let source = if connections.is_added(index) {
                    view! {
                        {tr!(settings.added_in_this_browser)} " "
                        <button type="button" class="link" on:click=move |_| remove(index)
                            aria-label=tr!(settings.remove_connection, name)>{tr!(settings.remove)}</button>
                    }
                    .into_any()
                } else {
                    "config.json".into_any()
                };
                view! {
                    <tr>
                        <td>{c.name}</td>
                        <td>{c.provider.label()}</td>
                        <td><code>{api}</code></td>
                        <td>{c.organization_id.unwrap_or_else(|| "—".into())}</td>
                        <td>{sign_in}</td>
                        <td>{source}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <h2>{tr!(settings.connections)}</h2>
        <div class="table-scroll">
            <table class="connections">
                <thead>
                    <tr>
                        <th scope="col">{tr!(settings.column_name)}</th>
                        <th scope="col">{tr!(settings.column_api)}</th>
                        <th scope="col">{tr!(settings.column_address)}</th>
                        <th scope="col">{tr!(settings.column_default_organisation)}</th>
                        <th scope="col">{tr!(settings.column_sign_in)}</th>
                        <th scope="col">{tr!(settings.column_from)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
    }
}

/// Adds a connection after the same checks as config.json's.
#[component]
fn AddConnectionForm() -> impl IntoView {
    let connections = Connections::current();
    let name = RwSignal::new(String::new());
    let provider = RwSignal::new(0_usize);
    let api_base_url = RwSignal::new(String::new());
    let organization_id = RwSignal::new(String::new());
    let issuer = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let optional = |signal: RwSignal<String>| {
        let value = signal.get_untracked().trim().to_string();
        (!value.is_empty()).then_some(value)
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let connection = Connection {
            name: name.get_untracked().trim().to_string(),
            provider: ProviderApi::ALL[provider.get_untracked()],
            api_base_url: api_base_url.get_untracked().trim().to_string(),
            organization_id: optional(organization_id),
            timeout_seconds: None,
            issuer: optional(issuer),
            client_id: optional(client_id),
            record_reasons: false,
        };
        let added = connection.name.clone();
        outcome.set(Some(match connections.add(connection) {
            Ok(()) => {
                for field in [name, api_base_url, organization_id, issuer, client_id] {
                    field.set(String::new());
                }
                Ok(tr!(settings.connection_added, name = added))
            }
            Err(error) => Err(error),
        }));
    };
    let capabilities = move || ProviderApi::ALL[provider.get()].capabilities();
    let has_organizations = move || capabilities().has_organizations;
    let signs_in_with_oidc = move || capabilities().sign_in == SignIn::OidcOrAccessToken;
    // The hint describes the field rather than naming it (aria-describedby).
    let text_field = move |id: &'static str,
                           label: &'static str,
                           signal: RwSignal<String>,
                           hint: &'static str| {
        let hint_id = format!("{id}-hint");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="text" spellcheck="false" aria-describedby=hint_id.clone()
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))/>
                <small id=hint_id class="muted">{hint}</small>
            </div>
        }
    };
    view! {
        <h2>{tr!(settings.add_a_connection)}</h2>
        <p class="muted">{tr!(settings.add_connection_intro)}</p>
        <form on:submit=on_submit class="settings-form">
            {text_field("connection-name", tr!(settings.field_name), name, tr!(settings.field_name_hint))}
            <label class="field">
                <span>{tr!(settings.field_api)}</span>
                <select on:change=move |ev| {
                    provider.set(event_target_value(&ev).parse().unwrap_or(0));
                }>
                    {ProviderApi::ALL
                        .iter()
                        .enumerate()
                        .map(|(i, p)| view! { <option value=i.to_string()>{p.label()}</option> })
                        .collect_view()}
                </select>
            </label>
            {text_field(
                "connection-api",
                tr!(settings.field_api_address),
                api_base_url,
                tr!(settings.field_api_address_hint),
            )}
            <Show when=has_organizations>
                {text_field("connection-organization", tr!(settings.field_default_organisation_id), organization_id, tr!(settings.field_default_organisation_id_hint))}
            </Show>
            <Show when=signs_in_with_oidc>
                {text_field("connection-issuer", tr!(settings.field_oidc_issuer), issuer, tr!(settings.field_oidc_issuer_hint))}
                {text_field("connection-client-id", tr!(settings.field_oidc_client_id), client_id, tr!(settings.field_oidc_client_id_hint))}
            </Show>
            {move || outcome.get().map(|result| match result {
                Ok(message) => view! { <p class="notice" role="status">{message}</p> }.into_any(),
                Err(message) => view! { <p class="field-error" role="alert">{message}</p> }.into_any(),
            })}
            <button type="submit" class="primary">{tr!(settings.add_connection)}</button>
        </form>
    }
}
