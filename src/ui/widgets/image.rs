//! Images in the terminal: halfblocks everywhere, kitty, sixel or iTerm2 graphics where the
//! terminal said it draws them.
//!
//! ratatui-image's `Picker` is not used: each of its constructors, inside tmux, runs
//! `tmux set -p allow-passthrough on`, changing the operator's tmux setting behind their back.
//! This is the part of it we need, with no environment sniffing.

use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui_image::picker::ProtocolType;
use ratatui_image::protocol::{
    Protocol, halfblocks::Halfblocks, iterm2::Iterm2, kitty::Kitty, sixel::Sixel,
};
use ratatui_image::{FontSize, Resize};
use std::cell::RefCell;
use std::sync::Arc;

/// How this terminal draws images: the protocol, a cell's size in pixels, and the colours
/// halfblocks may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSupport {
    pub protocol: ProtocolType,
    pub cell: (u16, u16),
    pub colours: Colours,
}

impl Default for ImageSupport {
    /// Halfblocks, which any terminal draws. The cell size only sets the proportions: 1:2.
    fn default() -> ImageSupport {
        ImageSupport {
            protocol: ProtocolType::Halfblocks,
            cell: (10, 20),
            colours: Colours::TrueColour,
        }
    }
}

/// The colours a terminal draws. Halfblocks are coloured cells: sent as 24-bit colour to a
/// terminal that has only 256 or 16, a photo turns into noise or nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colours {
    TrueColour,
    Ansi256,
    Ansi16,
}

impl Colours {
    /// From `COLORTERM` and `TERM`, as terminals announce it. Over SSH `COLORTERM` rarely
    /// travels, so an `xterm-256color` jump host gets 256 colours: safe everywhere it says.
    pub fn from_env(colorterm: &str, term: &str) -> Colours {
        if ["truecolor", "24bit"].contains(&colorterm) || term.ends_with("-direct") {
            Colours::TrueColour
        } else if term.contains("256") {
            Colours::Ansi256
        } else {
            Colours::Ansi16
        }
    }

    /// The nearest colour this terminal has; colours it has already are kept.
    fn fit(self, c: ratatui::style::Color) -> ratatui::style::Color {
        use ratatui::style::Color;
        let Color::Rgb(r, g, b) = c else { return c };
        match self {
            Colours::TrueColour => c,
            Colours::Ansi256 => Color::Indexed(ansi_colours::ansi256_from_rgb((r, g, b))),
            Colours::Ansi16 => {
                let distance = |i: u8| {
                    let (r2, g2, b2) = ansi_colours::rgb_from_ansi256(i);
                    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
                    d(r, r2) + d(g, g2) + d(b, b2)
                };
                Color::Indexed((0..16).min_by_key(|&i| distance(i)).unwrap_or(7))
            }
        }
    }
}

/// The last image encoded, with what it was encoded for.
type Encoded = (Arc<image::DynamicImage>, Size, ImageSupport, Protocol);

thread_local! {
    /// Redrawing the document view (a dialog opening, a key) does not encode its image again.
    /// Holding the image here keeps its address, which is part of the key, from being reused.
    static LAST: RefCell<Option<Encoded>> = const { RefCell::new(None) };
}

impl ImageSupport {
    /// Draws the image scaled to fit `area`, keeping its proportions.
    pub fn draw(
        &self,
        frame: &mut Frame,
        image: &Arc<image::DynamicImage>,
        area: Rect,
    ) -> Result<(), ratatui_image::errors::Errors> {
        LAST.with_borrow_mut(|last| {
            let fresh = last.as_ref().is_some_and(|(i, size, support, _)| {
                Arc::ptr_eq(i, image) && *size == area.as_size() && support == self
            });
            if !fresh {
                let protocol = self.protocol(image, area.as_size())?;
                *last = Some((image.clone(), area.as_size(), *self, protocol));
            }
            if let Some((.., protocol)) = last {
                frame.render_widget(ratatui_image::Image::new(protocol), area);
            }
            if self.protocol == ProtocolType::Halfblocks && self.colours != Colours::TrueColour {
                let buf = frame.buffer_mut();
                for pos in area.positions() {
                    if let Some(cell) = buf.cell_mut(pos) {
                        cell.fg = self.colours.fit(cell.fg);
                        cell.bg = self.colours.fit(cell.bg);
                    }
                }
            }
            Ok(())
        })
    }

    /// The image scaled to fit `size` (cells), keeping its proportions, ready to draw.
    fn protocol(
        &self,
        image: &Arc<image::DynamicImage>,
        size: Size,
    ) -> Result<Protocol, ratatui_image::errors::Errors> {
        let font = FontSize::new(self.cell.0, self.cell.1);
        let resize = Resize::Scale(None);
        let area = resize.size_for(image, font, size);
        let resized = resize.resize(image, font, area, None);
        Ok(match self.protocol {
            ProtocolType::Halfblocks => Protocol::Halfblocks(Halfblocks::new(resized, area)?),
            ProtocolType::Sixel => Protocol::Sixel(Sixel::new(resized, area, false)?),
            ProtocolType::Kitty => {
                // Kitty keeps images by id. One image keeps one id from frame to frame, so its
                // first cell is unchanged and the diff does not send the image again. An id
                // may come back for a later image (a reused address): kitty then replaces
                // what it keeps under that id, as it should.
                let id = (Arc::as_ptr(image) as usize as u32).max(1);
                Protocol::Kitty(Kitty::new(resized, area, id, false, false)?)
            }
            ProtocolType::Iterm2 => Protocol::ITerm2(Iterm2::new(resized, area, false)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::widgets::Widget;

    #[test]
    fn one_image_fills_the_same_cells_every_frame_so_the_diff_sends_it_once() {
        let image = Arc::new(image::DynamicImage::new_rgb8(64, 48));
        let area = Rect::new(0, 0, 12, 6);
        for protocol in [
            ProtocolType::Halfblocks,
            ProtocolType::Sixel,
            ProtocolType::Kitty,
            ProtocolType::Iterm2,
        ] {
            let support = ImageSupport {
                protocol,
                cell: (8, 16),
                ..Default::default()
            };
            let frame = || {
                let p = support.protocol(&image, area.as_size()).unwrap();
                let mut buf = Buffer::empty(area);
                ratatui_image::Image::new(&p).render(area, &mut buf);
                buf
            };
            let first = frame();
            assert_ne!(first, Buffer::empty(area), "{protocol:?} drew nothing");
            assert_eq!(first, frame(), "{protocol:?}");
        }
    }

    #[test]
    fn a_new_image_of_the_same_size_is_drawn_not_the_one_before() {
        let solid = |rgb| {
            Arc::new(image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
                64,
                48,
                image::Rgb(rgb),
            )))
        };
        let (red, blue) = (solid([255, 0, 0]), solid([0, 0, 255]));
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(12, 6)).unwrap();
        let mut shown = |img: &Arc<image::DynamicImage>| {
            term.draw(|f| ImageSupport::default().draw(f, img, f.area()).unwrap())
                .unwrap()
                .buffer
                .clone()
        };
        let first_red = shown(&red);
        let first_blue = shown(&blue);
        assert_ne!(first_red, first_blue);
        assert_eq!(shown(&red), first_red);
        assert_eq!(shown(&blue), first_blue);
    }

    #[test]
    fn the_terminal_s_colours_are_read_from_colorterm_and_term() {
        assert_eq!(Colours::from_env("truecolor", "xterm"), Colours::TrueColour);
        assert_eq!(Colours::from_env("24bit", "screen"), Colours::TrueColour);
        assert_eq!(Colours::from_env("", "xterm-direct"), Colours::TrueColour);
        assert_eq!(Colours::from_env("", "xterm-256color"), Colours::Ansi256);
        assert_eq!(Colours::from_env("", "tmux-256color"), Colours::Ansi256);
        assert_eq!(Colours::from_env("", "xterm"), Colours::Ansi16);
        assert_eq!(Colours::from_env("", "linux"), Colours::Ansi16);
        assert_eq!(Colours::from_env("", ""), Colours::Ansi16);
    }

    #[test]
    fn without_24_bit_colour_a_photo_is_drawn_in_the_terminal_s_own_palette() {
        use ratatui::style::Color;
        // A gradient, so that many colours are asked for.
        let photo = Arc::new(image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(
            64,
            48,
            |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 200]),
        )));
        let drawn = |colours| {
            let mut term =
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(16, 8)).unwrap();
            let support = ImageSupport {
                colours,
                ..Default::default()
            };
            term.draw(|f| support.draw(f, &photo, f.area()).unwrap())
                .unwrap()
                .buffer
                .content
                .iter()
                .flat_map(|c| [c.fg, c.bg])
                .collect::<Vec<_>>()
        };
        let rgb = |c: &Color| matches!(c, Color::Rgb(..));
        assert!(drawn(Colours::TrueColour).iter().any(rgb));
        let in_256 = drawn(Colours::Ansi256);
        assert!(!in_256.iter().any(rgb), "{in_256:?}");
        assert!(
            in_256
                .iter()
                .any(|c| matches!(c, Color::Indexed(i) if *i >= 16))
        );
        let in_16 = drawn(Colours::Ansi16);
        assert!(
            in_16
                .iter()
                .all(|c| matches!(c, Color::Indexed(i) if *i < 16) || *c == Color::Reset),
            "{in_16:?}"
        );
        // The nearest of the sixteen: pure red is red, a dark blue is blue.
        for (rgb, want) in [([255, 0, 0], [1, 9]), ([0, 0, 190], [4, 12])] {
            let c = Colours::Ansi16.fit(Color::Rgb(rgb[0], rgb[1], rgb[2]));
            assert!(
                want.iter().any(|i| c == Color::Indexed(*i)),
                "{rgb:?}: {c:?}"
            );
        }
    }
}
