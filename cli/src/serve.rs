//! `athena sandbox serve`: the athena-testkit sandbox as a standalone process on loopback, so
//! `curl`, other languages' tools and the examples (through `ATHENA_BASE_URL`) can use it.

use athena_testkit::Sandbox;

use crate::Failure;
use crate::output::out;

/// Starts the sandbox on `127.0.0.1:port`, prints how to reach it, and serves until Ctrl-C or
/// SIGTERM.
pub(crate) async fn serve(
    port: u16,
    seed: u64,
    patients: u64,
    token_rate_limit: u32,
) -> Result<(), Failure> {
    let sandbox = Sandbox::builder()
        .seed(seed)
        .patients(patients)
        .token_rate_limit_per_minute(token_rate_limit)
        .port(port)
        .try_start()
        .await
        .map_err(|e| Failure::Other(format!("cannot serve the sandbox on port {port}: {e}")))?;
    // A closed stdout does not stop the server: it is read once, by whoever started it.
    let _ = out(&format!(
        "athena-testkit sandbox at {base} (Ctrl-C or SIGTERM stops it)\n\
         export ATHENA_BASE_URL={base}\n\
         export ATHENA_CLIENT_ID={id}\n\
         export ATHENA_CLIENT_SECRET={secret}\n\
         export ATHENA_PRACTICE_ID={practice}\n",
        base = sandbox.base_url(),
        id = sandbox.client_id(),
        secret = sandbox.client_secret(),
        practice = sandbox.practice_id(),
    ));
    shutdown_signal().await;
    drop(sandbox);
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
