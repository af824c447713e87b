//! Starting the console: config, then the sandbox or the real endpoints, then the TUI.

use crate::app::runner::Runner;
use crate::app::state::{ProfileInfo, State};
use crate::backends::graphql::GraphqlClient;
use crate::backends::http::HttpSettings;
use crate::backends::{PeopleDirectory, unioo};
use crate::cli::ConsoleArgs;
use crate::config::{Config, Environment, Profile};
use crate::sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use anyhow::Context;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the console gets its data, decided from the arguments and the config.
pub struct Setup {
    pub profile: ProfileInfo,
    pub directory: Arc<dyn PeopleDirectory>,
    /// Kept alive while the console runs when the embedded sandbox serves it.
    pub sandbox: Option<SandboxHandle>,
}

/// The profile to use: `--sandbox`, no config file, or a profile with `sandbox = true` give
/// the embedded sandbox.
pub fn choose_profile(args: &ConsoleArgs) -> anyhow::Result<Option<(String, Profile)>> {
    if args.sandbox {
        return Ok(None);
    }
    let path = match &args.config {
        Some(p) => p.clone(),
        None => match crate::config::default_path() {
            Some(p) if p.exists() => p,
            _ => {
                if let Some(name) = &args.profile {
                    anyhow::bail!(
                        "--profile {name}: there is no config file, so no profiles (see config.example.toml)"
                    );
                }
                return Ok(None);
            }
        },
    };
    let config = Config::load(&path)?;
    let name = match (&args.profile, &config.default_profile) {
        (Some(n), _) | (None, Some(n)) => n.clone(),
        (None, None) if config.profiles.len() == 1 => {
            config.profiles.keys().next().cloned().unwrap_or_default()
        }
        (None, None) if config.profiles.is_empty() => return Ok(None),
        (None, None) => anyhow::bail!(
            "config {}: several profiles ({}) and no default_profile; choose one with --profile",
            path.display(),
            config.profile_names().join(", ")
        ),
    };
    let profile = config.profiles.get(&name).cloned().with_context(|| {
        format!(
            "config {}: no profile named {name:?} (have: {})",
            path.display(),
            config.profile_names().join(", ")
        )
    })?;
    Ok(Some((name, profile)))
}

pub async fn connect(args: &ConsoleArgs) -> anyhow::Result<Setup> {
    let chosen = choose_profile(args)?;
    let language = chosen
        .as_ref()
        .and_then(|(_, p)| p.language.clone())
        .unwrap_or_else(|| "en".into());
    match chosen {
        Some((name, profile)) if !profile.sandbox => {
            let backend = profile
                .unioo
                .as_ref()
                .context("the profile has no [unioo] section")?;
            let token = backend
                .token()
                .with_context(|| format!("profile {name}: getting the Unioo token"))?;
            let settings = HttpSettings {
                connect_timeout: Duration::from_secs(backend.connect_timeout_secs.unwrap_or(5)),
                timeout: Duration::from_secs(backend.timeout_secs.unwrap_or(20)),
            };
            let url = backend.url.parse().context("the Unioo url")?;
            let client = GraphqlClient::new(unioo::NAME, url, token, settings);
            Ok(Setup {
                profile: ProfileInfo {
                    name,
                    production: profile.environment == Environment::Production,
                    backend: unioo::NAME,
                    language,
                },
                directory: Arc::new(unioo::UniooClient::new(client)),
                sandbox: None,
            })
        }
        chosen => {
            let name = chosen.map(|(n, _)| n).unwrap_or_else(|| "sandbox".into());
            let handle = Sandbox::start(SandboxOptions::default())
                .await
                .context("starting the embedded sandbox")?;
            let token = SecretString::from(handle.mint_unioo_token(crate::sandbox::TOKEN_TTL_SECS));
            let url = handle.unioo_url().parse().context("the sandbox url")?;
            let client = GraphqlClient::new(unioo::NAME, url, token, HttpSettings::default());
            Ok(Setup {
                profile: ProfileInfo {
                    name,
                    production: false,
                    backend: unioo::NAME,
                    language,
                },
                directory: Arc::new(unioo::UniooClient::new(client)),
                sandbox: Some(handle),
            })
        }
    }
}

pub async fn run(args: ConsoleArgs) -> anyhow::Result<()> {
    let _log = crate::logging::init(None);
    let setup = connect(&args).await?;
    tracing::info!(profile = %setup.profile.name, sandbox = setup.sandbox.is_some(), "console starting");
    let mut state = State::new(
        setup.profile,
        (80, 24),
        Instant::now(),
        crate::core::cpr::today(),
    );
    state.theme = crate::ui::theme::Theme::from_env();
    let directory = setup.directory;
    let result = crate::tui::run(state, |tx| Runner::new(directory.clone(), tx)).await;
    drop(setup.sandbox);
    result
}
