//! The signals that end a long-running command (`serve`, `notes`) cleanly.

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is
/// called, not when it is first polled, so a signal that arrives right after
/// the command announces itself still ends it cleanly.
pub fn signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}
