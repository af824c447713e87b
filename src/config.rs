//! The TOML config: profiles, each with its backends and how to get their secrets.
//!
//! Secrets never sit in the file: a token comes from an environment variable (`token_env`) or
//! the output of a command (`token_cmd`). Every error names the file, the key and what is wrong.
//!
//! Because its `*_cmd` keys run commands, the file is refused when others could have changed
//! it (group- or world-writable, or owned by another user), as ssh refuses such a
//! `~/.ssh/config`. Every command runs under a timeout (`cmd_timeout_secs`), its output capped.

use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a `*_cmd` may run when the profile does not say (`cmd_timeout_secs`).
pub const DEFAULT_CMD_TIMEOUT: Duration = Duration::from_secs(30);
/// The most a `*_cmd` may print: a secret is short, and nothing is read without a bound.
pub const MAX_CMD_OUTPUT: usize = 64 * 1024;
/// The largest config file read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Profile used when `--profile` is not given.
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Key overrides: an action's name (as in the `:` palette) → a key or a list of keys;
    /// `[]` or `""` unbinds it.
    #[serde(default)]
    pub keys: BTreeMap<String, KeyBinding>,
    /// Colour overrides for the 16-colour theme (`NO_COLOR` still turns colour off).
    #[serde(default)]
    pub theme: ThemeColours,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum KeyBinding {
    One(String),
    Many(Vec<String>),
}

impl KeyBinding {
    pub fn keys(&self) -> Vec<String> {
        match self {
            KeyBinding::One(k) => vec![k.clone()],
            KeyBinding::Many(ks) => ks.clone(),
        }
    }
}

/// Colour names (`red`, `lightcyan`, `#ff8800`, `208`) for each role; unset ones keep the
/// built-in 16-colour choice.
#[derive(Debug, Deserialize, Clone, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThemeColours {
    pub label: Option<String>,
    pub key: Option<String>,
    pub ok: Option<String>,
    pub warn: Option<String>,
    pub danger: Option<String>,
    pub dim: Option<String>,
    pub header: Option<String>,
    pub border: Option<String>,
}

impl Config {
    /// The `[keys]` table as written: action name → keys (the console builds its keymap).
    pub fn bindings(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        self.keys
            .iter()
            .map(|(k, v)| (k.clone(), v.keys()))
            .collect()
    }
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Sandbox,
    Test,
    Staging,
    Production,
}

#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub environment: Environment,
    /// Operator's name, for the audit trail.
    pub operator: Option<String>,
    /// Language for document type names (ISO 639-1), default "en".
    pub language: Option<String>,
    /// Use the embedded sandbox instead of real endpoints.
    #[serde(default)]
    pub sandbox: bool,
    /// No approve, reject or other mutating action is shown or reachable.
    #[serde(default)]
    pub read_only: bool,
    /// Reasons offered when rejecting a document (free text can always be added).
    pub reject_reasons: Option<Vec<String>>,
    /// Minutes without a key before the screen locks (1-15, default 15).
    pub idle_lock_minutes: Option<u64>,
    /// Run with the terminal to unlock after idling (e.g. `sudo -k; sudo -v`): unlocked only
    /// when it exits 0. Without it, a profile other than the sandbox ends the session at idle.
    pub unlock_cmd: Option<String>,
    /// The audit log file (default: the data directory's audit.jsonl).
    pub audit_log: Option<PathBuf>,
    /// Where `:export` writes files (default: the data directory's `exports/`, made 0700).
    pub export_dir: Option<PathBuf>,
    /// Seconds each of the profile's `*_cmd` commands may run before it is stopped (default 30).
    pub cmd_timeout_secs: Option<u64>,
    pub unioo: Option<GraphqlBackend>,
    pub healthmov: Option<LoginBackend>,
    /// The VASCO platform API (GraphQL, bearer token).
    pub vasco: Option<GraphqlBackend>,
    /// The Upvest Investment API (REST, client credentials and signed requests).
    pub upvest: Option<UpvestBackend>,
    /// The bunq public API (REST, API key, RSA-signed requests).
    pub bunq: Option<BunqBackend>,
    /// With `sandbox = true`: faults to inject, as `--sandbox-fault` takes them.
    #[serde(default)]
    pub sandbox_faults: Vec<String>,
    /// With `sandbox = true`: the credentials file `backoffice sandbox` printed; the console
    /// joins that sandbox instead of starting its own, so two consoles (two operators) share
    /// one sandbox.
    #[serde(default)]
    pub sandbox_join: Option<PathBuf>,
    /// Changes that need a second operator (`legitimation.reject`, `bank-user.block`, …): the
    /// maker's confirm records a proposal that another operator confirms.
    #[serde(default)]
    pub four_eyes: Vec<String>,
    /// The team store; without it, the data directory's `team.sqlite`.
    pub team: Option<TeamConfig>,
}

/// `[profiles.NAME.team]`: a shared SQLite file (`path`) or a PostgreSQL server (`url`, its
/// password from `password_env` or `password_cmd`, never from the file).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct TeamConfig {
    pub path: Option<PathBuf>,
    pub url: Option<String>,
    pub password_env: Option<String>,
    pub password_cmd: Option<String>,
    /// Minutes a claim lasts without renewal (a console that died lets go after this).
    #[serde(default = "TeamConfig::default_claim_minutes")]
    pub claim_minutes: u64,
    /// Seconds a confirmed proposal's sending may take before another console may send it
    /// again (the checker's console was cut off): longer than a sending with its retries.
    #[serde(default = "TeamConfig::default_resend_seconds")]
    pub resend_seconds: u64,
}

impl TeamConfig {
    fn default_claim_minutes() -> u64 {
        15
    }

    fn default_resend_seconds() -> u64 {
        120
    }

    pub fn resend_after(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.resend_seconds)
    }

    pub fn claim_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.claim_minutes * 60)
    }

    /// The PostgreSQL password from the environment or a command; `None` when neither is set
    /// (the URL's host may need none: a socket, or a `.pgpass` file).
    pub fn password(&self, run: &Commands) -> anyhow::Result<Option<SecretString>> {
        if self.password_env.is_none() && self.password_cmd.is_none() {
            return Ok(None);
        }
        secret(
            ("team.password_env", &self.password_env),
            ("team.password_cmd", &self.password_cmd),
            run,
        )
        .map(Some)
    }

    fn validate(&self, path: &Path, at: &str) -> Result<(), ConfigError> {
        let err = |k: &str, m: &str| Err(ConfigError::new(path, format!("{at}.{k}"), m));
        match (&self.path, &self.url) {
            (Some(_), Some(_)) => {
                return err("url", "give path (SQLite) or url (PostgreSQL), not both");
            }
            (None, None) => return err("path", "missing: give path (SQLite) or url (PostgreSQL)"),
            (Some(_), None) if self.password_env.is_some() || self.password_cmd.is_some() => {
                return err("password_env", "a SQLite path takes no password");
            }
            _ => {}
        }
        if self.password_env.is_some() && self.password_cmd.is_some() {
            return err(
                "password_cmd",
                "give password_env or password_cmd, not both",
            );
        }
        if let Some(url) = &self.url {
            let Ok(u) = url::Url::parse(url) else {
                return err("url", "not a URL: use postgres://user@host:port/database");
            };
            if !matches!(u.scheme(), "postgres" | "postgresql") {
                return err("url", "must start with postgres://");
            }
            if u.password().is_some() || u.query_pairs().any(|(k, _)| k == "password") {
                return err(
                    "url",
                    "holds a password: remove it and use password_env or password_cmd",
                );
            }
        }
        if !(1..=1440).contains(&self.claim_minutes) {
            return err("claim_minutes", "must be 1 to 1440 minutes");
        }
        // Below a minute, a slow sending could be sent again while it still runs.
        if !(60..=86_400).contains(&self.resend_seconds) {
            return err("resend_seconds", "must be 60 to 86400 seconds");
        }
        Ok(())
    }
}

/// bunq: the API key opens installation, device and session, kept in the state directory.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct BunqBackend {
    /// The base URL, `/v1` included (e.g. https://public-api.sandbox.bunq.com/v1).
    pub url: String,
    pub api_key_env: Option<String>,
    pub api_key_cmd: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
    /// MiB an answer may weigh before it is refused (default 16).
    pub max_body_mib: Option<u64>,
}

impl BunqBackend {
    pub fn api_key(&self, run: &Commands) -> anyhow::Result<SecretString> {
        secret(
            ("api_key_env", &self.api_key_env),
            ("api_key_cmd", &self.api_key_cmd),
            run,
        )
    }
}

/// Upvest: OAuth2 client credentials, and the key that signs every request.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct UpvestBackend {
    pub url: String,
    pub client_id: String,
    pub client_secret_env: Option<String>,
    pub client_secret_cmd: Option<String>,
    /// The registered signing key's id.
    pub key_id: String,
    /// A PKCS#8 PEM private key (Ed25519 or ECDSA P-521), readable by its owner only.
    pub private_key_path: PathBuf,
    /// For an encrypted key.
    pub passphrase_env: Option<String>,
    pub passphrase_cmd: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
    /// MiB an answer may weigh before it is refused (default 16).
    pub max_body_mib: Option<u64>,
}

/// How a profile's `*_cmd` keys run: where they sit in the file (for errors) and how long
/// each may take.
#[derive(Debug, Clone)]
pub struct Commands {
    /// The section holding the keys, e.g. `profiles.prod.unioo`.
    pub at: String,
    pub timeout: Duration,
}

impl Commands {
    /// The full name of `key` in this section.
    fn key(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.at)
        }
    }
}

impl Profile {
    /// How the `*_cmd` keys of this profile's `backend` section run.
    pub fn commands(&self, profile: &str, backend: &str) -> Commands {
        Commands {
            at: format!("profiles.{profile}.{backend}"),
            timeout: self
                .cmd_timeout_secs
                .map_or(DEFAULT_CMD_TIMEOUT, Duration::from_secs),
        }
    }
}

/// A secret from the environment variable `env` names, or from what the command `cmd` prints.
fn secret(
    (env_key, env): (&str, &Option<String>),
    (cmd_key, cmd): (&str, &Option<String>),
    run: &Commands,
) -> anyhow::Result<SecretString> {
    if let Some(var) = env {
        let v = std::env::var(var).map_err(|_| {
            anyhow::anyhow!("the environment variable {var} ({env_key}) is not set")
        })?;
        return Ok(SecretString::from(v.trim().to_string()));
    }
    let Some(cmd) = cmd else {
        anyhow::bail!("give {env_key} or {cmd_key}");
    };
    run_secret_command(&run.key(cmd_key), cmd, run.timeout)
}

/// Runs `cmd` with `sh -c` and returns its trimmed output. The command gets no stdin and
/// keeps stderr (a password manager may say why it failed); it is killed when it has not
/// finished within `timeout` or prints more than [`MAX_CMD_OUTPUT`] bytes. Errors name `key`,
/// never the command's output.
pub fn run_secret_command(key: &str, cmd: &str, timeout: Duration) -> anyhow::Result<SecretString> {
    use std::io::{IsTerminal, Read};
    use std::process::{Command, Stdio};
    use std::time::Instant;
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot run {key}: {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    // Reads until the command (and whatever it started) closes its output, or past the cap.
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = stdout
            .take(MAX_CMD_OUTPUT as u64 + 1)
            .read_to_end(&mut out)
            .map(|_| out);
        let _ = tx.send(read);
    });
    let stop = |child: &mut std::process::Child, why: String| -> anyhow::Error {
        kill_tree(child);
        anyhow::anyhow!(why)
    };
    let too_slow = || {
        format!(
            "{key} did not finish within {} s and was stopped (cmd_timeout_secs sets how long it may run)",
            timeout.as_secs()
        )
    };
    // Something on screen while a slow command (a password manager) is waited for.
    let hint = Duration::from_secs(1).min(timeout);
    let first = match rx.recv_timeout(hint) {
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            if std::io::stderr().is_terminal() {
                eprintln!("Waiting for {key} (stopped after {} s)…", timeout.as_secs());
            }
            rx.recv_timeout(timeout.saturating_sub(started.elapsed()))
        }
        other => other,
    };
    let out = match first {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => {
            return Err(stop(
                &mut child,
                format!("cannot read what {key} printed: {e}"),
            ));
        }
        Err(_) => return Err(stop(&mut child, too_slow())),
    };
    if out.len() > MAX_CMD_OUTPUT {
        return Err(stop(
            &mut child,
            format!(
                "{key} printed more than {} KiB; a secret is shorter",
                MAX_CMD_OUTPUT / 1024
            ),
        ));
    }
    // Its output is closed: the command is ending. Wait for its status within what is left.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < timeout => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => return Err(stop(&mut child, too_slow())),
            Err(e) => return Err(stop(&mut child, format!("cannot wait for {key}: {e}"))),
        }
    };
    if !status.success() {
        anyhow::bail!("{key} exited with {status}");
    }
    let text = String::from_utf8(out)
        .map_err(|_| anyhow::anyhow!("{key} printed something that is not UTF-8"))?;
    let secret = SecretString::from(text.trim().to_string());
    drop(text);
    use secrecy::ExposeSecret;
    if secret.expose_secret().is_empty() {
        anyhow::bail!("{key} printed nothing");
    }
    Ok(secret)
}

impl UpvestBackend {
    pub fn client_secret(&self, run: &Commands) -> anyhow::Result<SecretString> {
        secret(
            ("client_secret_env", &self.client_secret_env),
            ("client_secret_cmd", &self.client_secret_cmd),
            run,
        )
    }

    /// The signing key, refused when others can read it.
    pub fn signing_key(
        &self,
        run: &Commands,
    ) -> anyhow::Result<crate::backends::upvest::signature::SigningKey> {
        let path = &self.private_key_path;
        let meta = std::fs::metadata(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                anyhow::bail!(
                    "{} can be read by others: run chmod 600 on it",
                    path.display()
                );
            }
        }
        let pem = read_small(path, 64 * 1024)?;
        let passphrase = if self.passphrase_env.is_some() || self.passphrase_cmd.is_some() {
            Some(secret(
                ("passphrase_env", &self.passphrase_env),
                ("passphrase_cmd", &self.passphrase_cmd),
                run,
            )?)
        } else {
            None
        };
        crate::backends::upvest::signature::SigningKey::from_pem(&pem, passphrase.as_ref())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

/// A small text file, refused when it is not a regular file or larger than `cap` bytes.
fn read_small(path: &Path, cap: u64) -> anyhow::Result<String> {
    use std::io::Read;
    let f = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    let meta = f
        .metadata()
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    if !meta.is_file() {
        anyhow::bail!("{} is not a regular file", path.display());
    }
    let mut text = String::new();
    f.take(cap + 1)
        .read_to_string(&mut text)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    if text.len() as u64 > cap {
        anyhow::bail!("{} is larger than {} KiB", path.display(), cap / 1024);
    }
    Ok(text)
}

/// A backend that takes a username and password (Healthmov).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct LoginBackend {
    pub url: String,
    pub username: String,
    pub password_env: Option<String>,
    pub password_cmd: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
    /// MiB an answer may weigh before it is refused (default 16).
    pub max_body_mib: Option<u64>,
}

impl LoginBackend {
    /// The password from the environment or a command; never from the file. `None` when
    /// neither is set: the console asks for it.
    pub fn password(&self, run: &Commands) -> anyhow::Result<Option<SecretString>> {
        if self.password_env.is_none() && self.password_cmd.is_none() {
            return Ok(None);
        }
        secret(
            ("password_env", &self.password_env),
            ("password_cmd", &self.password_cmd),
            run,
        )
        .map(Some)
    }
}

#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct GraphqlBackend {
    pub url: String,
    pub token_env: Option<String>,
    pub token_cmd: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
    /// MiB an answer may weigh before it is refused (default 16).
    pub max_body_mib: Option<u64>,
    /// MiB an answer carrying a document's scan may weigh (Unioo; default 32).
    pub max_document_mib: Option<u64>,
}

/// A config problem, located as precisely as the file allows.
#[derive(Debug, thiserror::Error)]
#[error("config {}: {key}: {message}", file.display())]
pub struct ConfigError {
    pub file: PathBuf,
    pub key: String,
    pub message: String,
}

impl ConfigError {
    pub fn new(file: &Path, key: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            file: file.to_path_buf(),
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Where the config lives when `--config` is not given.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "backoffice").map(|d| d.config_dir().join("config.toml"))
}

/// Why a file others could have written is not trusted: group- or world-writable, or owned by
/// someone other than this user or root (as ssh judges `~/.ssh/config`).
#[cfg(unix)]
fn unsafe_owner_or_mode(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode() & 0o7777;
    if mode & 0o022 != 0 {
        let who = match (mode & 0o020 != 0, mode & 0o002 != 0) {
            (true, true) => "its group and everyone",
            (true, false) => "its group",
            _ => "everyone",
        };
        return Some(format!("it can be written by {who} (mode {mode:04o})"));
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me && meta.uid() != 0 {
        return Some(format!(
            "it belongs to another user (uid {}), who could change it",
            meta.uid()
        ));
    }
    None
}

#[cfg(not(unix))]
fn unsafe_owner_or_mode(_: &std::fs::Metadata) -> Option<String> {
    None
}

impl Config {
    /// Reads and checks the file: refused when someone else could have written it (its
    /// `*_cmd` keys run commands), and never read past [`MAX_CONFIG_BYTES`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        use std::io::Read;
        let file = |message: String| ConfigError::new(path, "(file)", message);
        let f = std::fs::File::open(path).map_err(|e| file(format!("cannot read: {e}")))?;
        let meta = f
            .metadata()
            .map_err(|e| file(format!("cannot read: {e}")))?;
        if let Some(why) = unsafe_owner_or_mode(&meta) {
            return Err(file(format!(
                "{why}; its *_cmd keys run commands, so it is not used. Fix: chmod go-w {}",
                path.display()
            )));
        }
        let mut text = String::new();
        f.take(MAX_CONFIG_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| file(format!("cannot read: {e}")))?;
        if text.len() as u64 > MAX_CONFIG_BYTES {
            return Err(file(format!(
                "larger than {} KiB; this is not a config file",
                MAX_CONFIG_BYTES / 1024
            )));
        }
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            let key = key_at(text, e.span().map(|s| s.start).unwrap_or(0));
            ConfigError::new(
                path,
                key,
                format!("{} (line {line}, column {col})", e.message().trim()),
            )
        })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        if let Some(d) = &self.default_profile
            && !self.profiles.contains_key(d)
        {
            return Err(ConfigError::new(
                path,
                "default_profile",
                format!(
                    "no profile named {d:?} (have: {})",
                    self.profile_names().join(", ")
                ),
            ));
        }
        for (name, p) in &self.profiles {
            let at = |k: &str| format!("profiles.{name}.{k}");
            if let Some(lang) = &p.language
                && (lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_lowercase()))
            {
                return Err(ConfigError::new(
                    path,
                    at("language"),
                    "use a two-letter code such as \"da\" or \"en\"",
                ));
            }
            if let Some(m) = p.idle_lock_minutes
                && !(1..=15).contains(&m)
            {
                return Err(ConfigError::new(
                    path,
                    at("idle_lock_minutes"),
                    format!("must be 1 to 15 minutes, not {m}"),
                ));
            }
            if p.unlock_cmd.as_deref().is_some_and(|c| c.trim().is_empty()) {
                return Err(ConfigError::new(
                    path,
                    at("unlock_cmd"),
                    "is empty: name a command that re-authenticates the operator",
                ));
            }
            if let Some(t) = p.cmd_timeout_secs
                && !(1..=3600).contains(&t)
            {
                return Err(ConfigError::new(
                    path,
                    at("cmd_timeout_secs"),
                    format!("must be 1 to 3600 seconds, not {t}"),
                ));
            }
            if let Some(r) = &p.reject_reasons
                && r.iter().any(|x| x.trim().is_empty())
            {
                return Err(ConfigError::new(
                    path,
                    at("reject_reasons"),
                    "a reason cannot be empty",
                ));
            }
            if p.sandbox_join.is_some() && !p.sandbox {
                return Err(ConfigError::new(
                    path,
                    at("sandbox_join"),
                    "sandbox_join joins a sandbox: it needs sandbox = true",
                ));
            }
            if p.sandbox && p.environment == Environment::Production {
                // Fake data under a production banner, or a production profile quietly
                // talking to fakes: either way the officer would be misled.
                return Err(ConfigError::new(
                    path,
                    at("sandbox"),
                    "a production profile cannot use the sandbox: remove sandbox = true or environment = \"production\"",
                ));
            }
            if let Some(t) = &p.team {
                t.validate(path, &at("team"))?;
            }
            let known = crate::app::four_eyes::ACTIONS;
            if let Some(a) = p.four_eyes.iter().find(|a| !known.contains(&a.as_str())) {
                return Err(ConfigError::new(
                    path,
                    at("four_eyes"),
                    format!(
                        "{:?} is not a change the console makes; four_eyes takes: {}",
                        crate::sanitize::line(a),
                        known.join(", ")
                    ),
                ));
            }
            if p.sandbox {
                continue;
            }
            if let Some(h) = &p.healthmov {
                // Neither env nor command: the console asks for the password.
                let asks = h.password_env.is_none() && h.password_cmd.is_none();
                let as_backend = GraphqlBackend {
                    url: h.url.clone(),
                    token_env: if asks {
                        Some("(asked for)".into())
                    } else {
                        h.password_env.clone()
                    },
                    token_cmd: h.password_cmd.clone(),
                    timeout_secs: h.timeout_secs,
                    max_body_mib: h.max_body_mib,
                    ..Default::default()
                };
                as_backend
                    .validate(path, &at("healthmov"))
                    .map_err(|e| ConfigError {
                        message: e.message.replace("token", "password"),
                        key: e.key.replace("token", "password"),
                        ..e
                    })?;
            }
            if let Some(v) = &p.vasco {
                v.validate(path, &at("vasco"))?;
            }
            if let Some(u) = &p.upvest {
                GraphqlBackend {
                    url: u.url.clone(),
                    token_env: u.client_secret_env.clone(),
                    token_cmd: u.client_secret_cmd.clone(),
                    timeout_secs: u.timeout_secs,
                    max_body_mib: u.max_body_mib,
                    ..Default::default()
                }
                .validate(path, &at("upvest"))
                .map_err(|e| ConfigError {
                    message: e.message.replace("token", "client_secret"),
                    key: e.key.replace("token", "client_secret"),
                    ..e
                })?;
            }
            if let Some(b) = &p.bunq {
                GraphqlBackend {
                    url: b.url.clone(),
                    token_env: b.api_key_env.clone(),
                    token_cmd: b.api_key_cmd.clone(),
                    timeout_secs: b.timeout_secs,
                    max_body_mib: b.max_body_mib,
                    ..Default::default()
                }
                .validate(path, &at("bunq"))
                .map_err(|e| ConfigError {
                    message: e.message.replace("token", "api_key"),
                    key: e.key.replace("token", "api_key"),
                    ..e
                })?;
            }
            let Some(u) = &p.unioo else {
                return Err(ConfigError::new(
                    path,
                    at("unioo"),
                    "missing: give [profiles.NAME.unioo] with url and token_env or token_cmd, or set sandbox = true",
                ));
            };
            u.validate(path, &at("unioo"))?;
        }
        Ok(())
    }

    pub fn profile_names(&self) -> Vec<String> {
        self.profiles.keys().cloned().collect()
    }
}

impl GraphqlBackend {
    fn validate(&self, path: &Path, at: &str) -> Result<(), ConfigError> {
        let url = reqwest::Url::parse(&self.url)
            .map_err(|e| ConfigError::new(path, format!("{at}.url"), format!("not a URL: {e}")))?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d == "localhost",
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(ConfigError::new(
                    path,
                    format!("{at}.url"),
                    "must use https (plain http is allowed only on loopback)",
                ));
            }
            s => {
                return Err(ConfigError::new(
                    path,
                    format!("{at}.url"),
                    format!("unsupported scheme {s:?}"),
                ));
            }
        }
        match (&self.token_env, &self.token_cmd) {
            (Some(_), Some(_)) => Err(ConfigError::new(
                path,
                format!("{at}.token_cmd"),
                "give token_env or token_cmd, not both",
            )),
            (None, None) => Err(ConfigError::new(
                path,
                format!("{at}.token_env"),
                "missing: give token_env or token_cmd",
            )),
            _ => Ok(()),
        }
        .and_then(|()| match self.timeout_secs {
            Some(0) => Err(ConfigError::new(
                path,
                format!("{at}.timeout_secs"),
                "must be at least 1",
            )),
            _ => Ok(()),
        })
        .and_then(|()| {
            for (key, mib) in [
                ("max_body_mib", self.max_body_mib),
                ("max_document_mib", self.max_document_mib),
            ] {
                if let Some(m) = mib
                    && !(1..=1024).contains(&m)
                {
                    return Err(ConfigError::new(
                        path,
                        format!("{at}.{key}"),
                        format!("must be 1 to 1024 MiB, not {m}"),
                    ));
                }
            }
            Ok(())
        })
    }

    /// Reads the token from the environment or by running `token_cmd` (`sh -c`).
    pub fn token(&self, run: &Commands) -> anyhow::Result<SecretString> {
        secret(
            ("token_env", &self.token_env),
            ("token_cmd", &self.token_cmd),
            run,
        )
    }
}

/// Kills `child` and every process it started (a shell's `sleep`, a password manager's
/// helper), then reaps it. The command stays in the console's process group, so it can still
/// prompt on the terminal; its descendants are found through `/proc`.
fn kill_tree(child: &mut std::process::Child) {
    let root = child.id() as i32;
    let mut tree = vec![root];
    if let Ok(dir) = std::fs::read_dir("/proc") {
        let parents: Vec<(i32, i32)> = dir
            .flatten()
            .filter_map(|e| {
                let pid: i32 = e.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
                // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
                let ppid = stat
                    .rsplit_once(')')?
                    .1
                    .split_whitespace()
                    .nth(1)?
                    .parse()
                    .ok()?;
                Some((pid, ppid))
            })
            .collect();
        let mut i = 0;
        while i < tree.len() {
            let parent = tree[i];
            tree.extend(
                parents
                    .iter()
                    .filter(|(_, pp)| *pp == parent)
                    .map(|(p, _)| *p),
            );
            i += 1;
        }
    }
    // The command first, so it starts nothing new while the rest go.
    let _ = child.kill();
    for pid in tree.into_iter().skip(1) {
        if let Some(pid) = rustix::process::Pid::from_raw(pid) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
    }
    let _ = child.wait();
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The dotted key of the table and key at `offset`, for error messages.
fn key_at(text: &str, offset: usize) -> String {
    let before = &text[..offset.min(text.len())];
    let table = before.lines().rev().find_map(|l| {
        l.trim()
            .strip_prefix('[')
            .map(|t| t.trim_end_matches(']').trim_matches(['[', ']']).to_string())
    });
    let line = text[before.rfind('\n').map_or(0, |i| i + 1)..]
        .lines()
        .next()
        .unwrap_or("");
    let key = line.split('=').next().unwrap_or("").trim();
    match (table, key.is_empty() || key.starts_with('[')) {
        (Some(t), false) => format!("{t}.{key}"),
        (Some(t), true) => t,
        (None, false) => key.to_string(),
        (None, true) => "(top level)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/etc/b.toml"), t)
    }

    #[test]
    fn a_good_config_parses() {
        let c = parse(
            r#"default_profile = "prod"
[profiles.prod]
environment = "production"
[profiles.prod.unioo]
url = "https://bank-api.example.com/graphql"
token_env = "UNIOO_TOKEN"
[profiles.local]
sandbox = true
"#,
        )
        .unwrap();
        assert_eq!(c.profiles["prod"].environment, Environment::Production);
        assert!(c.profiles["local"].sandbox);
    }

    #[test]
    fn errors_name_file_key_and_problem() {
        let e = parse(
            "[profiles.p.unioo]\nurl = \"http://bank.example.com/graphql\"\ntoken_env = \"T\"\n",
        )
        .unwrap_err();
        assert_eq!(e.key, "profiles.p.unioo.url");
        assert!(
            e.to_string()
                .starts_with("config /etc/b.toml: profiles.p.unioo.url: must use https")
        );

        let e = parse("[profiles.p.unioo]\nurll = \"https://x\"\n").unwrap_err();
        assert_eq!(e.key, "profiles.p.unioo.urll");
        assert!(e.message.contains("unknown field"), "{}", e.message);
        assert!(e.message.contains("line 2"), "{}", e.message);

        let e = parse("[profiles.p.unioo]\nurl = \"https://x.example\"\n").unwrap_err();
        assert_eq!(e.key, "profiles.p.unioo.token_env");

        let e = parse("default_profile = \"nope\"\n[profiles.a]\nsandbox = true\n").unwrap_err();
        assert_eq!(e.key, "default_profile");

        let e = parse("[profiles.a]\nenvironment = \"production\"\nsandbox = true\n").unwrap_err();
        assert_eq!(e.key, "profiles.a.sandbox");
        assert!(e.to_string().contains("cannot use the sandbox"), "{e}");
        let e = parse("[profiles.a]\nenvironment = \"prod\"\nsandbox = true\n").unwrap_err();
        assert_eq!(e.key, "profiles.a.environment");
    }

    #[test]
    fn idle_lock_is_capped_at_15_minutes() {
        let e = parse("[profiles.a]\nsandbox = true\nidle_lock_minutes = 30\n").unwrap_err();
        assert_eq!(e.key, "profiles.a.idle_lock_minutes");
        assert!(
            parse("[profiles.a]\nsandbox = true\nidle_lock_minutes = 5\nread_only = true\n")
                .is_ok()
        );
    }

    #[test]
    fn loopback_may_use_http() {
        assert!(parse("[profiles.p.unioo]\nurl = \"http://127.0.0.1:8080/graphql\"\ntoken_cmd = \"echo t\"\n").is_ok());
    }

    #[test]
    fn token_cmd_output_is_trimmed() {
        let b = GraphqlBackend {
            url: "https://x".into(),
            token_env: None,
            token_cmd: Some("printf ' abc \\n'".into()),
            ..Default::default()
        };
        use secrecy::ExposeSecret;
        assert_eq!(b.token(&commands(5)).unwrap().expose_secret(), "abc");
    }

    fn commands(secs: u64) -> Commands {
        Commands {
            at: "profiles.p.unioo".into(),
            timeout: Duration::from_secs(secs),
        }
    }

    fn temp_file(tag: &str, text: &str, mode: u32) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let dir =
            std::env::temp_dir().join(format!("backoffice-config-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    #[test]
    fn a_config_others_can_write_is_refused_with_the_fix() {
        let text = "[profiles.p.unioo]\nurl = \"https://x.example\"\ntoken_cmd = \"echo t\"\n";
        for (mode, who) in [
            (0o664, "its group (mode 0664)"),
            (0o646, "everyone (mode 0646)"),
            (0o666, "its group and everyone (mode 0666)"),
        ] {
            let path = temp_file("writable", text, mode);
            let e = Config::load(&path).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!(
                    "config {}: (file): it can be written by {who}",
                    path.display()
                )),
                "{e}"
            );
            assert!(
                e.contains(&format!("Fix: chmod go-w {}", path.display())),
                "{e}"
            );
        }
        for mode in [0o600, 0o644, 0o640] {
            let path = temp_file("fine", text, mode);
            assert!(Config::load(&path).is_ok(), "mode {mode:o}");
        }
        let _ = std::fs::remove_dir_all(temp_file("fine", "", 0o600).parent().unwrap());
        let _ = std::fs::remove_dir_all(temp_file("writable", "", 0o600).parent().unwrap());
    }

    #[test]
    fn a_huge_config_file_is_not_read_to_the_end() {
        let path = temp_file("huge", &"# padding\n".repeat(200_000), 0o600);
        let e = Config::load(&path).unwrap_err().to_string();
        assert!(e.contains("(file): larger than 1024 KiB"), "{e}");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
        // A device others can write is refused before anything is read from it.
        let e = Config::load(Path::new("/dev/zero"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("mode 0666"), "{e}");
    }

    /// Whether `pid` still runs (a zombie waiting for its reaper does not).
    fn alive(pid: &str) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .ok()
            .and_then(|s| s.rsplit_once(')').map(|(_, r)| r.trim_start().to_string()))
            .is_some_and(|rest| !rest.starts_with('Z'))
    }

    #[test]
    fn a_hanging_command_is_stopped_at_its_timeout_and_named() {
        let dir = std::env::temp_dir().join(format!("backoffice-cmd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pid_file = dir.join("pid");
        // The shell, and a `sleep` it started and waits for: both must go.
        let b = GraphqlBackend {
            url: "https://x".into(),
            token_env: None,
            token_cmd: Some(format!(
                "echo half-a-secret; sleep 600 & echo $$ $! > {}; wait",
                pid_file.display()
            )),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let e = b.token(&commands(1)).unwrap_err().to_string();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(10), "took {took:?}");
        assert!(took >= Duration::from_secs(1), "took {took:?}");
        assert_eq!(
            e,
            "profiles.p.unioo.token_cmd did not finish within 1 s and was stopped (cmd_timeout_secs sets how long it may run)"
        );
        assert!(!e.contains("half-a-secret") && !e.contains("sleep"), "{e}");
        let pids = std::fs::read_to_string(&pid_file).unwrap();
        let (shell, sleep) = pids.trim().split_once(' ').unwrap();
        assert!(!alive(shell), "the command still runs");
        // The orphaned `sleep` is reaped by init in its own time; killed, it is a zombie.
        let end = std::time::Instant::now() + Duration::from_secs(10);
        while alive(sleep) {
            assert!(
                std::time::Instant::now() < end,
                "what the command started still runs"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_command_that_fails_or_floods_is_named_without_its_output() {
        let run = |cmd: &str| {
            GraphqlBackend {
                url: "https://x".into(),
                token_env: None,
                token_cmd: Some(cmd.into()),
                ..Default::default()
            }
            .token(&commands(20))
            .unwrap_err()
            .to_string()
        };
        let e = run("echo s3cret; exit 3");
        assert!(
            e.starts_with("profiles.p.unioo.token_cmd exited with"),
            "{e}"
        );
        assert!(!e.contains("s3cret"), "{e}");
        let e = run("yes s3cret");
        assert_eq!(
            e,
            "profiles.p.unioo.token_cmd printed more than 64 KiB; a secret is shorter"
        );
        let e = run("true");
        assert_eq!(e, "profiles.p.unioo.token_cmd printed nothing");
    }

    #[test]
    fn body_caps_are_one_to_1024_mib() {
        let base = "[profiles.p.unioo]\nurl = \"https://x.example\"\ntoken_env = \"T\"\n";
        let e = parse(&format!("{base}max_body_mib = 0\n")).unwrap_err();
        assert_eq!(e.key, "profiles.p.unioo.max_body_mib");
        let e = parse(&format!("{base}max_document_mib = 5000\n")).unwrap_err();
        assert_eq!(e.key, "profiles.p.unioo.max_document_mib");
        let e = parse(&format!(
            "{base}[profiles.p.bunq]\nurl = \"https://b.example/v1\"\napi_key_env = \"K\"\nmax_body_mib = 0\n"
        ))
        .unwrap_err();
        assert_eq!(e.key, "profiles.p.bunq.max_body_mib");
        let c = parse(&format!("{base}max_body_mib = 4\nmax_document_mib = 64\n")).unwrap();
        let u = c.profiles["p"].unioo.as_ref().unwrap();
        assert_eq!((u.max_body_mib, u.max_document_mib), (Some(4), Some(64)));
    }

    #[test]
    fn the_example_config_parses() {
        let c = parse(include_str!("../config.example.toml")).unwrap();
        assert_eq!(c.profiles["staging"].cmd_timeout_secs, Some(30));
    }

    #[test]
    fn the_command_timeout_is_one_to_3600_seconds() {
        let e = parse("[profiles.a]\nsandbox = true\ncmd_timeout_secs = 0\n").unwrap_err();
        assert_eq!(e.key, "profiles.a.cmd_timeout_secs");
        let c = parse("[profiles.a]\nsandbox = true\ncmd_timeout_secs = 2\n").unwrap();
        assert_eq!(
            c.profiles["a"].commands("a", "unioo").timeout,
            Duration::from_secs(2)
        );
        let c = parse("[profiles.a]\nsandbox = true\n").unwrap();
        assert_eq!(
            c.profiles["a"].commands("a", "bunq").timeout,
            DEFAULT_CMD_TIMEOUT
        );
        assert_eq!(c.profiles["a"].commands("a", "bunq").at, "profiles.a.bunq");
    }

    #[test]
    fn a_team_section_and_four_eyes_parse_and_a_password_in_the_url_is_refused() {
        let c = parse(
            r#"[profiles.s]
sandbox = true
four_eyes = ["legitimation.reject", "bank-user.block"]
[profiles.s.team]
url = "postgres://console@db.example/team?sslrootcert=/etc/team-ca.pem"
password_cmd = "pass show team"
"#,
        )
        .unwrap();
        let p = &c.profiles["s"];
        assert_eq!(p.four_eyes, ["legitimation.reject", "bank-user.block"]);
        // A name the console does not make is refused, with the names it takes.
        let err = parse("[profiles.s]\nsandbox = true\nfour_eyes = [\"bunq.block\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("four_eyes") && err.contains("bank-user.block"),
            "{err}"
        );
        let t = p.team.as_ref().unwrap();
        assert_eq!(t.claim_minutes, 15);
        assert_eq!(t.claim_ttl(), std::time::Duration::from_secs(900));
        assert_eq!(t.resend_after(), std::time::Duration::from_secs(120));
        assert!(t.path.is_none() && t.password_cmd.is_some());
        let shared = parse("[profiles.s]\nsandbox = true\n[profiles.s.team]\npath = \"/srv/team/team.sqlite\"\nclaim_minutes = 5\n").unwrap();
        assert_eq!(shared.profiles["s"].team.as_ref().unwrap().claim_minutes, 5);
        for (body, key) in [
            (
                "url = \"postgres://u:hunter2@db/team\"",
                "profiles.s.team.url",
            ),
            (
                "path = \"/a\"\nurl = \"postgres://db/t\"",
                "profiles.s.team.url",
            ),
            (
                "claim_minutes = 0\npath = \"/a\"",
                "profiles.s.team.claim_minutes",
            ),
            (
                "resend_seconds = 5\npath = \"/a\"",
                "profiles.s.team.resend_seconds",
            ),
            ("password_env = \"P\"", "profiles.s.team.path"),
        ] {
            let e = parse(&format!(
                "[profiles.s]\nsandbox = true\n[profiles.s.team]\n{body}\n"
            ))
            .unwrap_err();
            assert_eq!(e.key, key, "{body}: {e}");
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
    }
}
