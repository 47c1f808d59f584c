//! The stop signal every long-running front end waits for: SIGINT (Ctrl-C) or, on Unix,
//! SIGTERM. One place, so `netral telegram`, `netral discord`, `netral http` and `netral serve`
//! stop alike.

use std::future::Future;

/// A future that resolves on SIGINT or SIGTERM. The handlers are installed when this is
/// called, not when the future is first polled: a signal sent as soon as a server says it is
/// listening is never lost (and never kills the process before the handler exists). Call it
/// inside a Tokio runtime.
pub fn signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            match (term, interrupt) {
                (Some(mut term), Some(mut interrupt)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = interrupt.recv() => {}
                    }
                }
                (Some(mut term), None) => {
                    term.recv().await;
                }
                (None, Some(mut interrupt)) => {
                    interrupt.recv().await;
                }
                (None, None) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
