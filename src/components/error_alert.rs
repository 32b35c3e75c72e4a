use leptos::prelude::*;
use leptos_router::components::A;

use crate::routes;
use crate::site;

use crate::http::ApiError;
use crate::tr;

/// A failure, said in words: what happened, what the server said (with its
/// error id), and what to do next.
#[component]
pub fn ErrorAlert(
    error: ApiError,
    /// Offered when trying again can help.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
    /// Where "Sign in again" returns to.
    #[prop(optional, into)]
    return_to: Option<String>,
) -> impl IntoView {
    let sign_in = matches!(error, ApiError::Unauthenticated(_)).then(|| {
        let next = return_to.as_deref().unwrap_or("/");
        view! { <A href=site::href(&routes::sign_in(next)) attr:class="button">{tr!(errors.sign_in_again)}</A> }
    });
    let retry = on_retry
        .filter(|_| error.is_retryable())
        .map(|retry| view! { <button type="button" on:click=move |_| retry.run(())>{tr!(errors.try_again)}</button> });
    view! {
        <div class="alert" role="alert">
            <p class="alert-title"><strong>{error.to_string()}</strong></p>
            {error.server_text().map(|text| view! { <p class="alert-server">{tr!(errors.server_said)} " " {text.to_string()}</p> })}
            {error.error_id().map(|id| view! { <p class="alert-id">{tr!(errors.error_id)} " " <code>{id.to_string()}</code></p> })}
            <p>{error.advice()}</p>
            {sign_in}
            {retry}
        </div>
    }
}
