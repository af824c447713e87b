//! Opening a store: the SQLite file's mode, PostgreSQL's TLS rule, and the migrations.

use super::{Engine, TeamError, TeamStore};
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::borrow::Cow;
use std::fs::OpenOptions;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// One migration, embedded: version, description, SQL.
type Embedded = (i64, &'static str, &'static str);

const SQLITE_MIGRATIONS: &[Embedded] = &[
    (
        1,
        "team",
        include_str!("../../migrations/sqlite/0001_team.sql"),
    ),
    (
        2,
        "resend",
        include_str!("../../migrations/sqlite/0002_resend.sql"),
    ),
];

const POSTGRES_MIGRATIONS: &[Embedded] = &[
    (
        1,
        "team",
        include_str!("../../migrations/postgres/0001_team.sql"),
    ),
    (
        2,
        "resend",
        include_str!("../../migrations/postgres/0002_resend.sql"),
    ),
];

/// The newest schema version this binary knows (the same on both engines).
pub const SCHEMA_VERSION: i64 = 2;

/// How long a console waits for a connection before the store counts as unreachable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long SQLite waits for another writer's lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug)]
struct Embeds(&'static [Embedded]);

impl MigrationSource<'static> for Embeds {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

impl TeamStore {
    /// Opens (creating it if missing) the SQLite store at `path`, and brings its schema up to
    /// date. The file is 0600; in a directory with the setgid bit (a group's shared directory)
    /// it is 0660, in that group, so the group's operators share it. SQLite's side files
    /// (`-wal`, `-shm`) take the file's mode. A symlink at `path` is refused, and so is a file
    /// that others can read.
    pub async fn open_sqlite(path: &Path) -> Result<TeamStore, TeamError> {
        prepare_file(path)?;
        let target: Arc<str> = path.display().to_string().into();
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| TeamError::Unreachable {
                target: target.to_string(),
                message: e.to_string(),
            })?;
        let store = TeamStore {
            engine: Engine::Sqlite(pool),
            target,
        };
        store.migrate().await?;
        // The side files exist now: make sure none came out wider than the file.
        check_side_files(path)?;
        Ok(store)
    }

    /// Connects to the PostgreSQL store at `url` and brings its schema up to date (when the
    /// role may; a console role that may not finds the schema already there). A server that
    /// is not on loopback or a Unix socket is reached only over TLS with the certificate and
    /// host name verified (`sslmode=verify-full`; `sslrootcert=` names a private CA); a URL
    /// asking for less is refused. `password`, when given, is used instead of any in the URL.
    pub async fn open_postgres(
        url: &str,
        password: Option<SecretString>,
    ) -> Result<TeamStore, TeamError> {
        let (options, target) = pg_options(url, password.as_ref())?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| TeamError::Unreachable {
                target: target.clone(),
                message: scrub(&e.to_string(), url, password.as_ref()),
            })?;
        let store = TeamStore {
            engine: Engine::Postgres(pool),
            target: target.into(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations this binary has and the database lacks; refuses a database
    /// that has a version this binary does not know.
    async fn migrate(&self) -> Result<(), TeamError> {
        let known = self.known_versions();
        let applied = self.applied_versions().await?;
        if let Some(&found) = applied.iter().max()
            && found > SCHEMA_VERSION
        {
            return Err(TeamError::SchemaTooNew {
                target: self.target.to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        if known.iter().all(|v| applied.contains(v)) {
            // Nothing to do: no DDL, so a role that may only read and write rows opens it.
            return Ok(());
        }
        let result = match &self.engine {
            Engine::Sqlite(pool) => match Migrator::new(Embeds(SQLITE_MIGRATIONS)).await {
                Ok(m) => m.run(pool).await,
                Err(e) => Err(e),
            },
            Engine::Postgres(pool) => match Migrator::new(Embeds(POSTGRES_MIGRATIONS)).await {
                Ok(m) => m.run(pool).await,
                Err(e) => Err(e),
            },
        };
        if let Err(e) = result {
            // Another console may have applied them at the same moment.
            let applied = self.applied_versions().await?;
            if known.iter().all(|v| applied.contains(v)) {
                return Ok(());
            }
            return Err(TeamError::Migration {
                target: self.target.to_string(),
                known: SCHEMA_VERSION,
                message: e.to_string(),
            });
        }
        Ok(())
    }

    fn known_versions(&self) -> Vec<i64> {
        let set = match self.engine {
            Engine::Sqlite(_) => SQLITE_MIGRATIONS,
            Engine::Postgres(_) => POSTGRES_MIGRATIONS,
        };
        set.iter().map(|m| m.0).collect()
    }

    /// The versions recorded as applied (none when the database is new).
    async fn applied_versions(&self) -> Result<Vec<i64>, TeamError> {
        let versions: Result<Vec<i64>, sqlx::Error> = match &self.engine {
            Engine::Sqlite(pool) => {
                let exists: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_optional(pool)
                .await
                .map_err(|e| self.err(e))?;
                if exists.is_none() {
                    return Ok(Vec::new());
                }
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(pool)
                    .await
            }
            Engine::Postgres(pool) => {
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations')::text")
                        .fetch_one(pool)
                        .await
                        .map_err(|e| self.err(e))?;
                if exists.is_none() {
                    return Ok(Vec::new());
                }
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                    .fetch_all(pool)
                    .await
            }
        };
        versions.map_err(|e| self.err(e))
    }
}

/// Creates the file if missing, with its mode; refuses a symlink or a file others can reach.
fn prepare_file(path: &Path) -> Result<(), TeamError> {
    let file_err = |message: String| TeamError::File {
        path: path.to_path_buf(),
        message,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.exists() {
        crate::files::private_dir(&dir)
            .map_err(|e| file_err(format!("cannot create its directory: {e}")))?;
    }
    let dir_meta =
        std::fs::metadata(&dir).map_err(|e| file_err(format!("cannot read its directory: {e}")))?;
    let shared = dir_meta.mode() & libc::S_ISGID != 0;
    let mode = if shared { 0o660 } else { 0o600 };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                file_err("is a symlink: give the file itself".into())
            } else {
                file_err(format!("cannot open: {e}"))
            }
        })?;
    let meta = file
        .metadata()
        .map_err(|e| file_err(format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(file_err("is not a regular file".into()));
    }
    let have = meta.mode() & 0o777;
    if meta.len() == 0 && have != mode {
        // New (or never written): the mode the umask trimmed, set exactly.
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| file_err(format!("cannot set its mode: {e}")))?;
    } else if have & 0o007 != 0 {
        return Err(file_err(format!(
            "is mode {have:o}, open to users outside its group: run chmod o-rwx on it"
        )));
    }
    check_side_files(path)
}

fn check_side_files(path: &Path) -> Result<(), TeamError> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = std::path::PathBuf::from(side);
        if let Ok(meta) = std::fs::symlink_metadata(&side) {
            if meta.file_type().is_symlink() {
                return Err(TeamError::File {
                    path: side,
                    message: "is a symlink".into(),
                });
            }
            if meta.mode() & 0o007 != 0 {
                return Err(TeamError::File {
                    message: format!(
                        "is mode {:o}, open to users outside its group: run chmod o-rwx on it",
                        meta.mode() & 0o777
                    ),
                    path: side,
                });
            }
        }
    }
    Ok(())
}

/// The connect options for `url` under the TLS rule, and the target's name for messages.
fn pg_options(
    url: &str,
    password: Option<&SecretString>,
) -> Result<(PgConnectOptions, String), TeamError> {
    let parsed = url::Url::parse(url).map_err(|e| {
        TeamError::Config(format!(
            "the PostgreSQL URL {} is not a URL: {e}",
            redact_url(url)
        ))
    })?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return Err(TeamError::Config(format!(
            "the PostgreSQL URL {} must start with postgres://",
            redact_url(url)
        )));
    }
    let mut options = PgConnectOptions::from_str(url).map_err(|e| {
        TeamError::Config(format!(
            "the PostgreSQL URL {} is refused: {}",
            redact_url(url),
            scrub(&e.to_string(), url, password)
        ))
    })?;
    if let Some(p) = password {
        options = options.password(p.expose_secret());
    }
    options = options.application_name("backoffice");
    let local = options.get_socket().is_some()
        || options.get_host().starts_with('/')
        || is_loopback(options.get_host());
    if !local {
        let asked = parsed
            .query_pairs()
            .find(|(k, _)| k == "sslmode" || k == "ssl-mode")
            .map(|(_, v)| v.to_string());
        if let Some(mode) = asked
            && !mode.eq_ignore_ascii_case("verify-full")
        {
            return Err(TeamError::Config(format!(
                "sslmode={mode} is refused for {}: a server that is not on this host is reached \
                 only over TLS with its certificate verified (sslmode=verify-full, with \
                 sslrootcert= for a private CA)",
                redact_url(url)
            )));
        }
        options = options.ssl_mode(PgSslMode::VerifyFull);
    }
    let target = format!(
        "{}@{}:{}/{}",
        options.get_username(),
        options
            .get_socket()
            .map(|s| s.display().to_string())
            .unwrap_or_else(|| options.get_host().to_string()),
        options.get_port(),
        options.get_database().unwrap_or("")
    );
    Ok((options, target))
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `url` without its password and query (which may hold one): for messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => "(the configured URL)".into(),
    }
}

/// `text` with the URL's password and the given password replaced.
fn scrub(text: &str, url: &str, password: Option<&SecretString>) -> String {
    let mut out = text.replace(url, &redact_url(url));
    let mut secrets: Vec<String> = Vec::new();
    if let Ok(u) = url::Url::parse(url) {
        if let Some(p) = u.password() {
            secrets.push(p.to_string());
            if let Ok(decoded) = percent_encoding_decode(p) {
                secrets.push(decoded);
            }
        }
        for (k, v) in u.query_pairs() {
            if k == "password" {
                secrets.push(v.to_string());
            }
        }
    }
    if let Some(p) = password {
        secrets.push(p.expose_secret().to_string());
    }
    for s in secrets.iter().filter(|s| s.len() >= 2) {
        out = out.replace(s.as_str(), "***");
    }
    out
}

fn percent_encoding_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    let bytes: Vec<u8> = url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())
        .unwrap_or_default();
    String::from_utf8(bytes).map_err(|e| e.utf8_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_server_needs_verified_tls_and_loopback_does_not() {
        let (o, t) = pg_options("postgres://console:s3cret@db.example:5432/team", None).unwrap();
        assert!(matches!(o.get_ssl_mode(), PgSslMode::VerifyFull));
        assert_eq!(t, "console@db.example:5432/team");
        let e = pg_options(
            "postgres://console:s3cret@db.example/team?sslmode=require",
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("sslmode=require is refused"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
        for local in [
            "postgres://u@127.0.0.1:5/db?sslmode=disable",
            "postgres://u@localhost/db?sslmode=disable",
            "postgres://u@[::1]:5/db?sslmode=disable",
            "postgres://u@%2Ftmp%2Fpg/db",
        ] {
            let (o, _) = pg_options(local, None).unwrap();
            assert!(
                !matches!(o.get_ssl_mode(), PgSslMode::VerifyFull),
                "{local}"
            );
        }
    }

    #[test]
    fn urls_in_messages_lose_their_password() {
        assert_eq!(
            redact_url("postgres://u:pa%40ss@h:1/d?password=x&sslmode=verify-full"),
            "postgres://u:***@h:1/d"
        );
        let url = "postgres://u:pa%40ss@h:1/d";
        let s = scrub(
            "failed postgres://u:pa%40ss@h:1/d pa@ss and hunter2",
            url,
            Some(&SecretString::from("hunter2")),
        );
        assert!(
            !s.contains("pa@ss") && !s.contains("pa%40ss") && !s.contains("hunter2"),
            "{s}"
        );
    }
}
