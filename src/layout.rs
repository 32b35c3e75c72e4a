//! The bar on top of every page: where the admin is (connection and
//! organisation), the language and theme menus, Settings, and signing out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::Api;
use crate::auth::{self, Connections, Session};
use crate::config::Connection;
use crate::language::{self, LANGUAGES};
use crate::routes;
use crate::site;
use crate::theme::Theme;
use crate::tr;
use crate::workspace::Workspace;

#[component]
pub fn TopBar() -> impl IntoView {
    let connection = Connection::current();
    let session = Session::current();
    let has_organizations = connection.provider.capabilities().has_organizations;
    // On a phone everything but the brand folds into one menu (style/main.css
    // shows the button below 40rem only); it folds again after each move.
    let menu_open = RwSignal::new(false);
    let location = use_location();
    Effect::new(move || {
        location.pathname.track();
        menu_open.set(false);
    });
    view! {
        <header class="top-bar" class:menu-open=move || menu_open.get()>
            <A href=site::href(routes::USERS) attr:class="brand">{tr!(common.brand)}</A>
            <button type="button" class="menu-button" aria-controls="top-menu"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|open| *open = !*open)>
                {tr!(common.menu)}
            </button>
            <div class="top-menu" id="top-menu">
                <div class="where">
                    <ConnectionPicker/>
                    {has_organizations.then(|| view! { <OrganizationPicker/> })}
                </div>
                <nav class="top-links">
                    <LanguageSwitch/>
                    <ThemeSwitch/>
                    <A href=site::href(routes::SETTINGS)>{tr!(common.settings)}</A>
                    <Show when=move || session.is_signed_in()>
                        <SignOutButton/>
                    </Show>
                </nav>
            </div>
        </header>
    }
}

/// The connection the tab works on. Switching starts at the users list:
/// an id of one provider means nothing to another.
#[component]
fn ConnectionPicker() -> impl IntoView {
    let connections = Connections::current();
    let current = Connection::current();
    let switch = move |ev: leptos::ev::Event| {
        let Ok(index) = event_target_value(&ev).parse::<usize>() else {
            return;
        };
        switch_connection(index, routes::USERS);
    };
    let options = move || {
        connections
            .all()
            .into_iter()
            .enumerate()
            .map(|(index, c)| {
                let selected = c.name == current.name;
                view! { <option value=index.to_string() selected=selected>{c.name}</option> }
            })
            .collect_view()
    };
    view! {
        <label class="picker" title=current.provider.label()>
            <span>{tr!(common.connection)}</span>
            <select on:change=switch>{options}</select>
        </label>
    }
}

/// Makes the tab work on the connection at `index`, at `path` (below the
/// site's base): everything below the choice is rebuilt for it.
pub fn switch_connection(index: usize, path: &str) {
    let (Some(connections), Some(workspace)) =
        (Connections::try_current(), Workspace::try_current())
    else {
        return;
    };
    if let Some(chosen) = connections.get_untracked(index) {
        auth::remember_connection(&chosen.name);
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let url = format!("{}{path}", site::base_path());
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
        workspace.active.set(index);
    }
}

/// The ZITADEL organisation whose grants the console manages
/// (`x-zitadel-orgid`). Lists the organisations the admin has a role in;
/// until that list arrives, or when it cannot, it shows the active id.
#[component]
fn OrganizationPicker() -> impl IntoView {
    let session = Session::current();
    let api = Api::for_page();
    let workspace = Workspace::current();
    let connection = Connection::current();
    let active = connection.organization_id.clone();
    let organizations = LocalResource::new(move || {
        let api = api.clone();
        let signed_in = session.is_signed_in();
        async move {
            if signed_in {
                Some(api.list_organizations().await)
            } else {
                None
            }
        }
    });
    let name = StoredValue::new(connection.name.clone());
    let switch = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        if !chosen.is_empty() {
            auth::remember_organization(&name.get_value(), &chosen);
            workspace.revision.update(|r| *r += 1);
        }
    };
    let active_label = active
        .clone()
        .unwrap_or_else(|| tr!(common.token_own_organisation_short).into());
    move || {
        let active = active.clone();
        match organizations.get() {
            Some(Some(Ok(list))) if !list.is_empty() => {
                let known = active.as_ref().is_none_or(|id| list.iter().any(|o| &o.id == id));
                let options = list
                    .into_iter()
                    .map(|org| {
                        let selected = active.as_deref() == Some(org.id.as_str());
                        view! { <option value=org.id.clone() selected=selected>{org.name}</option> }
                    })
                    .collect_view();
                // The active id stays visible even when the admin's list lacks it.
                let unlisted = (!known || active.is_none()).then(|| {
                    let label = match &active {
                        Some(id) => tr!(common.organisation_not_in_list, id),
                        None => tr!(common.token_own_organisation).to_string(),
                    };
                    view! { <option value="" selected=true>{label}</option> }
                });
                view! {
                    <label class="picker">
                        <span>{tr!(common.organisation)}</span>
                        <select on:change=switch>{unlisted}{options}</select>
                    </label>
                }
                .into_any()
            }
            Some(Some(Err(error))) => view! {
                <span class="picker" title=tr!(common.organisations_not_loaded, error)>
                    {tr!(common.organisation)} " " <code>{active_label.clone()}</code>
                </span>
            }
            .into_any(),
            _ => view! {
                <span class="picker">{tr!(common.organisation)} " " <code>{active_label.clone()}</code></span>
            }
            .into_any(),
        }
    }
}

/// Forgets the token here and ends the session at the provider: Weavr's
/// logout, or ZITADEL's end-session page for an OIDC sign-in.
#[component]
fn SignOutButton() -> impl IntoView {
    let session = Session::current();
    let api = Api::current();
    let sign_out = move |_| {
        let token = session.token();
        let end_session = session.sign_out();
        let ends_on_server = api.provider().capabilities().server_sign_out;
        if let Some(token) = token.filter(|_| ends_on_server) {
            let api = api.clone();
            spawn_local(async move { api.end_server_session(&token).await });
        }
        if let Some(url) = end_session {
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&url);
            }
        }
    };
    view! { <button type="button" class="link" on:click=sign_out>{tr!(common.sign_out)}</button> }
}

/// The language menu. A pick is remembered and rebuilds the console in that
/// language; one not yet downloaded is fetched first.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let workspace = Workspace::current();
    let now = language::current();
    let problem = RwSignal::new(language::start_problem());
    let pick = move |ev: leptos::ev::Event| {
        let select = event_target::<web_sys::HtmlSelectElement>(&ev);
        let Some(chosen) = language::from_tag(&select.value()) else {
            return;
        };
        spawn_local(async move {
            match language::switch_to(chosen).await {
                Ok(()) => workspace.revision.update(|r| *r += 1),
                Err(message) => {
                    // The menu goes back to the language the console is in.
                    select.set_value(language::current_tag());
                    let _ = problem.try_set(Some(message));
                }
            }
        });
    };
    view! {
        <label class="picker language-picker">
            <span>{tr!(common.language)}</span>
            <select on:change=pick>
                {LANGUAGES
                    .into_iter()
                    .map(|language| view! {
                        <option value=language.tag lang=language.tag selected=language == now>{language.name}</option>
                    })
                    .collect_view()}
            </select>
        </label>
        {move || problem.get().map(|message| view! { <p class="language-problem" role="alert">{message}</p> })}
    }
}

/// System, light or dark; remembered in this browser.
#[component]
fn ThemeSwitch() -> impl IntoView {
    let current = Theme::remembered();
    let choose = move |ev: leptos::ev::Event| Theme::from_key(&event_target_value(&ev)).choose();
    view! {
        <label class="picker">
            <span>{tr!(common.theme)}</span>
            <select on:change=choose>
                {Theme::ALL
                    .into_iter()
                    .map(|theme| view! {
                        <option value=theme.key() selected=theme == current>{theme.label()}</option>
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
