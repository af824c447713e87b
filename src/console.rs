//! Starting the console: config, sandbox, clients, then the TUI.

use crate::cli::ConsoleArgs;

pub async fn run(_args: ConsoleArgs) -> anyhow::Result<()> {
    Ok(())
}
