//! The TOML config: profiles, each with its backends and how to get their secrets.
//!
//! Secrets never sit in the file: a token comes from an environment variable (`token_env`) or
//! the output of a command (`token_cmd`). Every error names the file, the key and what is wrong.

use secrecy::SecretString;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// The audit log file (default: the data directory's audit.jsonl).
    pub audit_log: Option<PathBuf>,
    /// Where `:export` writes files (default: the data directory's `exports/`, made 0700).
    pub export_dir: Option<PathBuf>,
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
    /// Actions that need a second operator (`legitimation.reject`, `bunq.block`, …): the
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
}

impl TeamConfig {
    fn default_claim_minutes() -> u64 {
        15
    }

    pub fn claim_ttl(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.claim_minutes * 60)
    }

    /// The PostgreSQL password from the environment or a command; `None` when neither is set
    /// (the URL's host may need none: a socket, or a `.pgpass` file).
    pub fn password(&self) -> anyhow::Result<Option<SecretString>> {
        if self.password_env.is_none() && self.password_cmd.is_none() {
            return Ok(None);
        }
        secret(&self.password_env, &self.password_cmd, "password").map(Some)
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
}

impl BunqBackend {
    pub fn api_key(&self) -> anyhow::Result<SecretString> {
        secret(&self.api_key_env, &self.api_key_cmd, "api_key")
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
}

fn secret(env: &Option<String>, cmd: &Option<String>, what: &str) -> anyhow::Result<SecretString> {
    GraphqlBackend {
        url: String::new(),
        token_env: env.clone(),
        token_cmd: cmd.clone(),
        connect_timeout_secs: None,
        timeout_secs: None,
    }
    .token()
    .map_err(|e| anyhow::anyhow!("{}", e.to_string().replace("token", what)))
}

impl UpvestBackend {
    pub fn client_secret(&self) -> anyhow::Result<SecretString> {
        secret(
            &self.client_secret_env,
            &self.client_secret_cmd,
            "client_secret",
        )
    }

    /// The signing key, refused when others can read it.
    pub fn signing_key(&self) -> anyhow::Result<crate::backends::upvest::signature::SigningKey> {
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
        let pem = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let passphrase = if self.passphrase_env.is_some() || self.passphrase_cmd.is_some() {
            Some(secret(
                &self.passphrase_env,
                &self.passphrase_cmd,
                "passphrase",
            )?)
        } else {
            None
        };
        crate::backends::upvest::signature::SigningKey::from_pem(&pem, passphrase.as_ref())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
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
}

impl LoginBackend {
    /// The password from the environment or a command; never from the file. `None` when
    /// neither is set: the console asks for it.
    pub fn password(&self) -> anyhow::Result<Option<SecretString>> {
        if self.password_env.is_none() && self.password_cmd.is_none() {
            return Ok(None);
        }
        let as_token = GraphqlBackend {
            url: self.url.clone(),
            token_env: self.password_env.clone(),
            token_cmd: self.password_cmd.clone(),
            connect_timeout_secs: None,
            timeout_secs: None,
        };
        as_token
            .token()
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{}", e.to_string().replace("token", "password")))
    }
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct GraphqlBackend {
    pub url: String,
    pub token_env: Option<String>,
    pub token_cmd: Option<String>,
    pub connect_timeout_secs: Option<u64>,
    pub timeout_secs: Option<u64>,
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

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(path, "(file)", format!("cannot read: {e}")))?;
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
            if let Some(r) = &p.reject_reasons
                && r.iter().any(|x| x.trim().is_empty())
            {
                return Err(ConfigError::new(
                    path,
                    at("reject_reasons"),
                    "a reason cannot be empty",
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
            if let Some(a) = p.four_eyes.iter().find(|a| a.trim().is_empty()) {
                return Err(ConfigError::new(
                    path,
                    at("four_eyes"),
                    format!("{a:?} is not an action name"),
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
                    connect_timeout_secs: None,
                    timeout_secs: None,
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
                    connect_timeout_secs: None,
                    timeout_secs: None,
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
                    connect_timeout_secs: None,
                    timeout_secs: None,
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
    }

    /// Reads the token from the environment or by running `token_cmd` (`sh -c`).
    pub fn token(&self) -> anyhow::Result<SecretString> {
        if let Some(var) = &self.token_env {
            let v = std::env::var(var).map_err(|_| {
                anyhow::anyhow!("the environment variable {var} (token_env) is not set")
            })?;
            return Ok(SecretString::from(v.trim().to_string()));
        }
        let cmd = self.token_cmd.as_deref().unwrap_or_default();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| anyhow::anyhow!("cannot run token_cmd: {e}"))?;
        if !out.status.success() {
            anyhow::bail!("token_cmd exited with {}", out.status);
        }
        let token = String::from_utf8(out.stdout)
            .map_err(|_| anyhow::anyhow!("token_cmd printed something that is not UTF-8"))?;
        if token.trim().is_empty() {
            anyhow::bail!("token_cmd printed nothing");
        }
        Ok(SecretString::from(token.trim().to_string()))
    }
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
            connect_timeout_secs: None,
            timeout_secs: None,
        };
        use secrecy::ExposeSecret;
        assert_eq!(b.token().unwrap().expose_secret(), "abc");
    }

    #[test]
    fn a_team_section_and_four_eyes_parse_and_a_password_in_the_url_is_refused() {
        let c = parse(
            r#"[profiles.s]
sandbox = true
four_eyes = ["legitimation.reject", "bunq.block"]
[profiles.s.team]
url = "postgres://console@db.example/team?sslrootcert=/etc/team-ca.pem"
password_cmd = "pass show team"
"#,
        )
        .unwrap();
        let p = &c.profiles["s"];
        assert_eq!(p.four_eyes, ["legitimation.reject", "bunq.block"]);
        let t = p.team.as_ref().unwrap();
        assert_eq!(t.claim_minutes, 15);
        assert_eq!(t.claim_ttl(), std::time::Duration::from_secs(900));
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
