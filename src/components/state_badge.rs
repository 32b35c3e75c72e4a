use leptos::prelude::*;

/// A state in words, coloured by its tone (`active`, `inactive`, `locked`,
/// `initial`, `deleted`, `unknown`).
#[component]
pub fn StateBadge(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] tone: Signal<&'static str>,
) -> impl IntoView {
    view! {
        <span class=move || format!("badge badge-{}", tone.get()) data-testid="state-badge">
            {move || label.get()}
        </span>
    }
}
