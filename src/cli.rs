//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "backoffice",
    version,
    about = "Keyboard-driven back-office console"
)]
pub struct Cli {
    #[command(flatten)]
    pub console: ConsoleArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ConsoleArgs {
    /// Config file (default: the platform's config directory, backoffice/config.toml).
    #[arg(long, global = true, env = "BACKOFFICE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Profile to use (default: the config's default_profile).
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Ignore the config and use the embedded sandbox.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Show and allow no mutating action, whatever the profile says.
    #[arg(long)]
    pub read_only: bool,
    /// The audit log file (overrides the profile's audit_log).
    #[arg(long, global = true, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
    /// With the embedded sandbox: inject a fault into one of its APIs (as `sandbox --fault`).
    #[arg(
        long = "sandbox-fault",
        global = true,
        value_name = "API:FAULT[@SHARE]"
    )]
    pub sandbox_faults: Vec<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the embedded sandbox alone and print each API's URL and a credential as JSON.
    Sandbox(SandboxArgs),
    /// Read the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Onboard client companies' employees on Healthmov.
    #[command(subcommand)]
    Onboard(OnboardCommand),
    /// Read users, a person, employees or documents, as the console shows them. Exit codes:
    /// 3 not found, 4 credentials refused, 5 backend down, 1 other errors.
    #[command(subcommand)]
    Get(crate::scripts::Get),
    /// Search every configured backend for a CPR number, a name, an email or an id. Exit
    /// codes as for `get`; 3 when nothing is found.
    Search {
        text: String,
        #[arg(long, value_enum, default_value = "json")]
        output: crate::scripts::Output,
    },
    /// List the open four-eyes proposals in the profile's team store, oldest first.
    Pending {
        #[arg(long, value_enum, default_value = "json")]
        output: crate::scripts::Output,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
}

#[derive(Subcommand, Debug)]
pub enum OnboardCommand {
    /// Import employees from a CSV file: every row is checked before anything is sent; rows
    /// that do not go in are written to FILE.rejects.csv; a rerun sends only what is missing.
    Import(ImportArgs),
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The CSV file (header: employee_number,first_name,last_name,email,date_of_onboarding, and
    /// optionally date_of_offboarding,phone,birthdate,external_id,department_id).
    pub file: PathBuf,
    /// The company's id.
    #[arg(long)]
    pub company: String,
    /// The department for rows without a department_id.
    #[arg(long)]
    pub department: Option<String>,
    /// Check the file and report; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rows in flight at once.
    #[arg(long, default_value_t = crate::onboarding::upload::CONCURRENCY, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub concurrency: u16,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain, then compare the log with the team store's copy for this OS user
    /// and host. Exit codes: 0 intact and the copy agrees (a copy merely behind agrees, with a
    /// note), 1 a broken chain or a copy that differs (the first bad line is named), 5 the
    /// chain intact but the team store cannot be reached.
    Verify {
        /// The log file (default: --audit-log, else the profile's audit_log, else the data
        /// directory's audit.jsonl).
        path: Option<PathBuf>,
    },
    /// List records, newest last, optionally filtered.
    Show {
        path: Option<PathBuf>,
        /// Only records whose action contains this (e.g. `reject`, `reveal`).
        #[arg(long)]
        action: Option<String>,
        /// Only records naming this target id (user or document).
        #[arg(long)]
        target: Option<String>,
        /// Only records at or after this date (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: Option<jiff::civil::Date>,
    },
}

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Seed for the fake data: the same seed gives the same people.
    #[arg(long, default_value_t = crate::sandbox::data::DEFAULT_SEED)]
    pub seed: u64,
    /// How many people to generate.
    #[arg(long, default_value_t = crate::sandbox::data::DEFAULT_PEOPLE as u32, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub people: u32,
    /// Healthmov requests a client may make per second before 429 (0: no limit).
    #[arg(long, default_value_t = 20)]
    pub healthmov_rate_limit: u32,
    /// bunq's rate-limit window in milliseconds (bunq's own: 3000; 0: no limits).
    #[arg(long, default_value_t = 3000)]
    pub bunq_rate_window_ms: u64,
    /// Inject a fault into one API, e.g. `bunq:500@0.3` (30% answer 500), `unioo:latency=800`,
    /// `upvest:429=date:5`, `vasco:429=garbage`, `healthmov:hang`, `bunq:drop-after`,
    /// `unioo:drop-before`, `vasco:truncated`, `upvest:malformed`. Repeatable.
    #[arg(long = "fault", value_name = "API:FAULT[@SHARE]")]
    pub faults: Vec<String>,
    /// Print an API's GraphQL schema (SDL) and exit.
    #[arg(long, value_name = "API")]
    pub print_sdl: Option<SdlApi>,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum SdlApi {
    Unioo,
    Healthmov,
    Vasco,
}

impl SdlApi {
    pub fn sdl(self) -> String {
        match self {
            SdlApi::Unioo => crate::sandbox::unioo::sdl(),
            SdlApi::Healthmov => crate::sandbox::healthmov::sdl(),
            SdlApi::Vasco => crate::sandbox::vasco::sdl(),
        }
    }
}
