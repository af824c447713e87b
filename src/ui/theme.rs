//! A 16-colour theme (safe on any terminal a jump host offers) that honours `NO_COLOR`:
//! without colour, emphasis is carried by bold, reverse and underline only. Each role's colour
//! can be changed in the config's `[theme]`.

use ratatui::style::{Color, Modifier, Style};

/// The colour of each role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub label: Color,
    pub key: Color,
    pub ok: Color,
    pub warn: Color,
    pub danger: Color,
    pub dim: Color,
    pub header: Color,
    pub border: Color,
}

impl Default for Palette {
    /// Only the 16 ANSI colours.
    fn default() -> Self {
        Palette {
            label: Color::Cyan,
            key: Color::Yellow,
            ok: Color::Green,
            warn: Color::Yellow,
            danger: Color::Red,
            dim: Color::DarkGray,
            header: Color::Blue,
            border: Color::Cyan,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Theme {
    pub no_color: bool,
    pub palette: Palette,
}

/// `NO_COLOR` set to anything non-empty turns colour off (no-color.org).
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Theme {
    pub fn from_env() -> Theme {
        Theme {
            no_color: no_color_env(),
            ..Default::default()
        }
    }

    /// The built-in palette with the config's colours; `Err((role, why))` for a bad name.
    pub fn with(
        colours: &crate::config::ThemeColours,
        no_color: bool,
    ) -> Result<Theme, (&'static str, String)> {
        let mut p = Palette::default();
        for (role, value, slot) in [
            ("label", &colours.label, &mut p.label),
            ("key", &colours.key, &mut p.key),
            ("ok", &colours.ok, &mut p.ok),
            ("warn", &colours.warn, &mut p.warn),
            ("danger", &colours.danger, &mut p.danger),
            ("dim", &colours.dim, &mut p.dim),
            ("header", &colours.header, &mut p.header),
            ("border", &colours.border, &mut p.border),
        ] {
            if let Some(v) = value {
                *slot = v.parse::<Color>().map_err(|_| {
                    (
                        role,
                        format!(
                            "{v:?} is not a colour (a name such as lightred, #rrggbb, or 0-255)"
                        ),
                    )
                })?;
            }
        }
        Ok(Theme {
            no_color,
            palette: p,
        })
    }

    fn fg(&self, c: Color) -> Style {
        if self.no_color {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }

    pub fn text(&self) -> Style {
        Style::default()
    }
    pub fn dim(&self) -> Style {
        self.fg(self.palette.dim)
    }
    /// Example text in an empty field: italic too, so that without colour it is still told
    /// apart from what was typed.
    pub fn placeholder(&self) -> Style {
        self.dim().add_modifier(Modifier::ITALIC)
    }
    pub fn label(&self) -> Style {
        self.fg(self.palette.label)
    }
    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.fg(self.palette.key).add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn ok(&self) -> Style {
        self.fg(self.palette.ok)
    }
    pub fn warn(&self) -> Style {
        self.fg(self.palette.warn).add_modifier(Modifier::BOLD)
    }
    /// Risky facts and errors.
    pub fn danger(&self) -> Style {
        self.fg(self.palette.danger).add_modifier(Modifier::BOLD)
    }
    pub fn header(&self) -> Style {
        if self.no_color {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().bg(self.palette.header).fg(Color::White)
        }
    }
    /// The production banner: impossible to miss.
    pub fn production(&self) -> Style {
        if self.no_color {
            Style::default()
                .add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            Style::default()
                .bg(self.palette.danger)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        }
    }
    pub fn border_focused(&self) -> Style {
        self.fg(self.palette.border)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ThemeColours;

    #[test]
    fn config_colours_replace_the_defaults_and_no_color_wins() {
        let c = ThemeColours {
            ok: Some("lightgreen".into()),
            danger: Some("#ff0000".into()),
            ..Default::default()
        };
        let t = Theme::with(&c, false).unwrap();
        assert_eq!(t.ok().fg, Some(Color::LightGreen));
        assert_eq!(t.danger().fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(t.label().fg, Some(Color::Cyan), "the rest stay");
        let plain = Theme::with(&c, true).unwrap();
        assert_eq!(plain.ok().fg, None);
        assert_eq!(plain.danger().fg, None);
        assert!(plain.danger().add_modifier.contains(Modifier::BOLD));
        let bad = ThemeColours {
            warn: Some("puce".into()),
            ..Default::default()
        };
        assert_eq!(Theme::with(&bad, false).unwrap_err().0, "warn");
    }
}
