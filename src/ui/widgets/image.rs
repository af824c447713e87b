//! Images in the terminal: halfblocks everywhere, kitty, sixel or iTerm2 graphics where the
//! terminal said it draws them.
//!
//! ratatui-image's `Picker` is not used: each of its constructors, inside tmux, runs
//! `tmux set -p allow-passthrough on`, changing the operator's tmux setting behind their back.
//! This is the part of it we need, with no environment sniffing.

use ratatui::layout::Size;
use ratatui_image::picker::ProtocolType;
use ratatui_image::protocol::{
    Protocol, halfblocks::Halfblocks, iterm2::Iterm2, kitty::Kitty, sixel::Sixel,
};
use ratatui_image::{FontSize, Resize};

/// How this terminal draws images: the protocol, and a cell's size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSupport {
    pub protocol: ProtocolType,
    pub cell: (u16, u16),
}

impl Default for ImageSupport {
    /// Halfblocks, which any terminal draws. The cell size only sets the proportions: 1:2.
    fn default() -> ImageSupport {
        ImageSupport {
            protocol: ProtocolType::Halfblocks,
            cell: (10, 20),
        }
    }
}

impl ImageSupport {
    /// The image scaled to fit `size` (cells), keeping its proportions, ready to draw.
    pub fn protocol(
        &self,
        image: &image::DynamicImage,
        size: Size,
    ) -> Result<Protocol, ratatui_image::errors::Errors> {
        let font = FontSize::new(self.cell.0, self.cell.1);
        let resize = Resize::Scale(None);
        let area = resize.size_for(image, font, size);
        let image = resize.resize(image, font, area, None);
        Ok(match self.protocol {
            ProtocolType::Halfblocks => Protocol::Halfblocks(Halfblocks::new(image, area)?),
            ProtocolType::Sixel => Protocol::Sixel(Sixel::new(image, area, false)?),
            ProtocolType::Kitty => {
                Protocol::Kitty(Kitty::new(image, area, fastrand::u32(1..), false, false)?)
            }
            ProtocolType::Iterm2 => Protocol::ITerm2(Iterm2::new(image, area, false)?),
        })
    }
}
