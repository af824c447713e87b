//! Which image protocol the terminal speaks (kitty, sixel, iTerm2), asked once, when the first
//! image is about to be drawn. Everywhere else, and whenever in doubt, images are halfblocks.
//!
//! The question is written and its answer read here, straight from the terminal's file
//! descriptor with a deadline, while the key reader is stopped: nothing is left reading the
//! terminal afterwards (a thread that outlived its timeout would take the next key), and
//! nothing is read into a buffer the key reader cannot see.

use crate::ui::widgets::image::ImageSupport;
use ratatui_image::picker::ProtocolType;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use std::io::Write;
use std::time::{Duration, Instant};

/// How long the terminal has to answer; it answers in the order asked, ending with the device
/// status report, so nothing of its answer arrives after that.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(500);

fn var(k: &str) -> String {
    std::env::var(k).unwrap_or_default()
}

/// Whether to ask at all: only a terminal that says it may draw images. Never inside tmux or
/// screen: the question would need passthrough, which is the user's setting, not ours.
pub fn worth_asking() -> bool {
    let term = var("TERM");
    let multiplexed = std::env::var_os("TMUX").is_some()
        || term.starts_with("tmux")
        || term.starts_with("screen");
    let may_draw = std::env::var_os("KITTY_WINDOW_ID").is_some()
        || ["iTerm.app", "WezTerm", "ghostty"].contains(&var("TERM_PROGRAM").as_str())
        || ["kitty", "foot", "mlterm"].iter().any(|t| term.contains(t));
    may_draw && !multiplexed && std::env::var_os("BACKOFFICE_NO_GRAPHICS").is_none()
}

/// Asks and waits for the answer (at most `within`). `None`: keep halfblocks.
pub fn ask(within: Duration) -> Option<ImageSupport> {
    let query = Parser::query(false, QueryStdioOptions::default());
    let mut out = std::io::stdout();
    out.write_all(query.as_bytes()).ok()?;
    out.flush().ok()?;
    let answers = read_answers(within)?;
    choose(
        &answers,
        &var("TERM_PROGRAM"),
        std::env::var_os("KONSOLE_VERSION").is_some(),
    )
}

/// Reads until the device status report, or gives up at the deadline.
fn read_answers(within: Duration) -> Option<Vec<Response>> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = rustix::stdio::stdin();
    let deadline = Instant::now() + within;
    let mut parser = Parser::new();
    let mut answers = Vec::new();
    let mut buf = [0u8; 256];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        let timeout = Timespec::try_from(left).ok()?;
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        if poll(&mut fds, Some(&timeout)).ok()? == 0 {
            continue;
        }
        let n = rustix::io::read(stdin, &mut buf).ok()?;
        if n == 0 {
            return None;
        }
        for &b in &buf[..n] {
            for r in parser.push(char::from(b)) {
                if r == Response::Status {
                    return Some(answers);
                }
                answers.push(r);
            }
        }
    }
}

/// The best protocol the answers allow. Pixel graphics need the cell size in pixels.
fn choose(answers: &[Response], term_program: &str, konsole: bool) -> Option<ImageSupport> {
    let cell = answers.iter().find_map(|r| match r {
        Response::CellSize(Some((w, h))) => Some((*w, *h)),
        _ => None,
    })?;
    let has = |x: &Response| answers.contains(x);
    // iTerm2 and WezTerm say who they are, not what they draw; Konsole's sixels are broken.
    let protocol = if ["iTerm.app", "WezTerm"].contains(&term_program) {
        ProtocolType::Iterm2
    } else if has(&Response::Kitty) {
        ProtocolType::Kitty
    } else if has(&Response::Sixel) && !konsole {
        ProtocolType::Sixel
    } else {
        return None;
    };
    Some(ImageSupport { protocol, cell })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(answer: &str) -> Vec<Response> {
        let mut p = Parser::new();
        answer.chars().flat_map(|c| p.push(c)).collect()
    }

    #[test]
    fn kitty_wins_then_sixel_and_no_cell_size_means_halfblocks() {
        let kitty = parsed("\x1b_Gi=31;OK\x1b\\\x1b[?62;4c\x1b[6;20;10t");
        let p = choose(&kitty, "", false).unwrap();
        assert_eq!(p.protocol, ProtocolType::Kitty);
        assert_eq!(p.cell, (10, 20));
        let sixel = parsed("\x1b[?62;4c\x1b[6;16;8t");
        assert_eq!(
            choose(&sixel, "", false).unwrap().protocol,
            ProtocolType::Sixel
        );
        assert!(choose(&sixel, "", true).is_none(), "Konsole's sixels");
        assert_eq!(
            choose(&sixel, "WezTerm", false).unwrap().protocol,
            ProtocolType::Iterm2
        );
        assert!(
            choose(&parsed("\x1b[?62;4c"), "", false).is_none(),
            "no cell size"
        );
        assert!(choose(&parsed("\x1b[?62;22c\x1b[6;20;10t"), "", false).is_none());
    }
}
