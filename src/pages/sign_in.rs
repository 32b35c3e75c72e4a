use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api::Api;
use crate::auth::{safe_return_path, Session};

/// `/sign-in`: a personal access token of a ZITADEL service user.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let api = expect_context::<Api>();
    let is_zitadel = api.provider().has_grants();
    let (field, hint) = if is_zitadel {
        (
            "Personal access token",
            "Use a personal access token of a ZITADEL service user with the user.write permission. ",
        )
    } else {
        (
            "Auth token",
            "Use a Weavr auth token of a user with the ADMIN role (from login through your deployment's proxy). ",
        )
    };
    let query = use_query_map();
    let navigate = use_navigate();
    let token = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = token.get_untracked();
        if value.trim().is_empty() {
            problem.set(Some("Paste a token to sign in."));
            return;
        }
        if value.trim().chars().any(char::is_whitespace) {
            problem.set(Some(
                "A token has no spaces or line breaks inside. Copy it again, whole.",
            ));
            return;
        }
        session.sign_in(&value);
        token.set(String::new());
        let next = query.with_untracked(|q| q.get("next"));
        navigate(&safe_return_path(next.as_deref()), Default::default());
    };

    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <p class="muted">
                {hint} "It is kept in this tab only and forgotten when you sign out or close the tab."
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
                <button type="submit" class="primary">"Sign in"</button>
            </form>
        </section>
    }
}

/// Shows its children to a signed-in admin; sends anyone else to sign in
/// first, and back here afterwards.
#[component]
pub fn RequireSignIn(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<Session>();
    let location = use_location();
    move || {
        if session.is_signed_in() {
            children().into_any()
        } else {
            // The router's `search` has no leading '?'.
            let (path, search) = (
                location.pathname.get_untracked(),
                location.search.get_untracked(),
            );
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            let next = js_sys::encode_uri_component(&here);
            view! { <Redirect path=format!("/sign-in?next={next}")/> }.into_any()
        }
    }
}
