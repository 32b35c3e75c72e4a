use leptos::prelude::*;

/// A state in words, coloured by its tone (`active`, `inactive`, `locked`,
/// `initial`, `deleted`, `unknown`). Plain values: a list of 1,000 rows
/// makes no reactive node for them; a page whose subject changes state
/// renders a new badge.
#[component]
pub fn StateBadge(label: String, tone: &'static str) -> impl IntoView {
    view! {
        <span class=format!("badge badge-{tone}") data-testid="state-badge">{label}</span>
    }
}
