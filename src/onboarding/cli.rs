//! `backoffice onboard import`.

use super::import::{self, Rejected};
use super::upload::{self, Journal};
use crate::backends::healthmov::HealthmovClient;
use crate::cli::{ConsoleArgs, ImportArgs};
use crate::sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use anyhow::Context;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The Healthmov client of the chosen profile, or the embedded sandbox's.
async fn connect(args: &ConsoleArgs) -> anyhow::Result<(HealthmovClient, Option<SandboxHandle>)> {
    if let Some((name, profile)) = crate::console::choose_profile(args)?
        && !profile.sandbox
    {
        let h = profile
            .healthmov
            .as_ref()
            .with_context(|| format!("profile {name} has no [healthmov] section"))?;
        let password = match h
            .password()
            .with_context(|| format!("profile {name}: getting the Healthmov password"))?
        {
            Some(p) => p,
            None => secrecy::SecretString::from(
                rpassword::prompt_password(format!("Healthmov password for {}: ", h.username))
                    .context("reading the password")?,
            ),
        };
        let url = h.url.parse().context("the Healthmov url")?;
        return Ok((
            HealthmovClient::new(url, h.username.clone(), Some(password), Default::default()),
            None,
        ));
    }
    let s = Sandbox::start(SandboxOptions::default())
        .await
        .context("starting the embedded sandbox")?;
    let c = s.credentials().healthmov;
    eprintln!("Using the embedded sandbox (its data lasts only for this run).");
    let client = HealthmovClient::new(
        c.url.parse()?,
        c.username,
        Some(secrecy::SecretString::from(c.password)),
        Default::default(),
    );
    Ok((client, Some(s)))
}

pub async fn import(args: ImportArgs, console: &ConsoleArgs) -> anyhow::Result<ExitCode> {
    let path = &args.file;
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let parsed = import::parse(file).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut rejected: Vec<Rejected> = parsed.rejected;
    let (rows, homeless): (Vec<_>, Vec<_>) = parsed
        .rows
        .into_iter()
        .partition(|r| r.department.is_some() || args.department.is_some());
    rejected.extend(homeless.into_iter().map(|r| Rejected {
        line: r.line,
        record: r.record,
        reasons: vec!["department_id is required (or give --department)".into()],
    }));
    rejected.sort_by_key(|r| r.line);
    for r in &rejected {
        eprintln!("line {}: {}", r.line, r.reasons.join("; "));
    }
    let rejects_path = path.with_extension("rejects.csv");
    if args.dry_run {
        println!(
            "{}: {} rows valid, {} rejected; nothing sent (dry run)",
            path.display(),
            rows.len(),
            rejected.len()
        );
        return Ok(if rejected.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let (client, _sandbox) = connect(console).await?;
    let mut journal = Journal::open(&Journal::path_for(path)).context("the import journal")?;
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nStopping after the rows in flight…");
            on_signal.store(true, Ordering::SeqCst);
        }
    });
    let live = std::io::stderr().is_terminal();
    let mut last_tenth = 0;
    let target = upload::Target {
        company: &args.company,
        department: args.department.as_deref(),
    };
    let outcome = upload::upload(
        &client,
        target,
        rows,
        &mut journal,
        usize::from(args.concurrency),
        &stop,
        |p| {
            let finished = p.sent + p.failed;
            if live {
                eprint!("\r{}", p.bar(30));
            } else if p.total > 0 && finished * 10 / p.total > last_tenth {
                last_tenth = finished * 10 / p.total;
                eprintln!("{}", p.bar(30));
            }
        },
    )
    .await
    .context("writing the import journal")?;
    if live {
        eprintln!();
    }
    let _ = client.session.logout().await;
    let bad = rejected.len() + outcome.failed.len();
    if bad > 0 {
        upload::write_rejects(&rejects_path, &parsed.header, &rejected, &outcome.failed)
            .with_context(|| format!("writing {}", rejects_path.display()))?;
    }
    for (row, why) in &outcome.failed {
        eprintln!("line {}: not sent: {why}", row.line);
    }
    let mut summary = format!(
        "{}: {} sent, {} unchanged since an earlier import, {} rejected",
        path.display(),
        outcome.sent,
        outcome.unchanged,
        bad
    );
    if bad > 0 {
        summary.push_str(&format!(" (see {})", rejects_path.display()));
    }
    if outcome.sent == 0 && bad == 0 && !outcome.stopped {
        summary.push_str("; nothing to do: every row is already in");
    }
    println!("{summary}");
    if outcome.stopped {
        eprintln!("Stopped before the end: run the same command again to import the rest.");
        return Ok(ExitCode::from(130));
    }
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
