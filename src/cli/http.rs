//! `netral http`: the JSON API and the web chat page on one address.

use crate::http::HttpConfig;
use clap::Args;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "Environment:
  NETRAL_HTTP_ORIGINS        browser origins allowed to call the API (comma-separated, or *); default none (CORS off)
  NETRAL_HTTP_CLIENT_LIMIT   API requests per minute per client (default 60; 0 = no limit)
  NETRAL_HTTP_CLIENT_HEADER  header naming the client, set by a trusted reverse proxy (e.g. X-Forwarded-For)

The page is at /, the API under /v1, its OpenAPI document at /openapi.json. SIGINT or SIGTERM stops the server after the requests in flight.")]
pub struct HttpArgs {
    /// Address to listen on (host:port; port 0 picks a free one, printed at start).
    #[arg(long, env = crate::http::config::LISTEN_VAR, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
}

/// Exit code for unusable settings.
const CONFIG_EXIT: u8 = 2;

pub fn run(dir: Option<&Path>, args: HttpArgs) -> anyhow::Result<ExitCode> {
    let config = match HttpConfig::with_env(&args.listen) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("netral: {e}");
            return Ok(ExitCode::from(CONFIG_EXIT));
        }
    };
    let engine = std::sync::Arc::new(super::load_engine(dir)?);
    crate::metrics::Metrics::global().set_knowledge(&engine);
    let recorder = super::recorder();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async {
        // The stop signal is installed before the server binds and says it is listening.
        let stop = crate::shutdown::signal();
        crate::http::run_until(config, engine, recorder.clone(), stop).await
    });
    recorder.close();
    result?;
    Ok(ExitCode::SUCCESS)
}
