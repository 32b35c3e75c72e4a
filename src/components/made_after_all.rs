use leptos::prelude::*;

use crate::tr;

/// Said once a read showed made a change whose answer was lost: the error
/// that said it "may or may not have been made" is gone with its retry.
#[component]
pub fn MadeAfterAll(#[prop(into)] made: Signal<bool>) -> impl IntoView {
    move || {
        made.get().then(|| {
            view! { <p class="notice" data-testid="made-after-all">{tr!(user.made_after_all)}</p> }
        })
    }
}
