//! Terminal setup and restore, the event loop, and render scheduling.
//!
//! One `select!` loop owns the state: terminal events, backend results and a tick. It draws
//! only when something changed and the result queue is drained. The terminal is restored on
//! quit, on error (the guard's `Drop`), on panic (the hook), and on SIGTERM/SIGHUP/SIGINT.

mod graphics;

use crate::app::runner::Runner;
use crate::app::{Action, Effect, State, update};
use crate::ui;
use crossterm::event::{Event, EventStream, KeyEventKind};
use crossterm::{execute, terminal};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{Stdout, stdout};
use std::time::{Duration, Instant};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        stdout(),
        crossterm::event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// The process's key reader, kept from one profile's session to the next: a reader dropped
/// and made again across a switch could miss the first key typed to the next session (a
/// Ctrl-C that never arrived). Stopped while something else reads the terminal (the unlock
/// command, the image-protocol question); made again when next read.
#[derive(Default)]
pub struct Keys(Option<EventStream>);

impl Keys {
    fn stream(&mut self) -> &mut EventStream {
        self.0.get_or_insert_with(EventStream::new)
    }

    /// Stops reading: the reader's thread wakes and lets go of the terminal. (The old reader
    /// goes before a new one is made, which would wait for it.)
    fn stop(&mut self) {
        self.0 = None;
    }
}

struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn setup() -> anyhow::Result<(Guard, Terminal<CrosstermBackend<Stdout>>)> {
    terminal::enable_raw_mode()?;
    let guard = Guard;
    execute!(
        stdout(),
        terminal::EnterAlternateScreen,
        crossterm::event::EnableBracketedPaste
    )?;
    // Restore before the panic message prints, so it is readable and the shell is usable.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((guard, terminal))
}

/// Asks the terminal for its image protocols. Returns a new key reader, and what came in
/// meanwhile (keys, resizes), oldest first, for the caller to handle.
async fn ask_for_graphics(
    look: &mut ui::Look,
    keys: &mut Keys,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> anyhow::Result<Vec<Action>> {
    // The answer must not be read as keys: the reader stops (its thread wakes on drop).
    keys.stop();
    let asked = tokio::task::spawn_blocking(|| {
        let before = events_already_read();
        (before, graphics::ask(graphics::ANSWER_WITHIN))
    })
    .await;
    let mut meanwhile = Vec::new();
    if let Ok((before, asked)) = asked {
        if let Some(support) = asked.support {
            tracing::info!(protocol = ?support.protocol, "the terminal draws images");
            look.images = ui::widgets::image::ImageSupport {
                colours: look.images.colours,
                ..support
            };
        }
        meanwhile.extend(before.into_iter().filter_map(to_action));
        meanwhile.extend(asked.typed.into_iter().map(Action::Key));
    }
    // Whatever the query left on screen is painted over.
    paint_over(terminal)?;
    Ok(meanwhile)
}

/// Waits for crossterm's reader lock, so the stopped reader has let go of the terminal, and
/// takes the events it had already read: they came before anything typed from now on.
fn events_already_read() -> Vec<Event> {
    let mut events = Vec::new();
    let mut wait = Duration::from_millis(20);
    while crossterm::event::poll(wait).unwrap_or(false) {
        match crossterm::event::read() {
            Ok(e) => events.push(e),
            Err(_) => break,
        }
        wait = Duration::ZERO;
    }
    events
}

/// The terminal events the console acts on.
fn to_action(event: Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Action::Key(k)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Paste(p) => Some(Action::Paste(p)),
        _ => None,
    }
}

/// Makes the next frame paint every cell: the screen cleared, then a blank frame so ratatui
/// knows it. (`Terminal::clear` would ask the terminal for the cursor position: a round trip
/// over SSH.)
fn paint_over(terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> anyhow::Result<()> {
    use ratatui::backend::Backend;
    terminal
        .backend_mut()
        .clear_region(ratatui::backend::ClearType::All)?;
    terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))?;
    Ok(())
}

/// Whether a document image is on screen.
fn shows_image(state: &State) -> bool {
    matches!(&state.top().kind, crate::app::features::ViewKind::Document(d) if d.image.is_some())
}

/// Whether something is drawn over a pixel image (sixel, iTerm2). Such an image is written
/// once, in its first cell, and the cells beneath are left out of the diff: what covered them
/// stays on the terminal after it closes unless every cell is painted again.
fn image_covered(state: &State, look: &ui::Look) -> bool {
    look.images.protocol != ratatui_image::picker::ProtocolType::Halfblocks
        && matches!(
            state.top().kind,
            crate::app::features::ViewKind::Document(_)
        )
        && (!matches!(state.overlay, crate::app::state::Overlay::None)
            || state.login.is_some()
            || state.locked)
}

/// Runs the console until the user quits or a signal arrives; `Some(profile)` when the user
/// asked to switch to it. `keys`: the process's key reader, one for every session.
pub async fn run(
    keys: &mut Keys,
    mut state: State,
    mut look: ui::Look,
    mut runner_for: impl FnMut(mpsc::UnboundedSender<Action>) -> Runner,
) -> anyhow::Result<Option<String>> {
    let (_guard, mut terminal) = setup()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut runner = runner_for(tx);
    let size = terminal.size()?;
    state.size = (size.width, size.height);
    terminal.draw(|f| ui::draw(f, &state, &look))?;
    tracing::info!("first frame drawn");
    // After the first frame, and in the background: a slow team store holds up no key.
    for e in crate::app::central_audit::at_start(&mut state) {
        runner.run(e);
    }

    let mut image_was_covered = false;
    let mut probed = false;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;

    loop {
        let action = tokio::select! {
            ev = keys.stream().next() => match ev {
                Some(Ok(e)) => match to_action(e) {
                    Some(a) => a,
                    None => continue,
                },
                Some(Err(e)) => return Err(anyhow::anyhow!("reading the terminal failed: {e}")),
                None => break,
            },
            Some(a) = rx.recv() => a,
            _ = tick.tick() => Action::Tick(Instant::now()),
            _ = sigterm.recv() => { tracing::info!("SIGTERM"); break }
            _ = sighup.recv() => { tracing::info!("SIGHUP"); break }
            _ = sigint.recv() => { tracing::info!("SIGINT"); break }
        };
        let mut unlock = None;
        let mut dirty = apply(&mut state, &mut runner, action, &mut unlock);
        // Drain what else is waiting before drawing once.
        while let Ok(a) = rx.try_recv() {
            dirty |= apply(&mut state, &mut runner, a, &mut unlock);
        }
        if state.quit {
            break;
        }
        if let Some(cmd) = unlock.take() {
            // The command has the terminal to itself.
            keys.stop();
            let result = with_terminal(&cmd, &mut terminal).await;
            // A Ctrl-C typed to the command reached this process too: it is not a quit.
            while futures_util::FutureExt::now_or_never(sigint.recv()).is_some() {}
            apply(
                &mut state,
                &mut runner,
                Action::Unlocked(result?),
                &mut unlock,
            );
            dirty = true;
        }
        // The probe waits for the terminal's answer, so it is made only when the first image
        // is about to be drawn: start-up over a slow link never waits for it.
        if !probed && shows_image(&state) {
            probed = true;
            if graphics::worth_asking() {
                let meanwhile = ask_for_graphics(&mut look, keys, &mut terminal).await?;
                for a in meanwhile {
                    apply(&mut state, &mut runner, a, &mut unlock);
                }
                dirty = true;
                if state.quit {
                    break;
                }
            }
        }
        if dirty {
            let covered = image_covered(&state, &look);
            if image_was_covered && !covered {
                paint_over(&mut terminal)?;
            }
            image_was_covered = covered;
            terminal.draw(|f| ui::draw(f, &state, &look))?;
        }
    }
    // What open views send as they close (claims let go) still goes out, briefly waited for.
    for e in crate::app::requests::closing(&mut state, 0) {
        runner.run(e);
    }
    runner.run(Effect::Quit);
    runner.settle(Duration::from_secs(2)).await;
    if let Some(why) = state.ended.take() {
        // Nothing of the session stays on the screen; the shell gets the terminal back.
        paint_over(&mut terminal)?;
        restore();
        eprintln!("backoffice: {why}");
    }
    Ok(state.switch_to.take())
}

/// Runs the `unlock_cmd` with the terminal: the alternate screen left and raw mode off while
/// it runs (it may prompt for a password), both back after. `Ok` when it exited 0.
async fn with_terminal(
    cmd: &str,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
) -> anyhow::Result<Result<(), String>> {
    restore();
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .kill_on_drop(true)
        .status()
        .await;
    terminal::enable_raw_mode()?;
    execute!(
        stdout(),
        terminal::EnterAlternateScreen,
        crossterm::event::EnableBracketedPaste
    )?;
    // Painted whole again: the command's output is on the main screen, not this one, but the
    // terminal may not have kept this one.
    paint_over(terminal)?;
    Ok(match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(match s.code() {
            Some(code) => format!("unlock_cmd exited with status {code}"),
            None => "unlock_cmd was stopped by a signal".into(),
        }),
        Err(e) => Err(format!("unlock_cmd could not start: {e}")),
    })
}

/// Feeds one action to `update`, hands its effects to the runner, and says whether to redraw.
fn apply(
    state: &mut State,
    runner: &mut Runner,
    action: Action,
    unlock: &mut Option<String>,
) -> bool {
    let is_tick = matches!(action, Action::Tick(_));
    if !is_tick {
        // Keystrokes and results move the clock too, so the spinner delay is measured right.
        state.now = Instant::now();
    }
    let effects = update(state, action);
    for e in effects {
        match e {
            // The clipboard is the terminal's: OSC 52 goes out with the next frame's bytes.
            Effect::Copy(clip) => {
                use std::io::Write;
                let mut out = stdout();
                let _ = out.write_all(crate::app::copy::osc52(&clip.0).as_bytes());
                let _ = out.flush();
            }
            // Run by the loop, which owns the terminal.
            Effect::Unlock(cmd) => *unlock = Some(cmd),
            e => runner.run(e),
        }
    }
    !is_tick || crate::app::update::tick_redraws(state)
}
