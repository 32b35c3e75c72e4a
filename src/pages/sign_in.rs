use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api::Api;
use crate::auth::{oidc, safe_return_path, Session};
use crate::config::Connection;
use crate::providers::SignIn;
use crate::routes;
use crate::site;
use crate::tr;

/// `/sign-in`: the ways the active connection signs in. ZITADEL: OpenID
/// Connect when the connection has an issuer and client id, and a personal
/// access token of a service user. Weavr: email and password through the
/// deployment's proxy, or an auth token.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = Session::current();
    let connection = Connection::current();
    let query = use_query_map();
    let next = Signal::derive(move || query.with(|q| safe_return_path(q.get("next").as_deref())));
    let sign_in = connection.provider.capabilities().sign_in;
    let with_oidc = sign_in == SignIn::OidcOrAccessToken && connection.oidc().is_some();
    view! {
        <section class="card narrow">
            <h1>{tr!(signin.title, name = connection.name.clone())}</h1>
            <Show when=move || session.has_expired()>
                <p class="notice" role="status">{tr!(signin.session_ended)}</p>
            </Show>
            {with_oidc.then(|| view! { <OidcSignIn next=next/> })}
            {(sign_in == SignIn::PasswordOrAuthToken).then(|| view! { <WeavrPasswordSignIn next=next/> })}
            <TokenSignIn next=next/>
        </section>
    }
}

/// "Sign in with ZITADEL": leaves for ZITADEL's login, comes back to
/// `/auth/callback`.
#[component]
fn OidcSignIn(next: Signal<String>) -> impl IntoView {
    let connection = Connection::current();
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let start = move |_| {
        let Some(client) = connection.oidc().map(|c| c.on_origin(&site::origin())) else {
            return;
        };
        let connection = connection.clone();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let redirect_uri = site::absolute_url(oidc::CALLBACK_PATH);
            let next = next.get_untracked();
            match oidc::start(
                &connection.name,
                &client,
                connection.timeout(),
                &redirect_uri,
                &next,
            )
            .await
            {
                Ok(url) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().assign(&url);
                    }
                }
                Err(error) => {
                    problem.set(Some(error.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <p class="muted">{tr!(signin.oidc_intro)}</p>
        <button type="button" class="primary" on:click=start disabled=move || busy.get()>
            {tr!(signin.sign_in_with_zitadel)}
        </button>
        {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        <hr/>
    }
}

/// Weavr's `login_with_password`, sent to the deployment's proxy, which adds
/// the api-key: the browser never holds it.
#[component]
fn WeavrPasswordSignIn(next: Signal<String>) -> impl IntoView {
    let session = Session::current();
    let api = Api::for_page();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (address, secret) = (email.get_untracked(), password.get_untracked());
        if address.trim().is_empty() || secret.is_empty() {
            problem.set(Some(tr!(signin.enter_email_and_password).into()));
            return;
        }
        busy.set(true);
        problem.set(None);
        let (api, navigate) = (api.clone(), navigate.clone());
        spawn_local(async move {
            match api.password_sign_in(&address, &secret).await {
                Ok(token) => {
                    password.set(String::new());
                    session.sign_in(&token, None);
                    navigate(&next.get_untracked(), Default::default());
                }
                Err(error) => {
                    problem.set(Some(error.to_string()));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <p class="muted">{tr!(signin.weavr_password_intro)}</p>
        <form on:submit=on_submit>
            <label class="field">
                <span>{tr!(signin.email)}</span>
                <input type="email" autocomplete="username" required
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{tr!(signin.password)}</span>
                <input type="password" autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))/>
            </label>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            <button type="submit" class="primary" disabled=move || busy.get()>{tr!(signin.sign_in)}</button>
        </form>
        <hr/>
    }
}

/// A token pasted by the admin: a ZITADEL personal access token, or a
/// Weavr auth token.
#[component]
fn TokenSignIn(next: Signal<String>) -> impl IntoView {
    let session = Session::current();
    let connection = Connection::current();
    let navigate = use_navigate();
    let (field, hint) = if connection.provider.capabilities().sign_in == SignIn::OidcOrAccessToken {
        (
            tr!(signin.personal_access_token),
            tr!(signin.personal_access_token_hint),
        )
    } else {
        (tr!(signin.auth_token), tr!(signin.auth_token_hint))
    };
    let token = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = token.get_untracked();
        if value.trim().is_empty() {
            problem.set(Some(tr!(signin.paste_a_token)));
            return;
        }
        if value.trim().chars().any(char::is_whitespace) {
            problem.set(Some(tr!(signin.token_has_whitespace)));
            return;
        }
        session.sign_in(&value, None);
        token.set(String::new());
        navigate(&next.get_untracked(), Default::default());
    };
    view! {
        <p class="muted">
            {hint} " " {tr!(signin.token_kept_in_tab)}
        </p>
        <form on:submit=on_submit>
            <label class="field">
                <span>{field}</span>
                <input
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || token.get()
                    on:input=move |ev| {
                        problem.set(None);
                        token.set(event_target_value(&ev));
                    }
                />
            </label>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            <button type="submit">{tr!(signin.sign_in_with_token)}</button>
        </form>
    }
}

/// The layout of every page that needs a session: the page for a signed-in
/// admin; anyone else is sent to sign in first, and back here afterwards.
#[component]
pub fn SignedIn() -> impl IntoView {
    let session = Session::current();
    let location = use_location();
    move || {
        if session.is_signed_in() {
            view! { <Outlet/> }.into_any()
        } else {
            // The router's `search` has no leading '?'; its pathname has the base.
            let (path, search) = (
                location.pathname.get_untracked(),
                location.search.get_untracked(),
            );
            let path = site::within_app(&path, &site::base_path()).to_string();
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            view! { <Redirect path=routes::sign_in(&here)/> }.into_any()
        }
    }
}
