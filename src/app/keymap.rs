//! The keys actually bound: the registry's defaults with the config's `[keys]` overrides
//! (rebind or unbind any action by its name). Lookup, help and the palette all read this.

use super::registry::{ALL_CONTEXTS, Command, Context, Key, REGISTRY, Spec};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keymap {
    /// Action name → its keys, for the actions the config rebinds (empty: unbound).
    overrides: BTreeMap<&'static str, Vec<Key>>,
}

impl Keymap {
    /// The defaults with `bindings` (action name → keys as written, e.g. `"ctrl-f"`) applied.
    /// An unknown action or key is an error; so is a key two actions share on one screen.
    pub fn with(bindings: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut overrides = BTreeMap::new();
        for (name, keys) in bindings {
            let spec = REGISTRY
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| format!("no action is named {name:?} (see `:` for the names)"))?;
            let keys = keys
                .iter()
                .filter(|k| !k.trim().is_empty())
                .map(|k| parse(k).map_err(|e| format!("{name}: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            overrides.insert(spec.name, keys);
        }
        let map = Keymap { overrides };
        match map.conflicts().first() {
            Some(c) => Err(c.clone()),
            None => Ok(map),
        }
    }

    pub fn keys(&self, spec: &Spec) -> &[Key] {
        self.overrides
            .get(spec.name)
            .map(Vec::as_slice)
            .unwrap_or(spec.keys)
    }

    /// The command a key runs here, if any.
    pub fn lookup(&self, ev: &KeyEvent, ctx: Context) -> Option<Command> {
        REGISTRY
            .iter()
            .filter(|s| ctx.allows(s))
            .find(|s| {
                self.keys(s)
                    .iter()
                    .any(|key| key.matches(ev) && !(ctx.typing && key.types_text()))
            })
            .map(|s| s.command)
    }

    /// The keys of a command, as shown in help and hints: "q, Ctrl-c".
    pub fn label(&self, command: Command) -> String {
        let spec = super::registry::spec(command);
        self.keys(spec)
            .iter()
            .map(Key::label)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Keys that two different actions share on one screen, each worded with both names.
    pub fn conflicts(&self) -> Vec<String> {
        let mut out = Vec::new();
        for ctx in ALL_CONTEXTS {
            let specs: Vec<&Spec> = REGISTRY.iter().filter(|s| ctx.allows(s)).collect();
            for (i, a) in specs.iter().enumerate() {
                for b in &specs[i + 1..] {
                    if a.command == b.command {
                        continue;
                    }
                    for k in self.keys(a) {
                        let line = format!(
                            "the key {} is bound to both {} and {}",
                            k.label(),
                            a.name,
                            b.name
                        );
                        if self.keys(b).contains(k) && !out.contains(&line) {
                            out.push(line);
                        }
                    }
                }
            }
        }
        out
    }
}

/// `a`, `G`, `ctrl-f`, `alt-x`, `f5`, `enter`, `esc`, `tab`, `shift-tab`, `up`, `pgdn`, `space`…
pub fn parse(text: &str) -> Result<Key, String> {
    let t = text.trim();
    let mut mods = KeyModifiers::NONE;
    let mut rest = t;
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(r) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("c-")) {
            mods |= KeyModifiers::CONTROL;
            rest = &rest[rest.len() - r.len()..];
        } else if let Some(r) = lower.strip_prefix("alt-").or(lower.strip_prefix("m-")) {
            mods |= KeyModifiers::ALT;
            rest = &rest[rest.len() - r.len()..];
        } else {
            break;
        }
    }
    let code = match rest.to_ascii_lowercase().as_str() {
        "" => return Err(format!("{t:?} names no key")),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        f if f.len() > 1
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        _ => {
            let mut chars = rest.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => {
                    KeyCode::Char(if mods.contains(KeyModifiers::CONTROL) {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    })
                }
                _ => {
                    return Err(format!(
                        "{t:?} is not a key (try \"x\", \"ctrl-x\", \"f5\", \"enter\")"
                    ));
                }
            }
        }
    };
    Ok(Key { code, mods })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn bind(pairs: &[(&str, &[&str])]) -> Result<Keymap, String> {
        Keymap::with(
            &pairs
                .iter()
                .map(|(n, ks)| (n.to_string(), ks.iter().map(|k| k.to_string()).collect()))
                .collect(),
        )
    }

    #[test]
    fn keys_are_read_as_written_in_the_config() {
        let ctrl_f = parse("Ctrl-F").unwrap();
        assert_eq!(ctrl_f.label(), "Ctrl-f");
        assert_eq!(parse("f5").unwrap().code, KeyCode::F(5));
        assert_eq!(parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(parse("G").unwrap().code, KeyCode::Char('G'));
        assert!(parse("ctrl-").is_err());
        assert!(parse("hyper-x").is_err());
    }

    #[test]
    fn a_rebound_action_answers_its_new_key_and_not_the_old_one() {
        let map = bind(&[("bunq-users", &["ctrl-b"]), ("palette", &[":"])]).unwrap();
        let ctx = super::super::registry::SEARCH_RESULTS;
        let ctrl_b = KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL);
        assert_eq!(map.lookup(&ctrl_b, ctx), Some(Command::BankUsers));
        assert_eq!(
            map.lookup(&press('B'), ctx),
            None,
            "the old key does nothing"
        );
        assert_eq!(map.label(Command::BankUsers), "Ctrl-b");
        assert_eq!(
            map.label(Command::Palette),
            ":",
            "ctrl-p unbound by omission"
        );
        // Unbinding entirely.
        let none = bind(&[("quit", &[])]).unwrap();
        assert_eq!(none.lookup(&press('q'), ctx), None);
    }

    #[test]
    fn a_conflict_names_both_actions_and_bad_names_are_refused() {
        let e = bind(&[("bunq-users", &["u"])]).unwrap_err();
        assert_eq!(e, "the key u is bound to both users and bunq-users");
        assert!(
            bind(&[("fly", &["x"])])
                .unwrap_err()
                .contains("no action is named \"fly\"")
        );
        assert!(
            bind(&[("quit", &["hyper-q"])])
                .unwrap_err()
                .starts_with("quit:")
        );
        assert!(Keymap::default().conflicts().is_empty());
    }
}
