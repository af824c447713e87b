//! Starting the console: config, then the sandbox or the real endpoints, then the TUI.

use crate::app::runner::{Audit, Backends, Runner};
use crate::app::state::{ProfileInfo, State, Unlock};
use crate::audit::{Actor, AuditLog};
use crate::backends::bunq::BunqClient;
use crate::backends::graphql::GraphqlClient;
use crate::backends::healthmov::HealthmovClient;
use crate::backends::http::HttpSettings;
use crate::backends::unioo;
use crate::backends::vasco::{self, VascoClient};
use crate::cli::ConsoleArgs;
use crate::config::{Config, Environment, Profile};
use crate::sandbox::{Credentials, Sandbox, SandboxHandle, SandboxOptions};
use anyhow::Context;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the console gets its data, decided from the arguments and the config.
pub struct Setup {
    pub profile: ProfileInfo,
    pub unioo: Arc<unioo::UniooClient>,
    /// Healthmov, when the profile has it (always with the sandbox).
    pub healthmov: Option<Arc<HealthmovClient>>,
    /// VASCO, when the profile has it (always with the sandbox).
    pub vasco: Option<Arc<VascoClient>>,
    /// Upvest, when the profile has it (always with the sandbox).
    pub upvest: Option<Arc<crate::backends::upvest::UpvestClient>>,
    /// bunq, when the profile has it (always with the sandbox).
    pub bunq: Option<Arc<BunqClient>>,
    pub audit_path: Option<std::path::PathBuf>,
    pub operator: Option<String>,
    /// The profile whose `[team]` section says where the team store is (`None`: the data
    /// directory's), and whether operators of one OS user are told apart by name (sandbox).
    pub team: Option<(String, Profile)>,
    pub sandbox_profile: bool,
    /// Kept alive while the console runs when the embedded sandbox serves it.
    pub sandbox: Option<EmbeddedSandbox>,
}

/// The embedded sandbox, started beside the console's first frame: its port and credentials
/// are there at once (clients connect and wait), its data a moment later. Dropped, it stops
/// as soon as it is up.
pub struct EmbeddedSandbox(tokio::task::JoinHandle<SandboxHandle>);

impl EmbeddedSandbox {
    /// Binds and makes the credentials now; generates the data and serves on a blocking
    /// thread, so nothing waits for it but the first answers.
    pub async fn start(opts: SandboxOptions) -> std::io::Result<(EmbeddedSandbox, Credentials)> {
        let bound = Sandbox::bind(opts).await?;
        let creds = bound.credentials();
        let serving = tokio::task::spawn_blocking(move || bound.serve());
        Ok((EmbeddedSandbox(serving), creds))
    }

    /// Waits until it serves, then stops it.
    pub async fn stop(self) {
        if let Ok(handle) = self.0.await {
            drop(handle);
        }
    }
}

impl Setup {
    /// The backends as the runner uses them; `audit` where changes are recorded, `team` where
    /// operators meet.
    pub fn backends(&self, audit: Audit, team: crate::app::team::Team) -> Backends {
        Backends {
            people: self.unioo.clone(),
            review: self.unioo.clone(),
            staff: self.unioo.clone(),
            onboarding: self.healthmov.clone().map(|h| h as _),
            platform: self.vasco.clone().map(|v| v as _),
            end_users: self.upvest.clone().map(|u| u as _),
            bank_users: self.bunq.clone().map(|b| b as _),
            audit,
            team,
        }
    }

    /// The team store this set-up's profile names, for `actor`: its `[team]` section's
    /// PostgreSQL or SQLite file, else the data directory's `team.sqlite`. Opened on first use.
    pub fn team(&self, actor: &Actor) -> crate::app::team::Team {
        team_of(actor, self.team.clone(), self.sandbox_profile)
    }

    /// This operator's audit log, with its central copy in the team store: where the console
    /// and every script of the profile put what they read and change.
    pub fn audit(&self) -> (Audit, crate::app::team::Team) {
        let actor = Actor::from_env(self.operator.clone(), &self.profile.name);
        let team = self.team(&actor);
        let audit = open_audit(self.audit_path.clone(), actor).with_central(team.clone());
        (audit, team)
    }
}

/// The team store `profile` names, for `actor`.
fn team_of(
    actor: &Actor,
    profile: Option<(String, Profile)>,
    sandbox_profile: bool,
) -> crate::app::team::Team {
    use crate::team::Operator;
    let me = match &actor.operator {
        Some(name) if sandbox_profile => Operator::by_name(&actor.os_user, name, &actor.host),
        name => Operator::new(&actor.os_user, name.clone(), &actor.host),
    };
    let section = profile.as_ref().and_then(|(_, p)| p.team.as_ref());
    let ttl = section.map_or(Duration::from_secs(15 * 60), |t| t.claim_ttl());
    let resend_after = section.map_or(crate::app::team::RESEND_AFTER, |t| t.resend_after());
    let mut team = crate::app::team::Team::new(me, ttl, move || {
        let profile = profile.clone();
        async move {
            open_team(profile.as_ref().map(|(n, p)| (n.as_str(), p)))
                .await
                .map_err(|e| format!("{e:#}"))
        }
    });
    team.resend_after = resend_after;
    team
}

/// The chosen profile's audit log and team store, without connecting to any backend: for
/// the commands that read the log itself or send an import.
pub fn operator_audit(args: &ConsoleArgs) -> anyhow::Result<Audit> {
    let chosen = choose_profile(args)?;
    let sandbox_profile = chosen.as_ref().is_none_or(|(_, p)| p.sandbox);
    let (name, profile) = chosen.unwrap_or_else(|| ("sandbox".into(), Profile::default()));
    let actor = Actor::from_env(profile.operator.clone(), &name);
    let path = args.audit_log.clone().or(profile.audit_log.clone());
    let team = team_of(&actor, Some((name, profile)), sandbox_profile);
    Ok(open_audit(path, actor).with_central(team))
}

/// The config file in use: `--config`, else the default path when it exists.
fn config_path(args: &ConsoleArgs) -> Option<std::path::PathBuf> {
    args.config
        .clone()
        .or_else(|| crate::config::default_path().filter(|p| p.exists()))
}

/// The config file in use and what it says; `None` without one.
pub type Loaded = Option<(std::path::PathBuf, Config)>;

/// Reads the config file once (a session passes it on to each part that needs it).
pub fn load_config(args: &ConsoleArgs) -> anyhow::Result<Loaded> {
    Ok(match config_path(args) {
        Some(path) => {
            let config = Config::load(&path)?;
            Some((path, config))
        }
        None => None,
    })
}

/// Keys and colours: the config's `[keys]` and `[theme]` when there is a config (with
/// `--sandbox` too), else the defaults. `NO_COLOR` always turns colour off.
fn keys_and_theme(
    loaded: &Loaded,
) -> anyhow::Result<(crate::app::keymap::Keymap, crate::ui::theme::Theme)> {
    let no_color = crate::ui::theme::no_color_env();
    let Some((path, config)) = loaded else {
        return Ok((Default::default(), crate::ui::theme::Theme::from_env()));
    };
    // The config is plain data; what it means for keys and colours is decided here, and an
    // unknown action, a bad key, a conflict or a bad colour names the file and the key.
    let keymap = crate::app::keymap::Keymap::with(&config.bindings())
        .map_err(|e| crate::config::ConfigError::new(path, "keys", e))?;
    let theme = crate::ui::theme::Theme::with(&config.theme, no_color)
        .map_err(|(role, e)| crate::config::ConfigError::new(path, format!("theme.{role}"), e))?;
    Ok((keymap, theme))
}

/// The profile to use: `--sandbox`, no config file, or a profile with `sandbox = true` give
/// the embedded sandbox.
pub fn choose_profile(args: &ConsoleArgs) -> anyhow::Result<Option<(String, Profile)>> {
    choose_profile_in(args, &profile_config(args)?)
}

/// The config the profile comes from: none under `--sandbox`, which needs no file.
fn profile_config(args: &ConsoleArgs) -> anyhow::Result<Loaded> {
    if args.sandbox {
        Ok(None)
    } else {
        load_config(args)
    }
}

fn choose_profile_in(
    args: &ConsoleArgs,
    loaded: &Loaded,
) -> anyhow::Result<Option<(String, Profile)>> {
    if args.sandbox {
        return Ok(None);
    }
    let Some((path, config)) = loaded else {
        if let Some(name) = &args.profile {
            anyhow::bail!(
                "--profile {name}: there is no config file, so no profiles (see config.example.toml)"
            );
        }
        return Ok(None);
    };
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

/// The profile as the app sees it.
fn profile_info(name: String, p: &Profile, args: &ConsoleArgs) -> ProfileInfo {
    let mut info = ProfileInfo::new(&name, unioo::NAME);
    info.production = p.environment == Environment::Production;
    info.language = p.language.clone().unwrap_or_else(|| "en".into());
    info.read_only = p.read_only || args.read_only;
    if let Some(r) = &p.reject_reasons {
        info.reject_reasons = r.clone();
    }
    if let Some(m) = p.idle_lock_minutes {
        info.idle_lock = Duration::from_secs(m * 60).min(crate::app::state::MAX_IDLE_LOCK);
    }
    // Tests and demos may lock sooner than the profile says, never later.
    if let Some(secs) = std::env::var("BACKOFFICE_IDLE_LOCK_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
    {
        info.idle_lock = info.idle_lock.min(Duration::from_secs(secs));
    }
    info.unlock = match &p.unlock_cmd {
        Some(cmd) => Unlock::Command(cmd.clone()),
        None if p.sandbox => Unlock::Enter,
        None => Unlock::EndSession,
    };
    if let Some(t) = &p.team {
        info.claim_ttl = t.claim_ttl();
    }
    info.four_eyes = p.four_eyes.clone();
    info.export_dir = p
        .export_dir
        .clone()
        .or_else(crate::files::default_export_dir);
    info
}

/// A backend's own timeouts and body cap where its section gives them, else the profile's
/// (Unioo's).
fn timeouts(
    base: HttpSettings,
    connect: Option<u64>,
    total: Option<u64>,
    max_body_mib: Option<u64>,
) -> HttpSettings {
    HttpSettings {
        connect_timeout: connect
            .map(Duration::from_secs)
            .unwrap_or(base.connect_timeout),
        timeout: total.map(Duration::from_secs).unwrap_or(base.timeout),
        max_body: max_body_mib.map_or(base.max_body, |m| m << 20),
        ..base
    }
}

/// The Healthmov client's settings in `profile`: its section's, else Unioo's, else the defaults.
pub fn healthmov_settings(profile: &Profile) -> HttpSettings {
    let base = unioo_settings(profile);
    match &profile.healthmov {
        Some(h) => timeouts(base, h.connect_timeout_secs, h.timeout_secs, h.max_body_mib),
        None => base,
    }
}

/// Unioo's section's settings, the base of every other backend's.
fn unioo_settings(profile: &Profile) -> HttpSettings {
    let base = HttpSettings::default();
    match &profile.unioo {
        Some(u) => HttpSettings {
            max_document: u.max_document_mib.map_or(base.max_document, |m| m << 20),
            ..timeouts(base, u.connect_timeout_secs, u.timeout_secs, u.max_body_mib)
        },
        None => base,
    }
}

pub async fn connect(args: &ConsoleArgs) -> anyhow::Result<Setup> {
    connect_with(args, &profile_config(args)?).await
}

async fn connect_with(args: &ConsoleArgs, loaded: &Loaded) -> anyhow::Result<Setup> {
    let chosen = choose_profile_in(args, loaded)?;
    match chosen {
        Some((name, profile)) if !profile.sandbox => {
            let backend = profile
                .unioo
                .as_ref()
                .context("the profile has no [unioo] section")?;
            let token = backend
                .token(&profile.commands(&name, "unioo"))
                .with_context(|| format!("profile {name}: getting the Unioo token"))?;
            let settings = unioo_settings(&profile);
            let url = backend.url.parse().context("the Unioo url")?;
            let client = GraphqlClient::new(unioo::NAME, url, token, settings);
            let healthmov = match &profile.healthmov {
                Some(h) => {
                    // No env or command: the console asks for the password when needed.
                    let password = h
                        .password(&profile.commands(&name, "healthmov"))
                        .with_context(|| {
                            format!("profile {name}: getting the Healthmov password")
                        })?;
                    let url = h.url.parse().context("the Healthmov url")?;
                    Some(Arc::new(HealthmovClient::new(
                        url,
                        h.username.clone(),
                        password,
                        healthmov_settings(&profile),
                    )))
                }
                None => None,
            };
            let vasco = match &profile.vasco {
                Some(v) => {
                    let token = v
                        .token(&profile.commands(&name, "vasco"))
                        .with_context(|| format!("profile {name}: getting the VASCO token"))?;
                    let url = v.url.parse().context("the VASCO url")?;
                    Some(Arc::new(VascoClient::new(GraphqlClient::new(
                        vasco::NAME,
                        url,
                        token,
                        timeouts(
                            settings,
                            v.connect_timeout_secs,
                            v.timeout_secs,
                            v.max_body_mib,
                        ),
                    ))))
                }
                None => None,
            };
            let upvest = match &profile.upvest {
                Some(u) => Some(Arc::new(crate::backends::upvest::UpvestClient::new(
                    u.url.clone(),
                    u.client_id.clone(),
                    u.client_secret(&profile.commands(&name, "upvest"))
                        .with_context(|| format!("profile {name}: the Upvest client secret"))?,
                    u.key_id.clone(),
                    u.signing_key(&profile.commands(&name, "upvest"))
                        .with_context(|| format!("profile {name}: the Upvest signing key"))?,
                    timeouts(
                        settings,
                        u.connect_timeout_secs,
                        u.timeout_secs,
                        u.max_body_mib,
                    ),
                ))),
                None => None,
            };
            let bunq = match &profile.bunq {
                Some(b) => Some(Arc::new(BunqClient::new(
                    b.url.clone(),
                    b.api_key(&profile.commands(&name, "bunq"))
                        .with_context(|| format!("profile {name}: the bunq API key"))?,
                    crate::logging::state_dir().map(|d| d.join(format!("bunq-{name}.json"))),
                    timeouts(
                        settings,
                        b.connect_timeout_secs,
                        b.timeout_secs,
                        b.max_body_mib,
                    ),
                ))),
                None => None,
            };
            let info_name = name.clone();
            let mut info = profile_info(name, &profile, args);
            info.healthmov_user = profile.healthmov.as_ref().map(|h| h.username.clone());
            Ok(Setup {
                bunq,
                healthmov,
                vasco,
                upvest,
                profile: info,
                audit_path: args.audit_log.clone().or(profile.audit_log.clone()),
                operator: profile.operator.clone(),
                unioo: Arc::new(unioo::UniooClient::new(client)),
                team: Some((info_name.clone(), profile.clone())),
                sandbox_profile: false,
                sandbox: None,
            })
        }
        chosen => {
            let (name, profile) = chosen.unwrap_or_else(|| ("sandbox".into(), Profile::default()));
            if let Some(path) = &profile.sandbox_join {
                return join_sandbox(args, name, &profile, path);
            }
            let (sandbox, creds) = EmbeddedSandbox::start(SandboxOptions {
                faults: [profile.sandbox_faults.clone(), args.sandbox_faults.clone()].concat(),
                ..Default::default()
            })
            .await
            .context("starting the embedded sandbox")?;
            let c = SandboxClients::from_credentials(creds.clone())?;
            let team = Some((name.clone(), profile.clone()));
            let mut info = profile_info(name, &profile, args);
            info.production = false;
            // The sandbox holds no one's data: Enter may unlock it.
            if profile.unlock_cmd.is_none() {
                info.unlock = Unlock::Enter;
            }
            info.healthmov_user = Some(creds.healthmov.username);
            Ok(Setup {
                profile: info,
                audit_path: args.audit_log.clone().or(profile.audit_log.clone()),
                operator: profile.operator.clone(),
                team,
                sandbox_profile: true,
                ..c.setup(Some(sandbox))
            })
        }
    }
}

/// A sandbox profile on a sandbox another process serves (`sandbox_join`): two consoles, one
/// sandbox, as two operators told apart by `operator`.
fn join_sandbox(
    args: &ConsoleArgs,
    name: String,
    profile: &Profile,
    path: &std::path::Path,
) -> anyhow::Result<Setup> {
    // Faults live in the sandbox's process: asked for here they would silently not apply.
    let faults = [&profile.sandbox_faults, &args.sandbox_faults];
    if faults.iter().any(|f| !f.is_empty()) {
        anyhow::bail!(
            "profile {name} joins the sandbox of {} (sandbox_join): its faults are set where it \
             runs, `backoffice sandbox --fault API:FAULT`, not with --sandbox-fault or \
             sandbox_faults",
            path.display()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("sandbox_join: reading {}", path.display()))?;
    let creds: Credentials = serde_json::from_str(&text).with_context(|| {
        format!(
            "sandbox_join: {} is not what `backoffice sandbox` prints",
            path.display()
        )
    })?;
    let c = SandboxClients::from_credentials(creds.clone())?;
    let team = Some((name.clone(), profile.clone()));
    let mut info = profile_info(name, profile, args);
    info.production = false;
    if profile.unlock_cmd.is_none() {
        info.unlock = Unlock::Enter;
    }
    info.healthmov_user = Some(creds.healthmov.username);
    Ok(Setup {
        profile: info,
        audit_path: args.audit_log.clone().or(profile.audit_log.clone()),
        operator: profile.operator.clone(),
        team,
        sandbox_profile: true,
        ..c.setup(None)
    })
}

/// A client for each of the sandbox's APIs, with the credentials it prints.
pub struct SandboxClients {
    pub unioo: Arc<unioo::UniooClient>,
    pub healthmov: Arc<HealthmovClient>,
    pub vasco: Arc<VascoClient>,
    pub upvest: Arc<crate::backends::upvest::UpvestClient>,
    pub bunq: Arc<BunqClient>,
}

impl SandboxClients {
    pub fn new(handle: &SandboxHandle) -> anyhow::Result<SandboxClients> {
        SandboxClients::from_credentials(handle.credentials())
    }

    /// From what `backoffice sandbox` prints (a sandbox in another process).
    pub fn from_credentials(creds: Credentials) -> anyhow::Result<SandboxClients> {
        SandboxClients::from_credentials_with(creds, HttpSettings::default())
    }

    /// As [`from_credentials`](Self::from_credentials), every client with `settings`.
    pub fn from_credentials_with(
        creds: Credentials,
        settings: HttpSettings,
    ) -> anyhow::Result<SandboxClients> {
        let unioo = GraphqlClient::new(
            unioo::NAME,
            creds.unioo.url.parse().context("the sandbox url")?,
            SecretString::from(creds.unioo.token),
            settings,
        );
        let hm = creds.healthmov;
        let healthmov = HealthmovClient::new(
            hm.url.parse().context("the sandbox Healthmov url")?,
            hm.username,
            Some(SecretString::from(hm.password)),
            settings,
        );
        let vasco = VascoClient::new(GraphqlClient::new(
            vasco::NAME,
            creds.vasco.url.parse().context("the sandbox VASCO url")?,
            SecretString::from(creds.vasco.token),
            settings,
        ));
        let u = creds.upvest;
        let key =
            std::fs::read_to_string(&u.private_key_path).context("the sandbox's Upvest key")?;
        let upvest = crate::backends::upvest::UpvestClient::new(
            u.url,
            u.client_id,
            SecretString::from(u.client_secret),
            u.key_id,
            crate::backends::upvest::signature::SigningKey::from_pem(&key, None)
                .map_err(|e| anyhow::anyhow!("the sandbox's Upvest key: {e}"))?,
            settings,
        );
        // A sandbox's bunq installation dies with it: nothing is worth keeping on disk.
        let bunq = BunqClient::new(
            creds.bunq.url,
            SecretString::from(creds.bunq.api_key),
            None,
            settings,
        );
        Ok(SandboxClients {
            unioo: Arc::new(unioo::UniooClient::new(unioo)),
            healthmov: Arc::new(healthmov),
            vasco: Arc::new(vasco),
            upvest: Arc::new(upvest),
            bunq: Arc::new(bunq),
        })
    }

    /// As the console's runner uses them; `audit` where changes are recorded. No team store.
    pub fn backends(&self, audit: Audit) -> Backends {
        let team = crate::app::team::Team::unavailable(
            crate::team::Operator::new("sandbox", None, "sandbox"),
            "this set-up has no team store".into(),
        );
        self.setup(None).backends(audit, team)
    }

    /// The console's set-up on these clients (`sandbox`: kept alive with it).
    fn setup(&self, sandbox: Option<EmbeddedSandbox>) -> Setup {
        Setup {
            profile: ProfileInfo::new("sandbox", unioo::NAME),
            unioo: self.unioo.clone(),
            healthmov: Some(self.healthmov.clone()),
            vasco: Some(self.vasco.clone()),
            upvest: Some(self.upvest.clone()),
            bunq: Some(self.bunq.clone()),
            audit_path: None,
            operator: None,
            team: None,
            sandbox_profile: true,
            sandbox,
        }
    }
}

/// The console; `:profile NAME` ends a session and starts the next on that profile, in the
/// same process and terminal.
pub async fn run(mut args: ConsoleArgs) -> anyhow::Result<()> {
    let _log = crate::logging::init(None);
    let mut keys = crate::tui::Keys::default();
    loop {
        match session(&args, &mut keys).await? {
            Some(next) => {
                tracing::info!(profile = %next, "switching profile");
                args.profile = Some(next);
                args.sandbox = false;
            }
            None => return Ok(()),
        }
    }
}

/// The config's profile names (none without a config file).
fn profile_names(loaded: &Loaded) -> Vec<String> {
    loaded
        .as_ref()
        .map(|(_, c)| c.profiles.keys().cloned().collect())
        .unwrap_or_default()
}

/// One session on one profile; `Some(name)` to go on with another.
async fn session(
    args: &ConsoleArgs,
    keys: &mut crate::tui::Keys,
) -> anyhow::Result<Option<String>> {
    let loaded = load_config(args)?;
    // Bad keys or colours stop start-up with the reason, before anything connects.
    let (keymap, theme) = keys_and_theme(&loaded)?;
    let setup = connect_with(args, &loaded).await?;
    tracing::info!(profile = %setup.profile.name, sandbox = setup.sandbox.is_some(), "console starting");
    let (audit, team) = setup.audit();
    if let Audit::Unavailable { .. } = &audit {
        tracing::error!("audit log unavailable: decisions and reveals will be refused");
    }
    let backends = setup.backends(audit, team);
    let mut state = State::new(
        setup.profile,
        (80, 24),
        Instant::now(),
        crate::clock::today(),
    );
    state.keymap = keymap;
    let look = crate::ui::Look {
        theme,
        images: crate::ui::widgets::image::ImageSupport {
            colours: crate::ui::widgets::image::Colours::from_env(
                &std::env::var("COLORTERM").unwrap_or_default(),
                &std::env::var("TERM").unwrap_or_default(),
            ),
            ..Default::default()
        },
    };
    state.profile.search_sources = backends.sources().configured();
    state.profile.profiles = profile_names(&loaded);
    if let Audit::Unavailable { why, .. } = &backends.audit {
        state.last_error = Some(format!(
            "Audit log: {why}. Decisions and reveals are refused."
        ));
    }
    if let Audit::Open { log, .. } = &backends.audit
        && let Some(w) = log.lock().ok().and_then(|l| l.tail_warning().cloned())
    {
        tracing::warn!(warning = %w, "the audit log's last line");
        crate::app::central_audit::on_tail_warning(&mut state, &w);
    }
    let result = crate::tui::run(keys, state, look, |tx| Runner::new(backends.clone(), tx)).await;
    if let Some(h) = &setup.healthmov {
        // Ends the Healthmov session on quit; a slow server does not hold the exit up.
        let out = tokio::time::timeout(Duration::from_secs(3), h.session.logout()).await;
        if !matches!(out, Ok(Ok(()))) {
            tracing::warn!("Healthmov logout did not complete");
        }
    }
    if let Some(sandbox) = setup.sandbox {
        sandbox.stop().await;
    }
    result
}

/// Opens the audit log; when it cannot be written the console still starts (to read), but
/// every audited action is refused with this reason.
pub fn open_audit(path: Option<std::path::PathBuf>, actor: Actor) -> Audit {
    let Some(path) = path.or_else(crate::audit::default_path) else {
        return Audit::Unavailable {
            path: None,
            why: "no data directory for the audit log; set audit_log".into(),
        };
    };
    match AuditLog::open(&path, actor) {
        Ok(log) => Audit::Open {
            log: Arc::new(std::sync::Mutex::new(log)),
            central: None,
        },
        Err(e) => Audit::Unavailable {
            path: Some(path),
            why: e.to_string(),
        },
    }
}

/// The team store of `profile`: its `[team]` section's PostgreSQL (`url`) or shared SQLite
/// file (`path`), else the data directory's `team.sqlite`.
pub async fn open_team(
    profile: Option<(&str, &Profile)>,
) -> anyhow::Result<crate::team::TeamStore> {
    use crate::team::TeamStore;
    if let Some((name, p)) = profile
        && let Some(t) = &p.team
    {
        if let Some(url) = &t.url {
            let run = p.commands(name, "team");
            return Ok(TeamStore::open_postgres(url, t.password(&run)?).await?);
        }
        if let Some(path) = &t.path {
            return Ok(TeamStore::open_sqlite(path).await?);
        }
    }
    let Some(path) = default_team_path() else {
        anyhow::bail!("no data directory for the team store; set [profiles.NAME.team] path");
    };
    if let Some(dir) = path.parent() {
        crate::files::private_dir(dir)?;
    }
    Ok(TeamStore::open_sqlite(&path).await?)
}

/// The team store of a profile without a `[team]` section: the data directory's
/// `team.sqlite`.
pub fn default_team_path() -> Option<std::path::PathBuf> {
    crate::files::data_dir().map(|d| d.join("team.sqlite"))
}
