//! `backoffice onboard import`.

use super::{run, upload};
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
            .password(&profile.commands(&name, "healthmov"))
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
            HealthmovClient::new(
                url,
                h.username.clone(),
                Some(password),
                crate::console::healthmov_settings(&profile),
            ),
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
    let checked = run::check(path, args.department.is_some())?;
    // Reasons quote the file's cells and servers' messages: through `sanitize`.
    for r in &checked.rejected {
        eprintln!(
            "line {}: {}",
            r.line,
            crate::sanitize::line(&r.reasons.join("; "))
        );
    }
    if args.dry_run {
        println!(
            "{}: {} rows valid, {} rejected; nothing sent (dry run)",
            crate::sanitize::line(&path.display().to_string()),
            checked.valid,
            checked.rejected.len()
        );
        return Ok(if checked.rejected.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    // On the operator's record like the console's `I`: refused when it cannot be.
    let record = crate::console::operator_audit(console)?;
    let event = run::audit_event(&args.company, path, checked.valid);
    let (client, _sandbox) = connect(console).await?;
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
    let sending = run::run(
        &client,
        checked,
        target,
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
    );
    let sending = async {
        sending
            .await
            .map_err(|e| crate::backends::BackendError::Local {
                what: "Import",
                detail: format!("{e:#}"),
            })
    };
    // What went in is known only at the end; an import that sent nothing says so.
    let report = crate::app::backends::audited_as(&record, &event, sending, |r, ev| {
        ev.reason = Some(r.audit_note());
    })
    .await?;
    if live {
        eprintln!();
    }
    let _ = client.session.logout().await;
    for (line, why) in report.bad.iter().filter(|b| b.1.starts_with("not sent")) {
        eprintln!("line {line}: {}", crate::sanitize::line(why));
    }
    println!("{}", crate::sanitize::line(&report.summary(path)));
    if report.stopped {
        return Ok(ExitCode::from(130));
    }
    Ok(if report.bad.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
