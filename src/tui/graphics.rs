//! Which image protocol the terminal speaks (kitty, sixel, iTerm2), asked once, when the first
//! image is about to be drawn. Everywhere else, and whenever in doubt, images are halfblocks.
//!
//! The question is written and its answer read here, straight from the terminal's descriptor
//! with a deadline, while the key reader is stopped: nothing is left reading the terminal
//! afterwards, and nothing is read into a buffer the key reader cannot see. Keys typed while
//! waiting are picked out of the input and handed back, in order.
//!
//! Only CSI questions are asked (device attributes, cell size, status). Their answers, should
//! one come after the deadline, are escape sequences the key reader discards, never keys.
//! (Kitty's own question is answered with an APC string, which would be read as keys: kitty
//! is recognised by its environment instead.)

use crate::ui::widgets::image::ImageSupport;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_image::picker::ProtocolType;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long the terminal has to answer. It answers in the order asked, ending with the device
/// status report.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(500);

fn var(k: &str) -> String {
    std::env::var(k).unwrap_or_default()
}

/// Kitty and ghostty draw kitty graphics; their environment says who they are (`TERM` also
/// travels over SSH).
fn kitty_from_env() -> bool {
    std::env::var_os("KITTY_WINDOW_ID").is_some()
        || var("TERM").contains("kitty")
        || var("TERM_PROGRAM") == "ghostty"
}

/// Whether to ask at all: only a terminal on stdin that says it may draw images. Never inside
/// tmux or screen: the question would need passthrough, which is the user's setting, not ours.
pub fn worth_asking() -> bool {
    let term = var("TERM");
    let multiplexed = std::env::var_os("TMUX").is_some()
        || term.starts_with("tmux")
        || term.starts_with("screen");
    let may_draw = kitty_from_env()
        || ["iTerm.app", "WezTerm"].contains(&var("TERM_PROGRAM").as_str())
        || ["foot", "mlterm"].iter().any(|t| term.contains(t));
    may_draw
        && !multiplexed
        && std::io::stdin().is_terminal()
        && std::env::var_os("BACKOFFICE_NO_GRAPHICS").is_none()
}

/// What asking gave: how to draw images (`None`: keep halfblocks) and the keys typed meanwhile.
pub struct Asked {
    pub support: Option<ImageSupport>,
    pub typed: Vec<KeyEvent>,
}

/// Asks and waits for the answer, at most `within`.
pub fn ask(within: Duration) -> Asked {
    let options = QueryStdioOptions {
        blacklist_protocols: vec![ProtocolType::Kitty],
        ..Default::default()
    };
    let query = Parser::query(false, options);
    let mut out = std::io::stdout();
    if out
        .write_all(query.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return Asked {
            support: None,
            typed: Vec::new(),
        };
    }
    let input = read_input(within);
    let support = input.answered.then(|| {
        choose(
            &input.answers,
            &var("TERM_PROGRAM"),
            kitty_from_env(),
            std::env::var_os("KONSOLE_VERSION").is_some(),
        )
    });
    Asked {
        support: support.flatten(),
        typed: input.keys,
    }
}

/// The terminal's answers and the operator's keys, told apart.
#[derive(Default)]
struct Input {
    answers: Vec<Response>,
    /// The status report came: everything asked has been answered.
    answered: bool,
    keys: Vec<KeyEvent>,
}

/// Reads until the status report, or the deadline.
fn read_input(within: Duration) -> Input {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = rustix::stdio::stdin();
    let deadline = Instant::now() + within;
    let mut parser = Parser::new();
    let mut input = Input::default();
    let mut pending = Vec::new();
    let mut buf = [0u8; 256];
    while !input.answered {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        let Ok(timeout) = Timespec::try_from(left) else {
            break;
        };
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) | Err(rustix::io::Errno::INTR) => continue,
            Ok(_) => {}
            Err(_) => break,
        }
        match rustix::io::read(stdin, &mut buf) {
            Ok(0) => break,
            Ok(n) => pending.extend_from_slice(&buf[..n]),
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
            Err(_) => break,
        }
        let used = split(&pending, &mut parser, &mut input);
        pending.drain(..used);
    }
    // A lone escape left at the end was the Esc key.
    if pending == [0x1b] {
        input.keys.push(key(KeyCode::Esc));
    }
    input
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Sorts complete sequences in `bytes` into answers and keys; returns how many bytes it used
/// (an unfinished sequence at the end waits for more).
fn split(bytes: &[u8], parser: &mut Parser, input: &mut Input) -> usize {
    let mut i = 0;
    while i < bytes.len() {
        let (len, typed) = match bytes[i] {
            0x1b => match bytes.get(i + 1) {
                None => return i,
                Some(b'[') => {
                    let Some(end) = bytes[i + 2..]
                        .iter()
                        .position(|b| (0x40..=0x7e).contains(b))
                    else {
                        return i;
                    };
                    let seq = &bytes[i..i + 3 + end];
                    let typed = csi_key(seq);
                    if typed.is_none() {
                        for c in seq.iter().map(|&b| char::from(b)) {
                            for r in parser.push(c) {
                                match r {
                                    Response::Status => input.answered = true,
                                    r => input.answers.push(r),
                                }
                            }
                        }
                    }
                    (seq.len(), typed)
                }
                Some(b'O') => match bytes.get(i + 2) {
                    None => return i,
                    Some(&b) => (3, ss3_key(b)),
                },
                // Esc, then whatever follows as a key of its own.
                Some(_) => (1, Some(key(KeyCode::Esc))),
            },
            b'\r' | b'\n' => (1, Some(key(KeyCode::Enter))),
            b'\t' => (1, Some(key(KeyCode::Tab))),
            0x7f | 0x08 => (1, Some(key(KeyCode::Backspace))),
            b @ 0x01..=0x1a => (
                1,
                Some(KeyEvent::new(
                    KeyCode::Char(char::from(b'a' + b - 1)),
                    KeyModifiers::CONTROL,
                )),
            ),
            b @ 0x20..=0x7e => (1, Some(key(KeyCode::Char(char::from(b))))),
            b => {
                // UTF-8: as many bytes as the first one says.
                let len = match b {
                    0xc0..=0xdf => 2,
                    0xe0..=0xef => 3,
                    0xf0..=0xf7 => 4,
                    _ => 1,
                };
                if i + len > bytes.len() {
                    return i;
                }
                let c = std::str::from_utf8(&bytes[i..i + len])
                    .ok()
                    .and_then(|s| s.chars().next());
                (len, c.map(|c| key(KeyCode::Char(c))))
            }
        };
        input.keys.extend(typed);
        i += len;
    }
    i
}

/// A CSI sequence that is a key (arrows, paging, Home, End, Delete, Shift-Tab); `None` for the
/// rest, which are the terminal's answers.
fn csi_key(seq: &[u8]) -> Option<KeyEvent> {
    let code = match seq {
        b"\x1b[A" => KeyCode::Up,
        b"\x1b[B" => KeyCode::Down,
        b"\x1b[C" => KeyCode::Right,
        b"\x1b[D" => KeyCode::Left,
        b"\x1b[H" | b"\x1b[1~" => KeyCode::Home,
        b"\x1b[F" | b"\x1b[4~" => KeyCode::End,
        b"\x1b[Z" => KeyCode::BackTab,
        b"\x1b[3~" => KeyCode::Delete,
        b"\x1b[5~" => KeyCode::PageUp,
        b"\x1b[6~" => KeyCode::PageDown,
        _ => return None,
    };
    Some(if code == KeyCode::BackTab {
        KeyEvent::new(code, KeyModifiers::SHIFT)
    } else {
        key(code)
    })
}

/// `ESC O x`: F1 to F4 and arrows in application mode.
fn ss3_key(b: u8) -> Option<KeyEvent> {
    let code = match b {
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        _ => return None,
    };
    Some(key(code))
}

/// The best protocol the answers allow. Pixel graphics need the cell size in pixels.
fn choose(
    answers: &[Response],
    term_program: &str,
    kitty: bool,
    konsole: bool,
) -> Option<ImageSupport> {
    let cell = answers.iter().find_map(|r| match r {
        Response::CellSize(Some((w, h))) => Some((*w, *h)),
        _ => None,
    })?;
    // iTerm2 and WezTerm say who they are, not what they draw; Konsole's sixels are broken.
    let protocol = if ["iTerm.app", "WezTerm"].contains(&term_program) {
        ProtocolType::Iterm2
    } else if kitty {
        ProtocolType::Kitty
    } else if answers.contains(&Response::Sixel) && !konsole {
        ProtocolType::Sixel
    } else {
        return None;
    };
    Some(ImageSupport {
        protocol,
        cell,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(chunks: &[&[u8]]) -> Input {
        let mut parser = Parser::new();
        let mut input = Input::default();
        let mut pending = Vec::new();
        for c in chunks {
            pending.extend_from_slice(c);
            let used = split(&pending, &mut parser, &mut input);
            pending.drain(..used);
        }
        input
    }

    #[test]
    fn keys_typed_while_asking_are_told_from_the_answers_even_when_split_across_reads() {
        let input = sorted(&[
            b"r\x1b[?62;4",
            b";22c\x1b[A\x1b[6;20;10t\x1bOP\x03\xc3",
            b"\xa6\r\x1b[0",
            b"n",
        ]);
        assert!(input.answered);
        assert_eq!(
            input.answers,
            vec![Response::Sixel, Response::CellSize(Some((10, 20)))]
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            input.keys,
            vec![
                key(KeyCode::Char('r')),
                key(KeyCode::Up),
                key(KeyCode::F(1)),
                ctrl_c,
                key(KeyCode::Char('æ')),
                key(KeyCode::Enter),
            ]
        );
        // Esc followed by a key is two keys; no status report, not answered.
        let esc = sorted(&[b"\x1bq"]);
        assert_eq!(esc.keys, vec![key(KeyCode::Esc), key(KeyCode::Char('q'))]);
        assert!(!esc.answered);
    }

    fn answers(answer: &str) -> Vec<Response> {
        let mut p = Parser::new();
        answer.chars().flat_map(|c| p.push(c)).collect()
    }

    #[test]
    fn the_protocol_follows_the_answers_and_the_environment_and_needs_a_cell_size() {
        let sixel = answers("\x1b[?62;4c\x1b[6;20;10t");
        let p = choose(&sixel, "", false, false).unwrap();
        assert_eq!(p.protocol, ProtocolType::Sixel);
        assert_eq!(p.cell, (10, 20));
        assert_eq!(
            choose(&sixel, "", true, false).unwrap().protocol,
            ProtocolType::Kitty
        );
        assert_eq!(
            choose(&sixel, "WezTerm", false, false).unwrap().protocol,
            ProtocolType::Iterm2
        );
        assert!(
            choose(&sixel, "", false, true).is_none(),
            "Konsole's sixels"
        );
        assert!(
            choose(&answers("\x1b[?62;4c"), "", true, false).is_none(),
            "no cell size"
        );
        assert!(choose(&answers("\x1b[?62;22c\x1b[6;20;10t"), "", false, false).is_none());
    }
}
