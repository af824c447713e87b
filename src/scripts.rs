//! `backoffice get …` and `backoffice search …`: the console's lookups from a shell, with the
//! same clients and config. Results go to stdout (JSON or a table); errors to stderr, with an
//! exit code a script can test. CPR numbers are masked here as on screen.

use crate::app::columns::{Sheet, Shown};
use crate::app::features::{people, search, staff};
use crate::app::runner::Backends;
use crate::backends::BackendError;
use crate::core::{Cpr, Person, PersonSummary, Sort};
use crate::search::{Query, Source, classify, merge};
use serde_json::{Value, json};

/// Exit codes, for scripts.
pub const NOT_FOUND: u8 = 3;
pub const AUTH_FAILED: u8 = 4;
pub const BACKEND_DOWN: u8 = 5;
/// Some backend asked could not answer (failed or timed out): the results may be incomplete,
/// and "nothing found" cannot be said.
pub const INCOMPLETE: u8 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Json,
    Table,
}

/// Nothing matched: exit [`NOT_FOUND`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotFound(pub String);

/// Some backend could not answer: exit [`INCOMPLETE`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Incomplete(pub String);

/// The exit code for an error: not found, incomplete, refused credentials, a backend down,
/// or 1.
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<NotFound>().is_some() {
        return NOT_FOUND;
    }
    if e.downcast_ref::<Incomplete>().is_some() {
        return INCOMPLETE;
    }
    match e.downcast_ref::<BackendError>() {
        Some(BackendError::Unauthorized { .. } | BackendError::LoginNeeded { .. }) => AUTH_FAILED,
        Some(b) if b.backend_down() => BACKEND_DOWN,
        _ => 1,
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum Get {
    /// Users with administrator roles in your bank's organizations.
    Users {
        #[arg(long, default_value_t = 50)]
        first: usize,
        /// Continue after this cursor (printed as next_cursor).
        #[arg(long)]
        after: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        output: Output,
    },
    /// One person, by CPR number or id.
    Person {
        who: String,
        #[arg(long, value_enum, default_value = "table")]
        output: Output,
    },
    /// The bank's employees.
    Employees {
        #[arg(long, default_value_t = 50)]
        first: usize,
        #[arg(long)]
        after: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        output: Output,
    },
    /// A person's legitimation documents (kind, state, dates), by CPR number or id.
    Documents {
        who: String,
        #[arg(long, value_enum, default_value = "table")]
        output: Output,
    },
}

/// The backends of the chosen profile (or the sandbox), for reads only.
async fn connect(
    args: &crate::cli::ConsoleArgs,
) -> anyhow::Result<(Backends, crate::console::Setup)> {
    let setup = crate::console::connect(args).await?;
    // What a script reads is on the operator's record, as what the console reads.
    let (audit, team) = setup.audit();
    let backends = setup.backends(audit, team);
    Ok((backends, setup))
}

/// A script's read, on the record first (PCI DSS 10.2.1); refused when it cannot be.
async fn read<T>(
    b: &Backends,
    access: crate::audit::Event,
    read: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    crate::app::backends::on_record(&b.audit, &access, read, anyhow::Error::from).await
}

/// The record of a read of one person named by id or CPR: the CPR only masked.
fn person_access(action: &str, who: &str) -> crate::audit::Event {
    let mut e = crate::audit::Event::read(crate::backends::unioo::NAME, action, Vec::new());
    match Cpr::parse_on(who, crate::clock::today()) {
        Ok(cpr) => e.cpr_masked = Some(cpr.masked()),
        Err(_) => match uuid::Uuid::parse_str(who.trim()) {
            Ok(id) => e.targets.push(format!("user:{id}")),
            // Neither: refused below without a read; what was typed is not kept.
            Err(_) => e.targets.push("unreadable argument".into()),
        },
    }
    e
}

pub async fn get(cmd: Get, args: &crate::cli::ConsoleArgs) -> anyhow::Result<()> {
    let (b, _setup) = connect(args).await?;
    let unioo = crate::backends::unioo::NAME;
    let access = match &cmd {
        Get::Users { after, .. } => {
            crate::audit::Event::read(unioo, "person.list", vec![crate::audit::page_after(after)])
        }
        Get::Employees { after, .. } => crate::audit::Event::read(
            unioo,
            "bank-employee.list",
            vec![crate::audit::page_after(after)],
        ),
        Get::Person { who, .. } => person_access("person.view", who),
        Get::Documents { who, .. } => person_access("document.list", who),
    };
    let (value, output, table) = read(&b, access, get_read(&b, cmd)).await?;
    print(&value, output, &table);
    Ok(())
}

async fn get_read(b: &Backends, cmd: Get) -> anyhow::Result<(Value, Output, String)> {
    Ok(match cmd {
        Get::Users {
            first,
            after,
            output,
        } => {
            let page = b.people.users(after, Sort::default(), first).await?;
            let rows: Vec<Value> = page.items.iter().map(summary_json).collect();
            let sheet = Sheet::of("users", people::USER_COLUMNS, &page.items, &shown());
            let t = table(&sheet.headers, sheet.rows);
            let v = json!({ "total": page.total, "next_cursor": page.next_cursor, "users": rows });
            (v, output, t)
        }
        Get::Employees {
            first,
            after,
            output,
        } => {
            let page = b.people.employees(after, Sort::default(), first).await?;
            let rows: Vec<Value> = page
                .items
                .iter()
                .map(|e| {
                    json!({
                        "id": e.id, "first_name": e.first_name, "last_name": e.last_name,
                        "email": e.email, "external_id": e.external_id, "roles": e.roles,
                    })
                })
                .collect();
            let sheet = Sheet::of("employees", staff::COLUMNS, &page.items, &shown());
            let t = table(&sheet.headers, sheet.rows);
            let v =
                json!({ "total": page.total, "next_cursor": page.next_cursor, "employees": rows });
            (v, output, t)
        }
        Get::Person { who, output } => {
            let p = person(b, &who).await?;
            let v = person_json(&p);
            let t = table(
                &["Field", "Value"],
                people::person_fields(&p)
                    .into_iter()
                    .map(|(k, v)| vec![k.to_string(), v])
                    .collect(),
            );
            (v, output, t)
        }
        Get::Documents { who, output } => {
            let p = person(b, &who).await?;
            let docs = documents_json(&p);
            let t = table(
                &["Kind", "State", "Submitted", "Decided", "Reason"],
                docs.iter()
                    .map(|d| {
                        ["kind", "state", "submitted", "decided", "rejected_reason"]
                            .iter()
                            .map(|k| d[k].as_str().unwrap_or_default().to_string())
                            .collect()
                    })
                    .collect(),
            );
            (json!({ "person": p.id, "documents": docs }), output, t)
        }
    })
}

fn print(value: &Value, output: Output, table: &str) {
    match output {
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(value).expect("JSON serialises")
        ),
        Output::Table => print!("{table}"),
    }
}

/// A person by CPR number (exactly one match) or by id.
async fn person(b: &Backends, who: &str) -> anyhow::Result<Person> {
    let id = match uuid::Uuid::parse_str(who.trim()) {
        Ok(id) => id,
        Err(_) => {
            // What was typed is not repeated: it may be a mistyped CPR.
            let cpr = Cpr::parse_on(who, crate::clock::today()).map_err(|e| {
                anyhow::anyhow!("the argument is neither an id nor a valid CPR number: {e}")
            })?;
            let found = b.people.find_by_cpr(cpr).await?;
            match found.as_slice() {
                [] => {
                    return Err(NotFound(format!(
                        "no person with CPR {} is visible",
                        cpr.masked()
                    ))
                    .into());
                }
                [one] => one.id,
                many => anyhow::bail!(
                    "{} people share CPR {}: give the id, one of {}",
                    many.len(),
                    cpr.masked(),
                    many.iter()
                        .map(|p| p.id.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
    };
    b.people
        .person(id)
        .await?
        .ok_or_else(|| NotFound(format!("no person with id {id} is visible")).into())
}

fn summary_json(p: &PersonSummary) -> Value {
    json!({
        "id": p.id, "first_name": p.first_name, "last_name": p.last_name,
        "email": p.email, "organizations": p.organizations,
    })
}

fn time(t: &Option<jiff::Timestamp>) -> Value {
    t.map(|t| Value::String(t.to_string()))
        .unwrap_or(Value::Null)
}

fn documents_json(p: &Person) -> Vec<Value> {
    [&p.photo_legitimation, &p.social_security_card]
        .into_iter()
        .flatten()
        .map(|d| {
            json!({
                "id": d.id, "kind": d.kind.label(), "state": d.state.label(),
                "submitted": time(&d.created), "decided": time(&d.decided),
                "expires": time(&d.expires), "rejected_reason": d.rejected_reason,
            })
        })
        .collect()
}

fn person_json(p: &Person) -> Value {
    json!({
        "id": p.id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "cpr": p.masked_ssn(),
        "email": p.email,
        "phone": p.phone,
        "address": p.address.as_ref().map(|a| format!("{} {}, {} {}", a.street, a.house, a.postal_code, a.city)),
        "pep": p.pep.as_ref().map(|x| json!({ "response": x.response, "reason": x.reason })),
        "administrators": p.administrators.iter().map(|a| json!({
            "organization": a.organization.as_ref().map(|o| o.name.clone()),
            "kind": a.kind.label(),
            "roles": a.roles.iter().filter(|r| r.is_active()).map(|r| r.label()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "documents": documents_json(p),
    })
}

/// What table cells are judged against in a one-shot command: now, in English.
fn shown() -> Shown<'static> {
    Shown {
        today: jiff::Timestamp::now(),
        language: "en",
    }
}

/// Columns padded to their widest cell. Every cell passes `sanitize`: names, details and
/// reasons come from the backends.
fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.into_iter().map(crate::sanitize::owned).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(headers.iter().map(|h| h.to_string()).collect());
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

/// `backoffice search TEXT`: every configured backend that can search by it, at once.
pub async fn search(
    text: &str,
    output: Output,
    args: &crate::cli::ConsoleArgs,
) -> anyhow::Result<()> {
    let query = classify(text, crate::clock::today()).map_err(|e| anyhow::anyhow!(e))?;
    let (b, _setup) = connect(args).await?;
    let sources = b.sources();
    let asked: Vec<Source> = sources
        .configured()
        .into_iter()
        .filter(|s| s.can_search(&query))
        .collect();
    if asked.is_empty() {
        anyhow::bail!("no backend in this profile can search by {}", query.kind());
    }
    let names: Vec<&str> = asked.iter().map(|s| s.name()).collect();
    let mut access =
        crate::audit::Event::read(&names.join(", "), "person.search", vec![query.recorded()]);
    if let Query::Cpr(c) = &query {
        access.cpr_masked = Some(c.masked());
    }
    let started = std::time::Instant::now();
    let asking = futures_util::future::join_all(asked.iter().map(|s| {
        let q = query.clone();
        async move {
            let r = sources.search(*s, &q).await;
            (*s, r, started.elapsed())
        }
    }));
    let answers = read(&b, access, async { Ok(asking.await) }).await?;
    let mut results = Vec::new();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let mut answered = Vec::new();
    let mut not_searched = Vec::new();
    for (source, r, took) in answers {
        match r {
            Ok(a) => {
                report.push(json!({ "source": source.name(), "status": "answered", "found": a.hits.len(), "capped": a.capped, "took_ms": took.as_millis() }));
                answered.push(source.name());
                merge(&mut results, a.hits);
            }
            Err(e) => {
                let status = if matches!(e, BackendError::Timeout { .. }) {
                    "timed out"
                } else {
                    "failed"
                };
                report.push(json!({ "source": source.name(), "status": status, "error": e.to_string(), "took_ms": took.as_millis() }));
                not_searched.push(format!("{} ({status})", source.name()));
                failures.push(e);
            }
        }
    }
    let hits: Vec<Value> = results
        .iter()
        .map(|h| {
            json!({
                "source": h.source.name(), "person": h.group, "name": h.name, "email": h.email,
                "cpr": h.cpr.map(|c| c.masked()), "detail": h.detail, "id": h.target.id(),
            })
        })
        .collect();
    let complete = failures.is_empty();
    let value = json!({
        "query": { "kind": query.kind(), "text": query.shown() },
        "complete": complete,
        "backends": report,
        "results": hits,
    });
    let sheet = Sheet::of("search", search::COLUMNS, &results, &shown());
    let t = table(&sheet.headers, sheet.rows);
    print(&value, output, &t);
    let what = format!("{} {}", query.kind(), query.shown());
    // Every backend failed: say why (the first failure decides the exit code).
    if failures.len() == asked.len()
        && let Some(e) = failures.into_iter().next()
    {
        return Err(e.into());
    }
    if !complete {
        return Err(Incomplete(if results.is_empty() {
            format!(
                "nothing found for {what} in {}; not searched: {}",
                answered.join(", "),
                not_searched.join(", ")
            )
        } else {
            format!(
                "results may be incomplete; not searched: {}",
                not_searched.join(", ")
            )
        })
        .into());
    }
    if results.is_empty() {
        return Err(NotFound(format!(
            "nothing found for {what} in {}",
            answered.join(", ")
        ))
        .into());
    }
    Ok(())
}

/// `backoffice pending`: the open four-eyes proposals in the profile's team store, oldest
/// first, for scripts: each with its action, targets, maker, reason and age; then the
/// confirmed ones whose sending was cut off (status `unsent`: someone must send them again).
pub async fn pending(output: Output, args: &crate::cli::ConsoleArgs) -> anyhow::Result<()> {
    let choice = crate::console::choose_profile(args)?;
    let lease = choice
        .as_ref()
        .and_then(|(_, p)| p.team.as_ref())
        .map_or(crate::app::team::RESEND_AFTER, |t| t.resend_after());
    let store = crate::console::open_team(choice.as_ref().map(|(n, p)| (n.as_str(), p))).await?;
    let mut open = store.pending().await?;
    open.extend(store.unsent(lease).await?);
    store.close().await;
    let status = |p: &crate::team::Proposal| match p.status {
        crate::team::ProposalStatus::Confirmed => "unsent".to_string(),
        s => s.to_string(),
    };
    let now = jiff::Timestamp::now();
    let age = |t: jiff::Timestamp| now.duration_since(t).as_secs().max(0);
    let value: Vec<Value> = open
        .iter()
        .map(|p| {
            json!({
                "id": p.id.to_string(),
                "status": status(p),
                "action": p.action,
                "backend": p.backend,
                "targets": p.targets,
                "subject": p.subject,
                "maker": p.maker,
                "maker_name": p.maker_name,
                "maker_host": p.maker_host,
                "reason": p.reason,
                "made_at": p.made_at.to_string(),
                "age_secs": age(p.made_at),
            })
        })
        .collect();
    let rows = open
        .iter()
        .map(|p| {
            vec![
                p.action.clone(),
                status(p),
                p.targets.join(" "),
                p.maker_name.clone().unwrap_or_else(|| p.maker.clone()),
                p.reason.clone().unwrap_or_default(),
                crate::format::duration_words(age(p.made_at) as u64),
            ]
        })
        .collect();
    let t = table(
        &["Action", "Status", "Targets", "Maker", "Reason", "Age"],
        rows,
    );
    print(&Value::Array(value), output, &t);
    Ok(())
}

/// How `audit verify` ends when the local log and the team store's copy differ, or the chain
/// is broken.
pub const TAMPERED: u8 = 1;

/// What comparing the local log with the team store's copy found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyFinding {
    /// The copy holds the same records, or only lacks the newest ones (the console sends them
    /// at its next audited action): nothing was taken away or changed.
    Agrees,
    /// There is no copy to compare with: no team store on this machine.
    NotKept,
    /// The local log lost records the store has, or holds other ones.
    Differs,
    /// The store could not be reached or read: nothing can be said about the copy.
    Unreachable,
}

/// `backoffice audit verify`: the local hash chain, then the team store's copy of this
/// operator's log on this host (the profile's store, as the console opens it). The report
/// (safe for a terminal) and the exit code: 0 when the chain is intact and the copy agrees
/// (a copy that is merely behind agrees, with a note), [`TAMPERED`] when the chain is broken
/// or the copy differs, [`BACKEND_DOWN`] when the chain is intact but the store cannot be
/// reached.
pub async fn audit_verify(
    path: Option<std::path::PathBuf>,
    args: &crate::cli::ConsoleArgs,
) -> anyhow::Result<(String, u8)> {
    use crate::audit::show;
    let profile = crate::console::choose_profile(args);
    // The log the console writes: the one named, else the profile's, else the default.
    let profile_log = profile
        .as_ref()
        .ok()
        .and_then(|p| p.as_ref())
        .and_then(|(_, p)| p.audit_log.clone());
    let path = show::resolve(path.or_else(|| args.audit_log.clone()).or(profile_log))?;
    let (chain, intact) = show::verify(&path);
    let me = crate::audit::Actor::from_env(None, "");
    // A sandbox operator told apart by name keeps a copy of its own, as the console sends it.
    let owner = match &profile {
        Ok(Some((_, p))) if p.sandbox => match &p.operator {
            Some(name) => crate::team::Operator::by_name(&me.os_user, name, &me.host).key(),
            None => me.os_user.clone(),
        },
        _ => me.os_user.clone(),
    };
    let (copy, finding) = compare_copy(&path, profile, &owner, &me.host).await;
    let code = match finding {
        _ if !intact => TAMPERED,
        CopyFinding::Differs => TAMPERED,
        CopyFinding::Unreachable => BACKEND_DOWN,
        CopyFinding::Agrees | CopyFinding::NotKept => 0,
    };
    Ok((crate::sanitize::lines(&format!("{chain}\n{copy}")), code))
}

/// Compares the log at `path` with the copy for `os_user` on `host` in the team store of
/// `profile` (as [`crate::console::open_team`] opens it; a SQLite file is never created
/// here): the words for an officer and what was found.
async fn compare_copy(
    path: &std::path::Path,
    profile: anyhow::Result<Option<(String, crate::config::Profile)>>,
    os_user: &str,
    host: &str,
) -> (String, CopyFinding) {
    let not_compared = |why: String| {
        (
            format!("The team store's copy was not compared: {why}."),
            CopyFinding::Unreachable,
        )
    };
    let profile = match profile {
        Ok(p) => p,
        Err(e) => return not_compared(format!("{e:#}")),
    };
    let section = profile.as_ref().and_then(|(_, p)| p.team.as_ref());
    match section.map(|t| (&t.url, &t.path)) {
        Some((Some(_), _)) => {}
        Some((None, Some(file))) if !file.exists() => {
            return not_compared(format!(
                "the profile's team store file {} does not exist",
                file.display()
            ));
        }
        Some(_) => {}
        None => match crate::console::default_team_path() {
            Some(file) if file.exists() => {}
            file => {
                let at = file
                    .map(|f| format!(" ({})", f.display()))
                    .unwrap_or_default();
                return (
                    format!(
                        "No team store on this machine{at}: there is no central copy to compare \
                         with; only the local chain was checked."
                    ),
                    CopyFinding::NotKept,
                );
            }
        },
    }
    let store =
        match crate::console::open_team(profile.as_ref().map(|(n, p)| (n.as_str(), p))).await {
            Ok(s) => s,
            Err(e) => {
                let why = format!("{e:#}");
                return not_compared(if why.starts_with("the team store") {
                    why
                } else {
                    format!("the team store could not be opened: {why}")
                });
            }
        };
    let central = store.audit_lines(os_user, host).await;
    let target = format!("{} {}", store.engine(), store.target());
    store.close().await;
    let central = match central {
        Ok(c) => c,
        Err(e) => return not_compared(e.to_string()),
    };
    let local = match crate::app::central_audit::local_lines(path) {
        Ok(l) => l,
        Err(e) => {
            return (
                format!(
                    "The team store's copy was not compared: the local log cannot be read ({e})."
                ),
                CopyFinding::Differs,
            );
        }
    };
    let comparison = crate::team::compare_audit(&local, &central);
    let finding = match comparison {
        crate::team::AuditComparison::Same | crate::team::AuditComparison::CentralBehind { .. } => {
            CopyFinding::Agrees
        }
        _ => CopyFinding::Differs,
    };
    (
        format!(
            "Team store {target}, the copy for {os_user} on {host}: {}",
            explain(&comparison, local.len(), central.len())
        ),
        finding,
    )
}

/// A comparison in an officer's words, with the numbers of records on each side.
pub fn explain(c: &crate::team::AuditComparison, local: usize, central: usize) -> String {
    use crate::team::AuditComparison::*;
    let records = |n: usize| format!("{n} record{}", if n == 1 { "" } else { "s" });
    match *c {
        Same => format!("it matches the local log ({}).", records(central)),
        LocalTruncated { missing_from } => {
            let more = central + 1 - missing_from;
            format!(
                "the local log ends at line {}; the store has {more} more record{}: records were \
             removed from the end of the local log.",
                missing_from - 1,
                if more == 1 { "" } else { "s" }
            )
        }
        LocalMissing => format!(
            "the local log is missing or empty, but the store holds {} from it: the local log \
             was deleted or emptied.",
            records(central)
        ),
        Rewritten { line } => format!(
            "line {line} of the local log is not the record the store received: the local \
             history was rewritten (or re-hashed) from line {line} on."
        ),
        Fork { line } => format!(
            "the local log forks from the store's copy at line {line}: from there each holds \
             records the other does not, both following {} (a log put back from an older copy \
             and written on).",
            match line {
                1 => "the start of the chain".to_string(),
                n => format!("line {}", n - 1),
            }
        ),
        CentralBehind { missing_from } => format!(
            "the store has not yet received the local records from line {missing_from} on \
             ({}). That is not tampering: the console sends them at its next audited action.",
            records(local + 1 - missing_from)
        ),
        Reopened { before } => format!(
            "the local log starts where the console reopened it (line 1, audit.reopen) after \
             its file was deleted or replaced; the store's copy holds the {} written before \
             that, which the local log no longer has. From there the two agree.",
            records(before)
        ),
    }
}
