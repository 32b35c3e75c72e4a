fn main() {
    console_error_panic_hook::set_once();
    // Before the first paint, so a dark pick never flashes light.
    lifecycle_console::theme::Theme::remembered().apply();
    leptos::mount::mount_to_body(lifecycle_console::app::App);
    // After the page has sent its first request: runs while that is in flight.
    leptos::prelude::set_timeout(
        lifecycle_console::components::prepare_formatters,
        std::time::Duration::ZERO,
    );
}
