use leptos::prelude::*;

use crate::domain::UserState;

#[component]
pub fn StateBadge(#[prop(into)] state: Signal<UserState>) -> impl IntoView {
    view! {
        <span
            class=move || format!("badge badge-{}", state.with(UserState::css_name))
            data-testid="state-badge"
        >
            {move || state.with(|s| s.label().to_string())}
        </span>
    }
}
