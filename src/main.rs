//! `backoffice`: the console (default), the sandbox on its own, and helpers.

use backoffice::{cli, sandbox};
use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("backoffice: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result: anyhow::Result<std::process::ExitCode> = runtime.block_on(async move {
        match args.command {
            Some(cli::Command::Sandbox(opts)) => run_sandbox(opts).await,
            Some(cli::Command::Audit(cmd)) => return run_audit(cmd, &args.console).await,
            Some(cli::Command::Onboard(cli::OnboardCommand::Import(a))) => {
                return backoffice::onboarding::cli::import(a, &args.console).await;
            }
            Some(cli::Command::Get(cmd)) => {
                return Ok(script(backoffice::scripts::get(cmd, &args.console).await));
            }
            Some(cli::Command::Search { text, output }) => {
                return Ok(script(
                    backoffice::scripts::search(&text, output, &args.console).await,
                ));
            }
            Some(cli::Command::Pending { output }) => {
                return Ok(script(
                    backoffice::scripts::pending(output, &args.console).await,
                ));
            }
            Some(cli::Command::Completions { shell }) => {
                let mut cmd = <cli::Cli as clap::CommandFactory>::command();
                clap_complete::generate(shell, &mut cmd, "backoffice", &mut std::io::stdout());
                Ok(())
            }
            Some(cli::Command::Man) => {
                let cmd = <cli::Cli as clap::CommandFactory>::command();
                clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
                Ok(())
            }
            None => backoffice::console::run(args.console).await,
        }
        .map(|()| std::process::ExitCode::SUCCESS)
    });
    // Whatever blocking work is left (a sandbox still generating its data, a read of a
    // slow file) must not hold the exit up: the terminal is already restored.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("backoffice: {}", error_line(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

/// A script's result: the error on stderr, and an exit code a script can test.
fn script(result: anyhow::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backoffice: {}", error_line(&e));
            std::process::ExitCode::from(backoffice::scripts::exit_code(&e))
        }
    }
}

/// An error and its causes on one line, made safe for the terminal: they carry servers'
/// messages, file names and what was typed.
fn error_line(e: &anyhow::Error) -> String {
    backoffice::sanitize::line(&format!("{e:#}")).into_owned()
}

async fn run_sandbox(opts: cli::SandboxArgs) -> anyhow::Result<()> {
    if let Some(api) = opts.print_sdl {
        print!("{}", api.sdl());
        return Ok(());
    }
    let _log = backoffice::logging::init(None);
    // Listened for before the credentials are printed: whoever reads them may stop us at once.
    let stopped = stop_signals()?;
    let handle = sandbox::Sandbox::start(sandbox::SandboxOptions {
        listen: opts.listen,
        seed: opts.seed,
        people: opts.people as usize,
        healthmov_rate_limit: opts.healthmov_rate_limit,
        faults: opts.faults,
        bunq_rate_window_ms: opts.bunq_rate_window_ms,
        ..Default::default()
    })
    .await?;
    println!("{}", serde_json::to_string_pretty(&handle.credentials())?);
    eprintln!("sandbox listening on {}; Ctrl-C stops it", handle.addr);
    stopped.await;
    // Dropping the handle stops the servers and removes the temporary key directory.
    drop(handle);
    Ok(())
}

/// Resolves on Ctrl-C, SIGTERM (a supervisor stopping it) or SIGHUP (its terminal closed).
/// The handlers are in place once this returns, before the future is first polled.
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
        }
    })
}

async fn run_audit(
    cmd: cli::AuditCommand,
    args: &cli::ConsoleArgs,
) -> anyhow::Result<std::process::ExitCode> {
    use backoffice::audit::{Event, Outcome, show};
    // Every look at the audit trail is on it (PCI DSS 10.2.1.3), in this operator's log.
    let record = || backoffice::console::operator_audit(args);
    match cmd {
        cli::AuditCommand::Verify { path } => {
            let (text, code) = backoffice::scripts::audit_verify(path, args).await?;
            if code == 0 {
                println!("{text}");
            } else {
                eprintln!("{text}");
            }
            // Opened and written after: a record of this check inside the log it checks (or
            // the file made for it) would change what it found. A log that cannot take it
            // does not hide the finding.
            let event = Event::read("Audit log", "audit.verify", vec![format!("exit:{code}")]);
            let log = record()?;
            let kept = tokio::task::spawn_blocking(move || log.append(&event, Outcome::Ok)).await;
            if !matches!(kept, Ok(Ok(()))) {
                eprintln!("backoffice: this check could not be recorded in the audit log");
            }
            Ok(std::process::ExitCode::from(code))
        }
        cli::AuditCommand::Show {
            path,
            action,
            target,
            since,
        } => {
            let path = show::resolve(path)?;
            let shown = backoffice::sanitize::line(&path.display().to_string()).into_owned();
            let event = Event::read("Audit log", "audit.view", vec![format!("file:{shown}")]);
            let filter = show::Filter {
                action,
                target,
                since,
            };
            let reading = async { show::show(&path, &filter) };
            let text = backoffice::app::backends::on_record(
                &record()?,
                &event,
                reading,
                anyhow::Error::from,
            )
            .await?;
            print!("{text}");
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}
